"""The country-pair report from a real archive (SQLite): coverage and tone now against the window before,
the trend, topics, and stories about both countries only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from bot.store.store import Store
from digests.pair import CHART_DAYS, DEFAULT_WINDOW, PairReport, pair_report
from tests.digests.stories import NOW, add, article, sqlite_store

DAY = 24.0  # hours


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with sqlite_store(tmp_path) as opened:
        yield opened


def report_with(tone: float | None, tone_before: float | None) -> PairReport:
    return PairReport(countries=("KR", "JP"), since=NOW - DEFAULT_WINDOW, until=NOW, count=0, count_before=0,
                      tone=tone, tone_before=tone_before, topics=(), items=(), daily=())


@pytest.mark.parametrize(
    "tone, before, trend",
    [
        (0.30, 0.10, "warming"),
        (-0.20, 0.10, "cooling"),
        (0.12, 0.10, "steady"),
        (0.05, 0.10, "steady"),  # a change of exactly the step is not yet a trend
        (0.20, None, "new"),
        (None, None, "quiet"),
        (None, 0.20, "quiet"),
    ],
)
def test_trend_compares_mean_tone_with_the_window_before(tone: float | None, before: float | None,
                                                         trend: str) -> None:
    assert report_with(tone, before).trend == trend


async def test_counts_and_tone_now_and_before(store: Store) -> None:
    await add(store.articles, article("kr-jp-defence", hours_ago=1 * DAY), article("kr-jp-rail", hours_ago=3 * DAY),
              tone=0.4)
    await add(store.articles, article("kr-jp-fisheries", hours_ago=9 * DAY), tone=-0.2)
    report = await pair_report(store.articles, "KR", "JP", NOW)
    assert report.countries == ("KR", "JP")
    assert (report.since, report.until) == (NOW - timedelta(days=7), NOW)
    assert (report.count, report.count_before) == (2, 1)
    assert report.tone == pytest.approx(0.4)
    assert report.tone_before == pytest.approx(-0.2)
    assert report.trend == "warming"
    assert sorted(item.story.article.id for item in report.items) == ["kr-jp-defence", "kr-jp-rail"]


async def test_cooling_when_tone_falls(store: Store) -> None:
    await add(store.articles, article("kr-jp-defence", hours_ago=10 * DAY), tone=0.3)
    await add(store.articles, article("kr-jp-fisheries", hours_ago=2 * DAY), tone=-0.3)
    report = await pair_report(store.articles, "JP", "KR", NOW)
    assert report.trend == "cooling"
    assert report.countries == ("JP", "KR")  # the order the user gave


async def test_new_and_quiet(store: Store) -> None:
    assert (await pair_report(store.articles, "KR", "JP", NOW)).trend == "quiet"
    await add(store.articles, article("kr-jp-defence", hours_ago=DAY))
    report = await pair_report(store.articles, "KR", "JP", NOW)
    assert (report.count, report.count_before, report.tone_before) == (1, 0, None)
    assert report.trend == "new"


async def test_only_stories_about_both_countries(store: Store) -> None:
    await add(store.articles, article("kr-jp-defence", hours_ago=DAY), article("kr-stocks", hours_ago=DAY),
              article("fr-de-hydrogen", hours_ago=DAY), article("bees", hours_ago=DAY))
    report = await pair_report(store.articles, "KR", "JP", NOW)
    assert [item.story.article.id for item in report.items] == ["kr-jp-defence"]
    assert report.count == 1
    for item in report.items:
        assert {"KR", "JP"} <= set(item.story.analysis.countries)
    assert (await pair_report(store.articles, "FR", "JP", NOW)).count == 0


async def test_topics_are_counted_over_the_window(store: Store) -> None:
    await add(store.articles, article("kr-jp-defence", hours_ago=DAY), article("kr-jp-students", hours_ago=DAY),
              article("kr-jp-rail", hours_ago=DAY))
    report = await pair_report(store.articles, "KR", "JP", NOW)
    counts = dict(report.topics)
    assert counts["diplomacy"] == 2  # the defence talks and the student visas
    assert list(counts.values()) == sorted(counts.values(), reverse=True)
    assert len(report.topics) <= 5


async def test_window_limit_and_notes(store: Store) -> None:
    keys = ["kr-jp-defence", "kr-jp-students", "kr-jp-fisheries", "kr-jp-rail"]
    await add(store.articles, *(article(key, hours_ago=(n + 1) * DAY) for n, key in enumerate(keys)))
    short = await pair_report(store.articles, "KR", "JP", NOW, window=timedelta(days=2), limit=1,
                              notes=("Korea was taken as South Korea",))
    assert (short.count, short.count_before) == (2, 2)
    assert len(short.items) == 1
    assert short.notes == ("Korea was taken as South Korea",)


async def test_daily_points_cover_the_chart_period(store: Store) -> None:
    await add(store.articles, article("kr-jp-defence", hours_ago=DAY), article("kr-jp-students", hours_ago=DAY + 1),
              article("kr-jp-rail", hours_ago=20 * DAY), article("kr-jp-fisheries", hours_ago=(CHART_DAYS + 5) * DAY))
    report = await pair_report(store.articles, "KR", "JP", NOW)
    by_day = {point.day: point.count for point in report.daily}
    assert by_day == {date(2026, 3, 1): 2, date(2026, 2, 10): 1}  # the oldest is past the 30 days
