"""Topics: a built-in taxonomy (the 17 IPTC Media Topics with finer topics under them) and keyword scoring.

Every topic's terms go into one Aho-Corasick automaton over text written as digests.topic_text writes it
(whole words only); its leftmost-longest matching lets "trade war" win over "war" and lets ``ignore``
phrases ("price war", "at stake") swallow words that would otherwise mislead. Each term carries a weight
(strong 2, keyword 1, weak 0.4, a bonus for phrases, shared by the unrelated topics using the same term);
digests.topic_scoring turns the matches of a batch of articles into scores and picked topics.

Custom topics (digests.custom_topics: admins' own keywords and exclusions) join the same automaton through
``with_custom``.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from digests.custom_topics import CustomTopic
from digests.matcher import PhraseMatcher
from digests.topic_scoring import (
    BODY_WEIGHT,
    PICK_RELATIVE,
    PICK_THRESHOLD,
    Matches,
    Places,
    TopicTags,
    WeightTables,
)
from digests.topic_text import PLACE_MARK, SLUG, normalise, patterns, words_of

__all__ = [
    "CustomTopic",
    "Topic",
    "TopicTagger",
    "all_topics",
    "expand",
    "resolve_topic",
    "topic",
]

TIER_WEIGHTS = {"strong": 2.0, "keywords": 1.0, "weak": 0.4}
# A body longer than this many characters counts less per mention: incidental words pile up in long texts.
BODY_REFERENCE_CHARS = 2500
# An admin's keyword names exactly what they mean: once in the headline or the lead, or three times in
# the body, is enough for the custom topic to be picked.
CUSTOM_WEIGHT = 4.0
LEAD_MIN_WORDS = 20  # a shorter first paragraph (a standfirst, a dateline line) shares the lead with the next

def _best_first(item: tuple[str, float]) -> tuple[float, str]:
    return (-item[1], item[0])


@dataclass(frozen=True)
class Topic:
    """A topic of the taxonomy: ``parent`` is None for a top-level (or custom) topic."""

    slug: str
    name: str
    parent: str | None
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()


# --- the taxonomy ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Spec:
    """A topic with its weighted terms, as the tagger uses it."""

    topic: Topic
    terms: tuple[tuple[str, float], ...]


class TaxonomyError(ValueError):
    """seeds/topics.json is malformed: says where."""


def _load_taxonomy(data: Mapping[str, Any]) -> tuple[tuple[_Spec, ...], tuple[str, ...]]:
    if not isinstance(data, Mapping) or not isinstance(data.get("topics"), list):
        raise TaxonomyError("topics.json: expected an object with a 'topics' list")
    specs: list[_Spec] = []
    seen: dict[str, dict[str, Any]] = {}
    for position, entry in enumerate(data["topics"]):
        where = f"topics.json: topic #{position + 1}"
        if not isinstance(entry, dict):
            raise TaxonomyError(f"{where}: expected an object")
        slug, name, parent = entry.get("slug"), entry.get("name"), entry.get("parent")
        if not isinstance(slug, str) or not SLUG.match(slug):
            raise TaxonomyError(f"{where}: bad slug {slug!r}")
        where = f"topics.json: topic {slug!r}"
        if slug in seen:
            raise TaxonomyError(f"{where}: defined twice")
        if not isinstance(name, str) or not name.strip():
            raise TaxonomyError(f"{where}: needs a display name")
        if parent is not None and (parent not in seen or seen[parent].get("parent") is not None):
            raise TaxonomyError(f"{where}: parent {parent!r} must be a top-level topic defined before it")
        terms: list[tuple[str, float]] = []
        for tier, weight in TIER_WEIGHTS.items():
            listed = entry.get(tier, [])
            if not isinstance(listed, list) or not all(isinstance(t, str) and words_of(t.rstrip("*"))
                                                        for t in listed):
                raise TaxonomyError(f"{where}: {tier!r} must be a list of words or phrases")
            terms.extend((term, weight) for term in listed)
        exclude = entry.get("exclude", [])
        if not isinstance(exclude, list) or not all(isinstance(t, str) for t in exclude):
            raise TaxonomyError(f"{where}: 'exclude' must be a list of words or phrases")
        if not terms:
            raise TaxonomyError(f"{where}: has no terms")
        seen[slug] = entry
        keywords = tuple(dict.fromkeys(term for term, _ in terms))
        specs.append(_Spec(Topic(slug, name.strip(), parent, keywords, tuple(exclude)), tuple(terms)))
    ignore = data.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(t, str) for t in ignore):
        raise TaxonomyError("topics.json: 'ignore' must be a list of phrases")
    return tuple(specs), tuple(ignore)


@cache
def _builtin() -> tuple[tuple[_Spec, ...], tuple[str, ...]]:
    text = resources.files("seeds").joinpath("topics.json").read_text(encoding="utf-8")
    return _load_taxonomy(json.loads(text))


def all_topics() -> tuple[Topic, ...]:
    """The built-in topics, each top-level topic followed by its finer topics."""
    return tuple(spec.topic for spec in _builtin()[0])


@cache
def _by_slug() -> dict[str, Topic]:
    return {t.slug: t for t in all_topics()}


@cache
def _children() -> dict[str, frozenset[str]]:
    children: dict[str, set[str]] = {}
    for t in all_topics():
        if t.parent:
            children.setdefault(t.parent, set()).add(t.slug)
    return {parent: frozenset(slugs) for parent, slugs in children.items()}


def topic(slug: str) -> Topic:
    """The built-in topic ``slug``; a KeyError that suggests the closest slugs otherwise."""
    found = _by_slug().get(slug) if isinstance(slug, str) else None
    if found is None:
        close = difflib.get_close_matches(str(slug), list(_by_slug()), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"unknown topic {slug!r}{hint}")
    return found


def expand(slugs: Iterable[str]) -> frozenset[str]:
    """The slugs plus the finer topics of any top-level slug among them; unknown (custom) slugs stay."""
    items: Iterable[object] = (slugs,) if isinstance(slugs, str) else slugs  # objects: checked one by one
    expanded: set[str] = set()
    for slug in items:
        if not isinstance(slug, str):
            raise TypeError(f"topic slugs must be strings, got {type(slug).__name__}")
        expanded.add(slug)
        expanded.update(_children().get(slug, ()))
    return frozenset(expanded)


def resolve_topic(text: str) -> Topic | None:
    """The built-in topic a person most likely means by ``text``: a slug, a name or one of its terms."""
    return TopicTagger.default().resolve(text)


# --- the tagger ------------------------------------------------------------------------------------


def _slugify(text: str) -> str:
    return "-".join(words_of(text))


def _places(title: object, paragraphs: object) -> tuple[str, Places]:
    """The normalised text of title, lead and body, where the lead and body start, the body's weight.

    Takes objects and checks them itself, so a compiled build (mypyc) explains bad input the same way.
    """
    if not isinstance(title, str) or isinstance(paragraphs, str) or not isinstance(paragraphs, Iterable):
        raise TypeError("scores() takes a title string and a sequence of paragraph strings")
    try:
        # isspace() rather than strip(): no copy of each paragraph just to test it
        parts: list[str] = [p for p in paragraphs if not p.isspace() and p]
    except (AttributeError, TypeError):
        raise TypeError("paragraphs must be a sequence of strings") from None
    lead_size = 2 if len(parts) > 1 and parts[0].count(" ") < LEAD_MIN_WORDS else 1
    body = "\n".join(parts[lead_size:])
    # One normalisation for the three places; the marker between them matches no term.
    joined = f"{title} {PLACE_MARK} {chr(10).join(parts[:lead_size])} {PLACE_MARK} {body}"
    if joined.count(PLACE_MARK) != 2:  # the input held the marker itself
        joined = PLACE_MARK.join(piece.replace(PLACE_MARK, " ") for piece in
                                  (f"{title} ", f" {chr(10).join(parts[:lead_size])} ", f" {body}"))
    text = normalise(joined)
    lead_start = text.index(PLACE_MARK) + 1
    body_start = text.index(PLACE_MARK, lead_start) + 1
    body_weight = BODY_WEIGHT * min(1.0, math.sqrt(BODY_REFERENCE_CHARS / max(1, len(body))))
    return text, Places(lead_start, body_start, body_weight)


class TopicTagger:
    """Scores articles against a taxonomy (built-in, plus any custom topics) with one automaton."""

    def __init__(self, specs: Sequence[_Spec], ignore: Sequence[str] = (),
                 custom: Sequence[CustomTopic] = ()) -> None:
        all_specs = list(specs)
        for extra in custom:
            terms = tuple((term, CUSTOM_WEIGHT) for term in extra.keywords)
            all_specs.append(_Spec(Topic(extra.slug, extra.slug, None, extra.keywords, extra.exclude), terms))
        self._specs = tuple(all_specs)
        self._base_specs = tuple(specs)
        self._ignore = tuple(ignore)
        self._custom = tuple(custom)
        self._slugs = [spec.topic.slug for spec in self._specs]
        self._index = {slug: i for i, slug in enumerate(self._slugs)}
        self._parent_of = [self._index.get(spec.topic.parent) if spec.topic.parent else None
                           for spec in self._specs]
        self._broad = {slug: parent is None for slug, parent in zip(self._slugs, self._parent_of, strict=True)}
        self._build_matcher()

    @classmethod
    def default(cls) -> TopicTagger:
        """The built-in taxonomy, built once per process."""
        return _default_tagger()

    def with_custom(self, custom: Sequence[CustomTopic]) -> TopicTagger:
        """A new tagger with these custom topics added (replacing any custom topics this one had)."""
        custom = tuple(custom)
        builtin = {spec.topic.slug for spec in self._base_specs}
        seen: set[str] = set()
        for extra in custom:
            if not isinstance(extra, CustomTopic):
                raise TypeError(f"custom topics must be CustomTopic, got {type(extra).__name__}")
            if extra.slug in builtin:
                raise ValueError(f"{extra.slug!r} is a built-in topic; give the custom topic another name")
            if extra.slug in seen:
                raise ValueError(f"custom topic {extra.slug!r} is defined twice")
            seen.add(extra.slug)
        return TopicTagger(self._base_specs, self._ignore, custom)

    @property
    def topics(self) -> tuple[Topic, ...]:
        """Every topic this tagger knows, built-in first, then custom ones."""
        return tuple(spec.topic for spec in self._specs)

    # -- building ----------------------------------------------------------------------------------

    def _build_matcher(self) -> None:
        weights: dict[str, dict[int, float]] = {}
        excludes: dict[str, set[int]] = {}
        for position, spec in enumerate(self._specs):
            for term, tier_weight in spec.terms:
                words = len(words_of(term.rstrip("*")))
                weight = tier_weight * min(1.5, 1 + 0.25 * (words - 1))  # phrases are more specific
                for key in patterns(term):
                    slot = weights.setdefault(key, {})
                    slot[position] = max(slot.get(position, 0.0), weight)
            for term in spec.topic.exclude:
                for key in patterns(term):
                    excludes.setdefault(key, set()).add(position)
        for phrase in self._ignore:
            for key in patterns(phrase):
                weights.setdefault(key, {})
        hits: list[tuple[tuple[int, float], ...]] = []
        excluded: list[tuple[int, ...]] = []
        keys = sorted(set(weights) | set(excludes))
        for key in keys:
            topic_weights = weights.get(key, {})
            sharing = self._unrelated(topic_weights)
            # A term several unrelated topics use says less about each of them.
            spread = math.sqrt(sharing) if sharing > 1 else 1.0
            hits.append(tuple((t, w / spread) for t, w in sorted(topic_weights.items())))
            excluded.append(tuple(sorted(excludes.get(key, ()))))
        self._matcher = PhraseMatcher(keys)
        self._tables = WeightTables.build(hits, excluded, self._parent_of, self._slugs)

    def _unrelated(self, topics: Mapping[int, float]) -> int:
        """How many of these topics remain once a parent listed with its own child counts once."""
        parents = {self._parent_of[t] for t in topics if self._parent_of[t] is not None}
        return sum(1 for t in topics if t not in parents)

    # -- scoring -----------------------------------------------------------------------------------

    def scores(self, *, title: str, paragraphs: Sequence[str]) -> dict[str, float]:
        """Each topic's score in [0, 1] (those of at least MIN_SCORE), best first."""
        return self.scores_many(((title, paragraphs),))[0]

    def scores_many(self, articles: Iterable[tuple[str, Sequence[str]]]) -> list[dict[str, float]]:
        """scores() of each ``(title, paragraphs)``, counted for the whole batch at once."""
        matches, places = self._match(articles)
        return self._tables.scores(matches, places) if places else []

    def tag_many(self, articles: Iterable[tuple[str, Sequence[str]]], *, limit: int = 5,
                 decimals: int = 3) -> list[TopicTags]:
        """For each ``(title, paragraphs)``: pick(scores()) and the scores rounded to ``decimals``."""
        matches, places = self._match(articles)
        return self._tables.tags(matches, places, limit=limit, decimals=decimals) if places else []

    def _match(self, articles: Iterable[tuple[str, Sequence[str]]]) -> tuple[list[Matches], list[Places]]:
        matches: list[Matches] = []
        places: list[Places] = []
        for title, paragraphs in articles:
            text, where = _places(title, paragraphs)
            matches.append(self._matcher.find(text))
            places.append(where)
        return matches, places

    def pick(self, scores: Mapping[str, float], limit: int = 5) -> tuple[str, ...]:
        """The article's topics: those scoring at least PICK_THRESHOLD and PICK_RELATIVE of the best,
        best first, at most ``limit``."""
        if not isinstance(limit, int) or limit < 0:
            raise ValueError(f"limit must be a non-negative integer, got {limit!r}")
        if not scores:
            return ()
        # Finer topics compete with finer topics, broad ones with broad ones: a parent lifted by all its
        # children must not push a clearly present finer topic out.
        broad_of = self._broad
        best_broad = best_fine = 0.0
        for slug, score in scores.items():
            if broad_of.get(slug, True):
                best_broad = max(best_broad, score)
            else:
                best_fine = max(best_fine, score)
        # Nothing below PICK_THRESHOLD is picked: a cheap test spares most scores the rest.
        floor_broad = max(PICK_THRESHOLD, PICK_RELATIVE * best_broad)
        floor_fine = max(PICK_THRESHOLD, PICK_RELATIVE * best_fine)
        ranked = sorted(((slug, score) for slug, score in scores.items() if score >= PICK_THRESHOLD), key=_best_first)
        return tuple(slug for slug, score in ranked
                     if score >= (floor_broad if broad_of.get(slug, True) else floor_fine))[:limit]

    # -- names -------------------------------------------------------------------------------------

    def resolve(self, text: str) -> Topic | None:
        """The topic ``text`` most likely names: a slug, a display name, or a term (plural or not)."""
        if not isinstance(text, str) or not words_of(text):
            return None
        topics = self.topics
        wanted = _slugify(text)
        for candidate in topics:
            if wanted in (candidate.slug, _slugify(candidate.name)):
                return candidate
        return self._by_term(wanted) or self._by_prefix(wanted)

    def _by_term(self, wanted: str) -> Topic | None:
        forms = {wanted, wanted.removesuffix("s"), wanted.removesuffix("es")}
        best: tuple[float, int, int, Topic] | None = None
        for spec in self._specs:
            for term, weight in spec.terms:
                if _slugify(term.rstrip("*")) not in forms:
                    continue
                named = wanted in spec.topic.slug.split("-") or wanted in spec.topic.slug
                # Strongest term first; then a topic whose own name holds the word; then the broader topic.
                rank = (weight, int(named), int(spec.topic.parent is None), spec.topic)
                if best is None or rank[:3] > best[:3]:
                    best = rank
        return best[3] if best else None

    def _by_prefix(self, wanted: str) -> Topic | None:
        matches = [t for t in self.topics if t.slug.startswith(wanted) or _slugify(t.name).startswith(wanted)]
        top_level = [t for t in matches if t.parent is None]
        if len(matches) == 1:
            return matches[0]
        return top_level[0] if len(top_level) == 1 else None


@cache
def _default_tagger() -> TopicTagger:
    specs, ignore = _builtin()
    return TopicTagger(specs, ignore)
