"""Joining and leaving servers through the fake gateway: the welcome, and removal with its grace."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta

from adapters.discord.guilds import REMOVED_REASON
from bot.chat import ChannelRef
from bot.commands.values import DigestMode
from bot.store.store import Store
from digests.model import Query
from tests.adapters.discord.conftest import RunningAdapter
from tests.adapters.discord.support import NEWS_CHANNEL_ID, NEWS_GUILD_ID
from tests.fakes.discord import FakeChannel, FakeDiscord, FakeGuild, snowflake_for_shard

NEWS_CHANNEL = ChannelRef("discord", str(NEWS_GUILD_ID), str(NEWS_CHANNEL_ID))
SHORT_GRACE = {"removal_grace": timedelta(seconds=0.3)}


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 5.0) -> None:  # noqa: ASYNC109 - bounded wait
    """Re-checks the store until ``check`` holds: the store has no change event to wait on."""
    async with asyncio.timeout(timeout):
        while not await check():  # noqa: ASYNC110 - polling the database, which cannot signal
            await asyncio.sleep(0.02)


async def _subscribe(store: Store, channel: ChannelRef) -> None:
    await store.config.save_query(channel, Query(countries=frozenset({"KR"})), items=5, mode=DigestMode.FULL,
                                  actor="discord:1", now=datetime.now(UTC))


async def _join(fake: FakeDiscord, guild: FakeGuild, system_channel: int | None) -> None:
    """The bot is added to ``guild``: GUILD_CREATE for a new guild, with its system channel."""
    state = fake.world.add_guild(guild)
    payload = fake.world.guild_create(state, with_all_members=False, newly_joined=True)
    payload["system_channel_id"] = None if system_channel is None else str(system_channel)
    assert await fake.dispatch(guild.id, "GUILD_CREATE", payload) == 1


async def test_a_new_server_gets_a_welcome_in_its_system_channel(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    guild = FakeGuild(id=snowflake_for_shard(0, 1, index=5), name="Energy",
                      channels=[FakeChannel(77_000_000_000_000_001, "general")])
    async with running_adapter():
        await _join(fake, guild, 77_000_000_000_000_001)
        await fake.wait_until(lambda: bool(fake.messages(77_000_000_000_000_001)))
    [welcome] = fake.messages(77_000_000_000_000_001)
    assert "/news help" in welcome["content"] and "/news pair korea japan" in welcome["content"]


async def test_a_server_without_a_system_channel_gets_no_message(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    guild = FakeGuild(id=snowflake_for_shard(0, 1, index=6), name="Quiet",
                      channels=[FakeChannel(78_000_000_000_000_001, "general")])
    async with running_adapter() as adapter:
        assert adapter.client is not None
        joined = asyncio.create_task(adapter.client.wait_for("guild_join", timeout=5))
        await asyncio.sleep(0)
        await _join(fake, guild, None)
        await joined
    assert not fake.requests_to("POST /channels/{id}/messages")


async def test_removal_pauses_the_digests_then_deletes_the_data_after_the_grace(
        fake: FakeDiscord, running_adapter: RunningAdapter, store: Store) -> None:
    await _subscribe(store, NEWS_CHANNEL)

    async def paused() -> bool:
        found = await store.config.get_subscription(NEWS_CHANNEL)
        return found is not None and found.paused and found.paused_reason == REMOVED_REASON

    async def gone() -> bool:
        return await store.config.get_subscription(NEWS_CHANNEL) is None

    async with running_adapter(config_changes=SHORT_GRACE):
        await fake.remove_guild(NEWS_GUILD_ID)
        await eventually(paused)
        await eventually(gone)


async def test_a_reinvite_within_the_grace_keeps_the_settings_and_says_how_to_resume(
        fake: FakeDiscord, running_adapter: RunningAdapter, store: Store) -> None:
    guild = FakeGuild(id=snowflake_for_shard(0, 1, index=8), name="Back",
                      channels=[FakeChannel(79_000_000_000_000_001, "general")])
    channel = ChannelRef("discord", str(guild.id), "79000000000000001")
    await _subscribe(store, channel)
    async with running_adapter(config_changes={"removal_grace": timedelta(hours=1)}) as adapter:
        await _join(fake, guild, 79_000_000_000_000_001)
        await fake.wait_until(lambda: len(fake.messages(79_000_000_000_000_001)) == 1)
        await fake.remove_guild(guild.id)
        assert adapter.lifecycle is not None
        lifecycle = adapter.lifecycle

        async def deletion_pending() -> bool:
            return guild.id in lifecycle.pending()

        await eventually(deletion_pending)
        fake.world.guilds.pop(guild.id, None)
        await _join(fake, guild, 79_000_000_000_000_001)
        await fake.wait_until(lambda: len(fake.messages(79_000_000_000_000_001)) == 2)
        assert guild.id not in lifecycle.pending()
    again = fake.messages(79_000_000_000_000_001)[1]["content"]
    assert "/news-admin resume" in again
    kept = await store.config.get_subscription(channel)
    assert kept is not None and kept.paused_reason == REMOVED_REASON


async def test_a_server_that_removed_the_bot_while_it_was_down_is_forgotten_after_the_grace(
        fake: FakeDiscord, running_adapter: RunningAdapter, store: Store) -> None:
    ours = ChannelRef("discord", str(snowflake_for_shard(0, 2, index=9)), "5")
    theirs = ChannelRef("discord", str(snowflake_for_shard(1, 2, index=9)), "6")  # another process's shard
    await _subscribe(store, ours)
    await _subscribe(store, theirs)

    async def forgotten() -> bool:
        return await store.config.get_subscription(ours) is None

    async with running_adapter(discord_shard_count=2, discord_shard_ids="0", config_changes=SHORT_GRACE):
        await eventually(forgotten)
    left = await store.config.get_subscription(theirs)
    assert left is not None and not left.paused
    assert await store.config.get_subscription(NEWS_CHANNEL) is None  # never subscribed; untouched
