"""The Discord adapter's configuration, read once from ``Settings``, and where discord.py connects to.

``DISCORD_API_URL`` and ``DISCORD_GATEWAY_URL`` move discord.py's REST base (``discord.http.Route.BASE``)
and default gateway (``DiscordWebSocket.DEFAULT_GATEWAY``). Both are class attributes, so they are
process-global: every discord.py client in the process uses the same endpoints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Literal

import discord.gateway
import discord.http
import yarl

from bot.chat import AdapterError
from bot.settings import Settings

DigestLayout = Literal["embeds", "compact"]

DISCORD_API_BASE = "https://discord.com/api/v10"
DEFAULT_REMOVAL_GRACE = timedelta(days=3)
_VERSIONED = re.compile(r"/api/v\d+$")


class DiscordConfigError(AdapterError, ValueError):
    """A Discord setting is missing or malformed; the message names it and says how to fix it."""


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    """Everything the adapter needs from the settings. ``token`` is kept out of ``repr``."""

    token: str = field(repr=False)
    application_id: int | None = None
    dev_guild_id: int | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    api_base: str | None = None
    gateway_url: str | None = None
    layout: DigestLayout = "embeds"
    thread_per_digest: bool = False
    removal_grace: timedelta = DEFAULT_REMOVAL_GRACE
    guild_ready_timeout: float = 2.0

    @property
    def syncs_commands(self) -> bool:
        """Only the process holding shard 0 (or the only process) syncs, so replicas don't repeat it."""
        return self.shard_ids is None or 0 in self.shard_ids

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscordConfig:
        if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
            raise DiscordConfigError("DISCORD_TOKEN is not set: copy the bot token from the Developer Portal")
        shard_ids = parse_shard_ids(settings.discord_shard_ids, settings.discord_shard_count)
        return cls(
            token=settings.discord_token.get_secret_value().strip(),
            application_id=settings.discord_application_id,
            dev_guild_id=settings.discord_dev_guild_id,
            shard_count=settings.discord_shard_count,
            shard_ids=shard_ids,
            api_base=api_base(settings.discord_api_url) if settings.discord_api_url else None,
            gateway_url=checked_gateway(settings.discord_gateway_url) if settings.discord_gateway_url else None,
            layout=settings.discord_digest_layout,  # validated by Settings: embeds or compact
            thread_per_digest=settings.discord_digest_threads,
        )


def parse_shard_ids(text: str | None, shard_count: int | None) -> tuple[int, ...] | None:
    """``"0,1"`` -> (0, 1), checked against ``shard_count``; None when unset."""
    if text is None or not text.strip():
        return None
    if shard_count is None:
        raise DiscordConfigError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT (the total over all processes)")
    ids: list[int] = []
    for part in text.split(","):
        piece = part.strip()
        if not piece.isdigit():
            raise DiscordConfigError(f"DISCORD_SHARD_IDS={text!r}: expected shard numbers such as 0,1")
        number = int(piece)
        if number >= shard_count:
            raise DiscordConfigError(
                f"DISCORD_SHARD_IDS: shard {number} does not exist with DISCORD_SHARD_COUNT={shard_count} "
                f"(shards are 0 to {shard_count - 1})")
        if number not in ids:
            ids.append(number)
    return tuple(sorted(ids))


def api_base(url: str) -> str:
    """The REST base discord.py prefixes routes with; ``/api/v10`` is added when the URL has no version."""
    cleaned = url.strip().rstrip("/")
    parsed = yarl.URL(cleaned)
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise DiscordConfigError(f"DISCORD_API_URL={url!r}: expected an http:// or https:// address")
    return cleaned if _VERSIONED.search(cleaned) else cleaned + "/api/v10"


def checked_gateway(url: str) -> str:
    parsed = yarl.URL(url.strip())
    if parsed.scheme not in ("ws", "wss") or not parsed.host:
        raise DiscordConfigError(f"DISCORD_GATEWAY_URL={url!r}: expected a ws:// or wss:// address")
    return str(parsed)


def point_discord_at(config: DiscordConfig) -> None:
    """Set discord.py's REST base and default gateway for the whole process (class attributes)."""
    if config.api_base is not None:
        discord.http.Route.BASE = config.api_base
    if config.gateway_url is not None:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url)


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard Discord routes a guild's events to."""
    return (guild_id >> 22) % shard_count
