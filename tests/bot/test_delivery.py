"""Scheduled digests through a real store (SQLite and PostgreSQL), a fake clock and a recording platform.

The issue's scenario: a channel subscribed with ``weekdays 08:00 Asia/Seoul``; the clock passes 08:00
Seoul on a Monday; exactly one digest; not again at 09:00 or from another replica; catch-up within the
grace period, missed after it; retries, refusals, and no story sent twice to a channel.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import REGISTRY

from bot.chat import ChannelRef, PostRejected, PostRetryable, Reply
from bot.commands.schedule import Schedule
from bot.commands.values import DigestMode
from bot.delivery import DeliveryService, RetryPolicy
from bot.store import Store
from bot.subscriptions import Subscription, delivery_key
from digests.compose import compose
from digests.model import Query
from tests.bot.fakes import FakeClock, RecordingAdapter
from tests.bot.store.builders import make, signature

SEOUL = ZoneInfo("Asia/Seoul")
CHANNEL = ChannelRef("console", "local", "news")
WEEKDAYS_0800_SEOUL = Schedule(frozenset(range(5)), time(8, 0), "Asia/Seoul")
KOREA = Query(countries=frozenset({"KR"}))


def seoul(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in March 2026, Seoul (Monday is the 2nd), as UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=SEOUL).astimezone(UTC)


MONDAY_0800 = seoul(2, 8)
LEASE = timedelta(minutes=5)
SUBSCRIBED = seoul(2, 5)


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def subscribe(store: Store, channel: ChannelRef = CHANNEL, *, query: Query = KOREA,
                    plan: Schedule = WEEKDAYS_0800_SEOUL, at: datetime = SUBSCRIBED,
                    mode: DigestMode = DigestMode.FULL) -> Subscription:
    await store.config.save_query(channel, query, items=5, mode=mode, actor="console:admin", now=at)
    return await store.config.set_schedule(channel, plan, actor="console:admin", now=at)


async def add_story(store: Store, article_id: str, when: datetime, *, seed: int, source: str = "Example News",
                    country: str = "KR") -> str:
    article, analysis = make(article_id, when=when, countries=(country,), sig=signature(seed), source=source,
                             url=f"https://{source.lower().replace(' ', '')}.example/{article_id}")
    return (await store.articles.add(article, analysis)).cluster_id


def service(store: Store, adapter: RecordingAdapter, clock: FakeClock, *, owner: str = "replica-1",
            retry: RetryPolicy | None = None) -> DeliveryService:
    return DeliveryService(store, {"console": adapter}, clock, owner=owner, sleep=clock.sleep, retry=retry)


async def catch_up(bot: DeliveryService, now: datetime) -> list[str]:
    """What a process starting at ``now`` does first; returns the outcome statuses."""
    outcomes = await bot.run_due(now, since=now - bot.grace - timedelta(hours=24))
    return [outcome.status for outcome in outcomes]


# --- the scenario --------------------------------------------------------------------------

async def test_one_digest_when_the_clock_passes_0800_seoul_and_not_again(store: Store) -> None:
    sub = await subscribe(store)
    await add_story(store, "kr-summit", seoul(2, 6), seed=1)
    clock, adapter = FakeClock(seoul(2, 7, 59)), RecordingAdapter()
    bot = service(store, adapter, clock)

    assert await bot.run_due(clock(), since=SUBSCRIBED) == []
    before = metric("newsbot_digests_posted_total", platform="console")
    clock.set(seoul(2, 8, 1))
    outcomes = await bot.run_due(clock(), since=seoul(2, 7, 59))
    assert [(o.status, o.period) for o in outcomes] == [("posted", MONDAY_0800)]
    assert adapter.keys() == [delivery_key(sub.id, MONDAY_0800)]
    posted = adapter.posts[0].reply
    assert posted.kind == "digest" and not posted.ephemeral and posted.digest is not None
    assert [item.story.article.id for item in posted.digest.items] == ["kr-summit"]
    assert metric("newsbot_digests_posted_total", platform="console") == before + 1
    record = await store.deliveries.get(delivery_key(sub.id, MONDAY_0800))
    assert record is not None and record.status == "posted" and record.message_id == "m1"

    clock.set(seoul(2, 9))  # the job runs again, and a restarted replica catches up: neither reposts
    assert [o.status for o in await bot.run_due(clock(), since=seoul(2, 7))] == ["skipped"]
    restarted = service(store, adapter, clock, owner="replica-1-restarted")
    assert await catch_up(restarted, clock()) == ["skipped"]
    assert len(adapter.posts) == 1


async def test_a_bot_down_from_0759_to_0930_posts_the_digest_on_start(store: Store) -> None:
    sub = await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 7, 59)), RecordingAdapter()
    assert await service(store, adapter, clock).run_due(clock(), since=SUBSCRIBED) == []

    clock.set(seoul(2, 9, 30))
    assert await catch_up(service(store, adapter, clock, owner="after-restart"), clock()) == ["posted"]
    assert adapter.keys() == [delivery_key(sub.id, MONDAY_0800)]
    assert adapter.posts[0].reply.text.startswith("Nothing new")  # the archive is empty: a one-line note


async def test_a_bot_down_until_1100_records_the_digest_missed(store: Store) -> None:
    sub = await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 11)), RecordingAdapter()
    before = metric("newsbot_digests_missed_total", platform="console")
    assert await catch_up(service(store, adapter, clock), clock()) == ["missed"]
    assert adapter.posts == []
    record = await store.deliveries.get(delivery_key(sub.id, MONDAY_0800))
    assert record is not None and record.status == "missed"
    assert record.error is not None and "3.0 h ago" in record.error and "2 h grace" in record.error
    assert metric("newsbot_digests_missed_total", platform="console") == before + 1
    # Another replica starting later records nothing twice.
    assert await catch_up(service(store, adapter, clock, owner="replica-2"), clock()) == ["skipped"]


async def test_weekends_and_periods_before_the_subscription_are_not_due(store: Store) -> None:
    sub = await subscribe(store, at=seoul(2, 8, 30))  # scheduled after Monday's 08:00 had passed
    clock, adapter = FakeClock(seoul(2, 9)), RecordingAdapter()
    assert await catch_up(service(store, adapter, clock), clock()) == []  # neither posted nor "missed"
    clock.set(seoul(8, 8, 30))  # Sunday: no weekend digests (and Friday's is beyond the look-back)
    assert await catch_up(service(store, adapter, clock), clock()) == []
    assert adapter.calls == []
    assert await store.deliveries.for_subscription(sub.id) == []


async def test_replicas_running_the_same_schedule_post_once(store: Store) -> None:
    await subscribe(store)
    for n in range(2, 6):  # five channels, three replicas at the same moment
        await subscribe(store, ChannelRef("console", "local", f"news-{n}"))
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    replicas = [service(store, adapter, clock, owner=f"replica-{n}") for n in range(3)]
    results = await asyncio.gather(*(bot.run_due(clock(), since=seoul(2, 7)) for bot in replicas))
    statuses = sorted(o.status for outcomes in results for o in outcomes)
    assert statuses.count("posted") == 5 and statuses.count("skipped") == 10
    assert len(adapter.keys()) == len(set(adapter.keys())) == 5


# --- posting failures -------------------------------------------------------------------------------

async def test_rate_limited_then_posted_honouring_retry_after(store: Store) -> None:
    await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    adapter.fail_next(PostRetryable("429 rate limited", retry_after=3.0), PostRetryable("HTTP 502"))
    [outcome] = await service(store, adapter, clock).run_due(clock(), since=seoul(2, 7))
    assert outcome.status == "posted" and outcome.detail == "3 attempts"
    assert clock.slept == [3.0, 2.0]  # Retry-After over the 1 s first step, then doubling
    assert len(adapter.calls) == 3 and len(adapter.posts) == 1


async def test_retries_used_up_record_the_reason_and_a_later_sweep_posts_it(store: Store) -> None:
    sub = await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    adapter.fail_next(*(PostRetryable("HTTP 503 service unavailable") for _ in range(4)))
    bot = service(store, adapter, clock)
    before = metric("newsbot_digests_failed_total", platform="console", cause="retries")
    [outcome] = await bot.run_due(clock(), since=seoul(2, 7))
    assert outcome.status == "failed"
    assert clock.slept == [1.0, 2.0, 4.0] and adapter.posts == []
    record = await store.deliveries.get(delivery_key(sub.id, MONDAY_0800))
    assert record is not None and record.status == "failed"
    assert record.error == "HTTP 503 service unavailable (gave up after 4 attempts)"
    assert metric("newsbot_digests_failed_total", platform="console", cause="retries") == before + 1

    assert [o.status for o in await bot.run_due(clock(), since=seoul(2, 7))] == ["skipped"]  # not yet
    clock.advance(timedelta(minutes=6))
    [again] = await bot.run_due(clock(), since=clock() - bot.grace)
    assert again.status == "posted" and len(adapter.posts) == 1
    record = await store.deliveries.get(delivery_key(sub.id, MONDAY_0800))
    assert record is not None and record.status == "posted" and record.attempts == 2


async def test_a_retry_after_beyond_the_bound_is_not_waited_for(store: Store) -> None:
    sub = await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    adapter.fail_next(PostRetryable("429 rate limited", retry_after=600.0))
    [outcome] = await service(store, adapter, clock).run_due(clock(), since=seoul(2, 7))
    assert outcome.status == "failed" and clock.slept == []
    record = await store.deliveries.get(delivery_key(sub.id, MONDAY_0800))
    assert record is not None and record.lease_until == clock() + timedelta(seconds=600)


async def test_a_channel_that_is_gone_pauses_the_subscription(store: Store) -> None:
    sub = await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    adapter.fail_next(PostRejected("channel_not_found", pause_subscription=True))
    bot = service(store, adapter, clock)
    [outcome] = await bot.run_due(clock(), since=seoul(2, 7))
    assert outcome.status == "rejected"
    paused = await store.config.get_subscription(CHANNEL)
    assert paused is not None and paused.paused and paused.paused_reason == "channel_not_found"
    record = await store.deliveries.get(delivery_key(sub.id, MONDAY_0800))
    assert record is not None and record.status == "failed" and "channel_not_found" in (record.error or "")
    clock.set(seoul(3, 8, 1))  # Tuesday: nothing is tried for a paused channel
    assert await bot.run_due(clock(), since=seoul(2, 7)) == []
    assert adapter.calls == [delivery_key(sub.id, MONDAY_0800)]


async def test_a_refused_post_is_not_retried_and_does_not_pause(store: Store) -> None:
    await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    adapter.fail_next(PostRejected("invalid_blocks"))
    bot = service(store, adapter, clock)
    assert [o.status for o in await bot.run_due(clock(), since=seoul(2, 7))] == ["rejected"]
    clock.advance(timedelta(minutes=30))
    assert [o.status for o in await bot.run_due(clock(), since=seoul(2, 7))] == ["skipped"]
    subscription = await store.config.get_subscription(CHANNEL)
    assert subscription is not None and not subscription.paused
    assert len(adapter.calls) == 1


# --- take-over of a claim whose holder stopped ----------------------------------------------------------

async def test_a_taker_finds_the_post_of_a_holder_that_died_before_recording_it(store: Store) -> None:
    sub = await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 8)), RecordingAdapter()
    dead = await store.deliveries.claim(sub.id, MONDAY_0800, owner="dead", now=clock(), lease=LEASE)
    assert dead is not None
    original = adapter.record(CHANNEL, Reply("text", "posted by the dead process", ephemeral=False), dead.key)
    before = metric("newsbot_delivery_lease_takeovers_total")

    clock.advance(timedelta(minutes=3))  # the lease is still live: hands off
    assert [o.status for o in await service(store, adapter, clock).run_due(clock(), since=seoul(2, 7))] == [
        "skipped"]
    clock.advance(timedelta(minutes=3))
    [outcome] = await service(store, adapter, clock).run_due(clock(), since=seoul(2, 7))
    assert outcome.status == "recovered" and outcome.message_id == original.message_id
    assert len(adapter.posts) == 1 and adapter.lookups == [dead.key]
    record = await store.deliveries.get(dead.key)
    assert record is not None and record.status == "posted" and record.message_id == original.message_id
    assert metric("newsbot_delivery_lease_takeovers_total") == before + 1


async def test_a_taker_posts_when_the_dead_holder_had_not_posted(store: Store) -> None:
    sub = await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 8)), RecordingAdapter()
    dead = await store.deliveries.claim(sub.id, MONDAY_0800, owner="dead", now=clock(), lease=LEASE)
    assert dead is not None
    clock.advance(timedelta(minutes=6))
    [outcome] = await service(store, adapter, clock).run_due(clock(), since=seoul(2, 7))
    assert outcome.status == "posted" and adapter.keys() == [dead.key] and adapter.lookups == [dead.key]


# --- what a digest holds -----------------------------------------------------------------------------

async def test_a_story_sent_yesterday_is_not_sent_today_even_from_another_source(store: Store) -> None:
    await subscribe(store)
    summit = await add_story(store, "summit-wire", seoul(2, 6), seed=7, source="Wire Service")
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    bot = service(store, adapter, clock)
    await bot.run_due(clock(), since=seoul(2, 7))
    monday = adapter.posts[0].reply.digest
    assert monday is not None and [item.story.cluster_id for item in monday.items] == [summit]

    # Tuesday: another outlet's copy of the same story (same cluster), and a new story.
    again = await add_story(store, "summit-daily", seoul(3, 7), seed=7, source="Daily Paper")
    fresh = await add_story(store, "budget", seoul(3, 7), seed=99)
    assert again == summit and fresh != summit
    clock.set(seoul(3, 8, 1))
    unfiltered = await compose(store.articles, KOREA, clock(), window=timedelta(hours=24))
    assert summit in {item.story.cluster_id for item in unfiltered.items}  # it would be there otherwise
    await bot.run_due(clock(), since=seoul(3, 7))
    tuesday = adapter.posts[1].reply.digest
    assert tuesday is not None and [item.story.cluster_id for item in tuesday.items] == [fresh]


async def test_headlines_mode_and_the_nothing_new_note(store: Store) -> None:
    await subscribe(store, mode=DigestMode.HEADLINES)
    await add_story(store, "kr-1", seoul(2, 6), seed=1)
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    bot = service(store, adapter, clock)
    await bot.run_due(clock(), since=seoul(2, 7))
    clock.set(seoul(3, 8, 1))  # nothing new since Monday
    await bot.run_due(clock(), since=seoul(3, 7))
    first, second = (post.reply for post in adapter.posts)
    assert first.kind == "digest" and first.headlines_only
    assert "Summary of kr-1" not in first.text  # headlines: titles and links only
    assert second.kind == "text" and not second.ephemeral and "\n" not in second.text
    assert second.text == "Nothing new for KR since the last digest."


async def test_nothing_new_and_no_note_wanted_posts_nothing_but_records_the_period(store: Store) -> None:
    sub = replace(await subscribe(store), post_when_empty=False)
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    outcome = await service(store, adapter, clock).deliver(sub, MONDAY_0800)
    assert outcome.status == "silent" and adapter.calls == []
    record = await store.deliveries.get(outcome.key)
    assert record is not None and record.status == "posted" and record.message_id == ""


async def test_a_platform_without_an_adapter_here_is_left_alone(store: Store) -> None:
    sub = await subscribe(store, ChannelRef("slack", "T1", "C1"))
    clock, adapter = FakeClock(seoul(2, 8, 1)), RecordingAdapter()
    assert await service(store, adapter, clock).run_due(clock(), since=seoul(2, 7)) == []
    assert await store.deliveries.for_subscription(sub.id) == []


def test_the_retry_policy_doubles_honours_retry_after_and_stops() -> None:
    policy = RetryPolicy(attempts=4, base_delay=1.0, max_delay=20.0)
    assert [policy.delay(n, None) for n in (1, 2, 3)] == [1.0, 2.0, 4.0]
    assert policy.delay(4, None) is None
    assert policy.delay(1, 7.5) == 7.5
    assert policy.delay(1, 21.0) is None
    with pytest.raises(ValueError, match="at least 1"):
        RetryPolicy(attempts=0)
