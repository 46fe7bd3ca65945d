"""The issue's end-to-end scenario through the console adapter, with a clock the test moves.

The bot is built as ``newsbot run --console`` builds it (``bot.app.build_bot``: SQLite in the data
directory, the bundled sample articles, the dispatcher, the console adapter, the delivery service and the
scheduler), minus the HTTP server and feed polling. The admin is the console user; each "process" is a new
``BotProcess`` on the same SQLite file. APScheduler keeps real time, so where its job would fire the test
calls what the job calls (``BotScheduler.run_subscription``); start-up catch-up runs in ``start``.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import BotProcess, build_bot
from bot.delivery import DeliveryOutcome
from bot.registry import console_finished
from bot.settings import Settings
from bot.store.deliveries import DeliveryRecord
from bot.subscriptions import Subscription, delivery_key
from tests.bot.fakes import FakeClock

SEOUL = ZoneInfo("Asia/Seoul")
DIGEST_MARK = "[scheduled digest for #console"
SET_UP = "/news-admin subscribe countries=KR\n/news-admin schedule weekdays 08:00 Asia/Seoul\n"


def seoul(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in November 2026, Seoul (the 23rd is a Monday), as UTC; the bundled samples are of that week."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SEOUL).astimezone(UTC)


MONDAY_0800 = seoul(23, 8)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    for name in ("NEWSBOT_DATABASE_URL", "NEWSBOT_CONFIG", "NEWSBOT_ADMINS", "SLACK_BOT_TOKEN", "DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return Settings(data_dir=tmp_path / "data")


class Processes:
    """Starts bot processes on one data directory and one clock, and stops them all at the end."""

    def __init__(self, settings: Settings, clock: FakeClock) -> None:
        self.settings, self.clock = settings, clock
        self.running: list[BotProcess] = []

    async def start(self, at: datetime, commands: str = "") -> tuple[BotProcess, io.StringIO]:
        """A process started at ``at`` that reads ``commands`` on its console and answers them all."""
        self.clock.set(at)
        out = io.StringIO()
        bot = await build_bot(self.settings, console=True, stdin=io.StringIO(commands), stdout=out,
                              clock=self.clock, http=False, poll=False)
        self.running.append(bot)
        await bot.start()
        finished = console_finished(bot.adapters)
        assert finished is not None
        await asyncio.wait_for(finished.wait(), timeout=30)
        return bot, out

    async def stop(self, bot: BotProcess) -> None:
        self.running.remove(bot)
        await bot.stop()


@pytest.fixture
async def processes(settings: Settings) -> AsyncIterator[Processes]:
    made = Processes(settings, FakeClock(seoul(23, 7)))
    yield made
    for bot in list(made.running):
        await made.stop(bot)


async def the_subscription(bot: BotProcess) -> Subscription:
    subscriptions = await bot.store.config.list_subscriptions()
    assert len(subscriptions) == 1
    return subscriptions[0]


async def ledger(bot: BotProcess, subscription: Subscription) -> list[DeliveryRecord]:
    return await bot.store.deliveries.for_subscription(subscription.id)


async def fire(bot: BotProcess, subscription: Subscription, at: datetime) -> list[DeliveryOutcome]:
    """What the subscription's job does when APScheduler fires it at ``at``."""
    assert isinstance(bot.scheduler.clock, FakeClock)
    bot.scheduler.clock.set(at)
    return await bot.scheduler.run_subscription(subscription.id)


async def test_the_admin_sets_up_the_channel_from_the_console(processes: Processes) -> None:
    bot, out = await processes.start(seoul(23, 7), SET_UP)
    replies = out.getvalue()
    assert "Subscription saved." in replies and "countries: South Korea (KR)" in replies
    assert "Schedule saved: Posted weekdays at 08:00 Asia/Seoul." in replies
    assert "error" not in replies.lower()
    subscription = await the_subscription(bot)
    assert subscription.channel.key == "console:local:console" and subscription.created_by == "console:console"
    assert subscription.schedule is not None and subscription.schedule.text == "weekdays 08:00 Asia/Seoul"
    # The admin's change reached the scheduler: the job fires next at Monday 08:00 Seoul (real time permitting).
    assert subscription.id in bot.scheduler.digest_jobs()


async def test_one_digest_when_the_clock_passes_0800_and_none_again_after_a_restart(processes: Processes) -> None:
    bot, out = await processes.start(seoul(23, 7), SET_UP)
    subscription = await the_subscription(bot)
    assert [o.status for o in await fire(bot, subscription, seoul(23, 7, 59))] == []  # not yet
    assert DIGEST_MARK not in out.getvalue()

    outcomes = await fire(bot, subscription, seoul(23, 8, 0) + timedelta(seconds=20))
    assert [o.status for o in outcomes] == ["posted"]
    key = delivery_key(subscription.id, MONDAY_0800)
    printed = out.getvalue()
    assert printed.count(DIGEST_MARK) == 1
    assert f"{DIGEST_MARK} · {key}]" in printed
    # The digest is the sample story about Korea from the week before, not a "nothing new" note.
    digest = printed.split(DIGEST_MARK, 1)[1]
    assert "Nothing new" not in digest and "South Korea" in digest

    # A late job run or another sweep in the same process does not post it again.
    assert [o.status for o in await fire(bot, subscription, seoul(23, 8, 5))] == ["skipped"]
    assert out.getvalue().count(DIGEST_MARK) == 1
    await processes.stop(bot)

    restarted, out_after = await processes.start(seoul(23, 9))
    assert DIGEST_MARK not in out_after.getvalue()
    records = await ledger(restarted, subscription)
    assert [(r.key, r.status) for r in records] == [(key, "posted")]
    assert subscription.id in restarted.scheduler.digest_jobs()


async def test_a_bot_down_from_0759_to_0930_posts_the_digest_on_start(processes: Processes) -> None:
    bot, out = await processes.start(seoul(23, 7), SET_UP)
    subscription = await the_subscription(bot)
    processes.clock.set(seoul(23, 7, 59))
    await processes.stop(bot)
    assert DIGEST_MARK not in out.getvalue()

    back, out_after = await processes.start(seoul(23, 9, 30))
    printed = out_after.getvalue()
    assert printed.count(DIGEST_MARK) == 1
    key = delivery_key(subscription.id, MONDAY_0800)
    assert key in printed
    assert [(r.key, r.status) for r in await ledger(back, subscription)] == [(key, "posted")]


async def test_a_bot_down_until_1100_records_the_digest_missed(processes: Processes) -> None:
    bot, _ = await processes.start(seoul(23, 7), SET_UP)
    subscription = await the_subscription(bot)
    processes.clock.set(seoul(23, 7, 59))
    await processes.stop(bot)

    back, out_after = await processes.start(seoul(23, 11))
    assert DIGEST_MARK not in out_after.getvalue()
    records = await ledger(back, subscription)
    assert [(r.key, r.status) for r in records] == [(delivery_key(subscription.id, MONDAY_0800), "missed")]
    assert records[0].error is not None and "grace" in records[0].error
    # The next weekday's digest is posted as usual.
    assert [o.status for o in await fire(back, subscription, seoul(24, 8, 1))] == ["posted"]
    assert out_after.getvalue().count(DIGEST_MARK) == 1
