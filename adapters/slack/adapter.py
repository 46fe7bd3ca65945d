"""``SlackAdapter``: the ChatAdapter the bot starts and stops, and posts scheduled digests through."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.slack.admins import AdminDirectory
from adapters.slack.app import build_app
from adapters.slack.clients import WorkspaceClients
from adapters.slack.config import SlackConfig, SlackConfigError
from adapters.slack.http_routes import mount
from adapters.slack.limiter import ChannelLimiter
from adapters.slack.posting import DigestPoster, api_error_code
from adapters.slack.redact import sdk_logger
from adapters.slack.services import SlackServices
from bot.adapter_context import AdapterContext
from bot.chat import AdapterError, ChannelRef, Platform, PostReceipt, Reply
from bot.store.event_keys import EventKeys
from bot.store.installations import SlackInstallationStore
from bot.store.oauth_states import DatabaseOAuthStateStore
from bot.store.token_cipher import SecretKeyError, TokenCipher
from bot.store.workspace_removals import WorkspaceRemovals

log = logging.getLogger(__name__)

REMOVAL_SWEEP_SECONDS = 3600.0


class SlackStartError(AdapterError):
    """Slack refused to start the adapter (a token it does not accept, Socket Mode unreachable)."""


class SlackAdapter:
    platform: Platform = "slack"

    def __init__(self, context: AdapterContext, *, limiter: ChannelLimiter | None = None,
                 removal_sweep_seconds: float = REMOVAL_SWEEP_SECONDS) -> None:
        self.config = config = SlackConfig.from_settings(context.settings)
        self.context = context
        self.removal_sweep_seconds = removal_sweep_seconds
        logger = sdk_logger()
        engine = context.store.engine
        installations: SlackInstallationStore | None = None
        state_store: DatabaseOAuthStateStore | None = None
        if config.oauth:
            assert config.client_id is not None
            try:
                cipher = TokenCipher.from_secret(config.secret_key)
            except SecretKeyError as error:
                raise SlackConfigError(str(error)) from None
            installations = SlackInstallationStore(engine, cipher, client_id=config.client_id, clock=context.clock)
            state_store = DatabaseOAuthStateStore(engine)
        clients = WorkspaceClients(api_url=config.api_url, logger=logger, bot_token=config.bot_token,
                                   installations=installations)
        self.services = SlackServices(config, context, clients, AdminDirectory(),
                                      EventKeys(engine, clock=context.clock), WorkspaceRemovals(engine),
                                      installations)
        self.app = build_app(config, self.services, logger, state_store)
        self.poster = DigestPoster(clients, limiter)
        self.routes: list[str] = []
        if not config.socket_mode or config.oauth:
            if context.http is None:
                needs = "the OAuth install pages" if config.socket_mode else "HTTP mode (/slack/events)"
                raise SlackConfigError(f"{needs} need the bot's HTTP server (PORT), which is not running")
            try:
                self.routes = mount(self.app, context.http.app, events=not config.socket_mode)
            except RuntimeError as error:  # aiohttp refuses routes once the server runs
                raise SlackConfigError("create the Slack adapter before the HTTP server starts") from error
        self._socket: AsyncSocketModeHandler | None = None
        self._sweeper: asyncio.Task[None] | None = None
        self.team_id: str | None = None

    async def start(self) -> None:
        if self.config.bot_token is not None:
            try:
                identity = await self.app.client.auth_test()
            except SlackApiError as error:
                raise SlackStartError(f"Slack refused SLACK_BOT_TOKEN ({api_error_code(error)}): copy the Bot User "
                                      "OAuth Token from the app's OAuth & Permissions page") from None
            except (SlackClientError, OSError) as error:
                raise SlackStartError(f"cannot reach Slack at {self.config.api_url}: {error}") from None
            self.team_id = str(identity.get("team_id") or "") or None
            if self.team_id and await self.services.removals.cancel(self.team_id):
                log.info("Slack workspace %s is installed again: its pending data deletion is cancelled", self.team_id)
        if self.config.socket_mode:
            handler = AsyncSocketModeHandler(self.app, self.config.app_token)
            try:
                await handler.connect_async()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
            except SlackApiError as error:
                raise SlackStartError(f"Slack refused SLACK_APP_TOKEN for Socket Mode ({api_error_code(error)}): "
                                      "it needs the connections:write scope") from None
            self._socket = handler
        self._sweeper = asyncio.create_task(self._sweep_removals(), name="slack-workspace-removals")
        log.info("Slack adapter started (%s%s)", self.config.mode_text,
                 f"; routes {', '.join(self.routes)}" if self.routes else "")

    async def stop(self) -> None:
        if self._sweeper is not None:
            self._sweeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._sweeper
            self._sweeper = None
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
            self._socket = None

    async def post_digest(self, channel: ChannelRef, reply: Reply, *, delivery_key: str) -> PostReceipt:
        return await self.poster.post_digest(channel, reply, delivery_key=delivery_key)

    async def find_delivery(self, channel: ChannelRef, delivery_key: str) -> PostReceipt | None:
        return await self.poster.find_delivery(channel, delivery_key)

    async def _sweep_removals(self) -> None:
        while True:
            try:
                await self.services.remove_due_workspaces()
            except Exception:  # the database may be briefly away: try again next round
                log.exception("deleting the data of departed Slack workspaces failed")
            await asyncio.sleep(self.removal_sweep_seconds)
