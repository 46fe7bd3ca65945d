"""The adapter against the fake Discord: command sync, shards split across processes, start-up errors,
and a token that never reaches the logs."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.discord import DiscordAdapter, DiscordStartError, create
from bot.adapter_context import AdapterContext
from bot.dispatch import Dispatcher
from bot.store.store import Store
from tests.adapters.discord.conftest import RunningAdapter
from tests.adapters.discord.support import NEWS_GUILD_ID, OTHER_GUILD_ID, TOKEN, settings_for
from tests.fakes.discord import FakeDiscord


async def test_commands_are_synced_globally_in_production(fake: FakeDiscord, running_adapter: RunningAdapter,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with running_adapter() as adapter:
        assert [c.name for c in adapter.synced] == ["news", "news-admin"]
    assert [o.guild_id for o in fake.command_overwrites] == [None]
    news, admin = fake.commands()
    assert str(admin["default_member_permissions"]) == "32"  # MANAGE_GUILD
    assert news["default_member_permissions"] is None
    assert fake.commands(NEWS_GUILD_ID) == []
    assert TOKEN not in caplog.text  # discord.py's debug logging included


async def test_commands_go_to_the_dev_guild_in_development(fake: FakeDiscord,
                                                           running_adapter: RunningAdapter) -> None:
    async with running_adapter(discord_dev_guild_id=NEWS_GUILD_ID):
        pass
    assert [o.guild_id for o in fake.command_overwrites] == [NEWS_GUILD_ID]
    assert [c["name"] for c in fake.commands(NEWS_GUILD_ID)] == ["news", "news-admin"]
    assert fake.commands() == []


async def test_two_processes_each_get_half_of_the_shards(fake: FakeDiscord,
                                                         running_adapter: RunningAdapter) -> None:
    async with running_adapter(discord_shard_count=2, discord_shard_ids="0") as first, \
            running_adapter(discord_shard_count=2, discord_shard_ids="1") as second:
        assert first.client is not None and second.client is not None
        assert [g.id for g in first.client.guilds] == [NEWS_GUILD_ID]
        assert [g.id for g in second.client.guilds] == [OTHER_GUILD_ID]
        assert sorted(fake.connected_shards) == [(0, 2), (1, 2)]
    assert sorted((i.shard_id, i.shard_count) for i in fake.identifies) == [(0, 2), (1, 2)]
    assert len(fake.command_overwrites) == 1  # only the process holding shard 0 syncs


async def test_without_a_shard_count_the_recommended_count_is_used_on_the_configured_gateway(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter() as adapter:
        assert adapter.client is not None and adapter.client.shard_count == 1
        assert {g.id for g in adapter.client.guilds} == {NEWS_GUILD_ID, OTHER_GUILD_ID}
    assert [(i.shard_id, i.shard_count) for i in fake.identifies] == [(0, 1)]


async def test_a_wrong_token_fails_start_with_a_clear_message_without_the_token(
        fake: FakeDiscord, store: Store, dispatcher: Dispatcher, tmp_path: Path,
        caplog: pytest.LogCaptureFixture) -> None:
    wrong = "wrong-token.that-must-not-leak.123"
    settings = settings_for(fake, tmp_path, discord_token=wrong)
    context = AdapterContext(settings=settings, handle=dispatcher.handle, store=store, http=None,
                             clock=lambda: datetime.now(UTC), data_dir=tmp_path)
    adapter = create(context)
    assert isinstance(adapter, DiscordAdapter)
    try:
        with pytest.raises(DiscordStartError, match="refused DISCORD_TOKEN") as caught:
            await adapter.start()
    finally:
        await adapter.stop()
    assert wrong not in str(caught.value) and wrong not in caplog.text


async def test_an_unreachable_api_fails_start_with_the_address(
        fake: FakeDiscord, store: Store, dispatcher: Dispatcher, tmp_path: Path) -> None:
    settings = settings_for(fake, tmp_path, discord_api_url="http://127.0.0.1:9")
    context = AdapterContext(settings=settings, handle=dispatcher.handle, store=store, http=None,
                             clock=lambda: datetime.now(UTC), data_dir=tmp_path)
    adapter = DiscordAdapter(context)
    try:
        with pytest.raises(DiscordStartError, match=r"cannot reach Discord's API at http://127\.0\.0\.1:9/api/v10"):
            await adapter.start()
    finally:
        await adapter.stop()


async def test_a_dev_guild_the_bot_is_not_in_is_logged_and_the_bot_keeps_running(
        fake: FakeDiscord, running_adapter: RunningAdapter, caplog: pytest.LogCaptureFixture) -> None:
    async with running_adapter(discord_dev_guild_id=42) as adapter:
        assert adapter.synced == [] and adapter.client is not None and adapter.client.is_ready()
    assert "syncing the slash commands to server 42" in caplog.text
