"""``newsbot pair``: the founding article between Korea and Japan, how names are read, errors, the chart."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.cli.conftest import Newsbot

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def ingested(newsbot: Newsbot, founding_article: Path) -> str:
    """The founding article stored; its id."""
    ran = newsbot("ingest", founding_article, "--json")
    assert ran.code == 0, ran.err
    return str(newsbot("analyze", founding_article, "--json").json_lines()[0]["id"])


def test_korea_and_japan_return_the_founding_article(newsbot: Newsbot, ingested: str) -> None:
    ran = newsbot("pair", "korea", "japan", "--json")
    assert ran.code == 0, ran.err
    obj = ran.json()
    assert obj["countries"] == ["KR", "JP"]
    assert [item["id"] for item in obj["items"]] == [ingested]
    assert (obj["count"], obj["count_before"]) == (1, 0)
    assert obj["trend"] == "new"
    assert {"topic": "diplomacy", "stories": 1} in obj["topics"]
    [note] = obj["notes"]
    assert "South Korea" in note  # "korea" was taken as South Korea, and the reply says so
    assert f"note: {note}" in ran.err.splitlines()
    assert {"tone", "tone_before", "since", "until"} <= set(obj)


def test_names_codes_and_demonyms_are_accepted(newsbot: Newsbot, ingested: str) -> None:
    ran = newsbot("pair", "japanese", "South Korea", "--json")
    assert ran.code == 0
    obj = ran.json()
    assert obj["countries"] == ["JP", "KR"]
    assert obj["notes"] == []
    assert ran.err == ""


def test_text_output(newsbot: Newsbot, ingested: str) -> None:
    ran = newsbot("pair", "KR", "JP")
    assert ran.code == 0
    lines = ran.out.splitlines()
    assert lines[0] == "South Korea – Japan: the latest"
    assert lines[1] == "Stories: 1 in the last 7 days (previous 7 days: 0)"
    assert any(line.startswith("1. South Korea and Japan pledge") for line in lines)


def test_an_unknown_country_exits_2_with_a_clear_message(newsbot: Newsbot) -> None:
    ran = newsbot("pair", "atlantis", "japan")
    assert ran.code == 2
    assert ran.err.startswith("error: unknown country 'atlantis'")
    assert ran.out == ""


def test_the_same_country_twice_exits_2(newsbot: Newsbot) -> None:
    ran = newsbot("pair", "KR", "KR")
    assert ran.code == 2
    assert "same country" in ran.err
    assert newsbot("pair", "japan", "JP").code == 2


def test_an_ambiguous_name_exits_2_listing_the_choices(newsbot: Newsbot) -> None:
    ran = newsbot("pair", "congo", "japan")
    assert ran.code == 2
    assert "CD" in ran.err and "CG" in ran.err


@pytest.mark.parametrize("limit", ["0", "21"])
def test_limit_bounds(newsbot: Newsbot, limit: str) -> None:
    ran = newsbot("pair", "KR", "JP", "--limit", limit)
    assert ran.code == 2
    assert "--limit must be between 1 and 20" in ran.err


def test_chart_writes_a_png(newsbot: Newsbot, ingested: str, tmp_path: Path) -> None:
    chart = tmp_path / "charts" / "kr-jp.png"
    ran = newsbot("pair", "KR", "JP", "--chart", chart, "--json")
    assert ran.code == 0, ran.err
    assert ran.json()["chart"] == str(chart)
    data = chart.read_bytes()
    assert data[:8] == PNG_SIGNATURE
    assert len(data) > 5_000
    text = newsbot("pair", "KR", "JP", "--chart", chart)
    assert f"chart: {chart}" in text.out.splitlines()


def test_an_unwritable_chart_path_fails_with_a_message(newsbot: Newsbot, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    ran = newsbot("pair", "KR", "JP", "--chart", blocker / "chart.png")
    assert ran.code == 1
    assert ran.err.startswith(f"error: cannot write the chart to {blocker / 'chart.png'}")
