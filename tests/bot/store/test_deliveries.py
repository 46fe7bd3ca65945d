"""The delivery ledger on both backends: one claim per key, lease take-over, fencing, missed, sent stories."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.store import Store
from bot.store.deliveries import Claim
from bot.subscriptions import delivery_key
from tests.bot.store.builders import T0
from tests.bot.store.conftest import Database

LEASE = timedelta(minutes=5)
SUB = 7
CHANNEL = "slack:T1:C-news"


async def _claimed(store: Store, owner: str = "bot-1", *, period: datetime = T0, now: datetime = T0) -> Claim:
    claim = await store.deliveries.claim(SUB, period, owner=owner, now=now, lease=LEASE)
    assert claim is not None
    return claim


async def test_the_first_claim_wins_and_later_ones_get_nothing(store: Store) -> None:
    claim = await store.deliveries.claim(SUB, T0, owner="bot-1", now=T0, lease=LEASE)
    assert claim == Claim(key=delivery_key(SUB, T0), subscription_id=SUB, period=T0, owner="bot-1",
                          lease_until=T0 + LEASE, attempts=1, taken_over=False)
    soon = T0 + timedelta(minutes=1)
    assert await store.deliveries.claim(SUB, T0, owner="bot-2", now=soon, lease=LEASE) is None
    assert await store.deliveries.claim(SUB, T0, owner="bot-1", now=soon, lease=LEASE) is None
    record = await store.deliveries.get(claim.key)
    assert record is not None
    assert (record.status, record.owner, record.lease_until, record.attempts, record.message_id, record.error,
            record.updated_at) == ("claimed", "bot-1", T0 + LEASE, 1, None, None, T0)
    # Another period or another subscription is another key.
    assert await store.deliveries.claim(SUB, T0 + timedelta(days=1), owner="bot-2", now=T0, lease=LEASE)
    assert await store.deliveries.claim(SUB + 1, T0, owner="bot-2", now=T0, lease=LEASE)
    assert await store.deliveries.get("sub999@2026-01-01T00:00Z") is None


async def test_a_local_period_is_the_same_key_as_its_utc_instant(store: Store) -> None:
    seoul = T0.astimezone(ZoneInfo("Asia/Seoul"))
    claim = await store.deliveries.claim(SUB, seoul, owner="bot-1", now=T0, lease=LEASE)
    assert claim is not None and claim.key == delivery_key(SUB, T0) and claim.period == T0
    assert await store.deliveries.claim(SUB, T0, owner="bot-2", now=T0, lease=LEASE) is None
    with pytest.raises(ValueError, match="naive"):
        await store.deliveries.claim(SUB, T0.replace(tzinfo=None), owner="bot-1", now=T0, lease=LEASE)
    with pytest.raises(ValueError, match="owner"):
        await store.deliveries.claim(SUB, T0, owner="", now=T0, lease=LEASE)
    with pytest.raises(ValueError, match="positive"):
        await store.deliveries.claim(SUB, T0, owner="bot-1", now=T0, lease=timedelta(0))


async def test_twenty_concurrent_claims_from_several_processes_give_exactly_one(
        store: Store, database: Database) -> None:
    # Four engines stand for four processes, each with its own connection pool.
    others = [await database.open() for _ in range(3)]
    try:
        ledgers = [s.deliveries for s in (store, *others)]
        results = await asyncio.gather(*(
            ledgers[i % 4].claim(SUB, T0, owner=f"bot-{i}", now=T0, lease=LEASE) for i in range(20)))
    finally:
        for other in others:
            await other.close()
    won = [r for r in results if r is not None]
    assert len(won) == 1
    record = await store.deliveries.get(won[0].key)
    assert record is not None and record.owner == won[0].owner


async def test_an_expired_lease_is_taken_over_once_and_fences_off_the_old_holder(store: Store) -> None:
    first = await _claimed(store, "bot-1")
    # Not yet: the lease runs until T0 + LEASE inclusive.
    assert await store.deliveries.claim(SUB, T0, owner="bot-2", now=T0 + LEASE, lease=LEASE) is None
    later = T0 + LEASE + timedelta(seconds=1)
    taken = await store.deliveries.claim(SUB, T0, owner="bot-2", now=later, lease=LEASE)
    assert taken == Claim(key=first.key, subscription_id=SUB, period=T0, owner="bot-2",
                          lease_until=later + LEASE, attempts=2, taken_over=True)
    assert await store.deliveries.claim(SUB, T0, owner="bot-3", now=later, lease=LEASE) is None
    # bot-1 was only slow: it may no longer record anything for this digest.
    assert await store.deliveries.mark_posted(first, message_id="late", clusters=["c1"], channel_key=CHANNEL,
                                              now=later) is False
    assert await store.deliveries.mark_failed(first, error="late", now=later, retry_at=None) is False
    assert await store.deliveries.delivered_clusters(CHANNEL, T0) == frozenset()
    assert await store.deliveries.mark_posted(taken, message_id="1712.0001", clusters=["c1", "c2"],
                                              channel_key=CHANNEL, now=later) is True
    record = await store.deliveries.get(first.key)
    assert record is not None
    assert (record.status, record.owner, record.message_id, record.attempts, record.lease_until) == (
        "posted", "bot-2", "1712.0001", 2, None)
    assert await store.deliveries.mark_posted(taken, message_id="again", clusters=[], channel_key=CHANNEL,
                                              now=later) is False  # once only
    next_day = later + timedelta(days=1)
    assert await store.deliveries.claim(SUB, T0, owner="bot-3", now=next_day, lease=LEASE) is None


async def test_the_same_owner_reclaiming_its_own_expired_lease_gets_a_new_fence(store: Store) -> None:
    first = await _claimed(store, "bot-1")
    again = await store.deliveries.claim(SUB, T0, owner="bot-1", now=T0 + 2 * LEASE, lease=LEASE)
    assert again is not None and again.attempts == 2 and again.taken_over
    assert await store.deliveries.mark_posted(first, message_id="m1", clusters=[], channel_key=CHANNEL,
                                              now=T0 + 2 * LEASE) is False
    assert await store.deliveries.mark_posted(again, message_id="m2", clusters=[], channel_key=CHANNEL,
                                              now=T0 + 2 * LEASE) is True


async def test_concurrent_take_overs_of_one_expired_lease_give_exactly_one(
        store: Store, database: Database) -> None:
    await _claimed(store, "dead-bot")
    later = T0 + 2 * LEASE
    others = [await database.open() for _ in range(2)]
    try:
        ledgers = [s.deliveries for s in (store, *others)]
        results = await asyncio.gather(*(
            ledgers[i % 3].claim(SUB, T0, owner=f"bot-{i}", now=later, lease=LEASE) for i in range(12)))
    finally:
        for other in others:
            await other.close()
    won = [r for r in results if r is not None]
    assert len(won) == 1 and won[0].taken_over and won[0].attempts == 2


async def test_a_failed_digest_is_retried_after_its_retry_time_while_attempts_remain(store: Store) -> None:
    claim = await _claimed(store, "bot-1")
    retry_at = T0 + timedelta(minutes=10)
    assert await store.deliveries.mark_failed(claim, error="HTTP 503", now=T0, retry_at=retry_at) is True
    record = await store.deliveries.get(claim.key)
    assert record is not None
    assert (record.status, record.error, record.lease_until, record.attempts) == (
        "failed", "HTTP 503", retry_at, 1)
    assert await store.deliveries.mark_failed(claim, error="twice", now=T0, retry_at=retry_at) is False
    assert await store.deliveries.claim(SUB, T0, owner="bot-2", now=retry_at - timedelta(seconds=1),
                                        lease=LEASE) is None
    retry = await store.deliveries.claim(SUB, T0, owner="bot-2", now=retry_at, lease=LEASE)
    assert retry is not None and (retry.attempts, retry.taken_over, retry.owner) == (2, False, "bot-2")
    # The last attempt allowed fails: no further claim, whatever the retry time says.
    await store.deliveries.mark_failed(retry, error="HTTP 503", now=retry_at, retry_at=retry_at)
    assert await store.deliveries.claim(SUB, T0, owner="bot-3", now=retry_at + LEASE, lease=LEASE,
                                        max_attempts=2) is None
    third = await store.deliveries.claim(SUB, T0, owner="bot-3", now=retry_at + LEASE, lease=LEASE,
                                         max_attempts=3)
    assert third is not None and third.attempts == 3


async def test_a_failure_without_a_retry_time_is_final(store: Store) -> None:
    claim = await _claimed(store, "bot-1")
    assert await store.deliveries.mark_failed(claim, error="channel_not_found " + "x" * 5000, now=T0,
                                              retry_at=None) is True
    record = await store.deliveries.get(claim.key)
    assert record is not None and record.status == "failed" and record.lease_until is None
    assert record.error is not None and record.error.startswith("channel_not_found")
    assert len(record.error) <= 1000
    next_day = T0 + timedelta(days=1)
    assert await store.deliveries.claim(SUB, T0, owner="bot-2", now=next_day, lease=LEASE) is None


async def test_a_missed_digest_is_recorded_once_and_never_claimed(store: Store) -> None:
    assert await store.deliveries.mark_missed(SUB, T0, reason="bot was down past the grace", now=T0) is True
    assert await store.deliveries.mark_missed(SUB, T0, reason="again", now=T0) is False
    record = await store.deliveries.get(delivery_key(SUB, T0))
    assert record is not None
    assert (record.status, record.error, record.owner, record.attempts) == (
        "missed", "bot was down past the grace", None, 0)
    next_day = T0 + timedelta(days=1)
    assert await store.deliveries.claim(SUB, T0, owner="bot-1", now=next_day, lease=LEASE) is None
    # A digest someone holds is not marked missed over their claim.
    held = await _claimed(store, period=T0 + timedelta(days=1))
    assert await store.deliveries.mark_missed(SUB, T0 + timedelta(days=1), reason="late", now=T0) is False
    record = await store.deliveries.get(held.key)
    assert record is not None and record.status == "claimed"


async def test_delivered_clusters_are_per_channel_and_within_the_window(store: Store) -> None:
    claim = await _claimed(store)
    assert await store.deliveries.mark_posted(claim, message_id="m", clusters=["c1", "c2", "c1"],
                                              channel_key=CHANNEL, now=T0) is True
    assert await store.deliveries.delivered_clusters(CHANNEL, T0 - timedelta(days=7)) == {"c1", "c2"}
    assert await store.deliveries.delivered_clusters(CHANNEL, T0) == {"c1", "c2"}
    assert await store.deliveries.delivered_clusters(CHANNEL, T0 + timedelta(seconds=1)) == frozenset()
    week_before = T0 - timedelta(days=7)
    assert await store.deliveries.delivered_clusters("slack:T1:C-other", week_before) == frozenset()
    # Sent again after the window: it counts from the latest delivery, so the window starts over.
    later = T0 + timedelta(days=8)
    again = await _claimed(store, period=later, now=later)
    await store.deliveries.mark_posted(again, message_id="m2", clusters=["c2", "c3"], channel_key=CHANNEL,
                                       now=later)
    assert await store.deliveries.delivered_clusters(CHANNEL, later - timedelta(days=7)) == {"c2", "c3"}


async def test_records_of_a_subscription_and_counts_by_status(store: Store) -> None:
    assert await store.deliveries.counts() == {"claimed": 0, "posted": 0, "failed": 0, "missed": 0}
    periods = [T0 + timedelta(days=d) for d in (2, 0, 1, 3)]
    claims = [await _claimed(store, period=p) for p in periods[:3]]
    await store.deliveries.mark_posted(claims[0], message_id="m", clusters=[], channel_key=CHANNEL, now=T0)
    await store.deliveries.mark_failed(claims[1], error="e", now=T0, retry_at=None)
    await store.deliveries.mark_missed(SUB, periods[3], reason="down", now=T0)
    await store.deliveries.mark_missed(SUB + 1, T0, reason="down", now=T0)
    listed = await store.deliveries.for_subscription(SUB)
    assert [(r.period, r.status) for r in listed] == [
        (periods[1], "failed"), (periods[2], "claimed"), (periods[0], "posted"), (periods[3], "missed")]
    assert await store.deliveries.counts() == {"claimed": 1, "posted": 1, "failed": 1, "missed": 2}
    assert await store.deliveries.for_subscription(SUB + 2) == []


async def test_purging_keeps_live_claims_and_recent_rows(store: Store) -> None:
    old, recent = T0 - timedelta(days=40), T0
    for period in (old, recent):
        claim = await _claimed(store, period=period, now=period)
        await store.deliveries.mark_posted(claim, message_id="m", clusters=[f"c{period.day}"],
                                           channel_key=CHANNEL, now=period)
    stuck = await store.deliveries.claim(SUB + 1, old, owner="dead-bot", now=old, lease=LEASE)
    assert stuck is not None
    assert await store.deliveries.purge_older_than(T0 - timedelta(days=30)) == 1
    assert [r.period for r in await store.deliveries.for_subscription(SUB)] == [recent]
    assert await store.deliveries.get(stuck.key) is not None
    assert await store.deliveries.delivered_clusters(CHANNEL, old) == {f"c{recent.day}"}
