"""How a batch of articles' term matches become topic scores and picked topics, as array operations.

The rules, article by article: a match scores its term's weight for each topic the term feeds, times
its place's weight (title > lead > body), with repeats in one place counting less and less
(sqrt of the count). A finer topic's raw score also lifts its parent's; an ``exclude`` term matched
anywhere removes its topics. ``1 - exp(-raw / SCORE_SCALE)`` brings scores into [0, 1]; scores below
MIN_SCORE are not reported. An article's topics are those reaching PICK_THRESHOLD and PICK_RELATIVE of
the best score of their kind (broad or finer).

Counting runs over every match of the batch at once, adding the terms up in the order the rules above
would add them one article at a time (so the sums are the same to the last bit): Python loops over a
few dozen matches per article cost more than the matching itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, pairwise
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = ["TopicTags", "WeightTables"]

TITLE_WEIGHT, LEAD_WEIGHT, BODY_WEIGHT = 3.0, 2.0, 1.0
PARENT_LIFT = 0.8  # share of a finer topic's raw score added to its parent's
SCORE_SCALE = 15.0  # raw score giving 1 - 1/e (0.63); one strong term in the title alone scores 0.33
MIN_SCORE = 0.05  # smaller scores are not reported at all
PICK_THRESHOLD = 0.35  # a topic is the article's when its score reaches this ...
PICK_RELATIVE = 0.5  # ... and this share of the best topic's score
MIN_RAW = -SCORE_SCALE * float(np.log(1 - MIN_SCORE))  # the raw score that maps to MIN_SCORE

Matches = Sequence[tuple[int, int, int]]  # (phrase, start, end) as PhraseMatcher.find gives them


class Places(NamedTuple):
    """Where one article's lead and body start in the matched text, and what a body mention weighs."""

    lead_start: int
    body_start: int
    body_weight: float


class TopicTags(NamedTuple):
    """One article's picked topics (best first) and every reported score (best first, ties by slug)."""

    topics: tuple[str, ...]
    scores: dict[str, float]


@dataclass(frozen=True)
class _Ranked:
    """The reported scores of a batch, flat: article by article, each article's best first."""

    article: npt.NDArray[np.intp]
    topic: npt.NDArray[np.intp]
    score: npt.NDArray[np.float64]
    bounds: list[int]  # article i's entries are [bounds[i], bounds[i + 1])


@dataclass(frozen=True)
class WeightTables:
    """The taxonomy as arrays: what each matcher phrase adds to which topics, and each topic's parent.

    Phrase p feeds topics ``hit_topic[hit_start[p]:hit_start[p + 1]]`` with the weights at the same
    places of ``hit_weight``; a topic without a parent has parent -1.
    """

    hit_start: npt.NDArray[np.intp]
    hit_topic: npt.NDArray[np.intp]
    hit_weight: npt.NDArray[np.float64]
    excludes: tuple[tuple[int, ...], ...]
    has_excludes: npt.NDArray[np.bool_]
    parent: npt.NDArray[np.intp]
    slugs: npt.NDArray[np.object_]
    slug_rank: npt.NDArray[np.intp]  # ties in score are broken by slug

    @classmethod
    def build(cls, hits: Sequence[Sequence[tuple[int, float]]], excludes: Sequence[Sequence[int]],
              parent_of: Sequence[int | None], slugs: Sequence[str]) -> WeightTables:
        """``hits[p]``: (topic, weight) pairs phrase p feeds; ``excludes[p]``: topics phrase p removes."""
        lengths = np.fromiter(map(len, hits), dtype=np.intp, count=len(hits))
        hit_start = np.zeros(len(hits) + 1, dtype=np.intp)
        np.cumsum(lengths, out=hit_start[1:])
        flat = [pair for phrase_hits in hits for pair in phrase_hits]
        rank = np.empty(len(slugs), dtype=np.intp)
        rank[sorted(range(len(slugs)), key=slugs.__getitem__)] = np.arange(len(slugs))
        slug_array = np.empty(len(slugs), dtype=object)
        slug_array[:] = list(slugs)
        return cls(
            hit_start=hit_start,
            hit_topic=np.array([topic for topic, _ in flat], dtype=np.intp),
            hit_weight=np.array([weight for _, weight in flat], dtype=np.float64),
            excludes=tuple(tuple(e) for e in excludes),
            has_excludes=np.array([bool(e) for e in excludes], dtype=bool),
            parent=np.array([-1 if p is None else p for p in parent_of], dtype=np.intp),
            slugs=slug_array,
            slug_rank=rank,
        )

    # -- the two views of a batch ----------------------------------------------------------------------

    def scores(self, matches: Sequence[Matches], places: Sequence[Places]) -> list[dict[str, float]]:
        """Each article's reported scores, best first."""
        ranked = self._ranked(matches, places)
        slugs, scores, bounds = self.slugs[ranked.topic].tolist(), ranked.score.tolist(), ranked.bounds
        return [dict(zip(slugs[first:end], scores[first:end]))  # noqa: B905 - equal slices
                for first, end in pairwise(bounds)]

    def tags(self, matches: Sequence[Matches], places: Sequence[Places], *, limit: int,
             decimals: int) -> list[TopicTags]:
        """Each article's picked topics (at most ``limit``) and its scores rounded to ``decimals``."""
        ranked = self._ranked(matches, places)
        article, topic, score, bounds = ranked.article, ranked.topic, ranked.score, ranked.bounds
        # Finer topics compete with finer topics, broad ones with broad ones: a parent lifted by all its
        # children must not push a clearly present finer topic out.
        kind = (self.parent[topic] < 0).astype(np.intp)  # 1: broad, 0: finer
        best = np.zeros((len(places), 2))
        np.maximum.at(best, (article, kind), score)
        floor = np.maximum(PICK_THRESHOLD, PICK_RELATIVE * best[article, kind])
        picked = np.flatnonzero(score >= floor)
        # Entries are ranked within each article, so the first ``limit`` picked of an article are its best.
        picked_article = article[picked]
        picked_bounds = np.searchsorted(picked_article, np.arange(len(places) + 1)).tolist()
        picked_slugs = self.slugs[topic[picked]].tolist()
        slugs = self.slugs[topic].tolist()
        rounded = np.round(score, decimals).tolist()
        return [TopicTags(tuple(picked_slugs[first_pick:min(end_pick, first_pick + limit)]),
                          dict(zip(slugs[first:end], rounded[first:end])))  # noqa: B905 - equal slices
                for first, end, first_pick, end_pick
                in zip(bounds, bounds[1:], picked_bounds, picked_bounds[1:])]  # noqa: B905 - all len + 1

    # -- the counting ----------------------------------------------------------------------------------

    def _ranked(self, matches: Sequence[Matches], places: Sequence[Places]) -> _Ranked:
        articles, topics = len(places), len(self.slug_rank)
        raw, cell, blocked = self._raw(matches, places, topics)
        lifted = self._lift(raw, cell, blocked, topics)
        cells = np.flatnonzero(lifted >= MIN_RAW)
        article, topic = np.divmod(cells, topics)
        score = 1.0 - np.exp(-lifted[cells] / SCORE_SCALE)
        order = np.lexsort((self.slug_rank[topic], -score, article))
        bounds = np.searchsorted(article[order], np.arange(articles + 1)).tolist()
        return _Ranked(article[order], topic[order], score[order], bounds)

    def _raw(self, matches: Sequence[Matches], places: Sequence[Places],
             topics: int) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.intp], npt.NDArray[np.bool_]]:
        """Raw scores per (article, topic) cell, the cells hit in order, and the excluded cells."""
        articles = len(places)
        counts = np.fromiter(map(len, matches), dtype=np.intp, count=articles)
        found = np.fromiter(chain.from_iterable(chain.from_iterable(matches)), dtype=np.intp,
                            count=3 * int(counts.sum())).reshape(-1, 3)
        owner = np.repeat(np.arange(articles), counts)
        lead_start = np.array([where.lead_start for where in places], dtype=np.intp)
        body_start = np.array([where.body_start for where in places], dtype=np.intp)
        body_weight = np.array([where.body_weight for where in places], dtype=np.float64)
        starts = found[:, 1]
        place = (starts >= lead_start[owner]).astype(np.intp) + (starts >= body_start[owner])
        # Each (article, place, phrase) once, in the order of its first match: places come in text order,
        # so this is the order in which the rules add them up.
        phrases = len(self.has_excludes)
        first, repeats = _first_seen((owner * 3 + place) * phrases + found[:, 0])
        phrase, article, where = found[first, 0], owner[first], place[first]
        place_weight = np.where(where == 0, TITLE_WEIGHT, np.where(where == 1, LEAD_WEIGHT, body_weight[article]))
        # Repeats count less and less: 1, 1.41, 1.73 ... for 1, 2, 3 mentions.
        amount = np.where(repeats > 1, place_weight * np.sqrt(repeats), place_weight)
        # Every (phrase, topic) pair each counted phrase feeds, phrase by phrase.
        runs = self.hit_start[phrase + 1] - self.hit_start[phrase]
        row = np.repeat(np.arange(len(phrase)), runs)
        hit = np.arange(len(row)) - np.repeat(np.cumsum(runs) - runs, runs) + self.hit_start[phrase][row]
        cell = article[row] * topics + self.hit_topic[hit]
        # bincount adds each cell's weights in input order; with weights its result is float64 already.
        raw = np.bincount(cell, weights=self.hit_weight[hit] * amount[row],
                          minlength=articles * topics).astype(np.float64, copy=False)
        blocked = np.zeros(articles * topics, dtype=bool)
        for index in np.flatnonzero(self.has_excludes[phrase]).tolist():  # rare: a few per thousand
            base = int(article[index]) * topics
            blocked[[base + excluded for excluded in self.excludes[int(phrase[index])]]] = True
        raw[blocked] = 0.0
        return raw, cell, blocked

    def _lift(self, raw: npt.NDArray[np.float64], cell: npt.NDArray[np.intp], blocked: npt.NDArray[np.bool_],
              topics: int) -> npt.NDArray[np.float64]:
        """Add PARENT_LIFT of each finer topic's raw score to its parent's, unless either is excluded."""
        first, _ = _first_seen(cell)
        children = cell[first]  # in the order each cell was first hit
        parents = self.parent[children % topics]
        lifting = (parents >= 0) & ~blocked[children]
        children = children[lifting]
        targets = children - children % topics + parents[lifting]
        kept = ~blocked[targets]
        lifted = raw.copy()
        np.add.at(lifted, targets[kept], PARENT_LIFT * raw[children[kept]])  # in order, like a loop would
        return lifted


def _first_seen(values: npt.NDArray[np.intp]) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """Where each distinct value first occurs, and how often it occurs, in order of first occurrence."""
    _, first, counts = np.unique(values, return_index=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    return first[order], counts[order]
