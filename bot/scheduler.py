"""The bot's timetable: one job per scheduled subscription, feed polling, retention, and a refresh.

APScheduler 3.11 on the asyncio loop with an in-memory job store that each process rebuilds from the
subscriptions in the database (at start, after an admin changes a schedule, and every few minutes so
other replicas' changes arrive). The scheduler only decides *when to look*; whether a digest is posted,
and by which process, is the delivery ledger's decision (``bot.delivery``), so several replicas running
the same jobs post each digest once.

Each refresh also sweeps the grace period for due digests: that retries failed ones and takes over the
claims of a replica that stopped mid-post.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger

from bot.commands.schedule import Schedule
from bot.delivery import DeliveryOutcome, DeliveryService
from bot.metrics import DELIVERIES
from bot.schedule import Clock, next_occurrence
from bot.store.store import Store

log = logging.getLogger(__name__)

LOOKBACK = timedelta(hours=24)  # how far before the grace period start-up looks for digests to record missed
REFRESH_INTERVAL = timedelta(minutes=5)
RETENTION_INTERVAL = timedelta(days=1)
STOP_TIMEOUT = 30.0  # seconds stop() lets running jobs finish before cancelling them
POLL_JOB, RETENTION_JOB, REFRESH_JOB = "poll-feeds", "retention", "refresh"
DIGEST_JOB_PREFIX = "digest:"

Poller = Callable[[], Awaitable[object]]


def digest_job_id(subscription_id: int) -> str:
    return f"{DIGEST_JOB_PREFIX}{subscription_id}"


class ScheduleTrigger(BaseTrigger):  # type: ignore[misc]  # apscheduler ships no type hints
    """Fires at the occurrences of a ``Schedule`` exactly as ``bot.schedule.occurrences`` computes them.

    APScheduler's own ``CronTrigger`` fires a skipped local time an hour late and a repeated one twice;
    this keeps the time a job fires and the period the ledger records the same.
    """

    __slots__ = ("schedule",)

    def __init__(self, schedule: Schedule) -> None:
        self.schedule = schedule

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime:
        if previous_fire_time is None:
            return next_occurrence(self.schedule, now - timedelta(microseconds=1))  # "now" itself may fire
        return next_occurrence(self.schedule, previous_fire_time)

    def __str__(self) -> str:
        return f"schedule[{self.schedule.text}]"

    def __repr__(self) -> str:
        return f"<ScheduleTrigger {self.schedule.text!r}>"


class BotScheduler:
    """Runs the delivery service on each subscription's schedule, the feed poller and retention."""

    def __init__(
        self,
        service: DeliveryService,
        store: Store,
        clock: Clock,
        *,
        poll_interval: timedelta,
        retention_days: int,
        poller: Poller | None = None,
        refresh_interval: timedelta = REFRESH_INTERVAL,
        lookback: timedelta = LOOKBACK,
    ) -> None:
        if poll_interval <= timedelta(0) or refresh_interval <= timedelta(0) or retention_days < 1:
            raise ValueError("intervals must be positive and retention at least one day")
        self.service = service
        self.store = store
        self.clock = clock
        self.poll_interval = poll_interval
        self.retention_days = retention_days
        self.poller = poller
        self.refresh_interval = refresh_interval
        self.lookback = lookback
        self.scheduler = AsyncIOScheduler(
            timezone=UTC,
            jobstores={"default": MemoryJobStore()},
            job_defaults={
                "coalesce": True,  # after a stall, one run for the missed runs, not one each
                "misfire_grace_time": int(service.grace.total_seconds()),
                "max_instances": 1,
            },
        )
        self._schedules: dict[int, Schedule] = {}
        self._refresh_lock = asyncio.Lock()
        self._running: set[asyncio.Task[Any]] = set()

    # -- life cycle -------------------------------------------------------------------------------

    async def start(self) -> list[DeliveryOutcome]:
        """Catch up (post what fell due while stopped, within the grace period; record older ones
        missed), build the jobs and start. Returns the catch-up's outcomes."""
        outcomes = await self.catch_up()
        await self.refresh()
        wall = datetime.now(UTC)  # APScheduler keeps real time whatever clock the bot is given
        if self.poller is not None:
            self.scheduler.add_job(self._job_poll, "interval", id=POLL_JOB, replace_existing=True,
                                   seconds=self.poll_interval.total_seconds(), next_run_time=wall)
        self.scheduler.add_job(self._job_retention, "interval", id=RETENTION_JOB, replace_existing=True,
                               seconds=RETENTION_INTERVAL.total_seconds(),
                               next_run_time=wall + timedelta(minutes=1))
        self.scheduler.add_job(self._job_refresh, "interval", id=REFRESH_JOB, replace_existing=True,
                               seconds=self.refresh_interval.total_seconds())
        self.scheduler.start()
        return outcomes

    async def stop(self, grace_seconds: float = STOP_TIMEOUT) -> None:
        """Stop scheduling; jobs already running get ``grace_seconds`` to finish, then are cancelled."""
        if self.scheduler.running:
            self.scheduler.pause()
        pending = {task for task in self._running if not task.done()}
        if pending:
            await asyncio.wait(pending, timeout=grace_seconds)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
            await asyncio.sleep(0)  # AsyncIOScheduler shuts down on the loop's next turn

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    # -- what the jobs do (callable directly, e.g. by tests and the CLI) ----------------------------

    async def catch_up(self) -> list[DeliveryOutcome]:
        now = self.clock()
        return await self.service.run_due(now, since=now - self.service.grace - self.lookback)

    async def sweep(self) -> list[DeliveryOutcome]:
        """Every subscription's digests due within the grace period that nobody has posted yet."""
        now = self.clock()
        return await self.service.run_due(now, since=now - self.service.grace)

    async def run_subscription(self, subscription_id: int) -> list[DeliveryOutcome]:
        now = self.clock()
        # The whole grace period, not just this minute: a job that fired late still finds its period.
        since = now - self.service.grace
        return await self.service.run_due(now, since=since, subscription_id=subscription_id)

    async def refresh(self) -> None:
        """Make the digest jobs match the active subscriptions in the database."""
        async with self._refresh_lock:
            subscriptions = await self.store.config.list_subscriptions(active_only=True)
            wanted = {sub.id: sub.schedule for sub in subscriptions
                      if sub.schedule is not None and sub.channel.platform in self.service.adapters}
            for subscription_id in set(self._schedules) - set(wanted):
                self._remove_job(subscription_id)
            for subscription_id, schedule in wanted.items():
                if self._schedules.get(subscription_id) != schedule:
                    self.scheduler.add_job(self._job_subscription, ScheduleTrigger(schedule),
                                           args=[subscription_id], id=digest_job_id(subscription_id),
                                           name=f"digest of subscription {subscription_id}",
                                           replace_existing=True)
                    self._schedules[subscription_id] = schedule
        log.debug("%d digest jobs scheduled", len(self._schedules))

    async def purge(self) -> tuple[int, int]:
        """Delete articles older than the retention period, and digest records older than that (or than
        what the repeat window and catch-up still need). Returns (articles, digest records)."""
        now = self.clock()
        articles = await self.store.articles.purge_older_than(now - timedelta(days=self.retention_days))
        keep_deliveries = max(timedelta(days=self.retention_days),
                              self.service.repeat_window + self.service.grace + self.lookback)
        records = await self.store.deliveries.purge_older_than(now - keep_deliveries)
        return articles, records

    def digest_jobs(self) -> dict[int, datetime | None]:
        """Scheduled subscriptions and when each job fires next (None before the scheduler starts)."""
        jobs: dict[int, datetime | None] = {}
        for job in self.scheduler.get_jobs():
            if job.id.startswith(DIGEST_JOB_PREFIX):
                jobs[int(job.id.removeprefix(DIGEST_JOB_PREFIX))] = getattr(job, "next_run_time", None)
        return jobs

    def _remove_job(self, subscription_id: int) -> None:
        self._schedules.pop(subscription_id, None)
        if self.scheduler.get_job(digest_job_id(subscription_id)) is not None:
            self.scheduler.remove_job(digest_job_id(subscription_id))

    # -- job bodies: log and swallow, so one bad run never stops the schedule -----------------------

    async def _guarded(self, name: str, work: Callable[[], Awaitable[object]]) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            await work()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("scheduled job %s failed", name)
        finally:
            if task is not None:
                self._running.discard(task)

    async def _job_subscription(self, subscription_id: int) -> None:
        await self._guarded(digest_job_id(subscription_id), lambda: self.run_subscription(subscription_id))

    async def _job_poll(self) -> None:
        if self.poller is not None:
            await self._guarded(POLL_JOB, self.poller)

    async def _job_retention(self) -> None:
        await self._guarded(RETENTION_JOB, self.purge)

    async def _job_refresh(self) -> None:
        async def refresh_and_sweep() -> None:
            await self.refresh()
            await self.sweep()
            for status, count in (await self.store.deliveries.counts()).items():
                DELIVERIES.labels(status).set(count)

        await self._guarded(REFRESH_JOB, refresh_and_sweep)
