"""Answering a slash command: who asked and where, acknowledge within Discord's 3 s, reply once.

Commands whose work may be slow (a pair report draws a chart; digests query the archive) are deferred
at once; the others are answered directly when the bot has replied within ``ANSWER_BUDGET``, and
deferred otherwise. Errors, previews, help and admin replies are ephemeral; pair reports and latest
stories are shown to the channel. An error after a public deferral replaces the "thinking" message
with an ephemeral one, so a refusal is never shown to everyone.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any

import aiohttp
import discord

from adapters.discord.commands import request_text
from adapters.discord.config import DigestLayout
from adapters.discord.render import OutgoingMessage, render_reply
from bot.adapter_context import CommandHandler
from bot.chat import Actor, ChannelRef, CommandRequest, Reply
from bot.commands.spec import CommandSpec

log = logging.getLogger(__name__)

PUBLIC_PATHS = frozenset({"news pair", "news latest"})
"""Answers worth showing to the channel; everything else only to the person who asked."""
SLOW_PATHS = frozenset({"news pair", "news latest", "news digest", "news-admin feeds"})
"""Deferred before the work starts."""
ANSWER_BUDGET = 1.5  # seconds the bot may take before the rest are deferred (Discord allows 3)
DM_WORKSPACE = "dm"

UNQUOTABLE = Reply("error", "One of the values has both kinds of quotes (' and \") in it, which I can't read.\n"
                            "Remove the quotes and try again.")


def actor_of(interaction: discord.Interaction[Any]) -> Actor:
    """The invoking user; ``is_admin`` when they may manage the server (resolved in this channel)."""
    permissions = interaction.permissions
    is_admin = interaction.guild_id is not None and (permissions.manage_guild or permissions.administrator)
    user = interaction.user
    return Actor("discord", str(user.id), is_admin=is_admin, name=user.display_name)


def channel_of(interaction: discord.Interaction[Any]) -> ChannelRef:
    workspace = str(interaction.guild_id) if interaction.guild_id is not None else DM_WORKSPACE
    return ChannelRef("discord", workspace, str(interaction.channel_id or 0))


class CommandResponder:
    """Runs invoked commands through the bot's handler and answers the interaction."""

    def __init__(self, handle: CommandHandler, *, layout: DigestLayout = "embeds",
                 answer_budget: float = ANSWER_BUDGET) -> None:
        self.handle = handle
        self.layout = layout
        self.answer_budget = answer_budget

    async def run(self, interaction: discord.Interaction[Any], spec: CommandSpec, values: dict[str, str]) -> None:
        """The ``CommandRunner`` given to the command tree; never raises."""
        try:
            await self._run(interaction, spec, values)
        except (discord.HTTPException, aiohttp.ClientError, TimeoutError) as exc:
            # Typically the interaction expired (10062) or Discord is unreachable: nobody to answer.
            log.warning("could not answer /%s in channel %s: %s", spec.path, interaction.channel_id, exc)
        except Exception:
            log.exception("answering /%s in channel %s failed", spec.path, interaction.channel_id)

    async def _run(self, interaction: discord.Interaction[Any], spec: CommandSpec, values: dict[str, str]) -> None:
        public = spec.path in PUBLIC_PATHS
        try:
            text = request_text(spec, values)
        except ValueError:
            await self._send(interaction, UNQUOTABLE, deferred=None)
            return
        request = CommandRequest(actor_of(interaction), channel_of(interaction), spec.root, text)
        work = asyncio.create_task(self._handled(request), name=f"discord /{spec.path}")
        deferred: bool | None = None  # None: not deferred; else whether the deferral was ephemeral
        if spec.path in SLOW_PATHS:
            await interaction.response.defer(ephemeral=not public, thinking=True)
            deferred = not public
        else:
            done, _ = await asyncio.wait({work}, timeout=self.answer_budget)
            if work not in done:
                await interaction.response.defer(ephemeral=not public, thinking=True)
                deferred = not public
        try:
            reply = await work
        except Exception:
            log.exception("the command handler failed for /%s", spec.path)
            reply = Reply("error", "Sorry, something went wrong on our side. Please try again later.")
        await self._send(interaction, reply, deferred=deferred, public=public)

    async def _handled(self, request: CommandRequest) -> Reply:
        return await self.handle(request)

    async def _send(self, interaction: discord.Interaction[Any], reply: Reply, *, deferred: bool | None,
                    public: bool = False) -> None:
        ephemeral = reply.kind == "error" or not public
        messages = render_reply(reply, layout=self.layout)
        if deferred is None:
            first, *rest = messages
            await interaction.response.send_message(**first.send_kwargs(ephemeral=ephemeral))
            await self._followups(interaction, rest, ephemeral=ephemeral)
            return
        if ephemeral and not deferred:
            # The "thinking" message is public and the first followup would fill it: remove it so the
            # ephemeral answer becomes a message of its own.
            await interaction.delete_original_response()
        await self._followups(interaction, messages, ephemeral=ephemeral)

    @staticmethod
    async def _followups(interaction: discord.Interaction[Any], messages: Sequence[OutgoingMessage], *,
                         ephemeral: bool) -> None:
        for message in messages:
            await interaction.followup.send(**message.send_kwargs(ephemeral=ephemeral))
