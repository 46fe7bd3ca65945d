"""The fake's gateway: HELLO, IDENTIFY -> READY + GUILD_CREATEs, heartbeats, RESUME, and pushed dispatches.

Sessions outlive their websocket: a client that drops (any close code but 1000/1001) can RESUME and gets the
dispatches it missed. Frames are zlib-stream compressed when the client asks for ``compress=zlib-stream``;
for any other ``compress`` value the fake answers with plain text frames, which discord.py also reads.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from . import payloads as p
from .state import Identify, World

JSON = dict[str, Any]

# Opcodes.
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE, RESUME, RECONNECT = 0, 1, 2, 3, 4, 6, 7
REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11

# Intents.
GUILDS = 1 << 0
GUILD_MEMBERS = 1 << 1
GUILD_PRESENCES = 1 << 8
GUILD_MESSAGES = 1 << 9
ALL_INTENTS = (1 << 26) - 1
PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | (1 << 15)

EVENT_INTENTS = {
    "GUILD_CREATE": GUILDS, "GUILD_UPDATE": GUILDS, "GUILD_DELETE": GUILDS,
    "CHANNEL_CREATE": GUILDS, "CHANNEL_UPDATE": GUILDS, "CHANNEL_DELETE": GUILDS,
    "THREAD_CREATE": GUILDS, "THREAD_UPDATE": GUILDS, "THREAD_DELETE": GUILDS,
    "MESSAGE_CREATE": GUILD_MESSAGES, "MESSAGE_UPDATE": GUILD_MESSAGES, "MESSAGE_DELETE": GUILD_MESSAGES,
}
"""Guild events a session gets only with the intent; others (e.g. INTERACTION_CREATE) always."""

# Close codes Discord uses.
UNKNOWN_OPCODE, DECODE_ERROR, NOT_AUTHENTICATED, AUTHENTICATION_FAILED, ALREADY_AUTHENTICATED = (
    4001, 4002, 4003, 4004, 4005)
INVALID_SHARD, INVALID_API_VERSION, INVALID_INTENTS, DISALLOWED_INTENTS = 4010, 4012, 4013, 4014

DataFor = Callable[["GatewaySession"], JSON]
"""Builds a dispatch's data per session (GUILD_CREATE lists members only with the presences intent)."""


class ShardConnection:
    """One websocket; serialises frames and compresses them into one zlib stream when asked."""

    def __init__(self, ws: web.WebSocketResponse, *, compress: str | None) -> None:
        self.ws = ws
        self.compress = compress
        self._compressor = zlib.compressobj() if compress == "zlib-stream" else None
        self._lock = asyncio.Lock()

    async def send(self, frame: JSON) -> None:
        text = json.dumps(frame, separators=(",", ":"), ensure_ascii=False)
        async with self._lock:
            if self.ws.closed:
                return
            if self._compressor is None:
                await self.ws.send_str(text)
            else:
                compressed = self._compressor.compress(text.encode("utf-8"))
                await self.ws.send_bytes(compressed + self._compressor.flush(zlib.Z_SYNC_FLUSH))

    async def close(self, code: int, reason: str) -> None:
        await self.ws.close(code=code, message=reason.encode("utf-8"))


@dataclass
class GatewaySession:
    """An identified session; keeps every dispatch so a RESUME can replay what the client missed."""

    session_id: str
    token: str
    intents: int
    shard_id: int | None
    shard_count: int | None
    connection: ShardConnection | None
    seq: int = 0
    log: list[JSON] = field(default_factory=list)

    def owns(self, guild_id: int) -> bool:
        if self.shard_id is None or self.shard_count is None:
            return True
        return p.shard_of(guild_id, self.shard_count) == self.shard_id

    def wants(self, event: str) -> bool:
        needed = EVENT_INTENTS.get(event)
        return needed is None or bool(self.intents & needed)

    async def dispatch(self, event: str, data: JSON) -> None:
        self.seq += 1
        frame = {"t": event, "s": self.seq, "op": DISPATCH, "d": data}
        self.log.append(frame)
        if self.connection is not None:
            await self.connection.send(frame)


class Gateway:
    """The websocket endpoint and the registry of live sessions."""

    def __init__(self, world: World, server_errors: list[str]) -> None:
        self.world = world
        self.url = ""
        self.sessions: dict[str, GatewaySession] = {}
        self.presence_updates: list[JSON] = []
        self._connections: set[ShardConnection] = set()
        self._server_errors = server_errors

    def build_app(self) -> web.Application:
        app = web.Application()
        app.router.add_get("/", self.handle)
        return app

    # -- pushing events ---------------------------------------------------------------------------

    async def dispatch_to_guild(self, guild_id: int, event: str, data: JSON | DataFor) -> int:
        """Sends a dispatch to every session whose shard owns the guild; returns how many got it."""
        receivers = [s for s in self.sessions.values() if s.owns(guild_id) and s.wants(event)]
        for session in receivers:
            await session.dispatch(event, data(session) if callable(data) else data)
        return len(receivers)

    async def send_reconnect(self, shard_id: int | None = None) -> int:
        """Op 7 to the connected sessions of a shard (all when None): the client reconnects and resumes."""
        sessions = [s for s in self.sessions.values()
                    if s.connection is not None and (shard_id is None or s.shard_id == shard_id)]
        for session in sessions:
            assert session.connection is not None
            await session.connection.send({"t": None, "s": None, "op": RECONNECT, "d": None})
        return len(sessions)

    async def close_all(self) -> None:
        for connection in list(self._connections):
            await connection.close(WSCloseCode.GOING_AWAY, "fake Discord stopped")

    # -- the websocket --------------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=4096 * 1024)
        await ws.prepare(request)
        connection = ShardConnection(ws, compress=request.query.get("compress"))
        self._connections.add(connection)
        session: GatewaySession | None = None
        try:
            if request.query.get("v", "10") != "10":
                await connection.close(INVALID_API_VERSION, "Invalid API version.")
                return ws
            if request.query.get("encoding", "json") != "json":
                await connection.close(DECODE_ERROR, "Only JSON encoding is supported by the fake.")
                return ws
            await connection.send({"t": None, "s": None, "op": HELLO, "d": {
                "heartbeat_interval": self.world.config.heartbeat_interval_ms,
                "_trace": ['["fake-discord-gateway",{"micros":0.0}]'],
            }})
            session = await self._serve(connection)
        except Exception:  # a bug in the fake: surface it when the fake stops
            self._server_errors.append(f"gateway\n{traceback.format_exc()}")
            await connection.close(WSCloseCode.INTERNAL_ERROR, "fake gateway error")
        finally:
            self._connections.discard(connection)
            if session is not None and session.connection is connection:
                session.connection = None
                if ws.close_code in (1000, 1001):  # a clean close ends the session; others may RESUME
                    self.sessions.pop(session.session_id, None)
            self.world.changed()
        return ws

    async def _serve(self, connection: ShardConnection) -> GatewaySession | None:
        session: GatewaySession | None = None
        async for message in connection.ws:
            if message.type is not WSMsgType.TEXT:
                if message.type is WSMsgType.BINARY:
                    await connection.close(DECODE_ERROR, "Decode error.")
                break
            try:
                frame = json.loads(message.data)
            except json.JSONDecodeError:
                await connection.close(DECODE_ERROR, "Decode error.")
                break
            op, data = frame.get("op"), frame.get("d")
            if op == HEARTBEAT:
                await connection.send({"t": None, "s": None, "op": HEARTBEAT_ACK, "d": None})
            elif op in (IDENTIFY, RESUME) and session is not None:
                await connection.close(ALREADY_AUTHENTICATED, "Already authenticated.")
            elif op == IDENTIFY:
                session = await self._identify(connection, data if isinstance(data, dict) else {})
            elif op == RESUME:
                session = await self._resume(connection, data if isinstance(data, dict) else {})
            elif session is None:
                await connection.close(NOT_AUTHENTICATED, "Not authenticated.")
            elif op == PRESENCE_UPDATE:
                self.presence_updates.append(data if isinstance(data, dict) else {})
                self.world.changed()
            elif op == REQUEST_GUILD_MEMBERS:
                await self._send_members(session, data if isinstance(data, dict) else {})
            elif op != VOICE_STATE_UPDATE:
                await connection.close(UNKNOWN_OPCODE, "Unknown opcode.")
        return session

    async def _identify(self, connection: ShardConnection, data: JSON) -> GatewaySession | None:
        config = self.world.config
        token = str(data.get("token", "")).removeprefix("Bot ")
        if token != config.token:
            await connection.close(AUTHENTICATION_FAILED, "Authentication failed.")
            return None
        intents = data.get("intents")
        if not isinstance(intents, int) or not 0 <= intents <= ALL_INTENTS:
            await connection.close(INVALID_INTENTS, "Invalid intent(s).")
            return None
        if intents & PRIVILEGED & ~config.allowed_privileged_intents:
            await connection.close(DISALLOWED_INTENTS, "Disallowed intent(s).")
            return None
        shard = data.get("shard")
        if shard is not None and not _valid_shard(shard):
            await connection.close(INVALID_SHARD, "Invalid shard.")
            return None
        session = GatewaySession(
            session_id=secrets.token_hex(16), token=token, intents=intents,
            shard_id=None if shard is None else shard[0], shard_count=None if shard is None else shard[1],
            connection=connection,
        )
        self.sessions[session.session_id] = session
        self.world.session_starts_remaining -= 1
        self.world.identifies.append(Identify(
            shard_id=session.shard_id, shard_count=session.shard_count, intents=intents, token=token,
            properties=dict(data.get("properties") or {}), session_id=session.session_id,
            compress=connection.compress,
        ))
        owned = [guild for guild in self.world.guilds.values() if session.owns(guild.id)]
        await session.dispatch("READY", p.ready(
            session_id=session.session_id, resume_gateway_url=self.url, bot_user=self.world.bot_user(),
            app_id=config.app_id, app_flags=config.app_flags, guild_ids=[guild.id for guild in owned],
            shard=None if shard is None else [int(shard[0]), int(shard[1])],
        ))
        if session.wants("GUILD_CREATE"):
            for guild in owned:
                await session.dispatch("GUILD_CREATE", self.world.guild_create(
                    guild, with_all_members=bool(intents & GUILD_PRESENCES)))
        self.world.changed()
        return session

    async def _resume(self, connection: ShardConnection, data: JSON) -> GatewaySession | None:
        session = self.sessions.get(str(data.get("session_id")))
        token = str(data.get("token", "")).removeprefix("Bot ")
        if session is None or token != session.token:
            await connection.send({"t": None, "s": None, "op": INVALID_SESSION, "d": False})
            return None
        if session.connection is not None:
            await session.connection.close(4000, "Session resumed on another connection.")
        session.connection = connection
        last_seen = data.get("seq") if isinstance(data.get("seq"), int) else 0
        for frame in session.log:
            if frame["s"] > last_seen:
                await connection.send(frame)
        await session.dispatch("RESUMED", {"_trace": ['["fake-discord-gateway",{"micros":0.0}]']})
        self.world.changed()
        return session

    async def _send_members(self, session: GatewaySession, data: JSON) -> None:
        """GUILD_MEMBERS_CHUNK: one chunk per requested guild with the members the fake knows."""
        raw_ids = data.get("guild_id")
        guild_ids = raw_ids if isinstance(raw_ids, list) else [raw_ids]
        query = str(data.get("query") or "").lower()
        for raw in guild_ids:
            guild = self.world.guilds.get(int(str(raw))) if str(raw).isdigit() else None
            if guild is None or not session.owns(guild.id):
                continue
            members = [self.world.bot_member(guild)]
            members += [self.world.human_member(guild, person) for person in guild.spec.members]
            members = [m for m in members if m["user"]["username"].lower().startswith(query)]
            await session.dispatch("GUILD_MEMBERS_CHUNK", {
                "guild_id": str(guild.id), "members": members, "chunk_index": 0, "chunk_count": 1,
                "not_found": [], "nonce": data.get("nonce"),
            })


def _valid_shard(shard: Any) -> bool:
    if not isinstance(shard, list) or len(shard) != 2 or not all(isinstance(n, int) for n in shard):
        return False
    shard_id, shard_count = int(shard[0]), int(shard[1])
    return shard_count >= 1 and 0 <= shard_id < shard_count
