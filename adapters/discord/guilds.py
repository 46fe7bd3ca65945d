"""Joining and leaving servers: a welcome on arrival; on removal, digests paused at once and the
server's data deleted after a grace period (a re-invite within it keeps the settings).

The pause reason marks the server as removed and the subscription's update time says since when, so
a restarted process finds removals that are still waiting (or that happened while it was down, when
the server is missing from READY) and finishes them. Only servers on this process's shards are
considered, so processes splitting the shards never act on each other's servers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

import discord

from adapters.discord.render import NO_MENTIONS
from bot.store.store import Store
from bot.subscriptions import Subscription

log = logging.getLogger(__name__)

REMOVED_REASON = "the bot was removed from this Discord server"
WELCOME = (
    "👋 Thanks for adding newsbot! Try `/news pair korea japan` for the latest between two countries, "
    "or `/news help` for everything it can do. Members with Manage Server set up a channel's digest "
    "with `/news-admin subscribe` and `/news-admin schedule`."
)
WELCOME_BACK = ("\nThis server's earlier digest settings were kept but are paused: an admin can run "
                "`/news-admin resume` in each channel.")


class GuildLifecycle:
    """Welcomes, pauses and scheduled deletions for the servers on this process's shards."""

    def __init__(self, store: Store, clock: Callable[[], datetime], *, grace: timedelta,
                 owns: Callable[[int], bool]) -> None:
        self.store = store
        self.clock = clock
        self.grace = grace
        self.owns = owns
        self._deletions: dict[int, asyncio.Task[None]] = {}

    async def joined(self, guild: discord.Guild) -> None:
        """A new (or returning) server: cancel a pending deletion and say hello where allowed."""
        pending = self._deletions.pop(guild.id, None)
        if pending is not None:
            pending.cancel()
        returning = any(s.paused_reason == REMOVED_REASON for s in await self._subscriptions(guild.id))
        await welcome(guild, returning=returning)

    async def removed(self, guild_id: int) -> None:
        """Pause the server's digests now; delete its data once the grace period has passed."""
        now = self.clock()
        for subscription in await self._subscriptions(guild_id):
            await self.store.config.set_paused(subscription.channel, True, reason=REMOVED_REASON, now=now)
        log.info("removed from Discord server %s: its data is deleted after %s", guild_id, self.grace)
        self._schedule(guild_id, self.grace)

    async def sweep(self, present: set[int]) -> None:
        """After READY: finish removals that were pending when the process stopped, and treat servers
        with subscriptions that are on our shards but absent from READY as removed while we were down."""
        now = self.clock()
        removed_since: dict[int, datetime] = {}
        missing: set[int] = set()
        for subscription in await self.store.config.list_subscriptions():
            if subscription.channel.platform != "discord" or not subscription.channel.workspace.isdigit():
                continue
            guild_id = int(subscription.channel.workspace)
            if guild_id in present or not self.owns(guild_id):
                continue
            if subscription.paused_reason == REMOVED_REASON:
                since = subscription.updated_at or now
                removed_since[guild_id] = min(since, removed_since.get(guild_id, since))
            else:
                missing.add(guild_id)
        for guild_id in missing - removed_since.keys():
            await self.removed(guild_id)
        for guild_id, since in removed_since.items():
            self._schedule(guild_id, max(timedelta(0), since + self.grace - now))

    async def close(self) -> None:
        tasks = list(self._deletions.values())
        self._deletions.clear()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def pending(self) -> frozenset[int]:
        return frozenset(guild for guild, task in self._deletions.items() if not task.done())

    def _schedule(self, guild_id: int, delay: timedelta) -> None:
        if guild_id in self._deletions and not self._deletions[guild_id].done():
            return
        self._deletions[guild_id] = asyncio.create_task(self._delete_later(guild_id, delay),
                                                        name=f"discord forget guild {guild_id}")

    async def _delete_later(self, guild_id: int, delay: timedelta) -> None:
        await asyncio.sleep(delay.total_seconds())
        try:
            deleted = await self.store.config.delete_workspace("discord", str(guild_id))
        except Exception:
            log.exception("deleting the data of Discord server %s failed; retried at the next start",
                          guild_id)
            return
        log.info("deleted the data of Discord server %s (%d subscriptions and topics)", guild_id, deleted)

    async def _subscriptions(self, guild_id: int) -> list[Subscription]:
        workspace = str(guild_id)
        return [s for s in await self.store.config.list_subscriptions()
                if s.channel.platform == "discord" and s.channel.workspace == workspace]


async def welcome(guild: discord.Guild, *, returning: bool = False) -> bool:
    """A short hello in the server's system channel, when it has one the bot may post in."""
    channel = guild.system_channel
    me = guild.me
    if channel is None or me is None:
        return False
    permissions = channel.permissions_for(me)
    if not (permissions.view_channel and permissions.send_messages):
        return False
    try:
        await channel.send(WELCOME + (WELCOME_BACK if returning else ""), allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        log.info("could not welcome Discord server %s: %s", guild.id, exc)
        return False
    return True
