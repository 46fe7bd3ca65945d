"""The country-pair report: the latest between two countries, how coverage and tone moved, and topics."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from digests.archive import Archive, DailyPoint, StorySearch
from digests.compose import DigestItem, rank
from digests.model import Query

DEFAULT_WINDOW = timedelta(days=7)
CHART_DAYS = 30
TONE_STEP = 0.05  # a change in mean tone smaller than this is "steady", not a trend


@dataclass(frozen=True, slots=True)
class PairReport:
    countries: tuple[str, str]
    since: datetime
    until: datetime
    count: int
    count_before: int
    tone: float | None
    tone_before: float | None
    topics: tuple[tuple[str, int], ...]  # (topic slug, stories) most frequent first
    items: tuple[DigestItem, ...]
    daily: tuple[DailyPoint, ...]  # the last CHART_DAYS days, for the chart
    notes: tuple[str, ...] = ()

    @property
    def trend(self) -> str:
        """"warming", "cooling" or "steady" by mean tone against the window before; "new" with no before."""
        if self.tone is None or self.tone_before is None:
            return "new" if self.tone is not None else "quiet"
        change = self.tone - self.tone_before
        if change > TONE_STEP:
            return "warming"
        if change < -TONE_STEP:
            return "cooling"
        return "steady"


async def pair_report(
    archive: Archive,
    first: str,
    second: str,
    now: datetime,
    *,
    window: timedelta = DEFAULT_WINDOW,
    limit: int = 5,
    notes: tuple[str, ...] = (),
) -> PairReport:
    """Stories about both countries in ``window`` before ``now``, compared with the window before it."""
    pair = frozenset({first, second})
    since = now - window
    current = StorySearch(since=since, until=now, countries=pair, all_countries=True, limit=500)
    before = StorySearch(since=since - window, until=since, countries=pair, all_countries=True)
    chart = StorySearch(since=now - timedelta(days=CHART_DAYS), until=now, countries=pair, all_countries=True)
    count, tone = await archive.count(current)
    count_before, tone_before = await archive.count(before)
    stories = list(await archive.stories(current))
    topic_counts = Counter(t for s in stories for t in s.analysis.topics[:3])
    items = rank(stories, Query(countries=pair), now)[:limit]
    return PairReport(
        countries=(first, second), since=since, until=now, count=count, count_before=count_before,
        tone=tone, tone_before=tone_before, topics=tuple(topic_counts.most_common(5)), items=tuple(items),
        daily=tuple(await archive.daily(chart)), notes=notes,
    )
