"""What every REST handler of the fake needs: the shared world, public URLs, and planned failures."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from . import payloads as p
from .state import ChannelError, GuildState, World
from .wire import ApiFailure, ParsedBody

JSON = dict[str, Any]


@dataclass
class PlannedFailure:
    """An answer to give instead of the real one, for the next ``times`` requests matching the route."""

    method: str
    path: re.Pattern[str]
    times: int
    status: int
    body: JSON | None = None
    retry_after: float = 0.0
    global_: bool = False
    via: bool = True

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and self.method in ("*", method) and self.path.fullmatch(path) is not None


@dataclass
class RestContext:
    world: World
    public_base: str = ""
    gateway_url: str = ""
    planned: list[PlannedFailure] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)

    @property
    def app_id(self) -> int:
        return self.world.config.app_id

    async def emit(self, guild_id: int, event: str, data: JSON) -> None:
        """Tells the shard that owns the guild, as Discord does after a REST change."""
        if self.world.send_event is not None:
            await self.world.send_event(guild_id, event, data)

    def channel(self, channel_id: int) -> tuple[GuildState, JSON]:
        """The channel, or the programmed / natural error Discord would answer with."""
        programmed: ChannelError | None = self.world.channel_errors.get(channel_id)
        if programmed is not None:
            status, code, message = programmed.value
            raise ApiFailure(status, code, message)
        located = self.world.find_channel(channel_id)
        if located is None:
            raise ApiFailure(404, 10003, "Unknown Channel")
        return located

    def guild(self, guild_id: int) -> GuildState:
        guild = self.world.guilds.get(guild_id)
        if guild is None:
            raise ApiFailure(404, 10004, "Unknown Guild")
        return guild

    def message_event(self, guild: GuildState, message: JSON) -> JSON:
        """MESSAGE_CREATE/UPDATE data: the message plus the guild and the author's member."""
        member = self.world.bot_member(guild)
        member.pop("user")
        return {**message, "guild_id": str(guild.id), "member": member}

    def bot_author(self) -> JSON:
        return p.user(self.world.config.bot_user_id, self.world.config.bot_name, bot=True)


Handler = Callable[[RestContext, web.Request, ParsedBody], Awaitable[web.StreamResponse]]
Route = tuple[str, str, Handler]
