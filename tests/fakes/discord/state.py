"""What the fake Discord knows: the guilds a test declares, and everything clients did to it.

``FakeGuild``/``FakeChannel``/``FakeMember`` are the declarations; ``World`` is the live store the REST and
gateway halves share (channels, messages, commands, interactions, recorded requests).
"""

from __future__ import annotations

import asyncio
import enum
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import payloads as p

JSON = dict[str, Any]
EventSink = Callable[[int, str, JSON], Awaitable[object]]
"""Sends a dispatch ``(guild_id, event_name, data)`` to the shard that owns the guild."""


@dataclass(frozen=True)
class FakeChannel:
    """A channel to create in a guild (``kind`` is Discord's channel type, 0 = text)."""

    id: int
    name: str
    kind: int = p.GUILD_TEXT
    parent_id: int | None = None
    topic: str | None = None


@dataclass(frozen=True)
class FakeMember:
    """A person in a guild who can invoke commands; ``permissions`` is what Discord computes for them."""

    id: int
    username: str
    permissions: int = p.MEMBER_PERMISSIONS


@dataclass(frozen=True)
class FakeGuild:
    """A guild the bot is in; the bot gets ``bot_permissions`` through its managed role."""

    id: int
    name: str
    channels: Sequence[FakeChannel] = ()
    members: Sequence[FakeMember] = ()
    bot_permissions: int = p.MEMBER_PERMISSIONS
    owner_id: int = 80351110224678912
    features: Sequence[str] = ()


class ChannelError(enum.Enum):
    """Failures a test can program on a channel: ``(HTTP status, Discord code, message)``."""

    UNKNOWN_CHANNEL = (404, 10003, "Unknown Channel")
    MISSING_ACCESS = (403, 50001, "Missing Access")
    MISSING_PERMISSIONS = (403, 50013, "Missing Permissions")

    @property
    def status(self) -> int:
        return self.value[0]

    @property
    def code(self) -> int:
        return self.value[1]


@dataclass(frozen=True)
class UploadedFile:
    """One ``files[n]`` part of a multipart request."""

    field: str
    filename: str
    content_type: str | None
    data: bytes


@dataclass(frozen=True)
class RecordedRequest:
    """A REST request as the fake saw it; ``path`` is relative to ``/api/v10``."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    files: tuple[UploadedFile, ...]
    status: int


@dataclass(frozen=True)
class InteractionCallback:
    """A POST /interactions/{id}/{token}/callback the fake accepted."""

    interaction_id: int
    token: str
    type: int
    data: JSON | None
    files: tuple[UploadedFile, ...]


@dataclass(frozen=True)
class CommandOverwrite:
    """A bulk overwrite (PUT) of global (``guild_id`` None) or guild commands, as stored and returned."""

    guild_id: int | None
    commands: list[JSON]


@dataclass(frozen=True)
class Identify:
    """An IDENTIFY a client sent on the gateway."""

    shard_id: int | None
    shard_count: int | None
    intents: int
    token: str
    properties: JSON
    session_id: str
    compress: str | None
    """The ``compress`` query parameter of the websocket URL (``zlib-stream`` from discord.py)."""


@dataclass
class InteractionState:
    """Server-side life of one interaction: acknowledgement, original response, followups."""

    payload: JSON
    guild_id: int
    channel_id: int
    created_at: float
    acknowledged_with: int | None = None
    original: JSON | None = None
    followups: list[JSON] = field(default_factory=list)

    @property
    def id(self) -> int:
        return int(self.payload["id"])

    @property
    def kind(self) -> int:
        return int(self.payload["type"])


@dataclass
class GuildState:
    """A guild as the fake holds it while running."""

    spec: FakeGuild
    joined_at: str
    everyone_role_id: int
    bot_role_id: int
    channels: dict[int, JSON] = field(default_factory=dict)
    threads: dict[int, JSON] = field(default_factory=dict)

    @property
    def id(self) -> int:
        return self.spec.id


@dataclass(frozen=True)
class FakeConfig:
    """Identity and behaviour switches of one fake Discord."""

    app_id: int
    bot_user_id: int
    bot_name: str
    token: str
    app_flags: int = 1 << 23  # APPLICATION_COMMAND_BADGE, as a bot with slash commands has
    heartbeat_interval_ms: int = 41_250
    recommended_shards: int = 1
    nonce_window_s: float = 300.0
    allowed_privileged_intents: int = (1 << 1) | (1 << 8) | (1 << 15)
    interaction_deadline_s: float | None = None


class World:
    """The shared, mutable state of the fake; every change wakes ``wait_until``."""

    def __init__(self, config: FakeConfig, guilds: Sequence[FakeGuild]) -> None:
        self.config = config
        self.guilds: dict[int, GuildState] = {}
        self.messages: dict[int, list[JSON]] = {}
        self.nonces: dict[tuple[int, str, str], tuple[float, JSON]] = {}
        self.commands: dict[int | None, list[JSON]] = {}
        self.command_overwrites: list[CommandOverwrite] = []
        self.interactions: dict[int, InteractionState] = {}
        self.interaction_callbacks: list[InteractionCallback] = []
        self.requests: list[RecordedRequest] = []
        self.identifies: list[Identify] = []
        self.channel_errors: dict[int, ChannelError] = {}
        self.session_starts_remaining = 1000
        self.send_event: EventSink | None = None
        self._changed = asyncio.Event()
        for guild in guilds:
            self.add_guild(guild)

    # -- identity ---------------------------------------------------------------------------------

    def bot_user(self) -> JSON:
        return p.user(self.config.bot_user_id, self.config.bot_name, bot=True)

    def bot_member(self, guild: GuildState) -> JSON:
        return p.member(self.bot_user(), roles=[guild.bot_role_id], joined_at=guild.joined_at)

    # -- guilds and channels ----------------------------------------------------------------------

    def add_guild(self, spec: FakeGuild) -> GuildState:
        if spec.id in self.guilds:
            raise ValueError(f"guild {spec.id} is already declared")
        guild = GuildState(spec=spec, joined_at=p.iso_now(), everyone_role_id=spec.id,
                           bot_role_id=p.snowflake())
        for position, declared in enumerate(spec.channels):
            if self.find_channel(declared.id) is not None:
                raise ValueError(f"channel {declared.id} is declared twice")
            guild.channels[declared.id] = p.channel(
                declared.id, spec.id, declared.name, kind=declared.kind, position=position,
                parent_id=declared.parent_id, topic=declared.topic,
            )
        self.guilds[spec.id] = guild
        self.changed()
        return guild

    def roles(self, guild: GuildState) -> list[JSON]:
        return [
            p.role(guild.everyone_role_id, "@everyone", permissions=p.MEMBER_PERMISSIONS),
            p.role(guild.bot_role_id, self.config.bot_name, permissions=guild.spec.bot_permissions,
                   position=1, managed=True, bot_id=self.config.bot_user_id),
        ]

    def guild_object(self, guild: GuildState) -> JSON:
        base = p.guild_base(guild.id, guild.spec.name, owner_id=guild.spec.owner_id, roles=self.roles(guild))
        base["features"] = list(guild.spec.features)
        return base

    def guild_create(self, guild: GuildState, *, with_all_members: bool, newly_joined: bool = False) -> JSON:
        """GUILD_CREATE; without the presences intent Discord lists only the bot itself as member.

        For a guild announced unavailable in READY it says ``"unavailable": false``; for a guild the bot has
        just joined the key is absent, which is how discord.py tells ``guild_join`` from ``guild_available``.
        """
        members = [self.bot_member(guild)]
        if with_all_members:
            members += [self.human_member(guild, person) for person in guild.spec.members]
        payload = p.guild_create(
            self.guild_object(guild), channels=list(guild.channels.values()),
            threads=list(guild.threads.values()), members=members,
            member_count=1 + len(guild.spec.members), joined_at=guild.joined_at,
        )
        if newly_joined:
            del payload["unavailable"]
        return payload

    def human_member(self, guild: GuildState, person: FakeMember, *, with_permissions: bool = False) -> JSON:
        return p.member(
            p.user(person.id, person.username, global_name=person.username.title()),
            roles=[], joined_at=guild.joined_at, permissions=person.permissions if with_permissions else None,
        )

    def find_channel(self, channel_id: int) -> tuple[GuildState, JSON] | None:
        for guild in self.guilds.values():
            found = guild.channels.get(channel_id) or guild.threads.get(channel_id)
            if found is not None:
                return guild, found
        return None

    # -- messages ---------------------------------------------------------------------------------

    def store_message(self, channel_id: int, message: JSON) -> None:
        self.messages.setdefault(channel_id, []).append(message)
        located = self.find_channel(channel_id)
        if located is not None:
            located[1]["last_message_id"] = message["id"]
        self.changed()

    def message_for_nonce(self, channel_id: int, author_id: str, nonce: str) -> JSON | None:
        """The message an earlier create with this nonce made, while the enforcement window lasts."""
        seen = self.nonces.get((channel_id, author_id, nonce))
        if seen is None or time.monotonic() - seen[0] > self.config.nonce_window_s:
            return None
        return seen[1]

    def remember_nonce(self, channel_id: int, author_id: str, nonce: str, message: JSON) -> None:
        self.nonces[(channel_id, author_id, nonce)] = (time.monotonic(), message)

    # -- waiting ----------------------------------------------------------------------------------

    def changed(self) -> None:
        self._changed.set()

    async def wait_until(
        self, predicate: Callable[[], bool], timeout: float  # noqa: ASYNC109 - every wait must be bounded
    ) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                self._changed.clear()
                await self._changed.wait()
