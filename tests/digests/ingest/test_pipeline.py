"""The ingest pipeline into a real archive (SQLite): one outcome per source with specific reasons, duplicates
on the second pass, conditional GET against the loopback server, article pages for teaser items, and every
real publisher feed of the evaluation data."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from aiohttp import web

from bot.store.store import Store, open_store
from digests.analyse import Analyser
from digests.archive import Story, StorySearch
from digests.ingest.fetch import Fetcher
from digests.ingest.pipeline import TEASER_WORDS, Ingester, SourceOutcome
from tests.digests.ingest.conftest import LoopbackServer

FIXED_NOW = datetime(2026, 3, 3, 12, 0, tzinfo=UTC)

ARTICLE_TXT = """Source: Harbour Post
Date: 2026-03-02T05:00:00Z

Iceland votes to widen its fishing zone

REYKJAVIK - Iceland's parliament voted on Monday to widen the country's fishing zone, a move that fishermen \
welcomed and that neighbouring governments said they would study closely.

The bill passed with a large majority after two days of debate.
"""

RECORDS = [
    json.dumps({"id": "j1", "title": "Norway opens its largest wind farm", "date": "2026-03-02T07:00:00Z",
                "body": "Norway opened its largest onshore wind farm on Tuesday, officials in Oslo said."}),
    '{"id": "j2", "title": "a record cut off half way',
    json.dumps({"id": "j3", "title": "Peru and Bolivia sign a lake clean-up pact", "date": "2026-03-02T06:00:00Z",
                "text": "Peru and Bolivia agreed on Wednesday to clean up Lake Titicaca together."}),
]

HOME_PAGE = """<!DOCTYPE html><html><head><title>Harbour Post</title>
<link rel="alternate" type="application/rss+xml" href="https://harbourpost.example/rss.xml"></head>
<body><h1>Harbour Post</h1><p>Welcome to our front page.</p></body></html>"""

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry link restored | Harbour Post</title></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Ferry link between Finland and Estonia restored</h1>
<p>Ferries between Helsinki and Tallinn sailed again on Tuesday after ice in the Gulf of Finland had kept the
fleet in port for nine days, stranding freight lorries on both sides of the water.</p>
<p>The Finnish and Estonian transport ministries said the first crossings had carried mostly lorries, and that
passenger sailings would return to the normal timetable by the weekend.</p>
<p>Port operators in Tallinn said the backlog of freight would take several days to clear, and asked hauliers
to book crossings in advance while the ice breakers keep the lanes open.</p>
</article>
<footer>Copyright Harbour Post.</footer></body></html>"""

TEASER = "Ferries between Helsinki and Tallinn sailed again after nine days of ice."


def rss(items: list[dict[str, str]], *, title: str = "Harbour Post World") -> bytes:
    """A small RSS 2.0 document; each item has title, link and description, and pubDate when given."""
    entries = []
    for item in items:
        date = f"<pubDate>{item['date']}</pubDate>" if "date" in item else ""
        entries.append(f"<item><title>{escape(item['title'])}</title><link>{escape(item['link'])}</link>"
                       f"<guid>{escape(item['link'])}</guid>{date}"
                       f"<description>{escape(item['description'])}</description></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
            f"<link>https://harbourpost.example/</link><description>World news</description>"
            f"{''.join(entries)}</channel></rss>").encode()


FEED_ITEMS = [
    {"title": "Kenya and Tanzania reopen border crossing", "link": "https://harbourpost.example/border",
     "date": "Mon, 02 Mar 2026 08:00:00 GMT",
     "description": "Kenya and Tanzania reopened their busiest border crossing on Monday after a three-week "
                    "closure over a trade dispute."},
    {"title": "Chile names a new central bank governor", "link": "https://harbourpost.example/chile",
     "date": "Mon, 02 Mar 2026 09:00:00 GMT",
     "description": "Chile's senate confirmed an economist as central bank governor on Monday, the first woman "
                    "in the post."},
]


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    opened = await open_store(f"sqlite+aiosqlite:///{tmp_path}/t.db", migrate=True)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    """A folder with one source of each kind, good and bad, named so that they sort in this order."""
    folder = tmp_path / "inbox"
    (folder / "nested").mkdir(parents=True)
    (folder / "a_feed.xml").write_bytes(rss(FEED_ITEMS))
    (folder / "b_records.jsonl").write_text("\n".join(RECORDS) + "\n", encoding="utf-8")
    (folder / "c_article.txt").write_text(ARTICLE_TXT, encoding="utf-8")
    (folder / "d_home.html").write_text(HOME_PAGE, encoding="utf-8")
    (folder / "e_empty.txt").write_bytes(b"")
    (folder / "nested" / "f_logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / ".hidden.txt").write_text("never read", encoding="utf-8")
    return folder


def ingester(store: Store, *, fetcher: Fetcher | None = None, fetch_pages: bool = False) -> Ingester:
    return Ingester(store.articles, Analyser(), fetcher=fetcher, fetch_pages=fetch_pages, clock=lambda: FIXED_NOW)


async def stored(store: Store) -> list[Story]:
    search = StorySearch(since=datetime(2000, 1, 1, tzinfo=UTC), until=datetime(2100, 1, 1, tzinfo=UTC))
    return list(await store.articles.stories(search))


def by_name(outcomes: list[SourceOutcome]) -> dict[str, SourceOutcome]:
    return {Path(o.source).name: o for o in outcomes}


async def test_a_folder_gives_one_outcome_per_file(store: Store, inbox: Path) -> None:
    outcomes = await ingester(store).ingest_path(inbox)
    assert [Path(o.source).name for o in outcomes] == [
        "a_feed.xml", "b_records.jsonl", "c_article.txt", "d_home.html", "e_empty.txt", "f_logo.png"]
    found = by_name(outcomes)

    feed = found["a_feed.xml"]
    assert (feed.kind, feed.ok, feed.items, feed.new, feed.failed) == ("feed", True, 2, 2, 0)
    assert feed.feed_title == "Harbour Post World"

    records = found["b_records.jsonl"]
    assert (records.kind, records.ok, records.items, records.new, records.failed) == ("articles", True, 2, 2, 1)
    [error] = records.errors
    assert error.startswith(f"{inbox / 'b_records.jsonl'}:2: invalid JSON")
    assert "1 failed" in records.summary()

    text = found["c_article.txt"]
    assert (text.kind, text.ok, text.items, text.new) == ("articles", True, 1, 1)

    page = found["d_home.html"]
    assert not page.ok
    assert page.reason is not None and "HTML page" in page.reason
    assert "https://harbourpost.example/rss.xml" in page.reason  # where the real feed is
    assert page.summary() == f"failed: {page.reason}"

    assert (found["e_empty.txt"].ok, found["e_empty.txt"].reason) == (False, "empty file")
    logo = found["f_logo.png"]
    assert not logo.ok and logo.reason is not None and "unsupported file type '.png'" in logo.reason
    assert logo.items == 0

    titles = sorted(story.article.title for story in await stored(store))
    assert titles == ["Chile names a new central bank governor", "Iceland votes to widen its fishing zone",
                      "Kenya and Tanzania reopen border crossing", "Norway opens its largest wind farm",
                      "Peru and Bolivia sign a lake clean-up pact"]


async def test_what_was_stored_is_analysed(store: Store, inbox: Path) -> None:
    await ingester(store).ingest_path(inbox)
    stories = {story.article.title: story for story in await stored(store)}
    border = stories["Kenya and Tanzania reopen border crossing"]
    assert {"KE", "TZ"} <= set(border.analysis.countries)
    assert border.article.published_at == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
    assert border.sources[0].url == "https://harbourpost.example/border"
    iceland = stories["Iceland votes to widen its fishing zone"]
    assert iceland.analysis.countries[:1] == ("IS",)
    assert iceland.article.dateline == "REYKJAVIK"
    assert iceland.analysis.summary_sentences


async def test_ingesting_again_finds_duplicates_not_new_articles(store: Store, inbox: Path) -> None:
    pipeline = ingester(store)
    await pipeline.ingest_path(inbox)
    again = by_name(await pipeline.ingest_path(inbox))
    assert (again["a_feed.xml"].new, again["a_feed.xml"].duplicates) == (0, 2)
    assert (again["b_records.jsonl"].new, again["b_records.jsonl"].duplicates) == (0, 2)
    assert (again["c_article.txt"].new, again["c_article.txt"].duplicates) == (0, 1)
    assert again["a_feed.xml"].summary() == "2 read, 0 new, 0 joined known stories, 2 already stored"
    assert len(await stored(store)) == 5


async def test_binary_and_missing_sources_fail_with_reasons(store: Store, tmp_path: Path) -> None:
    blob = tmp_path / "blob"  # no suffix: sniffed, not a feed, and not text either
    blob.write_bytes(b"\x00\x01\x02binary" * 100)
    [binary] = await ingester(store).ingest_path(blob)
    assert (binary.ok, binary.reason) == (False, "binary file, not a text article")
    [missing] = await ingester(store).ingest_path(tmp_path / "nowhere.xml")
    assert (missing.ok, missing.reason) == (False, "no such file or folder")
    not_xml = tmp_path / "garbage.xml"
    not_xml.write_bytes(b"\x00\xff\xfe garbage that is not a feed")
    [garbage] = await ingester(store).ingest_path(not_xml)
    assert not garbage.ok and garbage.reason
    assert await stored(store) == []


async def test_urls_need_a_fetcher(store: Store) -> None:
    [outcome] = await ingester(store).ingest(["https://harbourpost.example/rss.xml"])
    assert (outcome.ok, outcome.reason) == (False, "fetching is disabled in this run")


async def test_conditional_get_skips_an_unchanged_feed(store: Store, server: LoopbackServer,
                                                       fetcher: Fetcher) -> None:
    body = rss(FEED_ITEMS)

    async def feed(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == '"v1"':
            return web.Response(status=304, headers={"ETag": '"v1"'})
        return web.Response(body=body, headers={"ETag": '"v1"', "Content-Type": "application/rss+xml"})

    server.handle("/rss.xml", feed)
    pipeline = ingester(store, fetcher=fetcher)
    first = await pipeline.ingest_url(server.url("/rss.xml"))
    assert (first.ok, first.new, first.etag, first.not_modified) == (True, 2, '"v1"', False)

    second = await pipeline.ingest_url(server.url("/rss.xml"), etag=first.etag)
    assert second.ok and second.not_modified
    assert (second.items, second.new, second.duplicates, second.feed_title) == (0, 0, 0, None)  # nothing parsed
    assert second.etag == '"v1"'
    assert second.summary() == "unchanged since the last fetch (304)"
    assert server.requests_for("/rss.xml")[1].headers["If-None-Match"] == '"v1"'
    assert len(await stored(store)) == 2


async def test_a_failing_feed_url_says_why(store: Store, server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/broken.xml", b"oops", status=500, content_type="text/plain")
    server.serve("/home", HOME_PAGE.encode(), content_type="text/html; charset=utf-8")
    broken, home = await ingester(store, fetcher=fetcher).ingest([server.url("/broken.xml"), server.url("/home")])
    assert not broken.ok and broken.reason is not None and "HTTP 500" in broken.reason
    assert not home.ok and home.reason is not None and "HTML page" in home.reason


def teaser_feed(server: LoopbackServer, path: str) -> bytes:
    return rss([{"title": "Ferry link between Finland and Estonia restored", "link": server.url(path),
                 "description": TEASER}])


async def test_a_teaser_item_gets_its_page_text(store: Store, server: LoopbackServer, fetcher: Fetcher) -> None:
    assert len(TEASER.split()) < TEASER_WORDS
    server.serve("/rss.xml", teaser_feed(server, "/world/ferries"))
    server.serve("/world/ferries", PAGE.encode(), content_type="text/html; charset=utf-8")
    outcome = await ingester(store, fetcher=fetcher, fetch_pages=True).ingest_url(server.url("/rss.xml"))
    assert (outcome.ok, outcome.new) == (True, 1)
    [story] = await stored(store)
    assert "backlog of freight would take several days" in story.article.text  # from the page
    assert "Copyright Harbour Post" not in story.article.text
    assert "Home" not in story.article.text.split()
    assert story.article.standfirst == TEASER  # the feed's teaser is kept as the standfirst
    assert story.article.language == "en"
    assert {"FI", "EE"} <= set(story.analysis.countries)


async def test_a_teaser_is_kept_when_its_page_fails(store: Store, server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/rss.xml", teaser_feed(server, "/gone"))  # /gone answers 404
    outcome = await ingester(store, fetcher=fetcher, fetch_pages=True).ingest_url(server.url("/rss.xml"))
    assert (outcome.ok, outcome.new, outcome.failed) == (True, 1, 0)
    [story] = await stored(store)
    assert story.article.text == TEASER
    assert server.requests_for("/gone")  # it was tried


async def test_pages_are_not_fetched_unless_asked(store: Store, server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/rss.xml", teaser_feed(server, "/world/ferries"))
    server.serve("/world/ferries", PAGE.encode(), content_type="text/html; charset=utf-8")
    await ingester(store, fetcher=fetcher).ingest_url(server.url("/rss.xml"))
    [story] = await stored(store)
    assert story.article.text == TEASER
    assert server.requests_for("/world/ferries") == []


@pytest.mark.shared_data
async def test_every_real_publisher_feed_goes_in(store: Store, shared_data: Path) -> None:
    feeds = sorted((shared_data / "feeds" / "real_news").glob("*.xml"))
    assert feeds, "no publisher feeds in the evaluation data"
    pipeline = Ingester(store.articles, Analyser())  # the real clock: feed dates are not moved
    outcomes = [outcome for path in feeds for outcome in await pipeline.ingest_path(path)]
    assert len(outcomes) == len(feeds)
    for outcome in outcomes:
        assert outcome.ok, f"{outcome.source}: {outcome.reason}"
        assert outcome.items > 0, outcome.source
        assert outcome.failed == 0, (outcome.source, outcome.errors[:3])
        assert outcome.new + outcome.near_duplicates + outcome.duplicates == outcome.items
    total = sum(o.new for o in outcomes)
    search = StorySearch(since=datetime(1990, 1, 1, tzinfo=UTC), until=datetime.now(UTC) + timedelta(days=1),
                         limit=10_000)
    assert (await store.articles.count(search))[0] == total
