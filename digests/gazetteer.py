"""The country gazetteer: every word or phrase that points at a country, built once from seeds and pycountry.

Sources, in order of precedence when two of them give the same words: the curated rules
(``seeds/gazetteer_rules.json``), the per-country facts (``seeds/gazetteer_countries.json``), pycountry's
state and province names, then pycountry's country names. Each written form is expanded into the
variants news text uses ("St."/"Saint", "S. Korea", accents dropped, hyphen or space, plurals of
demonyms) and into case variants (as written, Title Case, Sentence case, UPPER), so the automaton runs on
the text as written: "us" inside "business" or "Oman" inside "woman" never match, and whether a match
was written in capitals (no case information) is known without looking again.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import pycountry

import seeds
from digests.matcher import PhraseMatcher

# Kinds of term; the tagger gives each kind its weight as evidence.
NAME, DEMONYM, CAPITAL, SEAT, CITY, REGION, CURRENCY, PREFIX, NEUTRAL, CUE = (
    "name", "demonym", "capital", "seat", "city", "region", "currency", "prefix", "neutral", "cue"
)

# Precedence of sources when two give the same written form.
_PYCOUNTRY, _SUBDIVISION, _FACTS, _RULES = 1, 2, 3, 4

# ISO names such as "Taiwan, Province of China" that read wrongly in either order: the curated table
# has the name instead.
_AWKWARD_ISO_TAILS = ("Province of", "Plurinational", "Bolivarian", "Islamic", "United Republic")
_COMPASS = {"North": "N.", "South": "S.", "East": "E.", "West": "W.", "Northern": "N."}
_SUBDIVISION_TYPES = {
    "US": {"State", "District"}, "CA": {"Province", "Territory"}, "AU": {"State", "Territory"},
}
# Subdivision names that are handled by a rule or are also common names, so pycountry's plain reading is
# not used for them.
_SUBDIVISION_SKIP = {"Georgia", "Victoria", "Washington", "Virginia", "Montana"}


@dataclass(frozen=True, slots=True)
class PersonRule:
    """A place name that is also a given name or surname: which neighbours keep it a place."""

    before_ok: frozenset[str]
    after_ok: frozenset[str]
    check_after: bool


@dataclass(frozen=True, slots=True)
class AmbiguityRule:
    """Readings of one word decided by cue terms elsewhere in the article; code "" names no country."""

    readings: tuple[tuple[str, frozenset[int]], ...]
    default: str | None
    default_kind: str


@dataclass(frozen=True, slots=True)
class Term:
    """One way of naming a country, with everything the matcher must check before counting it."""

    text: str
    codes: tuple[str, ...]
    kind: str
    exact: bool = False
    dateline_only: bool = False
    pronoun_risk: bool = False
    person: PersonRule | None = None
    ambiguity: AmbiguityRule | None = None

    @property
    def simple(self) -> bool:
        """Counts wherever it matches, with no check beyond word boundaries."""
        checks = self.dateline_only or self.pronoun_risk or self.person or self.ambiguity
        return bool(self.codes) and not checks


@dataclass(frozen=True)
class Gazetteer:
    terms: tuple[Term, ...]
    matcher: PhraseMatcher  # every written variant of every term
    variants: tuple[tuple[int, bool], ...]  # per matcher phrase: (term index, written in capitals)
    names: Mapping[str, str]  # code -> short common name
    lookup: Mapping[str, str]  # casefolded name, alias or demonym -> code (for what users type)
    qualifiers: Mapping[str, str]  # normalised dateline qualifier ("calif", "n.y") -> code
    place_words: frozenset[str]
    pronoun_words: frozenset[str]
    chat_notes: Mapping[str, tuple[str, str | None]]
    chat_ambiguous: Mapping[str, tuple[str, ...]]
    conflicts: tuple[str, ...] = field(default=(), repr=False)  # same words, same precedence, other codes


def fold(text: str) -> str:
    """Drop accents: "Côte d'Ivoire" -> "Cote d'Ivoire"."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_key(text: str) -> str:
    """How a user-typed name is compared: casefolded, accents and "the" dropped, single spaces."""
    key = " ".join(fold(text).casefold().replace("’", "'").split())
    return key[4:] if key.startswith("the ") else key


def _written_variants(text: str, kind: str) -> set[str]:
    """The ways news text writes one name, before case variants."""
    forms = {text, fold(text)}
    for form in list(forms):
        if "'" in form:
            forms.add(form.replace("'", "’"))
        if "-" in form and kind not in (PREFIX, NEUTRAL):
            forms.add(form.replace("-", " "))
        if " and " in form:
            forms.add(form.replace(" and ", " & "))
        for saint in ("Saint ", "St. ", "St "):
            if form.startswith(saint):
                rest = form[len(saint):]
                forms.update({f"Saint {rest}", f"St. {rest}", f"St {rest}"})
        first, _, rest = form.partition(" ")
        if kind in (NAME, DEMONYM, NEUTRAL) and first in _COMPASS and rest[:1].isupper():
            forms.update({f"{_COMPASS[first]} {rest}", f"{_COMPASS[first]}{rest}"})
    if kind == DEMONYM:
        for form in list(forms):
            if not form.endswith(("s", "sh", "ch", "x", "z", "ese")):
                forms.add(form + "s")
    return forms


def _case_variants(form: str, *, exact: bool, lower_ok: bool) -> Iterator[tuple[str, bool]]:
    """(variant, written in capitals) pairs; a capitals variant carries no evidence from case.

    Lower case is generated only for words that mean the country in lower case too (currencies, cue
    words); "turkey" or "china" in lower case are other words.
    """
    if exact:
        yield form, False
        return
    upper = form.upper()
    variants = {form}
    if not (lower_ok and form[:1].islower()):
        words = form.split(" ")
        variants.add(" ".join(w[:1].upper() + w[1:] for w in words))
        if form[:1].isupper() and len(words) > 1:
            # "Korean peninsula" beside "Korean Peninsula": later words may be written in lower case.
            variants.add(" ".join([words[0], *(w[:1].lower() + w[1:] if w[1:2].islower() else w
                                               for w in words[1:])]))
    yield from ((v, False) for v in variants if v != upper)
    yield upper, form != upper  # "UK" is written in capitals anyway: that says nothing about the line


@dataclass
class _Builder:
    terms: list[Term] = field(default_factory=list)
    # variant -> (term, precedence, written in capitals)
    index: dict[str, tuple[int, int, bool]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)

    def add(self, term: Term, precedence: int, *, lower_ok: bool = False) -> int:
        number = len(self.terms)
        self.terms.append(term)
        for written in _written_variants(term.text, term.kind):
            for variant, upper in _case_variants(written, exact=term.exact, lower_ok=lower_ok):
                held = self.index.get(variant)
                if held is not None and held[1] >= precedence:
                    other = self.terms[held[0]]
                    if held[1] == precedence and other.codes != term.codes and not upper:
                        self.conflicts.append(f"{variant!r}: {other.codes} kept over {term.codes}")
                    continue
                self.index[variant] = (number, precedence, upper)
        return number

    def cue(self, text: str) -> int:
        """The term a cue word stands for, adding a cue-only term when the gazetteer has none."""
        held = self.index.get(text)
        if held is not None:
            return held[0]
        return self.add(Term(text=text, codes=(), kind=CUE), _RULES, lower_ok=text[:1].islower())

    def matcher(self) -> tuple[PhraseMatcher, tuple[tuple[int, bool], ...]]:
        """The matcher over every variant, and what each of its phrases stands for."""
        return PhraseMatcher(self.index), tuple((number, upper) for number, _, upper in self.index.values())


def _pycountry_names(country: Any) -> Iterator[str]:
    """ISO names in the forms text uses: "Korea, Republic of" -> "Republic of Korea"."""
    for attribute in ("name", "common_name", "official_name"):
        name = getattr(country, attribute, None)
        if not name:
            continue
        name = name.split(" (")[0]
        if ", " in name:
            head, _, tail = name.partition(", ")
            if tail.endswith((" of", " of the")) or tail in {"British", "U.S."}:
                yield f"{tail} {head}"
            elif tail.startswith(_AWKWARD_ISO_TAILS):
                continue
            else:
                yield head
        else:
            yield name.removeprefix("the ")


def _lists(entry: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    for field_name, kind in (("aliases", NAME), ("demonyms", DEMONYM), ("capitals", CAPITAL), ("seats", SEAT),
                             ("cities", CITY), ("regions", REGION), ("currencies", CURRENCY)):
        for text in entry.get(field_name, ()):
            yield text, kind


def _qualifier_key(text: str) -> str:
    return text.strip().rstrip(".").casefold()


def build(countries_seed: Mapping[str, Any], rules_seed: Mapping[str, Any]) -> Gazetteer:
    """Build the gazetteer from the two seed documents plus pycountry."""
    builder = _Builder()
    facts: Mapping[str, Mapping[str, Any]] = countries_seed["countries"]
    rules = rules_seed

    # Rules first: their words must win over any plain reading added later.
    place_words = frozenset(rules.get("place_words", ()))
    persons = {text: _person_rule(spec) for text, spec in rules.get("person_names", {}).items()}
    for text, spec in rules.get("person_names", {}).items():
        if "code" in spec:  # the others are ambiguous words, added with their cues below
            term = Term(text=text, codes=(spec["code"],), kind=spec.get("kind", NAME), person=persons[text])
            builder.add(term, _RULES)
    for overlay in rules.get("overlays", ()):
        for text in overlay["terms"]:
            builder.add(Term(text=text, codes=tuple(overlay["codes"]), kind=overlay.get("kind", NAME),
                             exact=bool(overlay.get("exact"))), _RULES)
    for code, texts in rules.get("prefixes", {}).items():
        for text in texts:
            builder.add(Term(text=text, codes=(code,), kind=PREFIX), _RULES)
    for text in rules.get("neutral", ()):
        builder.add(Term(text=text, codes=(), kind=NEUTRAL), _RULES, lower_ok=text[:1].islower())
    for code, texts in rules.get("exact_case", {}).items():
        for text in texts:
            term = Term(text=text, codes=(code,), kind=NAME, exact=True, pronoun_risk=text == "US")
            builder.add(term, _RULES)
    for code, texts in rules.get("dateline_only", {}).items():
        for text in texts:
            builder.add(Term(text=text, codes=(code,), kind=CITY, dateline_only=True), _RULES)

    # Per-country facts.
    for code, entry in facts.items():
        builder.add(Term(text=entry["name"], codes=(code,), kind=NAME), _FACTS)
        for text, kind in _lists(entry):
            builder.add(Term(text=text, codes=(code,), kind=kind), _FACTS, lower_ok=kind == CURRENCY)

    # pycountry: state and province names, then the ISO names themselves.
    for code, types in _SUBDIVISION_TYPES.items():
        for subdivision in _subdivisions(code):
            if subdivision.type in types and subdivision.name not in _SUBDIVISION_SKIP:
                builder.add(Term(text=subdivision.name, codes=(code,), kind=REGION), _SUBDIVISION)
    for country in pycountry.countries:
        for name in _pycountry_names(country):
            builder.add(Term(text=name, codes=(country.alpha_2,), kind=NAME), _PYCOUNTRY)

    # Ambiguous words last, once every cue can be found among the terms already built.
    for text, spec in rules.get("ambiguous", {}).items():
        readings = tuple(
            (code, frozenset(builder.cue(cue) for cue in cues)) for code, cues in spec["readings"].items()
        )
        rule = AmbiguityRule(readings, spec.get("default"), spec.get("default_kind", spec.get("kind", NAME)))
        kind = spec.get("kind", NAME)
        term = Term(text=text, codes=(), kind=kind, ambiguity=rule, person=persons.get(text))
        builder.add(term, _RULES + 1)

    matcher, variants = builder.matcher()
    return Gazetteer(
        terms=tuple(builder.terms),
        matcher=matcher,
        variants=variants,
        names=_display_names(facts),
        lookup=_lookup(builder, facts),
        qualifiers=_qualifiers(rules, facts),
        place_words=place_words,
        pronoun_words=frozenset(rules.get("pronoun_before_us", ())),
        chat_notes={key: (s["code"], s.get("note")) for key, s in rules.get("chat_notes", {}).items()},
        chat_ambiguous={key: tuple(codes) for key, codes in rules.get("chat_ambiguous", {}).items()},
        conflicts=tuple(builder.conflicts),
    )


def _subdivisions(code: str) -> list[Any]:
    return [s for s in pycountry.subdivisions if s.country_code == code]


def _person_rule(spec: Mapping[str, Any]) -> PersonRule:
    return PersonRule(frozenset(spec.get("before_ok", ())), frozenset(spec.get("after_ok", ())),
                      bool(spec.get("after", True)))


def _display_names(facts: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    names = {c.alpha_2: getattr(c, "common_name", None) or c.name for c in pycountry.countries}
    names.update({code: entry["name"] for code, entry in facts.items()})
    return names


def _lookup(builder: _Builder, facts: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    """Names, aliases and demonyms a user may type, casefolded; the first (most specific) source wins."""
    lookup: dict[str, str] = {}
    for term in builder.terms:
        if len(term.codes) == 1 and term.kind in (NAME, DEMONYM) and not term.person:
            for written in _written_variants(term.text, term.kind):
                lookup.setdefault(normalise_key(written), term.codes[0])
    for code, entry in facts.items():
        lookup[normalise_key(entry["name"])] = code
    return lookup


def _qualifiers(rules: Mapping[str, Any], facts: Mapping[str, Mapping[str, Any]]) -> dict[str, str]:
    table: dict[str, str] = {}
    for code, types in _SUBDIVISION_TYPES.items():
        for subdivision in _subdivisions(code):
            if subdivision.type in types and subdivision.name != "Georgia":  # Georgia needs its cues
                table[_qualifier_key(subdivision.name)] = code
    for code, texts in rules.get("dateline_qualifiers", {}).items():
        for text in texts:
            table[_qualifier_key(text)] = code
    return table


def qualifier_key(text: str) -> str:
    """How a dateline qualifier ("Calif.", "N.Y.", "Ont") is looked up."""
    return _qualifier_key(text)


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer built from the shipped seeds, once per process."""
    return build(seeds.load_json("gazetteer_countries.json"), seeds.load_json("gazetteer_rules.json"))

