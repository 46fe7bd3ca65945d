"""``DiscordAdapter``: the bot's chat port on Discord — slash commands in, digests and replies out.

``start`` logs in, syncs the commands (globally, or to ``DISCORD_DEV_GUILD_ID``; only the process
holding shard 0 syncs) and connects the gateway in the background; ``stop`` closes everything.
The token is only ever handed to discord.py: no message, log line or reply of this adapter has it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine
from typing import Any

import aiohttp
import discord
import discord.http
from discord import app_commands

from adapters.discord.client import build_client, owns_guild, sync_commands
from adapters.discord.commands import build_groups
from adapters.discord.config import DiscordConfig, point_discord_at
from adapters.discord.guilds import GuildLifecycle
from adapters.discord.interactions import CommandResponder
from adapters.discord.invite import invite_url
from adapters.discord.posting import DigestPoster
from adapters.discord.render import NO_MENTIONS
from bot.adapter_context import AdapterContext
from bot.chat import AdapterError, ChannelRef, Platform, PostReceipt, PostRetryable, Reply

log = logging.getLogger(__name__)

STOP_TIMEOUT = 10.0


class DiscordStartError(AdapterError):
    """The adapter could not start; the message says why and what to check (never the token)."""


class DiscordAdapter:
    platform: Platform = "discord"

    def __init__(self, context: AdapterContext, config: DiscordConfig | None = None) -> None:
        self.context = context
        self.config = config or DiscordConfig.from_settings(context.settings)
        self.responder = CommandResponder(context.handle, layout=self.config.layout)
        self.client: discord.AutoShardedClient | None = None
        self.tree: app_commands.CommandTree[Any] | None = None
        self.lifecycle: GuildLifecycle | None = None
        self.synced: list[app_commands.AppCommand] = []
        self.connection_error: BaseException | None = None
        self._poster: DigestPoster | None = None
        self._runner: asyncio.Task[None] | None = None
        self._busy: set[asyncio.Task[None]] = set()  # event handlers still touching the store

    # -- life cycle -----------------------------------------------------------------------------------

    async def start(self) -> None:
        point_discord_at(self.config)
        client = build_client(self.config)
        tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
        for group in build_groups(self.responder.run):
            tree.add_command(group)
        tree.error(self._on_command_error)
        for handler in (self.on_ready, self.on_guild_join, self.on_guild_remove):
            client.event(handler)
        self.lifecycle = GuildLifecycle(self.context.store, self.context.clock, grace=self.config.removal_grace,
                                        owns=lambda guild_id: owns_guild(client, guild_id))
        self._poster = DigestPoster(client, layout=self.config.layout,
                                    thread_per_digest=self.config.thread_per_digest)
        self.client, self.tree = client, tree  # from here on stop() closes the client
        try:
            await client.login(self.config.token)
            if self.config.gateway_url is not None and client.shard_count is None:
                # Without a count discord.py connects where GET /gateway/bot says; learn the count here
                # so that it uses DISCORD_GATEWAY_URL instead.
                client.shard_count, _, _ = await client.http.get_bot_gateway()
        except discord.LoginFailure:
            await client.close()
            raise DiscordStartError("Discord refused DISCORD_TOKEN (401 Unauthorized): copy the bot token "
                                    "again from the Developer Portal (Bot → Reset Token)") from None
        except (discord.HTTPException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            await client.close()
            raise DiscordStartError(f"cannot reach Discord's API at {discord.http.Route.BASE}: "
                                    f"{type(exc).__name__}: {exc}") from None
        if client.application_id is not None:
            log.info("invite link: %s", invite_url(client.application_id, threads=self.config.thread_per_digest))
        if self.config.syncs_commands:
            await self._sync(tree)
        self._runner = asyncio.create_task(self._connect(client), name="discord gateway")

    async def _sync(self, tree: app_commands.CommandTree[Any]) -> None:
        where = (f"server {self.config.dev_guild_id} (DISCORD_DEV_GUILD_ID)" if self.config.dev_guild_id
                 else "all servers")
        try:
            self.synced = await sync_commands(tree, self.config.dev_guild_id)
        except discord.HTTPException as exc:
            # The bot still posts digests; commands keep their previous registration.
            log.error("syncing the slash commands to %s failed: %s (is the bot in that server, invited "
                      "with the applications.commands scope?)", where, exc)
            return
        log.info("synced %d slash commands to %s", len(self.synced), where)

    async def _connect(self, client: discord.AutoShardedClient) -> None:
        try:
            await client.connect(reconnect=True)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.connection_error = exc
            log.error("the Discord gateway connection ended: %s: %s", type(exc).__name__, exc)

    async def wait_until_ready(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109 - a start-up bound
        """Returns once every shard of this process is connected and its servers are loaded."""
        if self.client is None or self._runner is None:
            raise DiscordStartError("the Discord adapter was not started")
        ready = asyncio.create_task(self.client.wait_until_ready())
        try:
            done, _ = await asyncio.wait({ready, self._runner}, timeout=timeout,
                                         return_when=asyncio.FIRST_COMPLETED)
        finally:
            ready.cancel()
        if ready not in done or not self.client.is_ready():
            why = self.connection_error or "timed out"
            raise DiscordStartError(f"the Discord gateway did not become ready: {why}")

    async def stop(self) -> None:
        if self.client is not None:
            await self.client.close()
        if self._busy:  # let handlers finish their store work rather than cut a query in half
            _, late = await asyncio.wait(set(self._busy), timeout=STOP_TIMEOUT)
            for task in late:
                task.cancel()
        if self.lifecycle is not None:
            await self.lifecycle.close()
        if self._runner is not None:
            # close() ends connect(); the timeout only guards against a gateway that never answers.
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(self._runner, timeout=STOP_TIMEOUT)
            self._runner = None

    # -- the chat port --------------------------------------------------------------------------------

    async def post_digest(self, channel: ChannelRef, reply: Reply, *, delivery_key: str) -> PostReceipt:
        if self._poster is None:
            raise PostRetryable("the Discord adapter is not started")
        return await self._poster.post(channel, reply, delivery_key=delivery_key)

    # -- gateway events ---------------------------------------------------------------------------------

    async def on_ready(self) -> None:
        if self.client is None or self.lifecycle is None:
            return
        shards = self.client.shard_ids if self.client.shard_ids is not None else "all"
        log.info("connected to Discord: shards %s of %s, %d servers", shards, self.client.shard_count,
                 len(self.client.guilds))
        present = {guild.id for guild in self.client.guilds}
        await self._guarded(self.lifecycle.sweep(present), "checking for servers that removed the bot")

    async def on_guild_join(self, guild: discord.Guild) -> None:
        if self.lifecycle is not None:
            await self._guarded(self.lifecycle.joined(guild), f"welcoming Discord server {guild.id}")

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        if self.lifecycle is not None:
            await self._guarded(self.lifecycle.removed(guild.id),
                                f"handling the removal from Discord server {guild.id}")

    async def _guarded(self, work: Coroutine[Any, Any, None], what: str) -> None:
        """Run an event handler's work, logging a failure; ``stop`` waits for it."""
        task = asyncio.current_task()
        if task is not None:
            self._busy.add(task)  # discord.py runs each handler in its own task
        try:
            await work
        except Exception:
            log.exception("%s failed", what)
        finally:
            if task is not None:
                self._busy.discard(task)

    async def _on_command_error(self, interaction: discord.Interaction[Any],
                                error: app_commands.AppCommandError) -> None:
        """Errors discord.py raises before our callback runs (an option it could not convert)."""
        log.warning("slash command error in channel %s: %s", interaction.channel_id, error)
        if interaction.response.is_done():
            return
        with contextlib.suppress(discord.HTTPException):
            await interaction.response.send_message(
                f"I could not read that command: {error}\nSee `/news help`.", ephemeral=True,
                allowed_mentions=NO_MENTIONS)
