"""Rendering digests and pair reports composed from a real archive: the JSON shapes, plain text, Markdown."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.store.store import Store
from digests.compose import Digest, compose
from digests.model import Query
from digests.pair import PairReport, pair_report
from digests.render import digest_json, digest_text, iso, pair_json, pair_text, source_names
from tests.digests.stories import NOW, add, article, reworded, sqlite_store

ITEM_KEYS = {"id", "title", "url", "sources", "published", "countries", "topics", "tone", "summary", "score",
             "reasons"}
KOREA_JAPAN = Query(countries=frozenset({"KR", "JP"}))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with sqlite_store(tmp_path) as opened:
        first = article("kr-jp-defence", hours_ago=5)
        copy = reworded(first, article_id="wire-copy", source="Wire Service", url="https://wire.example/defence")
        await add(opened.articles, first, copy, article("kr-jp-rail", hours_ago=2))
        await add(opened.articles, article("kr-jp-fisheries", hours_ago=24 * 9), tone=-0.3)
        yield opened


@pytest.fixture
async def digest(store: Store) -> Digest:
    return await compose(store.articles, KOREA_JAPAN, NOW)


@pytest.fixture
async def report(store: Store) -> PairReport:
    return await pair_report(store.articles, "KR", "JP", NOW, notes=('"Korea" was taken as South Korea',))


def test_iso_times_end_in_z() -> None:
    assert iso(NOW) == "2026-03-02T12:00:00Z"


def test_digest_json_shape(digest: Digest) -> None:
    obj = digest_json(digest)
    assert set(obj) == {"title", "since", "until", "items"}
    assert obj["until"] == "2026-03-02T12:00:00Z"
    assert obj["since"] == "2026-03-01T12:00:00Z"
    assert len(obj["items"]) == 2
    for item in obj["items"]:
        assert set(item) == ITEM_KEYS
        assert isinstance(item["score"], float) and item["score"] > 0
        assert isinstance(item["tone"], float)
        assert item["published"].endswith("Z")
        assert item["summary"]
        assert item["reasons"] and item["reasons"][-1].endswith("old")
        assert {"KR", "JP"} <= set(item["countries"])
    [defence] = [i for i in obj["items"] if i["id"] == "kr-jp-defence"]
    assert defence["title"] == "South Korea and Japan agree to resume defence talks"
    assert defence["url"] == "https://harbourpost.example/kr-jp-defence"
    assert defence["published"] == "2026-03-02T07:00:00Z"
    assert defence["sources"] == [
        {"name": "Harbour Post", "url": "https://harbourpost.example/kr-jp-defence",
         "published": "2026-03-02T07:00:00Z"},
        {"name": "Wire Service", "url": "https://wire.example/defence", "published": "2026-03-02T08:00:00Z"},
    ]
    assert "diplomacy" in defence["topics"]
    assert "2 sources" in defence["reasons"]
    assert json.loads(json.dumps(obj)) == obj  # plain JSON all the way down


def test_pair_json_shape(report: PairReport) -> None:
    obj = pair_json(report)
    assert {"countries", "count", "count_before", "tone", "tone_before", "topics", "items"} <= set(obj)
    assert set(obj) == {"countries", "since", "until", "count", "count_before", "tone", "tone_before", "trend",
                        "topics", "notes", "items"}
    assert obj["countries"] == ["KR", "JP"]
    assert (obj["count"], obj["count_before"]) == (2, 1)
    assert obj["tone_before"] == pytest.approx(-0.3)
    assert isinstance(obj["tone"], float)
    assert obj["trend"] == report.trend
    assert obj["notes"] == ['"Korea" was taken as South Korea']
    assert {"topic": "diplomacy", "stories": 1} in obj["topics"]
    assert all(set(t) == {"topic", "stories"} for t in obj["topics"])
    assert [set(item) for item in obj["items"]] == [ITEM_KEYS, ITEM_KEYS]
    assert json.loads(json.dumps(obj)) == obj


def test_pair_json_of_a_quiet_pair_has_null_tones(report: PairReport) -> None:
    quiet = PairReport(countries=("FR", "DE"), since=report.since, until=report.until, count=0, count_before=0,
                       tone=None, tone_before=None, topics=(), items=(), daily=())
    obj = pair_json(quiet)
    assert (obj["tone"], obj["tone_before"], obj["trend"], obj["items"]) == (None, None, "quiet", [])


def test_digest_text(digest: Digest) -> None:
    text = digest_text(digest)
    lines = text.splitlines()
    assert lines[0] == "News digest: JP, KR"
    assert lines[1] == "2026-03-01 12:00 – 2026-03-02 12:00 UTC"
    assert "1. " + digest.items[0].story.article.title in lines
    assert "2. " + digest.items[1].story.article.title in lines
    assert "   https://harbourpost.example/kr-jp-defence" in lines
    assert any(line.startswith("   sources: Harbour Post, Wire Service · countries: ") for line in lines)
    assert any(line.startswith("   why: ") and "2 sources" in line for line in lines)
    assert digest.items[0].story.analysis.summary in text
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert "**" not in text and "](" not in text


def test_digest_text_without_summaries(digest: Digest) -> None:
    text = digest_text(digest, summaries=False)
    for item in digest.items:
        assert item.story.analysis.summary not in text
        assert item.story.article.title in text


def test_digest_markdown(digest: Digest) -> None:
    text = digest_text(digest, markdown=True)
    assert text.startswith("# News digest: JP, KR\n")
    assert ("1. [" + digest.items[0].story.article.title + "](" + str(digest.items[0].story.article.url) + ")"
            in text.splitlines())
    assert any(line.startswith("   _why: ") and line.endswith("_") for line in text.splitlines())


def test_an_empty_digest_says_so(digest: Digest) -> None:
    empty = Digest("Nothing today", (), digest.since, digest.until, KOREA_JAPAN)
    assert "Nothing new for this digest in the window." in digest_text(empty)
    assert digest_json(empty)["items"] == []


def test_pair_text(report: PairReport) -> None:
    text = pair_text(report)
    lines = text.splitlines()
    assert lines[0] == "South Korea – Japan: the latest"
    assert lines[1] == '"Korea" was taken as South Korea'
    assert lines[2] == "Stories: 2 in the last 7 days (previous 7 days: 1)"
    assert lines[3].startswith("Tone: +") and lines[3].endswith(f"(before: -0.30) — {report.trend}")
    assert lines[4].startswith("Topics: ") and "diplomacy (1)" in lines[4]
    assert any(line.startswith("1. ") for line in lines)
    markdown = pair_text(report, markdown=True)
    assert markdown.startswith("# South Korea – Japan: the latest\n")
    assert "](https://harbourpost.example/" in markdown


def test_pair_text_with_no_stories(report: PairReport) -> None:
    quiet = PairReport(countries=("FR", "DE"), since=report.since, until=report.until, count=0, count_before=0,
                       tone=None, tone_before=None, topics=(), items=(), daily=())
    text = pair_text(quiet)
    assert text.startswith("France – Germany: the latest\n")
    assert "Tone: n/a (before: n/a) — quiet" in text
    assert "No stories about both countries in this window." in text
    assert "Topics:" not in text


def test_pair_text_names_the_window_in_days(report: PairReport) -> None:
    fortnight = PairReport(countries=report.countries, since=report.until - timedelta(days=14), until=report.until,
                           count=3, count_before=0, tone=0.1, tone_before=None, topics=(), items=(), daily=())
    assert "Stories: 3 in the last 14 days (previous 14 days: 0)" in pair_text(fortnight)


def test_source_names_are_shortened(digest: Digest) -> None:
    [defence] = [i for i in digest.items if i.story.article.id == "kr-jp-defence"]
    assert source_names(defence) == "Harbour Post, Wire Service"
    assert source_names(defence, limit=1) == "Harbour Post +1"
