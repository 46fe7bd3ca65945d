"""``FakeDiscord``: REST and gateway servers on loopback, and the handle tests drive and inspect them with."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from aiohttp import web

from . import payloads as p
from .context import PlannedFailure, RestContext
from .gateway import Gateway, GatewaySession
from .invocations import OptionValue, command_data
from .rest import build_app
from .state import (
    ChannelError,
    CommandOverwrite,
    FakeConfig,
    FakeGuild,
    FakeMember,
    Identify,
    InteractionCallback,
    InteractionState,
    RecordedRequest,
    World,
)
from .wire import API_PREFIX, route_pattern

JSON = dict[str, Any]

APPLICATION_COMMAND, AUTOCOMPLETE = 2, 4
DEFAULT_INVOKER = FakeMember(id=159985870458322944, username="reader")


class FakeDiscordError(AssertionError):
    """The fake itself failed while serving a request (a bug in the fake, not in the client)."""


class FakeDiscord:
    """A local Discord: REST v10 on one port, the gateway on another, both on 127.0.0.1."""

    def __init__(self, *, app_id: int = 1_234_567_890_123_456_789, token: str = "fake-bot-token",  # noqa: S107 - a fake's token
                 bot_name: str = "newsbot", guilds: Sequence[FakeGuild] = (), recommended_shards: int = 1,
                 heartbeat_interval_ms: int = 41_250, nonce_window_s: float = 300.0,
                 allowed_privileged_intents: int = (1 << 1) | (1 << 8) | (1 << 15),
                 interaction_deadline_s: float | None = None) -> None:
        config = FakeConfig(
            app_id=app_id, bot_user_id=app_id, bot_name=bot_name, token=token,
            heartbeat_interval_ms=heartbeat_interval_ms, recommended_shards=recommended_shards,
            nonce_window_s=nonce_window_s, allowed_privileged_intents=allowed_privileged_intents,
            interaction_deadline_s=interaction_deadline_s,
        )
        self.world = World(config, guilds)
        self._rest = RestContext(world=self.world)
        self._gateway = Gateway(self.world, self._rest.server_errors)
        self.world.send_event = self._gateway.dispatch_to_guild
        self._runners: list[web.AppRunner] = []
        self._rest_port = 0
        self._gateway_port = 0

    # -- life cycle -----------------------------------------------------------------------------------

    @classmethod
    @asynccontextmanager
    async def running(cls, **options: Any) -> AsyncIterator[FakeDiscord]:
        """Starts the fake, yields it, stops it; raises ``FakeDiscordError`` if the fake itself crashed."""
        fake = cls(**options)
        await fake.start()
        try:
            yield fake
        finally:
            await fake.stop()
        fake.raise_server_errors()

    async def start(self) -> None:
        self._rest_port = await self._serve(build_app(self._rest))
        self._gateway_port = await self._serve(self._gateway.build_app())
        self._rest.public_base = self.url
        self._rest.gateway_url = self._gateway.url = self.gateway_url

    async def _serve(self, app: web.Application) -> int:
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
        await runner.setup()
        self._runners.append(runner)
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        address = runner.addresses[0]
        return int(address[1])

    async def stop(self) -> None:
        await self._gateway.close_all()
        for runner in reversed(self._runners):
            await runner.cleanup()
        self._runners.clear()

    def raise_server_errors(self) -> None:
        if self._rest.server_errors:
            details = "\n".join(self._rest.server_errors)
            raise FakeDiscordError(f"the fake Discord failed while serving:\n{details}")

    # -- where it listens -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The REST server's root, e.g. ``http://127.0.0.1:41234``."""
        return f"http://127.0.0.1:{self._rest_port}"

    @property
    def api_base(self) -> str:
        """What ``discord.http.Route.BASE`` must be: ``{url}/api/v10``."""
        return self.url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        """The gateway, as GET /gateway/bot and READY's ``resume_gateway_url`` give it."""
        return f"ws://127.0.0.1:{self._gateway_port}/"

    @contextmanager
    def patch_discord(self) -> Iterator[None]:
        """Points discord.py's REST base and default gateway at this fake; restores both on exit."""
        import discord.gateway
        import discord.http
        import yarl

        old_base = discord.http.Route.BASE
        old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
        discord.http.Route.BASE = self.api_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(self.gateway_url)
        try:
            yield
        finally:
            discord.http.Route.BASE = old_base
            discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway

    # -- what clients did -----------------------------------------------------------------------------

    @property
    def app_id(self) -> int:
        return self.world.config.app_id

    @property
    def token(self) -> str:
        return self.world.config.token

    def messages(self, channel_id: int) -> list[JSON]:
        """Messages in a channel (or thread) as stored, oldest first; ephemeral responses are not here."""
        return list(self.world.messages.get(channel_id, []))

    def commands(self, guild_id: int | None = None) -> list[JSON]:
        """Registered commands: global when ``guild_id`` is None, else that guild's."""
        return list(self.world.commands.get(guild_id, []))

    @property
    def command_overwrites(self) -> list[CommandOverwrite]:
        return list(self.world.command_overwrites)

    @property
    def interaction_responses(self) -> list[InteractionCallback]:
        """Every accepted POST /interactions/{id}/{token}/callback, in order."""
        return list(self.world.interaction_callbacks)

    def original_response(self, interaction_id: int) -> JSON | None:
        return self._interaction(interaction_id).original

    def followups(self, interaction_id: int) -> list[JSON]:
        return list(self._interaction(interaction_id).followups)

    @property
    def requests(self) -> list[RecordedRequest]:
        return list(self.world.requests)

    def requests_to(self, route: str) -> list[RecordedRequest]:
        """Recorded requests matching ``"METHOD /path"`` (``{placeholders}`` match one segment)."""
        method, pattern = route_pattern(route)
        return [r for r in self.world.requests if method in ("*", r.method) and pattern.fullmatch(r.path)]

    @property
    def identifies(self) -> list[Identify]:
        return list(self.world.identifies)

    @property
    def connected_shards(self) -> list[tuple[int | None, int | None]]:
        """(shard_id, shard_count) of every session with a live websocket."""
        live = [s for s in self._gateway.sessions.values() if s.connection is not None]
        return [(s.shard_id, s.shard_count) for s in live]

    @property
    def presence_updates(self) -> list[JSON]:
        return list(self._gateway.presence_updates)

    # -- programming failures ---------------------------------------------------------------------------

    def rate_limit_next(self, route: str, *, retry_after: float = 0.2, global_: bool = False,
                        via: bool = True, times: int = 1) -> None:
        """The next ``times`` requests matching ``"METHOD /path"`` get a 429 (no ``via``: a ban)."""
        method, pattern = route_pattern(route)
        self._rest.planned.append(PlannedFailure(method=method, path=pattern, times=times, status=429,
                                                 retry_after=retry_after, global_=global_, via=via))

    def fail_next(self, route: str, *, status: int, code: int = 0, message: str | None = None,
                  times: int = 1) -> None:
        """The next ``times`` matching requests get ``status`` with Discord's error JSON."""
        method, pattern = route_pattern(route)
        body = p.api_error(code, message or f"{status}: fake failure")
        self._rest.planned.append(PlannedFailure(method=method, path=pattern, times=times, status=status,
                                                 body=body))

    def set_channel_error(self, channel_id: int, error: ChannelError | None) -> None:
        """Makes every route on the channel answer ``error`` (None clears it)."""
        if error is None:
            self.world.channel_errors.pop(channel_id, None)
        else:
            self.world.channel_errors[channel_id] = error

    # -- pushing gateway events --------------------------------------------------------------------------

    async def dispatch(self, guild_id: int, event: str, data: JSON) -> int:
        """Sends a raw dispatch to the shard(s) owning the guild; returns how many sessions got it."""
        return await self._gateway.dispatch_to_guild(guild_id, event, data)

    async def add_guild(self, guild: FakeGuild) -> None:
        """The bot joins a guild: it exists for REST and its shard gets GUILD_CREATE."""
        state = self.world.add_guild(guild)

        def guild_create(session: GatewaySession) -> JSON:
            return self.world.guild_create(state, with_all_members=bool(session.intents & (1 << 8)),
                                           newly_joined=True)

        await self._gateway.dispatch_to_guild(guild.id, "GUILD_CREATE", guild_create)

    async def remove_guild(self, guild_id: int, *, unavailable: bool = False) -> None:
        """GUILD_DELETE: the bot was removed (default) or, with ``unavailable``, an outage (guild kept)."""
        if unavailable:
            await self._gateway.dispatch_to_guild(guild_id, "GUILD_DELETE", {"id": str(guild_id),
                                                                             "unavailable": True})
            return
        if self.world.guilds.pop(guild_id, None) is None:
            raise KeyError(f"guild {guild_id} is not in the fake")
        self.world.changed()
        await self._gateway.dispatch_to_guild(guild_id, "GUILD_DELETE", {"id": str(guild_id)})

    async def delete_channel(self, channel_id: int) -> None:
        """Deletes a channel or thread: REST answers Unknown Channel from now on; its shard gets the event."""
        located = self.world.find_channel(channel_id)
        if located is None:
            raise KeyError(f"channel {channel_id} is not in the fake")
        guild, channel = located
        is_thread = channel_id in guild.threads
        (guild.threads if is_thread else guild.channels).pop(channel_id)
        self.world.changed()
        event = "THREAD_DELETE" if is_thread else "CHANNEL_DELETE"
        await self._gateway.dispatch_to_guild(guild.id, event, channel)

    async def push_interaction(self, guild_id: int, channel_id: int, command: str,
                               options: Mapping[str, OptionValue] | None = None, *,
                               user: FakeMember | None = None) -> PushedInteraction:
        """INTERACTION_CREATE (type 2) for ``/command sub`` with option values, as if ``user`` ran it."""
        return await self._push(APPLICATION_COMMAND, guild_id, channel_id, command, options or {}, user, None)

    async def push_autocomplete(self, guild_id: int, channel_id: int, command: str,
                                options: Mapping[str, OptionValue], *, focused: str,
                                user: FakeMember | None = None) -> PushedInteraction:
        """INTERACTION_CREATE (type 4) while ``user`` types into the ``focused`` option."""
        return await self._push(AUTOCOMPLETE, guild_id, channel_id, command, options, user, focused)

    async def _push(self, kind: int, guild_id: int, channel_id: int, command: str,
                    options: Mapping[str, OptionValue], user: FakeMember | None,
                    focused: str | None) -> PushedInteraction:
        guild = self.world.guilds.get(guild_id)
        located = self.world.find_channel(channel_id)
        if guild is None or located is None or located[0] is not guild:
            raise LookupError(f"channel {channel_id} is not a channel of guild {guild_id} in the fake")
        invoker = user or (guild.spec.members[0] if guild.spec.members else DEFAULT_INVOKER)
        data = command_data(self.world, guild_id, command, options, focused=focused)
        channel = dict(located[1], permissions=str(invoker.permissions))
        payload = p.interaction(
            interaction_id=p.snowflake(), kind=kind, token=secrets.token_urlsafe(48), app_id=self.app_id,
            data=data, guild_id=guild_id, guild_features=list(guild.spec.features), channel_payload=channel,
            invoker=self.world.human_member(guild, invoker, with_permissions=True),
            app_permissions=guild.spec.bot_permissions,
        )
        state = InteractionState(payload=payload, guild_id=guild_id, channel_id=channel_id,
                                 created_at=time.monotonic())
        self.world.interactions[state.id] = state
        if await self._gateway.dispatch_to_guild(guild_id, "INTERACTION_CREATE", payload) == 0:
            del self.world.interactions[state.id]
            raise LookupError(f"no connected shard receives guild {guild_id}'s events")
        return PushedInteraction(self, state)

    async def request_reconnect(self, shard_id: int | None = None) -> int:
        """Op 7 RECONNECT to a shard's live session(s); discord.py reconnects and RESUMEs."""
        return await self._gateway.send_reconnect(shard_id)

    # -- waiting ------------------------------------------------------------------------------------------

    async def wait_until(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10.0,  # noqa: ASYNC109 - a default bound keeps a broken client from hanging a test
    ) -> None:
        """Waits until ``predicate()`` holds, re-checking after every change the fake sees."""
        await self.world.wait_until(predicate, timeout)

    def _interaction(self, interaction_id: int) -> InteractionState:
        try:
            return self.world.interactions[interaction_id]
        except KeyError:
            raise KeyError(f"interaction {interaction_id} was not pushed by this fake") from None


class PushedInteraction:
    """A pushed interaction: its id and token, and what the client answered to it."""

    def __init__(self, fake: FakeDiscord, state: InteractionState) -> None:
        self._fake = fake
        self._state = state

    @property
    def id(self) -> int:
        return self._state.id

    @property
    def token(self) -> str:
        return str(self._state.payload["token"])

    @property
    def payload(self) -> JSON:
        return self._state.payload

    @property
    def callback(self) -> InteractionCallback | None:
        """The accepted initial response (types 4, 5, 8, ...), if any yet."""
        return next((c for c in self._fake.interaction_responses if c.interaction_id == self.id), None)

    @property
    def original(self) -> JSON | None:
        return self._state.original

    @property
    def followups(self) -> list[JSON]:
        return list(self._state.followups)

    async def wait_for_callback(
        self, timeout: float = 10.0  # noqa: ASYNC109 - a default bound keeps a broken client from hanging a test
    ) -> InteractionCallback:
        await self._fake.wait_until(lambda: self.callback is not None, timeout)
        assert self.callback is not None
        return self.callback

    async def wait_for_followups(
        self, count: int = 1, timeout: float = 10.0  # noqa: ASYNC109 - a default bound, as above
    ) -> list[JSON]:
        await self._fake.wait_until(lambda: len(self._state.followups) >= count, timeout)
        return self.followups
