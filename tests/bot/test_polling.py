"""A polling round on both backends against feeds served on loopback: successes, a failing feed that backs
off and is retried, conditional GET on the next round, and a feed disabled after too many failures."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from aiohttp import web

from bot.polling import RoundResult, poll_round, process_owner
from bot.store import Store, backoff
from digests.analyse import Analyser
from digests.archive import StorySearch
from digests.ingest.fetch import Fetcher
from digests.ingest.pipeline import Ingester
from tests.digests.ingest.conftest import LoopbackServer

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
INTERVAL = timedelta(minutes=15)
OWNER = "test-host:1"


STORIES = {
    "north": ("Ice closes the northern shipping lane", "Ice closed the northern shipping lane on Monday and "
              "freighters waited at anchor for the ice breakers to clear a channel."),
    "south": ("Southern vineyards expect an early harvest", "Growers in the southern valleys said a warm spring "
              "means the grape harvest will start two weeks earlier than usual."),
    "down": ("Museum reopens after a long renovation", "The city museum reopened its doors on Saturday after "
             "three years of work on the roof, the galleries and the old library."),
}


def rss(name: str) -> bytes:
    title, description = STORIES[name]
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://{name}.example/</link><description>news</description>"
        f"<item><title>{title}</title><link>https://{name}.example/story</link>"
        f"<description>{description}</description></item></channel></rss>"
    ).encode()


@pytest.fixture
async def server() -> AsyncIterator[LoopbackServer]:
    running = LoopbackServer()
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def ingester(store: Store) -> AsyncIterator[Ingester]:
    async with Fetcher(allow_private=True, host_delay=0, timeout=10) as fetcher:
        yield Ingester(store.articles, Analyser(), fetcher=fetcher)


def serve_with_etag(server: LoopbackServer, path: str, body: bytes) -> None:
    etag = f'"{path.strip("/")}-v1"'

    async def respond(request: web.Request) -> web.StreamResponse:
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(body=body, headers={"ETag": etag, "Content-Type": "application/rss+xml"})

    server.handle(path, respond)


@pytest.fixture
async def feeds(store: Store, server: LoopbackServer) -> tuple[str, str, str]:
    """Two good feeds (with ETags) and one that answers 500, registered in that order."""
    serve_with_etag(server, "/north.xml", rss("north"))
    serve_with_etag(server, "/south.xml", rss("south"))
    server.serve("/down.xml", b"<h1>Internal Server Error</h1>", status=500, content_type="text/html")
    urls = (server.url("/north.xml"), server.url("/south.xml"), server.url("/down.xml"))
    for n, url in enumerate(urls):
        await store.feeds.add_feed(url, added_by="test", now=T0 - timedelta(hours=1) + timedelta(seconds=n))
    return urls


async def poll(store: Store, ingester: Ingester, now: datetime, *, max_failures: int = 3) -> RoundResult:
    return await poll_round(store.feeds, ingester, owner=OWNER, now=now, interval=INTERVAL,
                            max_failures=max_failures)


async def test_one_failing_feed_backs_off_alone(store: Store, ingester: Ingester, feeds: tuple[str, str, str],
                                                server: LoopbackServer) -> None:
    north, south, down = feeds
    first = await poll(store, ingester, T0)
    assert first.claimed == 3
    assert (first.failed, first.not_modified, first.new_articles) == (1, 0, 2)
    outcome = {o.source: o for o in first.outcomes}
    assert outcome[north].ok and outcome[south].ok
    failed = outcome[down]
    assert not failed.ok and failed.reason is not None and "HTTP 500" in failed.reason

    good = await store.feeds.get_feed(north)
    assert good is not None
    assert (good.etag, good.last_success_at, good.consecutive_failures) == ('"north.xml-v1"', T0, 0)
    assert good.next_attempt_at == T0 + INTERVAL
    assert (good.lease_owner, good.lease_until) == (None, None)
    failing = await store.feeds.get_feed(down)
    assert failing is not None
    assert failing.consecutive_failures == 1
    assert failing.last_error is not None and "HTTP 500" in failing.last_error
    assert failing.next_attempt_at == T0 + backoff(1)
    assert failing.last_success_at is None and not failing.disabled

    # Within the interval (and the failing feed's back-off) nothing is due.
    soon = await poll(store, ingester, T0 + timedelta(minutes=2))
    assert (soon.claimed, soon.outcomes) == (0, ())
    assert len(server.requests_for("/north.xml")) == 1

    # After the interval the good feeds answer 304 and the failing one is tried again.
    later = await poll(store, ingester, T0 + INTERVAL + timedelta(minutes=1))
    assert later.claimed == 3
    assert (later.not_modified, later.failed, later.new_articles) == (2, 1, 0)
    assert server.requests_for("/north.xml")[-1].headers["If-None-Match"] == '"north.xml-v1"'
    again = await store.feeds.get_feed(down)
    assert again is not None and again.consecutive_failures == 2
    assert again.next_attempt_at == T0 + INTERVAL + timedelta(minutes=1) + backoff(2)
    unchanged = await store.feeds.get_feed(south)
    assert unchanged is not None
    assert (unchanged.etag, unchanged.consecutive_failures) == ('"south.xml-v1"', 0)
    assert unchanged.last_success_at == T0 + INTERVAL + timedelta(minutes=1)


async def test_a_registered_publisher_names_the_source(store: Store, ingester: Ingester,
                                                       server: LoopbackServer) -> None:
    serve_with_etag(server, "/north.xml", rss("north"))
    await store.feeds.add_feed(server.url("/north.xml"), publisher="North Gazette", now=T0 - timedelta(hours=1))
    result = await poll(store, ingester, T0)
    assert result.new_articles == 1
    # The item carries no date, so it is stored at the time of reading.
    window = StorySearch(since=T0 - timedelta(days=30), until=datetime.now(UTC) + timedelta(days=1))
    stories = await store.articles.stories(window)
    assert [s.name for story in stories for s in story.sources] == ["North Gazette"]


async def test_too_many_failures_disable_a_feed(store: Store, ingester: Ingester, feeds: tuple[str, str, str],
                                                server: LoopbackServer) -> None:
    down = feeds[2]
    now = T0
    for _ in range(2):
        await poll(store, ingester, now, max_failures=2)
        now += timedelta(days=2)  # past any back-off
    disabled = await store.feeds.get_feed(down)
    assert disabled is not None
    assert (disabled.disabled, disabled.consecutive_failures) == (True, 2)
    tries = len(server.requests_for("/down.xml"))
    assert tries == 2

    result = await poll(store, ingester, now + timedelta(days=30), max_failures=2)
    assert result.claimed == 2
    assert down not in {o.source for o in result.outcomes}
    assert len(server.requests_for("/down.xml")) == tries

    # Re-enabled, it is due at once and a success resets its count.
    server.serve("/down.xml", rss("down"))
    assert await store.feeds.enable_feed(down)
    back = await poll(store, ingester, now + timedelta(days=30, minutes=1), max_failures=2)
    assert {o.source for o in back.outcomes} == {down}
    recovered = await store.feeds.get_feed(down)
    assert recovered is not None
    assert (recovered.disabled, recovered.consecutive_failures, recovered.last_error) == (False, 0, None)


async def test_a_feed_leased_to_another_process_is_left_alone(store: Store, ingester: Ingester,
                                                              feeds: tuple[str, str, str]) -> None:
    taken = await store.feeds.claim_due_feeds("other-host:2", T0, limit=1, lease=timedelta(minutes=10))
    assert [f.url for f in taken] == [feeds[0]]
    result = await poll(store, ingester, T0)
    assert result.claimed == 2
    assert feeds[0] not in {o.source for o in result.outcomes}
    still = await store.feeds.get_feed(feeds[0])
    assert still is not None and still.lease_owner == "other-host:2"


def test_the_process_owner_names_host_and_pid() -> None:
    host, pid = process_owner().rsplit(":", 1)
    assert host and pid.isdigit()
