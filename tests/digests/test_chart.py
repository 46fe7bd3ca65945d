"""The pair chart: a real PNG drawn from a pair report over a real archive, and its alt text."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from bot.store.store import Store
from digests.archive import DailyPoint
from digests.chart import chart_alt_text, label_positions, render_pair_chart
from digests.pair import DEFAULT_WINDOW, PairReport, pair_report
from tests.digests.stories import NOW, add, article, sqlite_store

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with sqlite_store(tmp_path) as opened:
        yield opened


def assert_png(path: Path) -> None:
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    assert data.rstrip(b"\x00")[-8:-4] == b"IEND"
    assert len(data) > 5_000  # axes, bars, labels: far more than an empty image


async def test_writes_a_png_of_a_pair_report(store: Store, tmp_path: Path) -> None:
    await add(store.articles, article("kr-jp-defence", hours_ago=24), tone=0.4)
    await add(store.articles, article("kr-jp-students", hours_ago=26), article("kr-jp-rail", hours_ago=24 * 12),
              tone=-0.2)
    report = await pair_report(store.articles, "KR", "JP", NOW)
    assert sum(point.count for point in report.daily) == 3
    target = tmp_path / "charts" / "nested" / "kr-jp.png"  # parents are created
    assert render_pair_chart(report, target) == target
    assert_png(target)


def test_a_report_without_stories_still_draws(tmp_path: Path) -> None:
    empty = PairReport(countries=("FR", "DE"), since=NOW - DEFAULT_WINDOW, until=NOW, count=0, count_before=0,
                       tone=None, tone_before=None, topics=(), items=(), daily=())
    target = render_pair_chart(empty, tmp_path / "empty.png")
    assert_png(target)


def test_day_labels_end_on_the_newest_day_and_never_crowd() -> None:
    assert label_positions(30) == [1, 8, 15, 22, 29]
    assert label_positions(29) == [0, 7, 14, 21, 28]
    assert label_positions(1) == [0]
    for days in range(1, 40):
        labels = label_positions(days)
        assert labels[-1] == days - 1
        assert all(b - a == 7 for a, b in pairwise(labels))


def test_alt_text_says_what_the_chart_shows() -> None:
    report = PairReport(
        countries=("KR", "JP"), since=NOW - DEFAULT_WINDOW, until=NOW, count=3, count_before=0, tone=0.1,
        tone_before=None, topics=(), items=(),
        daily=(DailyPoint(date(2026, 2, 20), 2, 0.3), DailyPoint(date(2026, 3, 1), 4, None)),
    )
    text = chart_alt_text(report)
    assert "South Korea" in text and "Japan" in text
    assert "(6 in all)" in text
    assert "30 days" in text
    assert "tone" in text


def test_an_unwritable_path_raises_os_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    empty = PairReport(countries=("FR", "DE"), since=NOW - DEFAULT_WINDOW, until=NOW, count=0, count_before=0,
                       tone=None, tone_before=None, topics=(), items=(), daily=())
    with pytest.raises(OSError):
        render_pair_chart(empty, blocker / "chart.png")
