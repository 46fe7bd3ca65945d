"""The bot's scheduler on a real store: jobs rebuilt from the subscriptions, start-up catch-up, the
feed poller, retention, and the sweep that takes over a stopped replica's digests.

APScheduler keeps real time, so the tests check the jobs it holds and run their functions under the
fake clock rather than waiting for them to fire.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.chat import ChannelRef
from bot.commands.schedule import Schedule
from bot.commands.values import DigestMode
from bot.delivery import DeliveryService
from bot.schedule import next_occurrence, occurrences
from bot.scheduler import POLL_JOB, REFRESH_JOB, RETENTION_JOB, BotScheduler, ScheduleTrigger, digest_job_id
from bot.store import Store
from bot.subscriptions import Subscription, delivery_key
from digests.model import Query
from tests.bot.fakes import FakeClock, RecordingAdapter
from tests.bot.store.builders import make

SEOUL = ZoneInfo("Asia/Seoul")
CHANNEL = ChannelRef("console", "local", "news")
WEEKDAYS_0800_SEOUL = Schedule(frozenset(range(5)), time(8, 0), "Asia/Seoul")


def seoul(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in March 2026, Seoul (Monday is the 2nd), as UTC."""
    return datetime(2026, 3, day, hour, minute, tzinfo=SEOUL).astimezone(UTC)


MONDAY_0800 = seoul(2, 8)
SUBSCRIBED = seoul(2, 5)


async def subscribe(store: Store, channel: ChannelRef = CHANNEL, plan: Schedule | None = WEEKDAYS_0800_SEOUL,
                    *, at: datetime = SUBSCRIBED) -> Subscription:
    saved = await store.config.save_query(channel, Query(countries=frozenset({"KR"})), items=5,
                                          mode=DigestMode.FULL, actor="console:admin", now=at)
    if plan is None:
        return saved
    return await store.config.set_schedule(channel, plan, actor="console:admin", now=at)


Factory = Callable[..., Awaitable[BotScheduler]]


@pytest.fixture
async def make_scheduler(store: Store) -> AsyncIterator[Factory]:
    """Builds schedulers over the test's store and stops every one of them afterwards."""
    made: list[BotScheduler] = []

    async def build(adapter: RecordingAdapter, clock: FakeClock, *, owner: str = "replica-1",
                    poller: Callable[[], Awaitable[object]] | None = None) -> BotScheduler:
        service = DeliveryService(store, {"console": adapter}, clock, owner=owner, sleep=clock.sleep)
        scheduler = BotScheduler(service, store, clock, poll_interval=timedelta(minutes=15),
                                 retention_days=30, poller=poller)
        made.append(scheduler)
        return scheduler

    yield build
    for scheduler in made:
        await scheduler.stop(grace_seconds=5)


def between(plan: Schedule, fired: datetime | None, before: datetime, after: datetime) -> bool:
    """Whether ``fired`` is the next occurrence as seen at some moment from ``before`` to ``after``."""
    return fired in {next_occurrence(plan, before), next_occurrence(plan, after)}


async def test_start_schedules_one_job_per_active_subscription_of_a_platform_here(
    store: Store, make_scheduler: Factory,
) -> None:
    active = await subscribe(store)
    paused = await subscribe(store, ChannelRef("console", "local", "paused"))
    await store.config.set_paused(paused.channel, True, now=SUBSCRIBED)
    await subscribe(store, ChannelRef("console", "local", "unscheduled"), None)
    await subscribe(store, ChannelRef("slack", "T1", "C1"))  # no Slack adapter in this process
    scheduler = await make_scheduler(RecordingAdapter(), FakeClock(seoul(2, 7)))

    before = datetime.now(UTC)
    assert await scheduler.start() == []
    after = datetime.now(UTC)
    assert scheduler.running
    jobs = scheduler.digest_jobs()
    assert list(jobs) == [active.id]
    assert between(WEEKDAYS_0800_SEOUL, jobs[active.id], before, after)
    job = scheduler.scheduler.get_job(digest_job_id(active.id))
    assert (job.coalesce, job.misfire_grace_time, job.max_instances) == (True, 7200, 1)
    assert {j.id for j in scheduler.scheduler.get_jobs()} >= {RETENTION_JOB, REFRESH_JOB}
    assert scheduler.scheduler.get_job(POLL_JOB) is None  # no poller given

    await scheduler.stop()
    assert not scheduler.running


async def test_refresh_follows_schedule_changes_pauses_and_new_subscriptions(
    store: Store, make_scheduler: Factory,
) -> None:
    first = await subscribe(store)
    scheduler = await make_scheduler(RecordingAdapter(), FakeClock(seoul(2, 7)))
    await scheduler.start()

    evening_london = Schedule(frozenset(range(7)), time(20, 30), "Europe/London")
    await store.config.set_schedule(CHANNEL, evening_london, actor="console:admin", now=seoul(2, 7))
    second = await subscribe(store, ChannelRef("console", "local", "second"), at=seoul(2, 7))
    before = datetime.now(UTC)
    await scheduler.refresh()
    after = datetime.now(UTC)
    jobs = scheduler.digest_jobs()
    assert set(jobs) == {first.id, second.id}
    assert between(evening_london, jobs[first.id], before, after)
    assert str(scheduler.scheduler.get_job(digest_job_id(first.id)).trigger) == (
        "schedule[daily 20:30 Europe/London]")

    await store.config.set_paused(CHANNEL, True, now=seoul(2, 7))
    await scheduler.refresh()
    assert set(scheduler.digest_jobs()) == {second.id}
    await store.config.set_paused(CHANNEL, False, now=seoul(2, 7))
    await store.config.delete_subscription(second.channel)
    await scheduler.refresh()
    assert set(scheduler.digest_jobs()) == {first.id}


async def test_the_digest_job_posts_once_through_the_service(store: Store, make_scheduler: Factory) -> None:
    sub = await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 7)), RecordingAdapter()
    scheduler = await make_scheduler(adapter, clock)
    await scheduler.start()
    job = scheduler.scheduler.get_job(digest_job_id(sub.id))

    clock.set(seoul(2, 8, 0))  # the job fires on time ...
    await job.func(*job.args)
    clock.set(seoul(2, 8, 40))  # ... and, say, again after a stall: the ledger has it already
    await job.func(*job.args)
    assert adapter.keys() == [delivery_key(sub.id, MONDAY_0800)]


async def test_restarting_within_the_grace_period_posts_the_digest_missed_while_down(
    store: Store, make_scheduler: Factory,
) -> None:
    sub = await subscribe(store)
    adapter = RecordingAdapter()
    down = await make_scheduler(adapter, FakeClock(seoul(2, 7, 59)))
    assert await down.start() == []
    await down.stop()

    restarted = await make_scheduler(adapter, FakeClock(seoul(2, 9, 30)), owner="replica-1-again")
    assert [(o.status, o.period) for o in await restarted.start()] == [("posted", MONDAY_0800)]
    assert adapter.keys() == [delivery_key(sub.id, MONDAY_0800)]


async def test_restarting_after_the_grace_period_records_the_digest_missed(
    store: Store, make_scheduler: Factory,
) -> None:
    sub = await subscribe(store)
    adapter = RecordingAdapter()
    restarted = await make_scheduler(adapter, FakeClock(seoul(2, 11)))
    assert [o.status for o in await restarted.start()] == ["missed"]
    record = await store.deliveries.get(delivery_key(sub.id, MONDAY_0800))
    assert record is not None and record.status == "missed" and adapter.calls == []


async def test_the_sweep_takes_over_from_a_stopped_replica(store: Store, make_scheduler: Factory) -> None:
    sub = await subscribe(store)
    clock, adapter = FakeClock(seoul(2, 8)), RecordingAdapter()
    dead = await store.deliveries.claim(sub.id, MONDAY_0800, owner="dead", now=clock(),
                                        lease=timedelta(minutes=5))
    assert dead is not None
    scheduler = await make_scheduler(adapter, clock)
    assert [o.status for o in await scheduler.start()] == ["skipped"]  # its lease is still running
    clock.advance(timedelta(minutes=6))
    assert [o.status for o in await scheduler.sweep()] == ["posted"]
    assert adapter.keys() == [dead.key]


async def test_the_feed_poller_runs_at_start(store: Store, make_scheduler: Factory) -> None:
    polled = asyncio.Event()

    async def poll() -> None:
        polled.set()

    scheduler = await make_scheduler(RecordingAdapter(), FakeClock(seoul(2, 7)), poller=poll)
    await scheduler.start()
    await asyncio.wait_for(polled.wait(), timeout=10)
    assert scheduler.scheduler.get_job(POLL_JOB) is not None


async def test_retention_purges_old_articles_and_records(store: Store, make_scheduler: Factory) -> None:
    sub = await subscribe(store)
    now = seoul(2, 7)
    for article_id, age in (("old", timedelta(days=40)), ("recent", timedelta(days=2))):
        article, analysis = make(article_id, when=now - age, countries=("KR",))
        await store.articles.add(article, analysis)
    await store.deliveries.mark_missed(sub.id, now - timedelta(days=40), reason="test", now=now)
    await store.deliveries.mark_missed(sub.id, now - timedelta(days=3), reason="test", now=now)
    scheduler = await make_scheduler(RecordingAdapter(), FakeClock(now))

    assert await scheduler.purge() == (1, 1)
    remaining = await store.deliveries.for_subscription(sub.id)
    assert [record.period for record in remaining] == [now - timedelta(days=3)]


def test_the_schedule_trigger_fires_at_the_occurrences_across_dst() -> None:
    plan = Schedule(frozenset(range(7)), time(2, 30), "America/New_York")
    trigger = ScheduleTrigger(plan)
    start = datetime(2026, 3, 6, tzinfo=UTC)
    fired: list[datetime] = []
    previous: datetime | None = None
    for _ in range(5):
        previous = trigger.get_next_fire_time(previous, start)
        fired.append(previous)
    assert fired == occurrences(plan, start, fired[-1])
    assert datetime(2026, 3, 8, 7, 0, tzinfo=UTC) in fired  # the skipped 02:30 posts at 03:00 EDT
    on_time = fired[0]
    assert trigger.get_next_fire_time(None, on_time) == on_time  # due "now" still fires
