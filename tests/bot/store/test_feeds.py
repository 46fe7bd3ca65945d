"""The feed registry on both backends: registration, leases, success, backoff, disable and enable."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bot.store import FeedUrlError, Store, backoff
from tests.bot.store.builders import T0
from tests.bot.store.conftest import Database

LEASE = timedelta(minutes=10)


def test_backoff_doubles_from_five_minutes_up_to_a_day() -> None:
    assert [backoff(n) for n in (0, 1, 2, 3, 4)] == [timedelta(minutes=m) for m in (0, 5, 10, 20, 40)]
    assert backoff(9) == timedelta(minutes=5 * 256)
    assert backoff(10) == backoff(50) == backoff(10_000) == timedelta(hours=24)


async def test_adding_a_feed_is_idempotent_and_listed(store: Store) -> None:
    first = await store.feeds.add_feed(" https://news.example.com/rss ", title="Example", publisher="Ex",
                                       country="ke", added_by="U1", now=T0)
    again = await store.feeds.add_feed("https://news.example.com/rss", title="Other title", now=T0 + LEASE)
    assert first == again
    assert (first.url, first.title, first.country, first.added_by, first.added_at) == (
        "https://news.example.com/rss", "Example", "KE", "U1", T0)
    assert (first.consecutive_failures, first.disabled, first.next_attempt_at, first.lease_owner) == (
        0, False, None, None)
    await store.feeds.add_feed("https://other.example/atom.xml", now=T0 + LEASE)
    assert [f.url for f in await store.feeds.list_feeds()] == [
        "https://news.example.com/rss", "https://other.example/atom.xml"]


@pytest.mark.parametrize("url", ["", "   ", "ftp://example.com/feed", "news.example.com/rss", "https://",
                                 "http://[::1/feed", "https://example.com/" + "x" * 3000])
async def test_a_bad_feed_url_is_refused_clearly(store: Store, url: str) -> None:
    with pytest.raises(FeedUrlError):
        await store.feeds.add_feed(url)
    assert await store.feeds.list_feeds() == []


async def test_removing_a_feed(store: Store) -> None:
    await store.feeds.add_feed("https://news.example.com/rss")
    assert await store.feeds.remove_feed("https://news.example.com/rss") is True
    assert await store.feeds.remove_feed("https://news.example.com/rss") is False
    assert await store.feeds.get_feed("https://news.example.com/rss") is None


async def test_a_claimed_feed_is_leased_until_the_lease_runs_out(store: Store) -> None:
    for name in ("a", "b", "c"):
        await store.feeds.add_feed(f"https://{name}.example/rss", now=T0)
    claimed = await store.feeds.claim_due_feeds("bot-1", T0, limit=2, lease=LEASE)
    assert [f.url for f in claimed] == ["https://a.example/rss", "https://b.example/rss"]
    assert {(f.lease_owner, f.lease_until) for f in claimed} == {("bot-1", T0 + LEASE)}
    rest = await store.feeds.claim_due_feeds("bot-2", T0 + timedelta(minutes=1), limit=5, lease=LEASE)
    assert [f.url for f in rest] == ["https://c.example/rss"]
    assert await store.feeds.claim_due_feeds("bot-2", T0 + timedelta(minutes=2), limit=5, lease=LEASE) == []
    # bot-1 died: once its lease has run out, another process takes its feeds over.
    taken_over = await store.feeds.claim_due_feeds("bot-2", T0 + LEASE, limit=5, lease=LEASE)
    assert [f.url for f in taken_over] == ["https://a.example/rss", "https://b.example/rss"]
    assert await store.feeds.record_success("https://a.example/rss", "bot-1", etag=None, last_modified=None,
                                            now=T0 + LEASE, next_attempt_at=T0 + LEASE) is False
    with pytest.raises(ValueError, match="lease owner"):
        await store.feeds.claim_due_feeds("", T0, limit=1, lease=LEASE)
    with pytest.raises(ValueError, match="positive"):
        await store.feeds.claim_due_feeds("bot-1", T0, limit=1, lease=timedelta(0))
    assert await store.feeds.claim_due_feeds("bot-1", T0, limit=0, lease=LEASE) == []


async def test_success_stores_validators_and_schedules_the_next_fetch(store: Store) -> None:
    url = "https://news.example.com/rss"
    await store.feeds.add_feed(url, now=T0)
    await store.feeds.claim_due_feeds("bot-1", T0, limit=1, lease=LEASE)
    assert await store.feeds.record_success(url, "bot-1", etag='W/"abc"', last_modified="Mon, 02 Mar 2026",
                                            now=T0, next_attempt_at=T0 + timedelta(minutes=15)) is True
    state = await store.feeds.get_feed(url)
    assert state is not None
    assert (state.etag, state.last_modified, state.last_success_at, state.next_attempt_at) == (
        'W/"abc"', "Mon, 02 Mar 2026", T0, T0 + timedelta(minutes=15))
    assert (state.lease_owner, state.lease_until) == (None, None)
    early, due = T0 + timedelta(minutes=14), T0 + timedelta(minutes=15)
    assert await store.feeds.claim_due_feeds("bot-1", early, limit=5, lease=LEASE) == []
    assert len(await store.feeds.claim_due_feeds("bot-1", due, limit=5, lease=LEASE)) == 1


async def test_failures_back_off_then_disable_until_enabled(store: Store) -> None:
    url = "https://flaky.example/rss"
    await store.feeds.add_feed(url, now=T0)
    now = T0
    for attempt in (1, 2, 3):
        [claimed] = await store.feeds.claim_due_feeds("bot-1", now, limit=5, lease=LEASE)
        assert claimed.url == url
        state = await store.feeds.record_failure(url, "bot-1", error=f"HTTP 503 #{attempt}" + "!" * 5000,
                                                 now=now, max_failures=3)
        assert state is not None
        assert state.consecutive_failures == attempt
        assert state.next_attempt_at == now + backoff(attempt)
        assert state.last_error is not None and state.last_error.startswith(f"HTTP 503 #{attempt}")
        assert len(state.last_error) <= 1000
        assert state.disabled is (attempt == 3)
        assert state.lease_owner is None
        assert await store.feeds.claim_due_feeds("bot-1", now + backoff(attempt) - timedelta(seconds=1),
                                                 limit=5, lease=LEASE) == []
        now += backoff(attempt)
    assert await store.feeds.claim_due_feeds("bot-1", now + timedelta(days=30), limit=5, lease=LEASE) == []
    unleased = await store.feeds.record_failure(url, "bot-1", error="x", now=now, max_failures=3)
    assert unleased is None

    assert await store.feeds.enable_feed(url) is True
    assert await store.feeds.enable_feed("https://unknown.example/rss") is False
    [again] = await store.feeds.claim_due_feeds("bot-1", now, limit=5, lease=LEASE)
    assert (again.disabled, again.consecutive_failures) == (False, 0)
    await store.feeds.record_failure(url, "bot-1", error="timeout", now=now, max_failures=3)
    [again] = await store.feeds.claim_due_feeds("bot-1", now + backoff(1), limit=5, lease=LEASE)
    assert await store.feeds.record_success(url, "bot-1", etag=None, last_modified=None, now=now,
                                            next_attempt_at=now) is True
    state = await store.feeds.get_feed(url)
    assert state is not None and (state.consecutive_failures, state.last_error) == (0, None)


async def test_racing_processes_never_claim_the_same_feed(database: Database, store: Store) -> None:
    urls = {f"https://feed{i}.example/rss" for i in range(30)}
    for url in sorted(urls):
        await store.feeds.add_feed(url, now=T0)
    # Two processes: two engines, two connection pools, racing for the same rows round after round.
    first, second = store, await database.open()
    try:
        now = T0
        for _ in range(5):
            claims = await asyncio.gather(
                *(process.feeds.claim_due_feeds(name, now, limit=8, lease=LEASE)
                  for _ in range(3) for process, name in ((first, "bot-1"), (second, "bot-2"))))
            claimed = [f.url for batch in claims for f in batch]
            assert len(claimed) == len(set(claimed)) == min(len(urls), 8 * 6)
            assert set(claimed) <= urls
            now += LEASE  # every lease runs out: the next round races for all of them again
    finally:
        await second.close()
