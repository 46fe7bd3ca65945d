"""The tone of a news story, from its headline and lead: -1 (bad news) to +1 (good news).

Built on TextBlob's sentiment lexicon (the one ``textblob.en.sentiments.PatternAnalyzer`` reads; it needs
no NLTK corpora) corrected for news language by ``seeds/tone_overrides.json``:

* TextBlob was written for opinions, so it misses what news calls bad ("North Korea fired a missile"
  scores 0) and reads words as their other sense ("rose" the flower is +0.6). Override terms replace
  its polarity; neutral words switch it off.
* A direction word takes its sign from the quantity it moves: "unemployment rose" is bad, "exports
  rose" good, "the deficit narrowed" good. Quantities are looked for a few words before the direction
  word, then a few after ("a rise in unemployment").
* Negations ("not", "failed to") turn the next polar term around; reversers ("ends", "lifted") do the
  same and, when nothing polar follows, undo the term just before them ("sanctions were lifted").

Only the headline and the start of the lead are read: that is where news states its news, and it keeps
the cost to tens of microseconds (TextBlob on a whole Reuters article costs about half a millisecond).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

import seeds
from digests.text import STOPWORDS, stem, tokens_fast

__all__ = ["ToneLexicon", "lexicon", "tone", "tone_sign"]

OVERRIDES_FILE = "tone_overrides.json"

_TITLE_CHARS = 300  # a headline longer than this is not a headline
_LEAD_CHARS = 320  # about the first two sentences of the lead
_TITLE_WEIGHT = 1.5  # the headline states the story; the lead adds detail
_TEXTBLOB_WEIGHT = 0.5  # TextBlob's opinion words are weaker evidence than the news lexicon
_TEXTBLOB_MIN = 0.1  # TextBlob words weaker than this are noise in news
_DAMPING = 1.0  # divide as if one neutral word more: one mild word cannot swing a story
_NEGATED = 0.8  # "not bad" is less good than "good"
_NEGATION_REACH = 3  # content words a negation reaches forward
_REVERSER_LOOKBACK = 2  # content words a reverser reaches back
_QUANTITY_BEFORE = 4  # content words searched before a direction word for what it moves
_QUANTITY_AFTER = 3  # ... and after it ("a rise in unemployment")
_NEUTRAL_ZONE = 0.05  # |tone| below this is neutral for tone_sign()


class _Entry(NamedTuple):
    """What the lexicon knows about one word (``None`` where it knows nothing)."""

    polarity: float | None = None
    weight: float = 1.0
    quantity: int | None = None
    direction: float | None = None  # signed strength: up > 0, down < 0
    negation: float | None = None  # polarity the negation carries when nothing follows
    reverser: bool = False
    phrase_lengths: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ToneLexicon:
    """Words and phrases with their news tone, exact forms first, then by digests.text.stem."""

    exact: Mapping[str, _Entry]
    stemmed: Mapping[str, _Entry]
    phrases: Mapping[str, float]

    def entry(self, word: str) -> _Entry | None:
        found = self.exact.get(word)
        return found if found is not None else self.stemmed.get(stem(word))

    @classmethod
    def build(cls, overrides: Mapping[str, Any], textblob: Mapping[str, float]) -> ToneLexicon:
        """Merge the override sections over TextBlob's ``word -> polarity``; bad input raises ValueError."""
        fields: dict[str, dict[str, Any]] = {}

        def put(word: str, **values: Any) -> None:
            fields.setdefault(word, {}).update(values)

        sections = {name: _section(overrides, name) for name in _SECTIONS}
        neutral = _word_list(overrides, "neutral")
        for word, polarity in textblob.items():
            if abs(polarity) >= _TEXTBLOB_MIN and word not in neutral:
                put(word, polarity=polarity, weight=_TEXTBLOB_WEIGHT)
        for word in neutral:
            put(word, polarity=0.0, weight=1.0)
        for word, value in sections["terms"].items():
            put(word, polarity=value, weight=1.0)
        for word, value in sections["quantities"].items():
            put(word, quantity=round(value))
        for word, value in sections["up"].items():
            put(word, direction=abs(value))
        for word, value in sections["down"].items():
            put(word, direction=-abs(value))
        for word, value in sections["negations"].items():
            put(word, negation=value)
        for word, value in sections["reversers"].items():
            put(word, negation=value, reverser=True)
        phrases: dict[str, float] = {}
        lengths: dict[str, set[int]] = {}
        for phrase, value in sections["phrases"].items():
            tokens = tokens_fast(phrase)
            if len(tokens) < 2:
                raise ValueError(f"phrase {phrase!r} in {OVERRIDES_FILE} needs at least two words")
            phrases[" ".join(tokens)] = value
            lengths.setdefault(tokens[0], set()).add(len(tokens))
        for first, sizes in lengths.items():
            put(first, phrase_lengths=tuple(sorted(sizes, reverse=True)))
        exact = {word: _Entry(**values) for word, values in fields.items()}
        # Inflections of the news lexicon ("attacking", "sanctioned") are found by stem; TextBlob's
        # own words only in the form it lists.
        stemmed: dict[str, _Entry] = {}
        for word, values in fields.items():
            if values.get("weight", 1.0) == 1.0 and (
                "polarity" in values or "quantity" in values or "direction" in values or "negation" in values
            ):
                stemmed.setdefault(stem(word), exact[word])
        return cls(exact=exact, stemmed=stemmed, phrases=phrases)


_SECTIONS = ("terms", "phrases", "quantities", "up", "down", "negations", "reversers")


def _section(overrides: Mapping[str, Any], name: str) -> dict[str, float]:
    raw = overrides.get(name, {})
    if not isinstance(raw, Mapping):
        raise ValueError(f"{OVERRIDES_FILE}: {name!r} must be an object of word: number")
    section: dict[str, float] = {}
    for word, value in raw.items():
        if not isinstance(word, str) or isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"{OVERRIDES_FILE}: {name}[{word!r}] must map a word to a number")
        if not -1.0 <= float(value) <= 1.0:
            raise ValueError(f"{OVERRIDES_FILE}: {name}[{word!r}] = {value} is outside [-1, 1]")
        section[word.lower()] = float(value)
    return section


def _word_list(overrides: Mapping[str, Any], name: str) -> frozenset[str]:
    raw = overrides.get(name, [])
    if not isinstance(raw, list) or not all(isinstance(word, str) for word in raw):
        raise ValueError(f"{OVERRIDES_FILE}: {name!r} must be a list of words")
    return frozenset(word.lower() for word in raw)


def _textblob_polarities() -> dict[str, float]:
    """TextBlob's lexicon, one polarity per word (its average over parts of speech)."""
    from textblob.en import sentiment as pattern_sentiment  # the lexicon PatternAnalyzer reads

    if not dict.__len__(pattern_sentiment):
        pattern_sentiment.load()
    polarities: dict[str, float] = {}
    for word, by_tag in dict.items(pattern_sentiment):
        scores = by_tag.get(None)
        if isinstance(word, str) and " " not in word and scores:
            polarities[word.lower()] = float(scores[0])
    return polarities


@cache
def lexicon() -> ToneLexicon:
    """The lexicon in use: TextBlob's, corrected by the seed overrides (built once per process)."""
    return ToneLexicon.build(seeds.load_json(OVERRIDES_FILE), _textblob_polarities())


def _content_between(tokens: list[str], start: int, stop: int) -> int:
    """How many content words (not stopwords) lie in ``tokens[start:stop]``."""
    return sum(1 for token in tokens[start:stop] if token not in STOPWORDS)


def _pair_directions(
    tokens: list[str], entries: list[_Entry | None], interesting: list[int]
) -> tuple[dict[int, float], set[int]]:
    """Direction words matched with the quantity they move: {direction index: tone}, quantity indices."""
    moved: dict[int, float] = {}
    claimed: set[int] = set()
    for index in interesting:
        entry = entries[index]
        if entry is None or entry.direction is None:
            continue
        target = _find_quantity(tokens, entries, index, claimed)
        if target is None:
            continue
        claimed.add(target)
        quantity = entries[target]
        assert quantity is not None and quantity.quantity is not None  # _find_quantity checked
        moved[index] = entry.direction * quantity.quantity
    return moved, claimed


def _find_quantity(
    tokens: list[str], entries: list[_Entry | None], index: int, claimed: set[int]
) -> int | None:
    for step, reach in ((-1, _QUANTITY_BEFORE), (1, _QUANTITY_AFTER)):
        seen = 0
        position = index + step
        while 0 <= position < len(tokens) and seen < reach:
            entry = entries[position]
            # A word that moves is not the thing moved.
            if (
                entry is not None
                and entry.quantity is not None
                and entry.direction is None
                and position not in claimed
            ):
                return position
            if tokens[position] not in STOPWORDS:
                seen += 1
            position += step
    return None


class _Pending(NamedTuple):
    at: int  # token index of the negation
    own: float
    reverser: bool
    back: int | None  # index into the assessments of a polar term just before a reverser


def _assess(tokens: list[str], weight: float, found: list[tuple[float, float]]) -> None:
    """Append ``(polarity, weight)`` for each polar term of ``tokens`` to ``found``."""
    table = lexicon()
    entries: list[_Entry | None] = list(map(_entry_cache().__getitem__, tokens))
    # Most words are unknown: visit only the known ones, and count content words between them when a
    # negation needs it.
    interesting = [index for index, entry in enumerate(entries) if entry is not None]
    if not interesting:
        return
    moved, claimed = _pair_directions(tokens, entries, interesting)
    pending: _Pending | None = None
    last_polar: tuple[int, int] | None = None  # (assessment index, token index)
    flipped: set[int] = set()

    def settle() -> None:
        nonlocal pending
        if pending is None:
            return
        if pending.reverser and pending.back is not None and pending.back not in flipped:
            value, value_weight = found[pending.back]
            found[pending.back] = (-value * _NEGATED, value_weight)
            flipped.add(pending.back)
        elif pending.own:
            found.append((pending.own, weight))
        pending = None

    def emit(value: float, value_weight: float, at: int) -> None:
        nonlocal pending, last_polar
        if pending is not None:
            if _content_between(tokens, pending.at + 1, at) >= _NEGATION_REACH:
                settle()  # too far: the negation was about something else
            else:
                value = -value * _NEGATED
                flipped.add(len(found))
                pending = None
        last_polar = (len(found), at)
        found.append((value, value_weight))

    skip_until = -1
    for index in interesting:
        if index < skip_until or index in claimed:
            continue
        if index in moved:
            if moved[index]:
                emit(moved[index], weight, index)
            continue
        entry = entries[index]
        assert entry is not None  # only known words are visited
        phrase_value = None
        for length in entry.phrase_lengths:
            phrase_value = table.phrases.get(" ".join(tokens[index : index + length]))
            if phrase_value is not None:
                skip_until = index + length
                break
        if phrase_value is not None:
            if phrase_value:
                emit(phrase_value, weight, index)
        elif entry.negation is not None:
            if pending is not None and _content_between(tokens, pending.at + 1, index) < _NEGATION_REACH:
                # "did not fail": two negations cancel, and what the second one carries turns around.
                pending = None
                if entry.negation:
                    emit(-entry.negation * _NEGATED, weight, index)
                continue
            settle()
            back = None
            if (
                entry.reverser
                and last_polar is not None
                and _content_between(tokens, last_polar[1] + 1, index) < _REVERSER_LOOKBACK
            ):
                back = last_polar[0]
            pending = _Pending(index, entry.negation, entry.reverser, back)
        elif entry.polarity:
            emit(entry.polarity, weight * entry.weight, index)
    settle()


_NOT = _Entry(negation=0.0)
_ENTRY_CACHE_LIMIT = 100_000  # bounded: a long-running bot sees an open vocabulary


class _EntryCache(dict[str, "_Entry | None"]):
    """word -> lexicon entry or None, memoised; ``map(cache.__getitem__, words)`` runs in C."""

    def __init__(self, table: ToneLexicon) -> None:
        super().__init__()
        self.table = table

    def __missing__(self, word: str) -> _Entry | None:
        entry = self.table.entry(word)
        if entry is None and word.endswith(("n't", "n’t")):  # "didn't", "won't": a negation
            entry = _NOT
        if len(self) < _ENTRY_CACHE_LIMIT:
            self[word] = entry
        return entry


@cache
def _entry_cache() -> _EntryCache:
    """The memo of the process-wide lexicon()."""
    return _EntryCache(lexicon())


def _clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    space = cut.rfind(" ")
    return cut[:space] if space > 0 else cut


def tone(title: str, lead: str) -> float:
    """The news tone of a story from its headline and lead, in [-1, 1]; 0.0 when nothing is polar."""
    if not isinstance(title, str) or not isinstance(lead, str):
        raise TypeError(f"tone() expects two str, got {type(title).__name__} and {type(lead).__name__}")
    found: list[tuple[float, float]] = []
    _assess(tokens_fast(_clip(title, _TITLE_CHARS)), _TITLE_WEIGHT, found)
    _assess(tokens_fast(_clip(lead, _LEAD_CHARS)), 1.0, found)
    if not found:
        return 0.0
    total = sum(value * weight for value, weight in found)
    score = total / (sum(weight for _, weight in found) + _DAMPING)
    return max(-1.0, min(1.0, score))


def tone_sign(score: float) -> int:
    """-1, 0 or +1: the sign of a tone, with a small neutral zone around zero."""
    if score > _NEUTRAL_ZONE:
        return 1
    if score < -_NEUTRAL_ZONE:
        return -1
    return 0
