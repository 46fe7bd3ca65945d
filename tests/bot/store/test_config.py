"""Channel configuration on both backends: subscriptions, schedules, pauses, excluded sources, topics."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import time, timedelta

import pytest
from sqlalchemy import select, update

from bot.chat import ChannelRef
from bot.commands.schedule import Schedule
from bot.commands.values import DigestMode
from bot.store import Store
from bot.store.config import NoSubscription
from bot.store.config_schema import custom_topics, excluded_sources, subscriptions
from bot.subscriptions import DEFAULT_ITEMS, Subscription
from digests.model import Query
from digests.topics import CustomTopic
from tests.bot.store.builders import T0
from tests.bot.store.conftest import Database

NEWS = ChannelRef("slack", "T1", "C-news")
OTHER = ChannelRef("slack", "T1", "C-other")
SEOUL_WEEKDAYS = Schedule(frozenset(range(5)), time(8, 0), "Asia/Seoul")
KOREA = Query(countries=frozenset({"KR", "JP"}), regions=frozenset({"east-asia"}),
              topics=frozenset({"diplomacy"}), text="chip export")


async def _present(store: Store, channel: ChannelRef) -> Subscription:
    found = await store.config.get_subscription(channel)
    assert found is not None
    return found


async def test_a_new_channel_has_no_subscription_until_a_query_is_saved(store: Store) -> None:
    assert await store.config.get_subscription(NEWS) is None
    saved = await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.HEADLINES, actor="slack:U1",
                                          now=T0)
    assert (saved.channel, saved.query, saved.items, saved.mode) == (NEWS, KOREA, 5, DigestMode.HEADLINES)
    assert (saved.schedule, saved.paused, saved.paused_reason, saved.post_when_empty) == (
        None, False, None, True)
    assert (saved.created_by, saved.updated_at, saved.exclude_domains, saved.active) == (
        "slack:U1", T0, frozenset(), False)
    assert await store.config.get_subscription(NEWS) == saved
    assert await store.config.get_subscription_by_id(saved.id) == saved
    assert await store.config.get_subscription_by_id(saved.id + 1000) is None
    assert await store.config.get_subscription(OTHER) is None


async def test_an_empty_query_round_trips(store: Store) -> None:
    saved = await store.config.save_query(NEWS, Query(), items=DEFAULT_ITEMS, mode=DigestMode.FULL,
                                          actor="slack:U1", now=T0)
    assert saved.query == Query() and saved.query.is_empty


async def test_saving_the_query_again_keeps_the_schedule_the_pause_and_the_id(store: Store) -> None:
    first = await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="slack:U1",
                                          now=T0)
    await store.config.set_schedule(NEWS, SEOUL_WEEKDAYS, actor="slack:U1", now=T0)
    await store.config.set_paused(NEWS, True, now=T0)
    await store.config.exclude_source(NEWS, "tabloid.example")
    later = T0 + timedelta(hours=1)
    changed = Query(topics=frozenset({"trade-tariffs"}))
    again = await store.config.save_query(NEWS, changed, items=10, mode=DigestMode.HEADLINES,
                                          actor="slack:U2", now=later)
    assert (again.id, again.query, again.items, again.mode) == (first.id, changed, 10, DigestMode.HEADLINES)
    assert (again.schedule, again.paused, again.exclude_domains) == (
        SEOUL_WEEKDAYS, True, frozenset({"tabloid.example"}))
    assert (again.created_by, again.updated_at) == ("slack:U1", later)


async def test_one_subscription_per_channel_even_when_saved_at_once(store: Store) -> None:
    results = await asyncio.gather(*(
        store.config.save_query(NEWS, Query(topics=frozenset({f"t{i}"})), items=i + 1, mode=DigestMode.FULL,
                                actor=f"slack:U{i}", now=T0)
        for i in range(8)))
    assert len({s.id for s in results}) == 1
    other = await store.config.save_query(OTHER, KOREA, items=3, mode=DigestMode.FULL, actor="slack:U1",
                                          now=T0)
    assert other.id != results[0].id
    assert [s.channel for s in await store.config.list_subscriptions()] == [NEWS, OTHER]


async def test_the_same_channel_id_elsewhere_is_another_subscription(store: Store) -> None:
    channels = [NEWS, ChannelRef("slack", "T2", NEWS.channel), ChannelRef("discord", "T1", NEWS.channel)]
    ids = [(await store.config.save_query(c, KOREA, items=3, mode=DigestMode.FULL, actor="a", now=T0)).id
           for c in channels]
    assert len(set(ids)) == 3
    await store.config.set_schedule(channels[1], SEOUL_WEEKDAYS, actor="a", now=T0)
    assert [s.schedule for s in await store.config.list_subscriptions()] == [None, SEOUL_WEEKDAYS, None]


async def test_a_schedule_round_trips_and_needs_a_subscription(store: Store) -> None:
    with pytest.raises(NoSubscription, match="C-news"):
        await store.config.set_schedule(NEWS, SEOUL_WEEKDAYS, actor="slack:U1", now=T0)
    assert await store.config.get_subscription(NEWS) is None
    await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="slack:U1", now=T0)
    odd = Schedule(frozenset({0, 2, 6}), time(23, 59), "America/New_York")
    saved = await store.config.set_schedule(NEWS, odd, actor="slack:U2", now=T0 + timedelta(minutes=1))
    assert (saved.schedule, saved.updated_at, saved.active) == (odd, T0 + timedelta(minutes=1), True)
    assert (await store.config.get_subscription(NEWS)) == saved


async def test_pause_and_resume(store: Store) -> None:
    with pytest.raises(NoSubscription):
        await store.config.set_paused(NEWS, True, now=T0)
    await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="slack:U1", now=T0)
    await store.config.set_schedule(NEWS, SEOUL_WEEKDAYS, actor="slack:U1", now=T0)
    paused = await store.config.set_paused(NEWS, True, reason="channel_not_found", now=T0)
    assert (paused.paused, paused.paused_reason, paused.active) == (True, "channel_not_found", False)
    assert await store.config.list_subscriptions(active_only=True) == []
    resumed = await store.config.set_paused(NEWS, False, reason="ignored when resuming", now=T0)
    assert (resumed.paused, resumed.paused_reason, resumed.active) == (False, None, True)
    assert [s.id for s in await store.config.list_subscriptions(active_only=True)] == [resumed.id]


async def test_an_empty_digest_can_be_set_to_post_nothing(store: Store) -> None:
    with pytest.raises(NoSubscription):
        await store.config.set_post_when_empty(NEWS, False, actor="a", now=T0)
    await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    quiet = await store.config.set_post_when_empty(NEWS, False, actor="b", now=T0 + timedelta(minutes=1))
    assert (quiet.post_when_empty, quiet.updated_at) == (False, T0 + timedelta(minutes=1))
    again = await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    assert again.post_when_empty is False  # a new query keeps the setting


async def test_active_means_scheduled_and_not_paused(store: Store) -> None:
    channels = [ChannelRef("discord", "G1", f"c{i}") for i in range(4)]
    for channel in channels:
        await store.config.save_query(channel, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    for channel in channels[1:]:
        await store.config.set_schedule(channel, SEOUL_WEEKDAYS, actor="a", now=T0)
    await store.config.set_paused(channels[2], True, now=T0)
    await store.config.set_paused(channels[0], True, now=T0)  # paused and never scheduled
    active = await store.config.list_subscriptions(active_only=True)
    assert [s.channel for s in active] == [channels[1], channels[3]]
    assert len(await store.config.list_subscriptions()) == 4


async def test_unsubscribing_removes_the_subscription_and_its_excluded_sources(store: Store) -> None:
    assert await store.config.delete_subscription(NEWS) is False
    await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    await store.config.exclude_source(NEWS, "tabloid.example")
    await store.config.save_query(OTHER, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    await store.config.exclude_source(OTHER, "tabloid.example")
    assert await store.config.delete_subscription(NEWS) is True
    assert await store.config.get_subscription(NEWS) is None
    assert await store.config.delete_subscription(NEWS) is False
    again = await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    assert again.exclude_domains == frozenset()
    assert (await _present(store, OTHER)).exclude_domains == {"tabloid.example"}


async def test_subscription_ids_are_not_reused_after_a_delete(store: Store) -> None:
    first = await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    await store.config.delete_subscription(NEWS)
    second = await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    assert second.id > first.id  # old delivery keys of the deleted one can never match the new one


async def test_excluding_and_including_sources(store: Store) -> None:
    with pytest.raises(NoSubscription):
        await store.config.exclude_source(NEWS, "tabloid.example")
    assert await store.config.include_source(NEWS, "tabloid.example") is False
    await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    await store.config.exclude_source(NEWS, "tabloid.example")
    saved = await store.config.exclude_source(NEWS, " Tabloid.Example. ")  # the same domain again
    saved = await store.config.exclude_source(NEWS, "spam.example")
    assert saved.exclude_domains == {"tabloid.example", "spam.example"}
    assert await store.config.include_source(NEWS, "tabloid.example") is True
    assert await store.config.include_source(NEWS, "tabloid.example") is False
    assert (await _present(store, NEWS)).exclude_domains == {"spam.example"}
    listed = await store.config.list_subscriptions()
    assert [s.exclude_domains for s in listed] == [frozenset({"spam.example"})]


async def test_custom_topics_belong_to_one_workspace_and_are_replaced_by_slug(store: Store) -> None:
    chips = CustomTopic("chips", ("semiconductor", "foundry"), ("potato",))
    await store.config.add_custom_topic("slack", "T1", chips, actor="slack:U1")
    whales = CustomTopic("whales", ("whaling",), ())
    await store.config.add_custom_topic("slack", "T1", whales, actor="slack:U1")
    assert [(t.slug, t.keywords, t.exclude) for t in await store.config.custom_topics("slack", "T1")] == [
        ("chips", ("semiconductor", "foundry"), ("potato",)), ("whales", ("whaling",), ())]
    assert await store.config.custom_topics("slack", "T2") == []
    assert await store.config.custom_topics("discord", "T1") == []
    await store.config.add_custom_topic("slack", "T1", CustomTopic("chips", ("wafer",), ()), actor="slack:U2")
    assert [(t.slug, t.keywords, t.exclude) for t in await store.config.custom_topics("slack", "T1")] == [
        ("chips", ("wafer",), ()), ("whales", ("whaling",), ())]
    assert await store.config.remove_custom_topic("slack", "T2", "chips") is False
    assert await store.config.remove_custom_topic("slack", "T1", "chips") is True
    assert await store.config.remove_custom_topic("slack", "T1", "chips") is False
    assert [t.slug for t in await store.config.custom_topics("slack", "T1")] == ["whales"]


async def test_a_stored_topic_that_no_longer_reads_is_left_out(store: Store) -> None:
    await store.config.add_custom_topic("slack", "T1", CustomTopic("chips", ("wafer",), ()), actor="a")
    await store.config.add_custom_topic("slack", "T1", CustomTopic("whales", ("whaling",), ()), actor="a")
    async with store.engine.begin() as conn:  # as if a later release had tightened the rules
        await conn.execute(update(custom_topics).where(custom_topics.c.slug == "chips").values(keywords=[]))
    assert [t.slug for t in await store.config.custom_topics("slack", "T1")] == ["whales"]
    assert await store.config.remove_custom_topic("slack", "T1", "chips") is True


async def test_deleting_a_workspace_removes_everything_of_it_and_nothing_else(store: Store) -> None:
    # "T_1" must not match "TX1" the way an unescaped LIKE 'slack:T_1:%' would.
    gone = [ChannelRef("slack", "T_1", "C1"), ChannelRef("slack", "T_1", "C2")]
    kept = [ChannelRef("slack", "TX1", "C1"), ChannelRef("discord", "T_1", "C1"),
            ChannelRef("slack", "T2", "C1")]
    for channel in gone + kept:
        saved = await store.config.save_query(channel, KOREA, items=5, mode=DigestMode.FULL, actor="a",
                                              now=T0)
        await store.config.set_schedule(channel, SEOUL_WEEKDAYS, actor="a", now=T0)
        await store.config.exclude_source(channel, "tabloid.example")
        claim = await store.deliveries.claim(saved.id, T0, owner="bot-1", now=T0, lease=timedelta(minutes=5))
        assert claim is not None
        await store.deliveries.mark_posted(claim, message_id="m", clusters=["story-1"],
                                           channel_key=channel.key, now=T0)
    for platform, workspace in (("slack", "T_1"), ("slack", "TX1"), ("discord", "T_1")):
        await store.config.add_custom_topic(platform, workspace, CustomTopic("chips", ("wafer",), ()),
                                            actor="a")
    gone_ids = [s.id for s in await store.config.list_subscriptions() if s.channel in gone]

    assert await store.config.delete_workspace("slack", "T_1") == 3  # two subscriptions and one topic
    assert [s.channel for s in await store.config.list_subscriptions()] == kept
    assert all(s.exclude_domains == {"tabloid.example"} for s in await store.config.list_subscriptions())
    assert await store.config.custom_topics("slack", "T_1") == []
    assert len(await store.config.custom_topics("slack", "TX1")) == 1
    assert len(await store.config.custom_topics("discord", "T_1")) == 1
    for subscription_id in gone_ids:
        assert await store.deliveries.for_subscription(subscription_id) == []
    since = T0 - timedelta(days=1)
    for channel in gone:
        assert await store.deliveries.delivered_clusters(channel.key, since) == frozenset()
    for channel in kept:
        assert await store.deliveries.delivered_clusters(channel.key, since) == {"story-1"}
    assert await store.config.delete_workspace("slack", "T_1") == 0


async def test_a_stored_schedule_that_no_longer_reads_leaves_it_unscheduled(store: Store) -> None:
    await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor="a", now=T0)
    saved = await store.config.set_schedule(NEWS, SEOUL_WEEKDAYS, actor="a", now=T0)
    async with store.engine.begin() as conn:  # as if the zone database had dropped the zone
        await conn.execute(update(subscriptions).values(schedule_tz="Mars/Olympus_Mons", mode="sideways"))
    found = await store.config.get_subscription(NEWS)
    assert found is not None
    assert (found.id, found.schedule, found.active, found.mode) == (saved.id, None, False, DigestMode.FULL)
    assert await store.config.list_subscriptions(active_only=True) == []


async def test_configuration_survives_a_restart(store: Store, database: Database) -> None:
    await store.config.save_query(NEWS, KOREA, items=5, mode=DigestMode.HEADLINES, actor="a", now=T0)
    saved = await store.config.set_schedule(NEWS, SEOUL_WEEKDAYS, actor="a", now=T0)
    await store.config.add_custom_topic("slack", "T1", CustomTopic("chips", ("wafer",), ()), actor="a")
    await store.close()
    reopened = await database.open()
    try:
        assert await reopened.config.get_subscription(NEWS) == saved
        assert [t.slug for t in await reopened.config.custom_topics("slack", "T1")] == ["chips"]
    finally:
        await reopened.close()


async def test_changes_racing_from_several_processes_neither_fail_nor_leave_orphans(
        store: Store, database: Database) -> None:
    # Four engines stand for four bot processes; admins subscribe, exclude and unsubscribe at once.
    others = [await database.open() for _ in range(3)]
    stores = [store, *others]

    async def admin(i: int) -> None:
        config = stores[i % 4].config
        await config.save_query(NEWS, KOREA, items=5, mode=DigestMode.FULL, actor=f"a{i}", now=T0)
        with contextlib.suppress(NoSubscription):  # someone else unsubscribed in between: a fair answer
            await config.exclude_source(NEWS, f"d{i}.example")
        if i % 3 == 0:
            await config.delete_subscription(NEWS)

    try:
        await asyncio.gather(*(admin(i) for i in range(24)))
    finally:
        for other in others:
            await other.close()
    async with store.engine.connect() as conn:
        orphans = await conn.execute(select(excluded_sources.c.domain).where(
            excluded_sources.c.subscription_id.not_in(select(subscriptions.c.id))))
        assert orphans.all() == []
