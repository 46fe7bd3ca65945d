"""The discord.py client as configured: one intent, the shards asked for, which servers it owns.
(Connecting, syncing and splitting shards against the fake are in test_adapter.py.)"""

from __future__ import annotations

from adapters.discord.client import build_client, intents, owns_guild
from adapters.discord.config import DiscordConfig
from tests.fakes.discord import snowflake_for_shard


def test_only_the_guilds_intent_is_asked_for() -> None:
    wanted = intents()
    assert wanted.guilds and wanted.value == 1  # no privileged intent, no message content


async def test_a_process_owns_only_the_guilds_of_its_shards() -> None:
    # Never logged in, so there is no session to close.
    client = build_client(DiscordConfig(token="t", shard_count=3, shard_ids=(0, 2), application_id=5))
    assert client.shard_count == 3 and client.shard_ids == [0, 2] and client.application_id == 5
    owned = [owns_guild(client, snowflake_for_shard(shard, 3, index=4)) for shard in range(3)]
    assert owned == [True, False, True]


async def test_without_shard_settings_every_guild_is_owned() -> None:
    client = build_client(DiscordConfig(token="t"))
    assert client.shard_count is None and client.shard_ids is None
    assert owns_guild(client, snowflake_for_shard(1, 2, index=3))
