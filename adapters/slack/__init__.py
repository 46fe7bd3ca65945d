"""The Slack adapter: /news and /news-admin on slack-bolt's AsyncApp, digests and pair reports in Block
Kit, the App Home with the channel digests, Socket Mode or HTTP mode, one workspace or OAuth installs.

The bot's registry calls ``create(context)`` when ``settings.slack_configured``, before the HTTP server
starts (HTTP mode adds /slack/events, OAuth mode /slack/install and /slack/oauth_redirect to it); see
README.md here for the app manifest and the settings.
"""

from __future__ import annotations

from adapters.slack.adapter import SlackAdapter, SlackStartError
from adapters.slack.config import SlackConfig, SlackConfigError
from bot.adapter_context import AdapterContext

__all__ = ["SlackAdapter", "SlackConfig", "SlackConfigError", "SlackStartError", "create"]


def create(context: AdapterContext) -> SlackAdapter:
    """The adapter for the settings in ``context``; raises ``SlackConfigError`` for a bad setting."""
    return SlackAdapter(context)
