"""The discord.py client and its command tree, built from the adapter's configuration.

An ``AutoShardedClient``: with ``DISCORD_SHARD_COUNT`` (and ``DISCORD_SHARD_IDS``) several processes
split the shards, each connecting only its own; without them Discord's recommended count is used in
this one process (a single shard for a small bot). The only gateway intent is ``guilds``: commands
arrive as interactions, and the bot reads no messages.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from adapters.discord.config import DiscordConfig
from adapters.discord.render import NO_MENTIONS

MAX_RATELIMIT_WAIT = 30.0
"""Rate limits longer than this (discord.py's minimum) raise instead of sleeping, so a scheduled post
goes back to the delivery service, which retries it later."""


def intents() -> discord.Intents:
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


def build_client(config: DiscordConfig) -> discord.AutoShardedClient:
    options: dict[str, Any] = {
        "shard_count": config.shard_count, "guild_ready_timeout": config.guild_ready_timeout,
        "max_ratelimit_timeout": MAX_RATELIMIT_WAIT, "allowed_mentions": NO_MENTIONS,
        "chunk_guilds_at_startup": False,
    }
    if config.shard_ids is not None:
        options["shard_ids"] = list(config.shard_ids)
    if config.application_id is not None:
        options["application_id"] = config.application_id
    return discord.AutoShardedClient(intents=intents(), **options)


async def sync_commands(tree: app_commands.CommandTree[Any],
                        dev_guild_id: int | None) -> list[app_commands.AppCommand]:
    """Register the commands: globally, or only in the development server (instantly visible there)."""
    if dev_guild_id is not None:
        guild = discord.Object(id=dev_guild_id)
        tree.copy_global_to(guild=guild)
        return await tree.sync(guild=guild)
    return await tree.sync()


def owns_guild(client: discord.AutoShardedClient, guild_id: int) -> bool:
    """Whether this process's shards receive the guild's events."""
    count = client.shard_count or 1
    shard_ids = client.shard_ids
    return shard_ids is None or (guild_id >> 22) % count in shard_ids
