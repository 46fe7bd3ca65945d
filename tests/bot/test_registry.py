"""Which adapters a process runs: the console when no platform is configured or when forced."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.console import ConsoleAdapter
from bot.adapter_context import AdapterContext
from bot.chat import ChatAdapter, CommandRequest, Reply
from bot.registry import build_adapters, console_finished
from bot.settings import Settings
from bot.store import Store, migrate, open_store
from tests.bot.fakes import RecordingAdapter


async def echo(request: CommandRequest) -> Reply:
    return Reply("text", request.text)


@pytest.fixture
async def sqlite_store(tmp_path: Path) -> AsyncIterator[Store]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'registry.db'}"
    await migrate(url)
    opened = await open_store(url)
    try:
        yield opened
    finally:
        await opened.close()


@pytest.fixture(autouse=True)
def no_platform_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_CLIENT_ID", "SLACK_CLIENT_SECRET", "DISCORD_TOKEN", "NEWSBOT_CONFIG"):
        monkeypatch.delenv(name, raising=False)


def context(settings: Settings, store: Store) -> AdapterContext:
    return AdapterContext(settings=settings, handle=echo, store=store, http=None, clock=lambda: datetime.now(UTC),
                          data_dir=settings.data_dir)


async def test_the_console_runs_when_no_platform_is_configured(sqlite_store: Store, tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    stdin, stdout = io.StringIO("/news help\n"), io.StringIO()
    adapters = build_adapters(context(settings, sqlite_store), console=False, stdin=stdin, stdout=stdout)
    assert list(adapters) == ["console"]
    console = adapters["console"]
    assert isinstance(console, ConsoleAdapter)
    assert console.stdin is stdin and console.stdout is stdout and not console.interactive
    assert console.handler is echo


async def test_console_forces_the_console_even_with_platform_tokens(sqlite_store: Store, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("DISCORD_TOKEN", "discord-test")
    settings = Settings(data_dir=tmp_path)
    assert settings.slack_configured and settings.discord_configured
    adapters = build_adapters(context(settings, sqlite_store), console=True, stdin=io.StringIO(""),
                              stdout=io.StringIO())
    assert list(adapters) == ["console"]


async def test_console_finished_is_the_console_adapters_event(sqlite_store: Store, tmp_path: Path) -> None:
    adapters = build_adapters(context(Settings(data_dir=tmp_path), sqlite_store), console=True,
                              stdin=io.StringIO(""), stdout=io.StringIO())
    console = adapters["console"]
    assert isinstance(console, ConsoleAdapter)
    finished = console_finished(adapters)
    assert finished is console.finished and not finished.is_set()
    await console.start()
    await finished.wait()  # the empty input ends at once
    await console.stop()


def test_console_finished_is_none_without_a_console() -> None:
    platform: dict[str, ChatAdapter] = {"slack": RecordingAdapter("slack")}
    assert console_finished(platform) is None
    assert console_finished({}) is None
