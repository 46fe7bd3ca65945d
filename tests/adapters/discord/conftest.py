"""Fixtures for the Discord adapter: the fake Discord on loopback, a real store with the founding
article ingested, the real dispatcher, and a running adapter that is always stopped."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.discord import DiscordAdapter, DiscordConfig
from bot.adapter_context import AdapterContext, CommandHandler
from bot.dispatch import Dispatcher
from bot.store.store import Store, open_store
from digests.analyse import Analyser
from digests.ingest.pipeline import Ingester
from tests.adapters.discord.support import APP_ID, NEWS_GUILD, OTHER_GUILD, TOKEN, settings_for
from tests.fakes.discord import FakeDiscord

RunningAdapter = Callable[..., AbstractAsyncContextManager[DiscordAdapter]]

# -- store and dispatcher ---------------------------------------------------------------------------


async def _build_seeded_database(path: Path, article: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{path}", migrate=True)
    try:
        outcomes = await Ingester(store.articles, Analyser()).ingest_path(article)
        assert outcomes and outcomes[0].new == 1, outcomes
    finally:
        await store.close()


@pytest.fixture(scope="session")
def seeded_database(founding_article: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the founding article ingested, built once and copied per test."""
    path = tmp_path_factory.mktemp("discord-store") / "seeded.db"
    asyncio.run(_build_seeded_database(path, founding_article))
    return path


@pytest.fixture
async def store(seeded_database: Path, tmp_path: Path) -> AsyncIterator[Store]:
    copy = tmp_path / "t.db"
    shutil.copyfile(seeded_database, copy)
    opened = await open_store(f"sqlite+aiosqlite:///{copy}")
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
def dispatcher(store: Store, tmp_path: Path) -> Dispatcher:
    return Dispatcher(store, chart_dir=tmp_path / "charts")


# -- the fake Discord and the adapter ----------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A fake Discord that refuses answers later than Discord's 3 s; discord.py's endpoints are
    restored when it stops."""
    async with FakeDiscord.running(app_id=APP_ID, token=TOKEN, guilds=[NEWS_GUILD, OTHER_GUILD],
                                   interaction_deadline_s=3.0) as running:
        with running.patch_discord():
            yield running


@pytest.fixture
def running_adapter(fake: FakeDiscord, store: Store, dispatcher: Dispatcher,
                    tmp_path: Path) -> RunningAdapter:
    """``async with running_adapter(**settings) as adapter``: started, ready, and always stopped.

    ``config_changes`` replace fields of the adapter's configuration; ``handle`` replaces the dispatcher.
    """

    @asynccontextmanager
    async def start(*, config_changes: dict[str, Any] | None = None, handle: CommandHandler | None = None,
                    **overrides: Any) -> AsyncIterator[DiscordAdapter]:
        settings = settings_for(fake, tmp_path, **overrides)
        config = replace(DiscordConfig.from_settings(settings), guild_ready_timeout=0.05,
                         **(config_changes or {}))
        context = AdapterContext(settings=settings, handle=handle or dispatcher.handle, store=store, http=None,
                                 clock=lambda: datetime.now(UTC), data_dir=tmp_path)
        adapter = DiscordAdapter(context, config)
        try:
            await adapter.start()
            await adapter.wait_until_ready(timeout=10)
            yield adapter
        finally:
            await adapter.stop()

    return start
