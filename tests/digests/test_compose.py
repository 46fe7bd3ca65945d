"""Composing digests from a real archive (SQLite): one item per story, exclusions, custom topics, phrases,
limits and the window."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from bot.store.store import Store
from digests.compose import Digest, compose, describe_query, phrases
from digests.model import Query
from digests.topics import CustomTopic
from tests.digests.stories import NOW, add, article, reworded, sqlite_store

KOREA_JAPAN = Query(countries=frozenset({"KR", "JP"}))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    async with sqlite_store(tmp_path) as opened:
        yield opened


def ids(digest: Digest) -> list[str]:
    return [item.story.article.id for item in digest.items]


async def test_one_item_per_story_with_every_source(store: Store) -> None:
    first = article("kr-jp-defence", hours_ago=3)
    copy = reworded(first, article_id="wire-copy", source="Wire Service", url="https://wire.example/defence")
    results = await add(store.articles, first, copy, article("kr-jp-rail", hours_ago=2))
    assert [r.status for r in results] == ["new", "near-duplicate", "new"]

    digest = await compose(store.articles, KOREA_JAPAN, NOW)
    assert sorted(ids(digest)) == ["kr-jp-defence", "kr-jp-rail"]
    [defence] = [item for item in digest.items if item.story.article.id == "kr-jp-defence"]
    assert [s.name for s in defence.story.sources] == ["Harbour Post", "Wire Service"]
    assert "2 sources" in defence.reasons
    assert defence.score == defence.scored.score


async def test_items_come_best_first(store: Store) -> None:
    await add(store.articles, article("kr-jp-defence", hours_ago=20), article("kr-jp-rail", hours_ago=1),
              article("kr-stocks", hours_ago=1))
    digest = await compose(store.articles, KOREA_JAPAN, NOW)
    scores = [item.score for item in digest.items]
    assert scores == sorted(scores, reverse=True)
    assert ids(digest)[0] == "kr-jp-rail"  # named in the headline and the newest
    assert ids(digest)[-1] == "kr-stocks"  # only about one of the two, and not in its headline


async def test_clusters_already_sent_are_left_out(store: Store) -> None:
    first = article("kr-jp-defence", hours_ago=3)
    copy = reworded(first, article_id="wire-copy", source="Wire Service", url="https://wire.example/defence")
    await add(store.articles, first, copy, article("kr-jp-students", hours_ago=2))
    digest = await compose(store.articles, KOREA_JAPAN, NOW, exclude_clusters=frozenset({"kr-jp-defence"}))
    assert ids(digest) == ["kr-jp-students"]  # the wire copy belongs to the excluded cluster too


async def test_excluded_domains_drop_their_articles_but_not_other_sources(store: Store) -> None:
    first = article("kr-jp-defence", hours_ago=3)
    copy = reworded(first, article_id="wire-copy", source="Wire Service", url="https://wire.example/defence")
    await add(store.articles, first, copy, article("kr-jp-students", hours_ago=2))
    digest = await compose(store.articles, KOREA_JAPAN, NOW, exclude_domains=frozenset({"harbourpost.example"}))
    [item] = digest.items
    assert item.story.article.id == "wire-copy"
    assert [s.name for s in item.story.sources] == ["Wire Service"]
    assert "2 sources" not in item.reasons


async def test_custom_topics_filter_and_tag(store: Store) -> None:
    await add(store.articles, article("bees", hours_ago=2), article("chip-export", hours_ago=2),
              article("kr-jp-defence", hours_ago=2))
    beekeeping = CustomTopic("beekeeping", ("beekeepers", "honey", "hives"))
    query = Query(topics=frozenset({"beekeeping"}))
    digest = await compose(store.articles, query, NOW, custom_topics=[beekeeping])
    [item] = digest.items
    assert item.story.article.id == "bees"
    assert item.story.analysis.topics[0] == "beekeeping"
    assert "topic: beekeeping" in item.reasons
    assert item.score > 0


async def test_custom_and_built_in_topics_together(store: Store) -> None:
    await add(store.articles, article("bees", hours_ago=2), article("chip-export", hours_ago=2),
              article("kr-jp-defence", hours_ago=2))
    beekeeping = CustomTopic("beekeeping", ("beekeepers", "honey", "hives"))
    query = Query(topics=frozenset({"beekeeping", "diplomacy"}))
    digest = await compose(store.articles, query, NOW, custom_topics=[beekeeping])
    assert sorted(ids(digest)) == ["bees", "kr-jp-defence"]


async def test_a_custom_topic_without_a_definition_matches_nothing(store: Store) -> None:
    # A subscription can outlive the custom topic it names; it must not turn into "all news".
    await add(store.articles, article("bees", hours_ago=2), article("kr-jp-defence", hours_ago=2))
    gone = await compose(store.articles, Query(topics=frozenset({"beekeeping"})), NOW)
    assert gone.items == ()
    with_built_in = await compose(store.articles, Query(topics=frozenset({"beekeeping", "diplomacy"})), NOW)
    assert ids(with_built_in) == ["kr-jp-defence"]


async def test_comma_separated_phrases_match_either_phrase(store: Store) -> None:
    await add(store.articles, article("chip-export", hours_ago=2), article("fr-de-hydrogen", hours_ago=2),
              article("bees", hours_ago=2), article("kr-jp-rail", hours_ago=2))
    assert phrases("chip export, hydrogen pipeline ,, ") == ["chip export", "hydrogen pipeline"]
    digest = await compose(store.articles, Query(text="chip export, hydrogen pipeline"), NOW)
    assert sorted(ids(digest)) == ["chip-export", "fr-de-hydrogen"]
    for item in digest.items:
        assert 'matches "chip export, hydrogen pipeline"' in item.reasons
    single = await compose(store.articles, Query(text="hydrogen pipeline"), NOW)
    assert ids(single) == ["fr-de-hydrogen"]


async def test_the_limit_keeps_the_best(store: Store) -> None:
    keys = ["kr-jp-defence", "kr-jp-students", "kr-jp-fisheries", "kr-jp-rail"]
    await add(store.articles, *(article(key, hours_ago=1 + 3 * n) for n, key in enumerate(keys)))
    everything = await compose(store.articles, KOREA_JAPAN, NOW)
    assert len(everything.items) == 4
    top_two = await compose(store.articles, KOREA_JAPAN, NOW, limit=2)
    assert ids(top_two) == ids(everything)[:2]


async def test_the_window_bounds_what_is_read(store: Store) -> None:
    await add(store.articles, article("kr-jp-defence", hours_ago=2), article("kr-jp-rail", hours_ago=30),
              article("kr-jp-students", hours_ago=-1))
    day = await compose(store.articles, KOREA_JAPAN, NOW)
    assert ids(day) == ["kr-jp-defence"]  # 30 h ago is out, and so is what is dated after ``now``
    assert (day.since, day.until) == (NOW - timedelta(hours=24), NOW)
    two_days = await compose(store.articles, KOREA_JAPAN, NOW, window=timedelta(hours=48))
    assert sorted(ids(two_days)) == ["kr-jp-defence", "kr-jp-rail"]


async def test_countries_filter_the_stories(store: Store) -> None:
    await add(store.articles, article("kr-jp-defence"), article("fr-de-hydrogen"), article("bees"))
    france = await compose(store.articles, Query(countries=frozenset({"FR"})), NOW)
    assert ids(france) == ["fr-de-hydrogen"]
    europe = await compose(store.articles, Query(regions=frozenset({"europe"})), NOW)
    assert ids(europe) == ["fr-de-hydrogen"]
    everything = await compose(store.articles, Query(), NOW)
    assert sorted(ids(everything)) == ["bees", "fr-de-hydrogen", "kr-jp-defence"]


async def test_title_and_an_empty_archive(store: Store) -> None:
    digest = await compose(store.articles, KOREA_JAPAN, NOW)
    assert digest.items == ()
    assert digest.title == "News digest: JP, KR"
    assert digest.query == KOREA_JAPAN
    named = await compose(store.articles, Query(), NOW, title="Morning briefing")
    assert named.title == "Morning briefing"


def test_describe_query() -> None:
    assert describe_query(Query()) == "all news"
    query = Query(countries=frozenset({"KR", "JP"}), regions=frozenset({"east-asia"}),
                  topics=frozenset({"diplomacy"}), text=" chip export ")
    assert describe_query(query) == 'JP, KR · east-asia · diplomacy · "chip export"'
