"""The Bolt ``AsyncApp``: its Web API client (SLACK_API_URL), OAuth settings, and every listener.

``process_before_response=False``: Bolt answers Slack as soon as a listener calls ``ack()``, and the
listener carries on with the work afterwards, so the 3-second limit holds however slow the work is.
"""

from __future__ import annotations

import logging

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.commands import register_commands
from adapters.slack.config import SlackConfig
from adapters.slack.home import register_home
from adapters.slack.lifecycle import register_lifecycle
from adapters.slack.services import SlackServices
from bot.store.installations import SlackInstallationStore
from bot.store.oauth_states import DatabaseOAuthStateStore

# What the listeners use, and nothing more (adapters/slack/manifest.yml asks for the same).
BOT_SCOPES = (
    "commands",  # /news, /news-admin
    "chat:write",  # replies, digests, the introduction
    "channels:join",  # join a public channel subscribed from outside it, to post its digest
    "channels:history", "groups:history",  # find a digest by its delivery key (conversations.history)
    "channels:read", "groups:read",  # membership, archive and deletion events
    "users:read",  # users.info: is the user a workspace admin?
    "files:write",  # the pair report's chart
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def web_client(config: SlackConfig, logger: logging.Logger) -> AsyncWebClient:
    """The app's client: interactive calls wait out one 429 (scheduled posts handle theirs themselves)."""
    return AsyncWebClient(
        token=config.bot_token, base_url=config.api_url, logger=logger,
        retry_handlers=[AsyncConnectionErrorRetryHandler(), AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )


def build_app(config: SlackConfig, services: SlackServices, logger: logging.Logger,
              state_store: DatabaseOAuthStateStore | None = None) -> AsyncApp:
    oauth_settings = None
    if config.oauth:
        assert isinstance(services.installations, SlackInstallationStore) and state_store is not None
        oauth_settings = AsyncOAuthSettings(
            client_id=config.client_id, client_secret=config.client_secret, scopes=list(BOT_SCOPES),
            user_scopes=[], installation_store=services.installations, installation_store_bot_only=True,
            state_store=state_store, install_path=INSTALL_PATH, redirect_uri_path=REDIRECT_PATH,
            install_page_rendering_enabled=False, logger=logger,
        )
    app = AsyncApp(
        name="newsbot",
        client=web_client(config, logger),
        # Socket Mode requests come over the app-token websocket and are not signed; HTTP mode has a secret.
        signing_secret=config.signing_secret or "",
        oauth_settings=oauth_settings,
        process_before_response=False,
        logger=logger,
    )
    register_commands(app, services)
    register_home(app, services)
    register_lifecycle(app, services)
    return app
