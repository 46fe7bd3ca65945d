"""The Slack settings the adapter runs with, checked once at start-up with messages that say what to fix.

Modes: Socket Mode when SLACK_APP_TOKEN is set, else HTTP mode (Events API on the bot's HTTP server,
which needs SLACK_SIGNING_SECRET). Installation: one workspace with SLACK_BOT_TOKEN, or OAuth installs
across many with SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (which needs NEWSBOT_SECRET_KEY to encrypt the
tokens it stores). Secrets are kept out of ``repr`` so a logged config shows none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pydantic import SecretStr

from bot.chat import AdapterError
from bot.dispatch import parse_admins
from bot.settings import Settings

DEFAULT_API_URL = "https://slack.com/api/"


class SlackConfigError(AdapterError, ValueError):
    """A Slack setting is missing or wrong; the message names it and says what to do."""


@dataclass(frozen=True, slots=True)
class SlackConfig:
    api_url: str = DEFAULT_API_URL
    bot_token: str | None = field(default=None, repr=False)
    app_token: str | None = field(default=None, repr=False)
    signing_secret: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)
    admins: frozenset[str] = frozenset()

    @property
    def socket_mode(self) -> bool:
        return self.app_token is not None

    @property
    def oauth(self) -> bool:
        return self.client_id is not None

    @property
    def mode_text(self) -> str:
        transport = "Socket Mode" if self.socket_mode else "HTTP mode"
        return f"{transport}, {'OAuth installs' if self.oauth else 'one workspace'}"

    @classmethod
    def from_settings(cls, settings: Settings) -> SlackConfig:
        def secret(value: SecretStr | None) -> str | None:
            text = value.get_secret_value().strip() if value is not None else ""
            return text or None

        bot_token = secret(settings.slack_bot_token)
        app_token = secret(settings.slack_app_token)
        signing_secret = secret(settings.slack_signing_secret)
        client_id = (settings.slack_client_id or "").strip() or None
        client_secret = secret(settings.slack_client_secret)
        if (client_id is None) != (client_secret is None):
            missing = "SLACK_CLIENT_SECRET" if client_secret is None else "SLACK_CLIENT_ID"
            raise SlackConfigError(f"{missing} is not set: OAuth installs need both SLACK_CLIENT_ID and "
                                   "SLACK_CLIENT_SECRET (from the app's Basic Information page)")
        if client_id is not None and bot_token is not None:
            raise SlackConfigError("set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and "
                                   "SLACK_CLIENT_SECRET (installs in many workspaces), not both")
        if client_id is None and bot_token is None:
            raise SlackConfigError("Slack is not configured: set SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and "
                                   "SLACK_CLIENT_SECRET")
        if bot_token is not None and not bot_token.startswith("xoxb-"):
            raise SlackConfigError("SLACK_BOT_TOKEN must be the Bot User OAuth Token, which starts with xoxb- "
                                   "(OAuth & Permissions page)")
        if app_token is not None and not app_token.startswith("xapp-"):
            raise SlackConfigError("SLACK_APP_TOKEN must be an app-level token with connections:write, which "
                                   "starts with xapp- (Basic Information > App-Level Tokens)")
        if app_token is None and signing_secret is None:
            raise SlackConfigError("SLACK_SIGNING_SECRET is not set: HTTP mode checks every request with it "
                                   "(Basic Information > Signing Secret); or set SLACK_APP_TOKEN for Socket Mode")
        secret_key = secret(settings.secret_key)
        if client_id is not None and secret_key is None:
            raise SlackConfigError("NEWSBOT_SECRET_KEY is not set: OAuth mode stores each workspace's bot token "
                                   "and encrypts it with this key; generate one with: python -c \"from "
                                   "cryptography.fernet import Fernet; print(Fernet.generate_key().decode())\"")
        return cls(
            api_url=normalise_api_url(settings.slack_api_url),
            bot_token=bot_token, app_token=app_token, signing_secret=signing_secret, client_id=client_id,
            client_secret=client_secret, secret_key=secret_key, admins=parse_admins(settings.admins),
        )


def normalise_api_url(url: str | None) -> str:
    """SLACK_API_URL with the trailing slash slack_sdk needs; the default when unset."""
    if url is None or not url.strip():
        return DEFAULT_API_URL
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SlackConfigError(f"SLACK_API_URL must be an http(s) URL such as {DEFAULT_API_URL}, got {url!r}")
    return url if url.endswith("/") else url + "/"
