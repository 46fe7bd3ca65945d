"""The Slack adapter's small tables on both backends: request keys seen once (also under concurrency),
OAuth states used once, and workspace removals after their grace period."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.store import Store
from bot.store.event_keys import EventKeys
from bot.store.oauth_states import DatabaseOAuthStateStore
from bot.store.workspace_removals import WorkspaceRemovals

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def test_a_key_is_new_once(store: Store) -> None:
    keys = EventKeys(store.engine)

    assert [await keys.first_time("event:Ev1"), await keys.first_time("event:Ev1")] == [True, False]
    assert await keys.first_time("event:Ev2")


async def test_concurrent_callers_get_one_true(store: Store) -> None:
    keys = [EventKeys(store.engine) for _ in range(8)]  # as if from several replicas

    results = await asyncio.gather(*(k.first_time("command:1.2.3") for k in keys))

    assert sorted(results) == [False] * 7 + [True]


async def test_keys_expire_unless_kept_and_can_be_forgotten(store: Store) -> None:
    clock = Clock()
    keys = EventKeys(store.engine, clock=clock)
    await keys.first_time("event:old", ttl=timedelta(minutes=5))
    await keys.first_time("intro:T1:C1", ttl=None)

    clock.now += timedelta(hours=1)  # past the key's expiry, and past the purge interval

    assert await keys.first_time("event:old", ttl=timedelta(minutes=5))
    assert not await keys.first_time("intro:T1:C1", ttl=None)
    await keys.forget("intro:T1:C1")
    assert await keys.first_time("intro:T1:C1", ttl=None)


async def test_an_oauth_state_is_good_once_and_until_it_expires(store: Store) -> None:
    clock = Clock()
    states = DatabaseOAuthStateStore(store.engine, lifetime=timedelta(minutes=10), clock=clock)
    first, second = await states.async_issue(), await states.async_issue()

    assert await states.async_consume(first)
    assert not await states.async_consume(first)
    assert not await states.async_consume("made-up")
    clock.now += timedelta(minutes=11)
    assert not await states.async_consume(second)
    assert first != second and len(first) >= 40


async def test_removals_come_due_after_their_grace_and_keep_the_first_date(store: Store) -> None:
    removals = WorkspaceRemovals(store.engine)
    due_at = await removals.schedule("T1", reason="uninstalled", now=NOW, grace=timedelta(days=7))
    again = await removals.schedule("T1", reason="token revoked", now=NOW + timedelta(days=1),
                                    grace=timedelta(days=7))
    await removals.schedule("T2", reason="uninstalled", now=NOW, grace=timedelta(days=30))

    assert again == due_at == NOW + timedelta(days=7)
    assert await removals.due(NOW + timedelta(days=6)) == []
    assert await removals.due(NOW + timedelta(days=7)) == ["T1"]
    await removals.done("T1")
    assert await removals.pending("T1") is None
    assert await removals.cancel("T2") and not await removals.cancel("T2")
