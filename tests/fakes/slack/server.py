"""``FakeSlack``: the Web API, the response_url receiver and Socket Mode on one loopback port, with the
small API tests use to program it, to make Slack send things to the app, and to read what happened."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

from aiohttp import web

from tests.fakes.slack import payloads, signing
from tests.fakes.slack.blocks import DEFAULT_MAX_BLOCK_TEXT_TOTAL
from tests.fakes.slack.directory import AppConfig, Channel, Team, User, workspace
from tests.fakes.slack.records import (
    ApiCall,
    QueuedFailure,
    ResponseUrlPost,
    SocketAck,
    SocketEnvelope,
    UploadedFile,
)
from tests.fakes.slack.response_url import ResponseUrlReceiver
from tests.fakes.slack.socket_mode import SocketModeHub
from tests.fakes.slack.state import TRIGGER_TTL_SECONDS, SlackState
from tests.fakes.slack.web_api import WebApi

DEFAULT_WAIT_SECONDS = 5.0
ERROR_CODE = re.compile(r"[a-z][a-z0-9_]*")


@asynccontextmanager
async def serving(app: web.Application, host: str = "127.0.0.1") -> AsyncIterator[str]:
    """Serve ``app`` on a free port of ``host`` in this event loop; yields its base URL, stops after."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, host, 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        yield f"http://{host}:{port}"
    finally:
        await runner.cleanup()


class FakeSlack:
    """A local Slack for one test: ``async with FakeSlack.running() as fake: ...``."""

    def __init__(
        self,
        teams: Sequence[Team] | None = None,
        *,
        app: AppConfig | None = None,
        max_block_text_total: int = DEFAULT_MAX_BLOCK_TEXT_TOTAL,
        trigger_ttl: float = TRIGGER_TTL_SECONDS,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
    ) -> None:
        self.app = app or AppConfig()
        # how long the wait_* helpers wait before failing the test with what they waited for
        self.wait_seconds = wait_seconds
        self.state = SlackState(
            self.app,
            teams if teams is not None else [workspace("A")],
            max_block_text_total=max_block_text_total,
            trigger_ttl=trigger_ttl,
        )
        self._web_api = WebApi(self.state)
        self._receiver = ResponseUrlReceiver(self.state)
        self._sockets = SocketModeHub(self.state)
        self._exit_stack = AsyncExitStack()
        self._url: str | None = None

    @classmethod
    @asynccontextmanager
    async def running(
        cls,
        teams: Sequence[Team] | None = None,
        *,
        app: AppConfig | None = None,
        max_block_text_total: int = DEFAULT_MAX_BLOCK_TEXT_TOTAL,
        trigger_ttl: float = TRIGGER_TTL_SECONDS,
        wait_seconds: float = DEFAULT_WAIT_SECONDS,
    ) -> AsyncIterator[FakeSlack]:
        """Start a fake, yield it, stop it; raises afterwards if the fake itself failed on a request."""
        fake = cls(
            teams,
            app=app,
            max_block_text_total=max_block_text_total,
            trigger_ttl=trigger_ttl,
            wait_seconds=wait_seconds,
        )
        await fake.start()
        try:
            yield fake
        finally:
            await fake.stop()
        if fake.state.internal_errors:
            raise RuntimeError(
                "the fake Slack failed while answering a request"
            ) from fake.state.internal_errors[0]

    async def start(self) -> None:
        """Listen on a free loopback port."""
        if self._url is not None:
            raise RuntimeError("the fake Slack is already running")
        application = web.Application()
        application.add_routes(self._web_api.routes() + self._receiver.routes() + self._sockets.routes())
        self._url = await self._exit_stack.enter_async_context(serving(application))

    async def stop(self) -> None:
        """Close Socket Mode connections and stop listening."""
        await self._sockets.close_all()
        await self._exit_stack.aclose()
        self._url = None

    # -- where it listens ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        if self._url is None:
            raise RuntimeError("the fake Slack is not running; use FakeSlack.running() or await start()")
        return self._url

    @property
    def api_url(self) -> str:
        """The ``base_url`` for ``AsyncWebClient``: ``<url>/api/``."""
        return f"{self.url}/api/"

    @property
    def signing_secret(self) -> str:
        """The app's signing secret (give it to ``AsyncApp(signing_secret=...)``)."""
        return self.app.signing_secret

    @property
    def app_token(self) -> str:
        """The app-level ``xapp-`` token for Socket Mode."""
        return self.app.app_token

    # -- the directory -------------------------------------------------------------------------------------

    def team(self, team_id: str | None = None) -> Team:
        """The team with ``team_id`` (default: the first one)."""
        return self.state.team(team_id)

    def bot_token(self, team_id: str | None = None) -> str:
        """The bot token of an installed team."""
        team = self.team(team_id)
        if team.bot_token is None:
            raise KeyError(f"team {team.id} is not installed; exchange fake.oauth_code({team.id!r}) first")
        return team.bot_token

    # -- programming failures and lifecycle ------------------------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail: HTTP 429 (with ``Retry-After: retry_after``),
        a 5xx, or HTTP 200 with ``{"ok": false, "error": error}``."""
        if status == 200 and error is None:
            raise ValueError(
                "fail_next needs an error code for an HTTP 200 failure, or a status of 429 / 5xx"
            )
        if status not in (200, 429) and not 500 <= status <= 599:
            raise ValueError(f"status must be 200 (API error), 429 or 5xx, got {status}")
        if error is not None and not ERROR_CODE.fullmatch(error):
            raise ValueError(f"error must be a Slack error code like 'channel_not_found', got {error!r}")
        if times < 1:
            raise ValueError(f"times must be at least 1, got {times}")
        failure = QueuedFailure(status=status, error=error, retry_after=retry_after)
        self.state.failures[method].extend([failure] * times)

    def revoke_token(self, token: str) -> None:
        """From now on ``token`` gets ``token_revoked``."""
        self.state.revoked.add(token)

    def uninstall(self, team_id: str) -> None:
        """Remove the app from a team: its bot token is revoked (send ``app_uninstalled`` yourself)."""
        team = self.team(team_id)
        if team.bot_token is not None:
            self.state.revoked.add(team.bot_token)
        team.bot_token = None

    def oauth_code(self, team_id: str) -> str:
        """A one-time code that oauth.v2.access exchanges for ``team_id``'s bot token."""
        return self.state.new_oauth_code(team_id)

    def trigger_id(self, team_id: str | None = None) -> str:
        """A fresh ``trigger_id`` that views.open accepts once, within the trigger TTL."""
        return self.state.new_trigger_id(self.team(team_id).id)

    def response_url(self, channel: str, user: str = "member", team_id: str | None = None) -> str:
        """A fresh ``response_url`` for a reply in ``channel`` (id or name) to ``user`` (id or name)."""
        team = self.team(team_id)
        return self.state.new_response_url(
            self.url, team.id, _channel(team, channel).id, _user(team, user).id
        )

    # -- what happened ---------------------------------------------------------------------------------------

    def calls(self, method: str | None = None) -> list[ApiCall]:
        """Every Web API call received (of ``method``, when given), oldest first."""
        return [c for c in self.state.calls if method is None or c.method == method]

    def messages(self, channel: str, team_id: str | None = None) -> list[dict[str, Any]]:
        """Messages in ``channel``, oldest first, with their ``metadata``: an id of any team, or a name
        looked up in ``team_id`` (default: the first team)."""
        return list(self.state.messages[self._channel_id(channel, team_id)])

    def ephemerals(self, channel: str | None = None, team_id: str | None = None) -> list[dict[str, Any]]:
        """Ephemeral messages (chat.postEphemeral and non-``in_channel`` response_url replies)."""
        wanted = None if channel is None else self._channel_id(channel, team_id)
        return [m for m in self.state.ephemerals if wanted is None or m["channel"] == wanted]

    @property
    def responses(self) -> list[ResponseUrlPost]:
        """Everything POSTed to response URLs, refused posts included (``status`` 400)."""
        return list(self.state.responses)

    @property
    def acks(self) -> list[SocketAck]:
        """Socket Mode acknowledgements received."""
        return list(self.state.acks)

    @property
    def envelopes(self) -> list[SocketEnvelope]:
        """Socket Mode envelopes pushed."""
        return list(self.state.envelopes)

    @property
    def socket_pings(self) -> int:
        """WebSocket pings answered."""
        return self.state.socket_pings

    @property
    def socket_connections(self) -> list[int]:
        """Ids of the open Socket Mode connections."""
        return self._sockets.connection_ids

    def files(self) -> list[UploadedFile]:
        """Files announced through files.getUploadURLExternal, with their bytes once uploaded."""
        return list(self.state.files.values())

    def home_view(self, user: str, team_id: str | None = None) -> dict[str, Any] | None:
        """The Home tab last published for ``user`` (id or name), if any."""
        team = self.team(team_id)
        view_id = self.state.home_views.get((team.id, _user(team, user).id))
        return self.state.views[view_id] if view_id else None

    def views(self) -> list[dict[str, Any]]:
        """Every view opened, pushed, updated or published (latest version of each)."""
        return list(self.state.views.values())

    # -- Slack -> app over HTTP ----------------------------------------------------------------------------

    def slash_command(
        self,
        command: str = "/news",
        text: str = "",
        *,
        user: str = "member",
        channel: str = "news",
        team_id: str | None = None,
    ) -> dict[str, str]:
        """The fields of a slash command, with a live response_url and trigger_id."""
        team = self.team(team_id)
        who, where = _user(team, user), _channel(team, channel)
        return payloads.slash_command_fields(
            team_id=team.id,
            team_domain=team.domain,
            channel_id=where.id,
            channel_name=where.name,
            user_id=who.id,
            user_name=who.name,
            command=command,
            text=text,
            api_app_id=self.app.app_id,
            response_url=self.state.new_response_url(self.url, team.id, where.id, who.id),
            trigger_id=self.state.new_trigger_id(team.id),
            token=self.app.verification_token,
        )

    def slash_command_request(
        self,
        command: str = "/news",
        text: str = "",
        *,
        user: str = "member",
        channel: str = "news",
        team_id: str | None = None,
        timestamp: int | None = None,
    ) -> signing.SignedRequest:
        """A signed slash command request, ready for ``signing.deliver(request, app_url)``."""
        fields = self.slash_command(command, text, user=user, channel=channel, team_id=team_id)
        return signing.slash_command_request(self.signing_secret, fields, timestamp=timestamp)

    def event(self, event: Mapping[str, Any], team_id: str | None = None) -> dict[str, Any]:
        """An Events API callback around ``event`` (see ``payloads`` for event builders)."""
        team = self.team(team_id)
        return payloads.event_callback(
            team_id=team.id,
            api_app_id=self.app.app_id,
            event=event,
            token=self.app.verification_token,
            bot_user_id=team.bot_user_id,
        )

    def event_request(
        self,
        event: Mapping[str, Any],
        team_id: str | None = None,
        *,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
        timestamp: int | None = None,
        callback: Mapping[str, Any] | None = None,
    ) -> signing.SignedRequest:
        """A signed Events API request; to redeliver, pass the same ``callback`` again with ``retry_num``."""
        body = callback if callback is not None else self.event(event, team_id)
        return signing.event_request(
            self.signing_secret, body, timestamp=timestamp, retry_num=retry_num, retry_reason=retry_reason
        )

    def block_actions(
        self,
        actions: Sequence[Mapping[str, Any]],
        *,
        user: str = "member",
        channel: str = "news",
        team_id: str | None = None,
        message: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A block_actions interaction with a live response_url and trigger_id."""
        team = self.team(team_id)
        who, where = _user(team, user), _channel(team, channel)
        return payloads.block_actions_payload(
            team_id=team.id,
            team_domain=team.domain,
            user_id=who.id,
            user_name=who.name,
            channel_id=where.id,
            channel_name=where.name,
            actions=actions,
            api_app_id=self.app.app_id,
            token=self.app.verification_token,
            trigger_id=self.state.new_trigger_id(team.id),
            response_url=self.state.new_response_url(self.url, team.id, where.id, who.id),
            message=message,
        )

    def view_submission(
        self,
        callback_id: str,
        values: Mapping[str, Mapping[str, Any]],
        *,
        user: str = "member",
        team_id: str | None = None,
        view_id: str | None = None,
        private_metadata: str = "",
    ) -> dict[str, Any]:
        """A view_submission interaction for a modal with ``callback_id`` and state ``values``."""
        team = self.team(team_id)
        who = _user(team, user)
        return payloads.view_submission_payload(
            team_id=team.id,
            team_domain=team.domain,
            user_id=who.id,
            user_name=who.name,
            api_app_id=self.app.app_id,
            token=self.app.verification_token,
            trigger_id=self.state.new_trigger_id(team.id),
            view_id=view_id or self.state.new_id("V"),
            callback_id=callback_id,
            values=values,
            bot_id=team.bot_id,
            private_metadata=private_metadata,
        )

    def interactive_request(
        self, payload: Mapping[str, Any], *, timestamp: int | None = None
    ) -> signing.SignedRequest:
        """A signed interaction request (``payload=<json>`` form)."""
        return signing.interactive_request(self.signing_secret, payload, timestamp=timestamp)

    # -- Slack -> app over Socket Mode ---------------------------------------------------------------------

    async def push_socket_envelope(
        self,
        envelope_type: str,
        payload: Mapping[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        envelope_id: str | None = None,
        connection_id: int | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> SocketEnvelope:
        """Send an envelope to the newest (or the given) Socket Mode connection."""
        return await self._sockets.push(
            envelope_type,
            payload,
            accepts_response_payload=accepts_response_payload,
            envelope_id=envelope_id,
            connection_id=connection_id,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )

    async def push_slash_command(
        self,
        command: str = "/news",
        text: str = "",
        *,
        user: str = "member",
        channel: str = "news",
        team_id: str | None = None,
    ) -> SocketEnvelope:
        """A slash command over Socket Mode."""
        fields = self.slash_command(command, text, user=user, channel=channel, team_id=team_id)
        return await self.push_socket_envelope("slash_commands", fields)

    async def push_event(
        self,
        event: Mapping[str, Any],
        team_id: str | None = None,
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> SocketEnvelope:
        """An Events API callback over Socket Mode."""
        return await self.push_socket_envelope(
            "events_api", self.event(event, team_id), retry_attempt=retry_attempt, retry_reason=retry_reason
        )

    async def disconnect_sockets(self, reason: str = "refresh_requested") -> None:
        """Send Slack's ``disconnect`` message to every Socket Mode connection."""
        await self._sockets.disconnect(reason)

    # -- waiting ---------------------------------------------------------------------------------------------

    async def wait_until(self, predicate: Callable[[], bool], *, what: str = "change") -> None:
        """Wait until ``predicate()`` holds, re-checking whenever the fake records something."""
        try:
            async with asyncio.timeout(self.wait_seconds):
                await self.state.changes.wait_until(predicate)
        except TimeoutError:
            raise TimeoutError(f"fake Slack: no {what} within {self.wait_seconds} s") from None

    async def wait_for_ack(self, envelope_id: str) -> SocketAck:
        """The ack of ``envelope_id``, once it arrives."""
        await self.wait_until(
            lambda: any(a.envelope_id == envelope_id for a in self.state.acks),
            what=f"ack of envelope {envelope_id}",
        )
        return next(a for a in self.state.acks if a.envelope_id == envelope_id)

    async def wait_for_responses(self, count: int = 1) -> list[ResponseUrlPost]:
        """The response_url posts, once there are at least ``count``."""
        await self.wait_until(
            lambda: len(self.state.responses) >= count, what=f"{count} response_url post(s)"
        )
        return self.responses

    async def wait_for_calls(self, method: str, count: int = 1) -> list[ApiCall]:
        """The calls of ``method``, once there are at least ``count``."""
        await self.wait_until(lambda: len(self.calls(method)) >= count, what=f"{count} call(s) of {method}")
        return self.calls(method)

    async def wait_for_socket(self, count: int = 1) -> list[int]:
        """The open Socket Mode connections, once there are at least ``count``."""
        await self.wait_until(
            lambda: len(self._sockets.connection_ids) >= count,
            what=f"{count} Socket Mode connection(s)",
        )
        return self._sockets.connection_ids

    def _channel_id(self, reference: str, team_id: str | None) -> str:
        if team_id is None:
            for team in self.state.teams.values():
                found = team.channel(reference)
                if found is not None and found.id == reference:
                    return found.id
        return _channel(self.team(team_id), reference).id


def _user(team: Team, reference: str) -> User:
    return team.user(reference) or team.user_named(reference)


def _channel(team: Team, reference: str) -> Channel:
    found = team.channel(reference)
    if found is None:
        raise KeyError(f"no channel {reference!r} in {team.id}; known: {[c.name for c in team.channels]}")
    return found
