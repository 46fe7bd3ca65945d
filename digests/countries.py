"""Which countries an article mentions, how salient each is, and which ones it is about.

Matching runs the gazetteer's Aho-Corasick automaton over the text as written (longest match first, on
word boundaries). Most terms count as soon as they match; a few need a look around first:

- exact-case abbreviations ("US" is not "us"; in an all-capitals line "LET US" is the pronoun),
- names that are also people ("Michael Jordan", "Jordan Peterson", "Chad Smith"): decided by the
  capitalised words beside them, and for the whole article once one mention is clearly a person,
- words with several readings (Georgia the state or the country, Turkey or turkey, Congo): decided by
  cue words elsewhere in the same article,
- city names that are also common names ("Cleveland", "Troy"): counted only in a dateline.

Salience combines where a country is named (headline, dateline, lead paragraph) with how often.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import pycountry

from digests.gazetteer import (
    CAPITAL,
    CITY,
    CURRENCY,
    DEMONYM,
    NAME,
    PREFIX,
    REGION,
    SEAT,
    Gazetteer,
    Term,
    default_gazetteer,
    normalise_key,
    qualifier_key,
)

__all__ = [
    "AmbiguousCountry",
    "CountryChoice",
    "CountryTagger",
    "Salience",
    "UnknownCountry",
    "all_country_codes",
    "country_name",
    "country_suggestions",
    "flag",
    "resolve_country",
    "split_dateline",
]

# How much one mention of each kind of term says about a country (a capital stands for its government; a
# city or a currency is often named in stories about somewhere else). Tuned with the Salience weights.
KIND_WEIGHTS: Mapping[str, float] = {
    NAME: 1.0, DEMONYM: 1.0, CAPITAL: 1.0, SEAT: 0.8, CITY: 0.6, REGION: 0.5, CURRENCY: 0.2, PREFIX: 0.7,
}

_TITLE, _LEAD, _BODY, _DATELINE = 0, 1, 2, 3
_PERSON, _PLACE, _BARE = 0, 1, 2

_LOWER = re.compile(r"[a-z]")
_PREVIOUS_TOKEN = re.compile(r"(?:^|(?<=\s))(\S+) $")
_NEXT_TOKEN = re.compile(r" (\S+)")
_SENTENCE_END = re.compile(r"(?:^|[.!?:\"“”]\s*|\n\s*)$")
# Words that read as adjectives when they open a sentence ("Landlocked Chad", "Neighbouring Jordan").
_ADJECTIVE_ENDINGS = ("ed", "ing", "ful", "ous", "al", "ic", "ian", "ish", "ese", "ly", "less", "ive", "ern")
_TRAILING_PUNCTUATION = ",;:)]}\"”’'"

# A wire dateline at the start of a lead: "SEOUL, Feb 26 -", "TOKYO (Reuters) -", "ARMONK, N.Y., March 3 -".
_WIRE_DATELINE = re.compile(
    r"^\s*(?P<dateline>[A-Z][A-Z.'’\- ]{1,40}(?:,\s*[A-Z][A-Za-z.' ]{1,30}){0,2}?"
    r"(?:,\s*(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}))?"
    r"\s*(?:\([A-Za-z .]{2,30}\))?)\s*[-–—]{1,2}\s+(?=\S)"
)
_DATE_PART = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d|^\d{1,2}\s+[a-z]{3}|\breuters?\b",
    re.IGNORECASE,
)
_PARENTHESIS = re.compile(r"\([^)]*\)")
# "ANGLETON, Tex. March 3": a date written without the comma before it.
_TRAILING_DATE = re.compile(
    r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s*\d{1,2}$", re.IGNORECASE
)


@dataclass(frozen=True, slots=True)
class Salience:
    """How mentions add up to a salience in [0, 1], and the rule for what an article is about.

    Evidence E = title·(best headline mention) + dateline + lead·min(lead mentions, lead_cap)
    + body·log(1 + later mentions), each mention weighted by its kind; salience = 1 − exp(−E). A
    headline mention alone is not enough while the body names other countries (a headline "JAPAN FUND"
    names a company), but when nothing else in the article names a country, the headline is all there
    is and counts ``title_alone`` instead. A country is one the article is *about* when its salience
    reaches ``threshold`` and ``relative`` × the top salience. Weights were tuned on half of the
    Reuters-21578 training articles and confirmed on the other half.
    """

    title: float = 1.0
    dateline: float = 1.3
    lead: float = 0.4
    lead_cap: float = 2.0
    body: float = 0.75
    threshold: float = 0.7
    relative: float = 0.3
    title_alone: float = 2.0

    def score(self, title: float, lead: float, body: float, dateline: float) -> float:
        evidence = (self.title * title + self.dateline * dateline + self.lead * min(lead, self.lead_cap)
                    + self.body * math.log1p(body))
        return 1.0 - math.exp(-evidence)

    def scores(self, evidence: Mapping[str, Sequence[float]]) -> dict[str, float]:
        """Salience of every country; when only the headline names countries, it is all there is to go on."""
        if any(slot[1] or slot[2] or slot[3] for slot in evidence.values()):
            return {code: self.score(*slot) for code, slot in evidence.items()}
        return {code: 1.0 - math.exp(-self.title_alone * slot[0]) for code, slot in evidence.items()}


def split_dateline(paragraph: str) -> tuple[str | None, str]:
    """("SEOUL, Feb 26", rest of the lead) when a lead opens with a wire dateline, else (None, paragraph)."""
    match = _WIRE_DATELINE.match(paragraph[:120])
    if not match:
        return None, paragraph
    return match["dateline"].strip(), paragraph[match.end():]


@lru_cache(maxsize=4096)  # wire datelines repeat ("NEW YORK, March 3 -"): parse each once
def _dateline_parts(dateline: str) -> tuple[str, ...]:
    """The place and its qualifiers: "SAN MATEO, Calif., March 2 -" -> ["SAN MATEO", "Calif."]."""
    text = _PARENTHESIS.sub(" ", dateline).strip().rstrip("-–— ").strip()
    parts = [_TRAILING_DATE.sub("", p).strip() for p in text.split(",")]
    return tuple(p for p in parts if p and not _DATE_PART.search(p) and not p[:1].isdigit())


def _title_is_caseless(title: str) -> bool:
    """True when a headline's case says nothing: all capitals, or Title Case for most words."""
    if not _LOWER.search(title):
        return True
    words = [w for w in title.split() if len(w) > 3 and w[:1].isalpha()]
    return len(words) >= 3 and sum(w[:1].isupper() for w in words) >= 0.7 * len(words)


class CountryTagger:
    """Finds countries in an article and ranks them by salience. Build once (see ``default``), reuse."""

    def __init__(self, gazetteer: Gazetteer, salience: Salience | None = None) -> None:
        self.gazetteer = gazetteer
        self.salience = salience or Salience()
        self._matcher = gazetteer.matcher
        self._variants = gazetteer.variants
        self._terms = gazetteer.terms
        self._codes = tuple(term.codes for term in gazetteer.terms)
        self._weights = tuple(KIND_WEIGHTS.get(term.kind, 0.0) for term in gazetteer.terms)
        self._simple = tuple(term.simple for term in gazetteer.terms)
        self._checks_end = tuple(term.text[-1:].isalnum() for term in gazetteer.terms)

    @classmethod
    def default(cls) -> CountryTagger:
        """The tagger built from the shipped seeds, once per process."""
        return _default_tagger()

    # -- public -----------------------------------------------------------------------------------------

    def scores(
        self, *, title: str, dateline: str | None = None, paragraphs: Sequence[str] = ()
    ) -> dict[str, float]:
        """Every country mentioned -> salience in [0, 1]."""
        return self.salience.scores(self.evidence(title=title, dateline=dateline, paragraphs=paragraphs))

    def evidence(
        self, *, title: str, dateline: str | None = None, paragraphs: Sequence[str] = ()
    ) -> dict[str, list[float]]:
        """Country -> [headline, lead, later paragraphs, dateline] weight of its mentions, before salience."""
        evidence: dict[str, list[float]] = {}
        seen: set[int] = set()
        deferred: list[tuple[int, int, int, int, str, bool]] = []
        paragraphs = [p for p in paragraphs if isinstance(p, str) and p and not p.isspace()]
        if dateline is None and paragraphs:
            dateline, lead = split_dateline(paragraphs[0])
            paragraphs[0] = lead
        if title:
            self._scan(title, _TITLE, 0, evidence, seen, deferred, caseless=_title_is_caseless(title))
        if paragraphs:
            body = "\n".join(paragraphs)
            self._scan(body, _BODY, len(paragraphs[0]), evidence, seen, deferred, caseless=False)
        if dateline:
            self._dateline(dateline, evidence, seen, deferred)
        if deferred:
            self._resolve(deferred, evidence, seen)
        return evidence

    def about(self, scores: Mapping[str, float]) -> tuple[str, ...]:
        """The countries an article is about, most salient first (ties by code)."""
        if not scores:
            return ()
        top = max(scores.values())
        floor = max(self.salience.threshold, self.salience.relative * top)
        ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
        return tuple(code for code, value in ranked if value >= floor)

    def mentions(self, text: str) -> dict[str, int]:
        """Countries named in one piece of text, with how many times (a simpler view, for tools and tests)."""
        evidence: dict[str, list[float]] = {}
        seen: set[int] = set()
        deferred: list[tuple[int, int, int, int, str, bool]] = []
        counts: dict[str, int] = {}
        self._scan(text, _BODY, 0, evidence, seen, deferred, caseless=not _LOWER.search(text), counts=counts)
        if deferred:
            self._resolve(deferred, evidence, seen, counts=counts)
        return counts

    # -- matching ---------------------------------------------------------------------------------------

    def _scan(
        self,
        text: str,
        section: int,
        lead_end: int,
        evidence: dict[str, list[float]],
        seen: set[int],
        deferred: list[tuple[int, int, int, int, str, bool]],
        *,
        caseless: bool,
        counts: dict[str, int] | None = None,
    ) -> None:
        codes, weights, simple, checks_end = self._codes, self._weights, self._simple, self._checks_end
        variants, length_of_text = self._variants, len(text)
        for variant, start, end in self._matcher.find(text):
            number, upper = variants[variant]
            if start and text[start - 1].isalnum():
                continue
            if end < length_of_text and checks_end[number] and text[end].isalnum():
                continue
            if upper and (_LOWER.search(text, max(0, start - 12), start)
                          or _LOWER.search(text, end, end + 12)):
                continue  # capitals inside mixed-case text make an acronym: "GAO" is not Gao, Mali
            seen.add(number)
            where = section if section != _BODY or start >= lead_end else _LEAD
            if simple[number]:
                weight = weights[number]
                for code in codes[number]:
                    slot = evidence.get(code)
                    if slot is None:
                        slot = evidence[code] = [0.0, 0.0, 0.0, 0.0]
                    if where == _TITLE:
                        slot[_TITLE] = max(slot[_TITLE], weight)
                    else:
                        slot[where] += weight
                    if counts is not None:
                        counts[code] = counts.get(code, 0) + 1
            elif codes[number] or self._terms[number].ambiguity:
                deferred.append((number, where, start, end, text, caseless or upper))

    def _dateline(
        self,
        dateline: str,
        evidence: dict[str, list[float]],
        seen: set[int],
        deferred: list[tuple[int, int, int, int, str, bool]],
    ) -> None:
        """The dateline's country: a state or province qualifier first, else the last place named."""
        parts = _dateline_parts(dateline)
        for qualifier in reversed(parts[1:]):
            code = self.gazetteer.qualifiers.get(qualifier_key(qualifier))
            if code:
                self._add(evidence, (code,), _DATELINE, 1.0)
                return
        text = ", ".join(parts)
        found: list[int] = []
        for variant, start, end in self._matcher.find(text):
            number = self._variants[variant][0]
            if start and text[start - 1].isalnum():
                continue
            if end < len(text) and self._checks_end[number] and text[end].isalnum():
                continue
            seen.add(number)
            term = self._terms[number]
            if term.ambiguity:
                deferred.append((number, _DATELINE, start, end, text, True))
            elif term.codes:
                found.append(number)
        if found:  # "HANOVER, West Germany": the qualifier, written last, is the surer of the two
            self._add(evidence, self._codes[found[-1]], _DATELINE, 1.0)

    @staticmethod
    def _add(evidence: dict[str, list[float]], codes: tuple[str, ...], where: int, weight: float) -> None:
        for code in codes:
            slot = evidence.setdefault(code, [0.0, 0.0, 0.0, 0.0])
            if where in (_TITLE, _DATELINE):
                slot[where] = max(slot[where], weight)
            else:
                slot[where] += weight

    # -- terms that needed a look around ----------------------------------------------------------------

    def _resolve(
        self,
        deferred: list[tuple[int, int, int, int, str, bool]],
        evidence: dict[str, list[float]],
        seen: set[int],
        counts: dict[str, int] | None = None,
    ) -> None:
        plain = set(evidence)  # countries with evidence from terms that needed no look around
        readings: dict[int, list[tuple[int, int]]] = {}  # person-prone term -> (reading, where)
        for number, where, start, end, text, caseless in deferred:
            term = self._terms[number]
            if term.dateline_only and where != _DATELINE:
                continue
            if term.pronoun_risk and self._is_pronoun(text, start, end):
                continue
            if term.person and where != _DATELINE:
                reading = _BARE if caseless else self._person_reading(term, text, start, end)
                readings.setdefault(number, []).append((reading, where))
                continue
            self._count(term, number, where, evidence, seen, counts)
        for number, found in readings.items():
            term = self._terms[number]
            persons = sum(1 for reading, _ in found if reading == _PERSON)
            places = sum(1 for reading, _ in found if reading == _PLACE)
            codes = term.codes or ()
            if persons and not places and not plain.intersection(codes):
                continue  # "Michael Jordan ... Jordan scored": every mention is the person
            for reading, where in found:
                if reading != _PERSON:
                    self._count(term, number, where, evidence, seen, counts)

    def _count(
        self,
        term: Term,
        number: int,
        where: int,
        evidence: dict[str, list[float]],
        seen: set[int],
        counts: dict[str, int] | None,
    ) -> None:
        codes = self._codes[number]
        weight = self._weights[number]
        if term.ambiguity:
            code, kind = self._reading(term, seen)
            if not code:
                return
            codes, weight = (code,), KIND_WEIGHTS.get(kind, 0.0)
        self._add(evidence, codes, where, 1.0 if where == _DATELINE else weight)
        if counts is not None:
            for code in codes:
                counts[code] = counts.get(code, 0) + 1

    @staticmethod
    def _reading(term: Term, seen: set[int]) -> tuple[str | None, str]:
        """The reading of an ambiguous word with the most cues in the article; the default on a tie."""
        rule = term.ambiguity
        assert rule is not None
        tallies = sorted(((len(cues & seen), code) for code, cues in rule.readings), reverse=True)
        if tallies and tallies[0][0] > 0 and (len(tallies) == 1 or tallies[0][0] > tallies[1][0]):
            return tallies[0][1] or None, term.kind
        return rule.default, rule.default_kind

    def _is_pronoun(self, text: str, start: int, end: int) -> bool:
        """'US' in an all-capitals line after LET, JOIN, TELL ... is the pronoun."""
        if _LOWER.search(text, max(0, start - 30), start) or _LOWER.search(text, end, end + 30):
            return False
        before = _PREVIOUS_TOKEN.search(text, max(0, start - 20), start)
        return bool(before and before.group(1) in self.gazetteer.pronoun_words)

    def _person_reading(self, term: Term, text: str, start: int, end: int) -> int:
        """_PERSON when a capitalised name stands beside the word, _PLACE when a place word does."""
        rule = term.person
        assert rule is not None
        place_words = self.gazetteer.place_words
        before = _PREVIOUS_TOKEN.search(text, max(0, start - 40), start)
        if before:
            word = before.group(1)
            if word[-1:] not in _TRAILING_PUNCTUATION and word[:1].isupper():
                if word in place_words or word in rule.before_ok:
                    return _PLACE
                opens_sentence = bool(_SENTENCE_END.search(text, max(0, before.start() - 3), before.start()))
                if not (opens_sentence and ("-" in word or word.lower().endswith(_ADJECTIVE_ENDINGS))):
                    return _PERSON
        if rule.check_after:
            after = _NEXT_TOKEN.match(text, end)
            if after:
                word = after.group(1).rstrip(_TRAILING_PUNCTUATION + ".")
                if word[:1].isupper() and word.isalpha():
                    if word in place_words or word in rule.after_ok:
                        return _PLACE
                    return _PERSON
        return _BARE


@cache
def _default_tagger() -> CountryTagger:
    return CountryTagger(default_gazetteer())


# ---------------------------------------------------------------------------------------------------
# Names, flags and what users type


@dataclass(frozen=True, slots=True)
class CountryChoice:
    """One country as shown to a user; ``note`` says how an unclear argument was read."""

    code: str
    name: str
    note: str | None = None


_HOW_TO_TYPE = "type a country name or its two-letter code, e.g. Japan or JP"


class UnknownCountry(ValueError):
    """No country by that name or code; ``suggestions`` are close names to offer instead."""

    def __init__(self, text: str, suggestions: Sequence[str] = ()) -> None:
        self.text = text
        self.suggestions = tuple(suggestions)
        if not text.strip():
            message = f"no country given: {_HOW_TO_TYPE}"
        elif self.suggestions:
            message = f"unknown country {text.strip()!r}: did you mean {_or_list(self.suggestions)}?"
        else:
            message = f"unknown country {text.strip()!r}: {_HOW_TO_TYPE}"
        super().__init__(message)


class AmbiguousCountry(ValueError):
    """The name fits several countries; ``choices`` lists them so the user can pick one."""

    def __init__(self, text: str, choices: Sequence[CountryChoice]) -> None:
        self.text = text
        self.choices = tuple(choices)
        listed = _or_list([f"{c.name} ({c.code})" for c in self.choices])
        super().__init__(f"{text.strip()!r} could mean {listed}: type the name or code of the one you mean")


def _or_list(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " or " + items[-1]


@cache
def all_country_codes() -> frozenset[str]:
    """Every code the engine can tag: ISO 3166-1 alpha-2 plus Kosovo's user-assigned XK."""
    return frozenset(default_gazetteer().names)


def _checked_code(code: str) -> str:
    if not isinstance(code, str):
        raise TypeError(f"a country code must be a str, got {type(code).__name__}")
    upper = code.strip().upper()
    if upper not in all_country_codes():
        raise ValueError(f"unknown country code {code!r}: expected an ISO 3166-1 alpha-2 code such as KR")
    return upper


def country_name(code: str) -> str:
    """The short common name: "KR" -> "South Korea"; raises ValueError for an unknown code."""
    return default_gazetteer().names[_checked_code(code)]


def flag(code: str) -> str:
    """The flag emoji: "KR" -> "🇰🇷" (two regional indicator letters); ValueError for an unknown code."""
    checked = _checked_code(code)
    return "".join(chr(0x1F1E6 + ord(letter) - ord("A")) for letter in checked)


def _choice(code: str, note: str | None = None) -> CountryChoice:
    return CountryChoice(code=code, name=country_name(code), note=note)


@cache
def _typed_names() -> dict[str, str]:
    """Everything a user may type for a country -> code: names, aliases, demonyms, ISO names."""
    gazetteer = default_gazetteer()
    names = dict(gazetteer.lookup)
    for country in pycountry.countries:
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.setdefault(normalise_key(value), country.alpha_2)
        names.setdefault(country.alpha_3.casefold(), country.alpha_2)
    for code, name in gazetteer.names.items():
        names[normalise_key(name)] = code
    names.update({"uk": "GB", "britain": "GB", "great britain": "GB", "usa": "US", "us": "US", "u.s.": "US",
                  "u.s.a.": "US", "u.k.": "GB", "america": "US", "united states of america": "US"})
    return names


def resolve_country(text: str) -> CountryChoice:
    """One user-typed country ("KR", "south korea", "japanese", "UK") -> the country, with a note if unclear.

    Raises ``AmbiguousCountry`` when the words fit several countries ("congo") and ``UnknownCountry``
    (with up to three close suggestions) when they fit none.
    """
    if not isinstance(text, str):
        raise UnknownCountry(str(text))
    key = normalise_key(text.strip().strip(".,;:!?\"'"))
    gazetteer = default_gazetteer()
    if not key:
        raise UnknownCountry(text)
    if key in gazetteer.chat_ambiguous:
        raise AmbiguousCountry(text, [_choice(code) for code in gazetteer.chat_ambiguous[key]])
    if key in gazetteer.chat_notes:
        code, note = gazetteer.chat_notes[key]
        return _choice(code, note)
    if len(key) == 2 and key.isalpha() and key.upper() in all_country_codes():
        return _choice(key.upper())
    names = _typed_names()
    if key in names:
        return _choice(names[key])
    if key.endswith("s") and key[:-1] in names:  # "koreans", "japaneses" typed by mistake
        return _choice(names[key[:-1]])
    close = difflib.get_close_matches(key, list(names), n=12, cutoff=0.75)
    suggestions: list[str] = []
    for candidate in close:
        name = country_name(names[candidate])
        if name not in suggestions:
            suggestions.append(name)
    raise UnknownCountry(text, suggestions[:3])


def country_suggestions(prefix: str, limit: int = 25) -> list[CountryChoice]:
    """Countries for autocomplete: names starting with ``prefix`` first, then names containing it."""
    if limit <= 0:
        return []
    key = normalise_key(prefix or "")
    gazetteer = default_gazetteer()
    names = gazetteer.names
    if not key:
        return [_choice(code) for code in sorted(names, key=lambda c: names[c])[:limit]]
    ranked: dict[str, tuple[int, str]] = {}

    def offer(code: str, rank: int) -> None:
        held = ranked.get(code)
        if held is None or rank < held[0]:
            ranked[code] = (rank, names[code])

    if len(key) == 2 and key.upper() in names:
        offer(key.upper(), 0)
    for code, name in names.items():
        folded = normalise_key(name)
        if folded.startswith(key):
            offer(code, 1)
        elif any(word.startswith(key) for word in folded.split()):
            offer(code, 2)
    for typed, code in _typed_names().items():
        if typed.startswith(key):
            offer(code, 3)
        elif len(key) >= 3 and key in typed:
            offer(code, 4)
    ordered = sorted(ranked.items(), key=lambda item: item[1])
    return [_choice(code) for code, _ in ordered[:limit]]
