"""The article archive on both backends: storing once, clustering, searching, counting, purging."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta

import pytest

from bot.store import Store
from digests.archive import Archive, StorySearch
from digests.signature import signature as minhash
from tests.bot.store.builders import T0, make, signature, window


def search(**fields: object) -> StorySearch:
    since, until = window()
    return StorySearch(**({"since": since, "until": until} | fields))  # type: ignore[arg-type]  # test shorthand


async def test_the_archive_is_an_archive(store: Store) -> None:
    archive: Archive = store.articles
    assert await archive.count(search()) == (0, None)


async def test_a_new_article_round_trips_with_its_analysis(store: Store) -> None:
    article, analysis = make(
        "a1", countries=("KR", "JP"), mentioned={"US": 0.2}, topics=("diplomacy", "trade"), tone=-0.25,
        sig=signature(1), regions=("east-asia",), text="First paragraph.\n\nSecond paragraph.",
    )
    result = await store.articles.add(article, analysis, feed_url="https://news.example.com/rss")
    assert (result.status, result.article_id, result.cluster_id) == ("new", "a1", "a1")

    [story] = await store.articles.stories(search())
    assert story.cluster_id == "a1"
    assert story.article == article
    assert story.article.paragraphs == ("First paragraph.", "Second paragraph.")
    stored = story.analysis
    assert stored.countries == ("KR", "JP")
    assert dict(stored.country_scores) == pytest.approx({"KR": 1.0, "JP": 0.9, "US": 0.2})
    assert stored.topics == ("diplomacy", "trade")
    assert dict(stored.topic_scores) == pytest.approx({"diplomacy": 0.9, "trade": 0.8})
    assert stored.tone == pytest.approx(-0.25)
    assert stored.summary_sentences == ("Summary of a1.",)
    assert stored.regions == ("east-asia",)
    assert stored.signature == signature(1)
    assert story.sources[0].name == "Example News"
    assert story.sources[0].url == "https://news.example.com/a1"
    assert story.sources[0].published_at == T0


async def test_the_same_id_or_url_is_stored_once(store: Store) -> None:
    story = "https://news.example.com/story"
    await store.articles.add(*make("a1", url=story, title="Same"))
    again = await store.articles.add(*make("a1", url=story, title="Same"))
    other_id_same_url = await store.articles.add(*make("b2", url=story, title="Same"))
    assert (again.status, again.cluster_id) == ("duplicate", "a1")
    assert (other_id_same_url.status, other_id_same_url.article_id) == ("duplicate", "a1")
    assert await store.articles.count(search()) == (1, pytest.approx(0.0))


async def test_a_retimestamped_item_is_not_news_again(store: Store) -> None:
    await store.articles.add(*make("a1", when=T0 - timedelta(days=2)))
    later = await store.articles.add(*make("a1", when=T0))
    assert later.status == "duplicate"
    [story] = await store.articles.stories(search())
    assert story.article.published_at == T0 - timedelta(days=2)
    assert await store.articles.stories(search(since=T0 - timedelta(hours=1))) == []


async def test_a_changed_text_updates_the_article_but_keeps_its_time_and_cluster(store: Store) -> None:
    await store.articles.add(*make("a1", text="Early version.", countries=("FR",), topics=("energy",)))
    result = await store.articles.add(*make("a1", when=T0 + timedelta(hours=3), text="Corrected version.",
                                             countries=("DE",), topics=("trade",), tone=0.5))
    assert (result.status, result.cluster_id) == ("updated", "a1")
    [story] = await store.articles.stories(search())
    assert story.article.text == "Corrected version."
    assert story.article.published_at == T0
    assert story.analysis.countries == ("DE",)
    assert await store.articles.stories(search(countries=frozenset({"FR"}))) == []
    assert len(await store.articles.stories(search(topics=frozenset({"trade"})))) == 1
    assert len(await store.articles.stories(search(text="corrected"))) == 1
    assert await store.articles.stories(search(text="early")) == []


async def test_one_story_from_five_feeds_is_one_story_with_five_sources(store: Store) -> None:
    outlets = ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    results = []
    for i, outlet in enumerate(outlets):
        article, analysis = make(f"s{i}", when=T0 + timedelta(hours=i), source=outlet,
                                 url=f"https://{outlet.lower()}.example/{i}", countries=("KE",),
                                 sig=signature(7, changed=i))  # each copy a little different
        results.append(await store.articles.add(article, analysis))
    assert [r.status for r in results] == ["new"] + ["near-duplicate"] * 4
    assert {r.cluster_id for r in results} == {"s0"}
    await store.articles.add(*make("other", when=T0 + timedelta(hours=1), countries=("KE",),
                                   sig=signature(99)))

    stories = await store.articles.stories(search(countries=frozenset({"KE"})))
    assert [s.cluster_id for s in stories] == ["s0", "other"]  # newest first by the latest member
    story = stories[0]
    assert story.article.id == "s0"  # the representative is the first article
    assert [s.name for s in story.sources] == outlets
    assert [s.published_at for s in story.sources] == [T0 + timedelta(hours=i) for i in range(5)]
    assert await store.articles.count(search(countries=frozenset({"KE"}))) == (2, pytest.approx(0.0))


async def test_dissimilar_or_distant_articles_start_their_own_cluster(store: Store) -> None:
    await store.articles.add(*make("a", sig=signature(1)))
    far_apart = await store.articles.add(*make("b", when=T0 + timedelta(days=8), sig=signature(1, changed=1)))
    too_different = await store.articles.add(*make("c", sig=signature(1, changed=40)))
    unsigned = await store.articles.add(*make("d"))
    assert [(r.status, r.cluster_id) for r in (far_apart, too_different, unsigned)] == [
        ("new", "b"), ("new", "c"), ("new", "d")]


async def test_countries_match_about_countries_any_or_all(store: Store) -> None:
    await store.articles.add(*make("kr-jp", countries=("KR", "JP")))
    await store.articles.add(*make("kr", when=T0 + timedelta(hours=1), countries=("KR",),
                                   mentioned={"JP": 0.3}))
    await store.articles.add(*make("fr", when=T0 + timedelta(hours=2), countries=("FR",)))

    async def ids(**fields: object) -> list[str]:
        return [s.article.id for s in await store.articles.stories(search(**fields))]

    assert await ids(countries=frozenset({"KR"})) == ["kr", "kr-jp"]
    assert await ids(countries=frozenset({"JP", "FR"})) == ["fr", "kr-jp"]  # a mention is not "about"
    assert await ids(countries=frozenset({"kr", "jp"}), all_countries=True) == ["kr-jp"]
    assert await ids(countries=frozenset({"KR", "FR"}), all_countries=True) == []
    assert await store.articles.count(search(countries=frozenset({"KR", "JP"}), all_countries=True)) == (
        1, pytest.approx(0.0))


async def test_topics_match_any_assigned_topic(store: Store) -> None:
    await store.articles.add(*make("t1", topics=("energy", "climate")))
    await store.articles.add(*make("t2", when=T0 + timedelta(hours=1), topics=("sport",)))
    found = await store.articles.stories(search(topics=frozenset({"climate", "sport"})))
    assert [s.article.id for s in found] == ["t2", "t1"]
    assert await store.articles.stories(search(topics=frozenset({"health"}))) == []


async def test_text_search_is_full_text_and_takes_any_input(store: Store) -> None:
    await store.articles.add(*make("e", title="Elections in Kenya", text="Voters queued for hours."))
    await store.articles.add(*make("f", title="Floods", text="Rivers burst their banks after the rains."))
    assert [s.article.id for s in await store.articles.stories(search(text="election"))] == ["e"]
    assert [s.article.id for s in await store.articles.stories(search(text="river banks"))] == ["f"]
    assert await store.articles.stories(search(text="rivers voters")) == []  # every word must match
    for odd in ('"unbalanced', "NEAR(a b) OR -x*", "!!!", "'; DROP TABLE articles; --", "\x00"):
        assert await store.articles.stories(search(text=odd)) == []
    assert await store.articles.count(search()) == (2, pytest.approx(0.0))


async def test_excluded_domains_drop_their_sources_and_subdomains(store: Store) -> None:
    await store.articles.add(*make("x0", url="https://www.tabloid.example/a", source="Tabloid",
                                   sig=signature(3)))
    await store.articles.add(*make("x1", when=T0 + timedelta(hours=1), url="https://paper.example/a",
                                   source="Paper", sig=signature(3, changed=1)))
    await store.articles.add(*make("y", url="https://tabloid.example/b", source="Tabloid"))
    unlinked, unlinked_analysis = make("z", source=None)
    await store.articles.add(replace(unlinked, url=None), unlinked_analysis)

    stories = await store.articles.stories(search(exclude_domains=frozenset({"Tabloid.example"})))
    by_cluster = {s.cluster_id: s for s in stories}
    assert set(by_cluster) == {"x0", "z"}
    assert by_cluster["x0"].article.id == "x1"  # the first source left represents the story
    assert [s.name for s in by_cluster["x0"].sources] == ["Paper"]
    assert by_cluster["z"].sources[0].name == "unknown"
    assert await store.articles.count(search(exclude_domains=frozenset({"https://tabloid.example/"}))) == (
        2, pytest.approx(0.0))
    not_a_parent = await store.articles.stories(search(exclude_domains=frozenset({"loid.example"})))
    assert len(not_a_parent) == 3


async def test_time_window_is_half_open_and_limit_keeps_the_newest(store: Store) -> None:
    for hour in range(5):
        await store.articles.add(*make(f"h{hour}", when=T0 + timedelta(hours=hour)))
    found = await store.articles.stories(StorySearch(since=T0 + timedelta(hours=1),
                                                     until=T0 + timedelta(hours=4)))
    assert [s.article.id for s in found] == ["h3", "h2", "h1"]
    limited = await store.articles.stories(StorySearch(since=T0, until=T0 + timedelta(days=1), limit=2))
    assert [s.article.id for s in limited] == ["h4", "h3"]
    assert await store.articles.stories(StorySearch(since=T0, until=T0 + timedelta(days=1), limit=0)) == []
    assert await store.articles.stories(StorySearch(since=T0, until=T0)) == []


async def test_count_and_daily_count_clusters_by_utc_day_with_mean_tone(store: Store) -> None:
    late = T0.replace(hour=23, minute=30)
    await store.articles.add(*make("d1a", when=late, tone=0.4, countries=("BR",), sig=signature(5)))
    await store.articles.add(*make("d1b", when=late + timedelta(minutes=10), tone=0.2, countries=("BR",),
                                   sig=signature(5, changed=1)))  # same story, same day
    await store.articles.add(*make("d2", when=late + timedelta(hours=1), tone=-0.6, countries=("BR",)))
    await store.articles.add(*make("d4", when=late + timedelta(days=2), tone=1.0, countries=("BR",)))
    brazil = search(countries=frozenset({"BR"}))

    count, tone = await store.articles.count(brazil)
    assert count == 3
    assert tone == pytest.approx((0.3 - 0.6 + 1.0) / 3)
    points = await store.articles.daily(brazil)
    assert [(p.day, p.count) for p in points] == [
        (date(2026, 3, 2), 1), (date(2026, 3, 3), 1), (date(2026, 3, 4), 1)]
    assert [p.tone for p in points] == pytest.approx([0.3, -0.6, 1.0])
    assert await store.articles.daily(search(countries=frozenset({"AR"}))) == []


async def test_purge_deletes_old_articles_with_their_side_rows_and_search_entries(store: Store) -> None:
    await store.articles.add(*make("old", when=T0 - timedelta(days=40), title="Harvest report",
                                   countries=("IN",), topics=("farming",), sig=signature(8)))
    await store.articles.add(*make("new", when=T0, title="Harvest festival", countries=("IN",)))
    assert await store.articles.purge_older_than(T0 - timedelta(days=30)) == 1
    assert await store.articles.purge_older_than(T0 - timedelta(days=30)) == 0
    everything = search(since=T0 - timedelta(days=400))
    assert [s.article.id for s in await store.articles.stories(everything)] == ["new"]
    assert [s.article.id for s in await store.articles.stories(
        StorySearch(since=everything.since, until=everything.until, text="harvest"))] == ["new"]
    assert await store.articles.count(StorySearch(since=everything.since, until=everything.until,
                                                  topics=frozenset({"farming"}))) == (0, None)
    # The purged article's id, URL and bands are free again.
    again = await store.articles.add(*make("old", when=T0 - timedelta(days=1), countries=("IN",),
                                           sig=signature(8)))
    assert again.status == "new"
    assert len(await store.articles.stories(search(text="Title"))) == 1


async def test_bad_input_is_refused_with_a_clear_error(store: Store) -> None:
    article, analysis = make("a1")
    _, other = make("b2")
    with pytest.raises(ValueError, match="analysis is of article 'b2'"):
        await store.articles.add(article, other)
    long_article, long_analysis = make("x" * 500)
    with pytest.raises(ValueError, match="article id must be"):
        await store.articles.add(long_article, long_analysis)
    assert (await store.articles.add(article, analysis)).status == "new"
    nul_article, nul_analysis = make("nul", title="Null\x00byte", text="Feeds\x00 send these.",
                                     source="A\x00B")
    assert (await store.articles.add(nul_article, nul_analysis)).status == "new"
    assert (await store.articles.add(nul_article, nul_analysis)).status == "duplicate"
    [story] = await store.articles.stories(search(text="feeds"))
    assert (story.article.title, story.sources[0].name) == ("Nullbyte", "AB")


async def test_concurrent_adds_all_land(store: Store) -> None:
    pairs = [make(f"c{i}", when=T0 + timedelta(minutes=i), sig=signature(100 + i)) for i in range(12)]
    results = await asyncio.gather(*(store.articles.add(article, analysis) for article, analysis in pairs))
    assert sorted(r.status for r in results) == ["new"] * 12
    assert (await store.articles.count(search()))[0] == 12


async def test_real_signatures_cluster_edited_copies_and_keep_other_stories_apart(store: Store) -> None:
    wire = ("Heavy rains flooded the river valleys of western Kenya on Tuesday, forcing thousands of families "
            "from their homes as the Nzoia burst its banks near Budalangi. The Kenya Red Cross said rescue "
            "boats had reached three villages and that schools would shelter those displaced until the water "
            "receded. Forecasters expect more storms over the weekend across the Lake Victoria basin.")
    edited = wire.replace("on Tuesday", "on Tuesday night").replace("thousands of", "several thousand")
    other = ("The central bank of Brazil held its benchmark rate steady on Wednesday, saying inflation had "
             "eased for a third month while the labour market stayed tight. Economists polled last week "
             "had expected the pause; markets now price a first cut before the end of the year.")
    statuses = []
    for article_id, text, hours in (("wire", wire, 0), ("copy", edited, 2), ("bank", other, 3)):
        article, analysis = make(article_id, when=T0 + timedelta(hours=hours), text=text, title="Floods")
        analysis = replace(analysis, signature=minhash(article.title, article.text))
        statuses.append((await store.articles.add(article, analysis)).status)
    assert statuses == ["new", "near-duplicate", "new"]
    stories = await store.articles.stories(search())
    assert [(s.cluster_id, len(s.sources)) for s in stories] == [("bank", 1), ("wire", 2)]
