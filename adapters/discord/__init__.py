"""The Discord adapter: slash commands generated from the command grammar, digests and pair reports as
embeds, scheduled posts carrying their delivery key as a nonce, sharding across processes.

The bot's registry calls ``create(context)`` when ``settings.discord_configured``; see README.md here
for the invite link and settings.
"""

from __future__ import annotations

from adapters.discord.adapter import DiscordAdapter, DiscordStartError
from adapters.discord.config import DiscordConfig, DiscordConfigError
from bot.adapter_context import AdapterContext

__all__ = ["DiscordAdapter", "DiscordConfig", "DiscordConfigError", "DiscordStartError", "create"]


def create(context: AdapterContext) -> DiscordAdapter:
    """The adapter for the settings in ``context``; raises ``DiscordConfigError`` for a bad setting."""
    return DiscordAdapter(context)
