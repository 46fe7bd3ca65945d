"""The bot process: store, dispatcher, adapters, delivery, scheduler and HTTP server, started and stopped
together. ``newsbot run`` calls ``run_bot``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from importlib import resources
from typing import TextIO

import seeds
from bot.adapter_context import AdapterContext
from bot.chat import ChatAdapter
from bot.delivery import DeliveryService
from bot.dispatch import Dispatcher, parse_admins
from bot.http import HttpServer
from bot.polling import RoundResult, poll_round, process_owner
from bot.registry import build_adapters, console_finished
from bot.runtime import open_bot_store
from bot.scheduler import BotScheduler
from bot.settings import Settings
from bot.store.store import Store
from digests.analyse import Analyser
from digests.archive import StorySearch
from digests.ingest.fetch import Fetcher
from digests.ingest.pipeline import Ingester

log = logging.getLogger(__name__)


@dataclass
class BotProcess:
    """Everything one bot process runs; ``start``/``stop`` in dependency order."""

    settings: Settings
    store: Store
    dispatcher: Dispatcher
    adapters: dict[str, ChatAdapter]
    scheduler: BotScheduler
    fetcher: Fetcher
    http: HttpServer | None
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        if self.http is not None:
            await self.http.start()
        for adapter in self.adapters.values():
            await adapter.start()
        await self.scheduler.start()

    async def stop(self) -> None:
        await self.scheduler.stop()
        for adapter in self.adapters.values():
            with contextlib.suppress(Exception):
                await adapter.stop()
        if self.http is not None:
            await self.http.stop()
        await self.fetcher.aclose()
        await self.store.close()


async def ingest_samples_if_empty(store: Store, analyser: Analyser, clock: Callable[[], datetime]) -> int:
    """A new archive gets the bundled sample articles, so a first run without network has something."""
    now = clock()
    count, _ = await store.articles.count(StorySearch(since=datetime(1970, 1, 1, tzinfo=UTC),
                                                      until=now + timedelta(days=1)))
    if count:
        return 0
    with resources.as_file(seeds.path("samples")) as folder:
        outcomes = await Ingester(store.articles, analyser, clock=clock).ingest_path(folder)
    return sum(o.new for o in outcomes)


async def build_bot(settings: Settings, *, console: bool, stdin: TextIO | None = None,
                    stdout: TextIO | None = None, clock: Callable[[], datetime] | None = None,
                    http: bool = True, poll: bool = True) -> BotProcess:
    clock = clock or (lambda: datetime.now(UTC))
    store = await open_bot_store(settings)
    analyser = Analyser()
    try:
        added = await ingest_samples_if_empty(store, analyser, clock)
        if added:
            log.info("the archive was empty: ingested %d bundled sample articles", added)
        dispatcher = Dispatcher(store, admins=parse_admins(settings.admins), chart_dir=settings.data_dir / "charts",
                                clock=clock)
        server = HttpServer(port=settings.port) if http else None
        context = AdapterContext(settings=settings, handle=dispatcher.handle, store=store, http=server, clock=clock,
                                 data_dir=settings.data_dir)
        adapters = build_adapters(context, console=console, stdin=stdin, stdout=stdout)
        service = DeliveryService(store, adapters, clock, owner=process_owner())
        fetcher = Fetcher(allow_private=settings.allow_private_feeds)
        ingester = Ingester(store.articles, analyser, fetcher=fetcher, fetch_pages=True, clock=clock)

        async def poll_feeds() -> RoundResult:
            return await poll_round(store.feeds, ingester, owner=process_owner(), now=clock(),
                                    interval=timedelta(minutes=settings.feed_poll_minutes),
                                    max_failures=settings.feed_max_failures)

        scheduler = BotScheduler(service, store, clock, poll_interval=timedelta(minutes=settings.feed_poll_minutes),
                                 retention_days=settings.retention_days, poller=poll_feeds if poll else None)
        dispatcher.on_schedule_change = scheduler.refresh
    except BaseException:
        await store.close()
        raise
    return BotProcess(settings, store, dispatcher, adapters, scheduler, fetcher, server)


async def run_bot(settings: Settings, *, console: bool, stdin: TextIO | None = None,
                  stdout: TextIO | None = None) -> int:
    """Run until SIGINT/SIGTERM, or, for the console reading a pipe, until the end of its input."""
    # The console runs when asked for, or when no platform is configured.
    uses_console = console or not (settings.slack_configured or settings.discord_configured)
    one_shot = uses_console and stdin is not None and not stdin.isatty()
    # Reading a pipe is a one-shot session: no HTTP server and no feed polling, just the commands.
    bot = await build_bot(settings, console=console, stdin=stdin, stdout=stdout, http=not one_shot,
                          poll=not one_shot)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, bot.stopping.set)
    try:
        await bot.start()
        waits = [asyncio.create_task(bot.stopping.wait())]
        console_done = console_finished(bot.adapters)
        if console_done is not None:
            waits.append(asyncio.create_task(console_done.wait()))
        _, pending = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
    finally:
        await bot.stop()
    return 0
