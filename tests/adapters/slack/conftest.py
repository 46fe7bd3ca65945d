"""Fixtures for the Slack adapter: the fake Slack on loopback, a real store (SQLite) with the founding
article ingested, the real dispatcher, and the real AsyncApp behind the bot's own HTTP server."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import SlackAdapter, create
from bot.adapter_context import AdapterContext
from bot.dispatch import Dispatcher, parse_admins
from bot.http import HttpServer
from bot.settings import Settings
from bot.store.store import Store, open_store
from digests.analyse import Analyser
from digests.ingest.pipeline import Ingester
from tests.fakes.slack import FakeSlack, signing, workspace

SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_CLIENT_ID",
                   "SLACK_CLIENT_SECRET", "SLACK_API_URL", "NEWSBOT_SECRET_KEY", "NEWSBOT_ADMINS",
                   "NEWSBOT_CONFIG", "SLACK_VERIFICATION_TOKEN")
SECRET_KEY = "a passphrase long enough for the tests"


@pytest.fixture(autouse=True)
def _no_slack_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tests say every setting themselves; the developer's environment must not switch modes."""
    for name in SLACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)


async def _seed(path: Path, article: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{path}", migrate=True)
    try:
        outcomes = await Ingester(store.articles, Analyser()).ingest_path(article)
        assert outcomes and outcomes[0].new == 1, outcomes
    finally:
        await store.close()


@pytest.fixture(scope="session")
def seeded_database(founding_article: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file with the founding article ingested, built once and copied per test."""
    path = tmp_path_factory.mktemp("slack-store") / "seeded.db"
    asyncio.run(_seed(path, founding_article))
    return path


@pytest.fixture
async def bot_store(seeded_database: Path, tmp_path: Path) -> AsyncIterator[Store]:
    copy = tmp_path / "newsbot.db"
    shutil.copyfile(seeded_database, copy)
    opened = await open_store(f"sqlite+aiosqlite:///{copy}")
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack.running(teams=[workspace("A"), workspace("B", installed=False)]) as running:
        yield running


@dataclass
class Bot:
    """A running Slack adapter and what it runs on."""

    adapter: SlackAdapter
    url: str
    store: Store
    dispatcher: Dispatcher
    fake: FakeSlack

    async def deliver(self, request: signing.SignedRequest, path: str = "/slack/events") -> signing.Delivery:
        return await signing.deliver(request, self.url + path)


def slack_settings(fake: FakeSlack, data_dir: Path, *, mode: str = "http", oauth: bool = False,
                   **overrides: Any) -> Settings:
    values: dict[str, Any] = {"data_dir": data_dir, "slack_api_url": fake.api_url}
    if oauth:
        values |= {"slack_client_id": fake.app.client_id, "slack_client_secret": fake.app.client_secret,
                   "secret_key": SECRET_KEY}
    else:
        values["slack_bot_token"] = fake.bot_token()
    if mode == "socket":
        values["slack_app_token"] = fake.app_token
    else:
        values["slack_signing_secret"] = fake.signing_secret
    return Settings(**(values | overrides))


RunBot = Callable[..., AbstractAsyncContextManager[Bot]]


@pytest.fixture
def run_bot(fake: FakeSlack, bot_store: Store, tmp_path: Path) -> RunBot:
    """``async with run_bot(mode="http"|"socket", oauth=False, **settings) as bot: ...``"""

    @asynccontextmanager
    async def running(*, mode: str = "http", oauth: bool = False, **overrides: Any) -> AsyncIterator[Bot]:
        settings = slack_settings(fake, tmp_path, mode=mode, oauth=oauth, **overrides)
        dispatcher = Dispatcher(bot_store, admins=parse_admins(settings.admins), chart_dir=tmp_path / "charts")
        http = HttpServer(host="127.0.0.1", port=0)
        context = AdapterContext(settings, dispatcher.handle, bot_store, http, lambda: datetime.now(UTC),
                                 tmp_path)
        adapter = create(context)
        await http.start()
        try:
            await adapter.start()
            try:
                yield Bot(adapter, f"http://127.0.0.1:{http.port}", bot_store, dispatcher, fake)
            finally:
                await adapter.stop()
        finally:
            await http.stop()

    return running
