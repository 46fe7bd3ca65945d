"""Channel and workspace events: introduce the bot once per channel it joins, pause a channel's digest
when the channel is archived or deleted or the bot is removed, and forget a workspace that uninstalls
the app or revokes its token (tokens now, data after a grace period).

Every handler records the event's id first, so a redelivered event (``X-Slack-Retry-Num``) is ignored.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbound import event_team, request_key
from adapters.slack.posting import api_error_code
from adapters.slack.services import SlackServices

log = logging.getLogger(__name__)

INTRO_TEXT = (
    "Hi, I'm newsbot. I post news digests on a schedule and answer questions about the news: the latest "
    "between two countries, on a topic or a region. Try `/news help`, or `/news pair korea japan`. "
    "An admin can set up this channel's digest with `/news-admin subscribe` or from my Home tab."
)
REMOVED = "newsbot was removed from the channel: invite it back with /invite @newsbot, then resume"
PAUSE_REASONS = {
    "channel_archive": "the channel was archived",
    "group_archive": "the channel was archived",
    "channel_deleted": "the channel was deleted",
    "group_deleted": "the channel was deleted",
    "channel_left": REMOVED,
    "group_left": REMOVED,
}

# The events registered below, which the manifest subscribes to.
EVENTS = ("member_joined_channel", "member_left_channel", *PAUSE_REASONS, "app_uninstalled", "tokens_revoked")


def register_lifecycle(app: AsyncApp, services: SlackServices) -> None:
    @app.event("member_joined_channel")
    async def on_member_joined(event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext,
                               client: AsyncWebClient) -> None:
        channel = str(event.get("channel") or "")
        if not channel or event.get("user") != context.bot_user_id:
            return
        # Kept for good: the bot introduces itself in a channel once, however often it is re-added.
        if not await services.first_time(f"intro:{event_team(body)}:{channel}", ttl=None):
            return
        try:
            await client.chat_postMessage(channel=channel, text=INTRO_TEXT,
                                          blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": INTRO_TEXT}}])
        except SlackApiError as error:
            log.info("could not introduce newsbot in %s: %s", channel, api_error_code(error))

    @app.event("member_left_channel")
    async def on_member_left(event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext) -> None:
        mine = event.get("user") == context.bot_user_id and event.get("channel")
        if mine and await services.first_time(request_key("event", body, field="event_id")):
            await services.pause_channel(event_team(body), str(event["channel"]), REMOVED)

    for name, reason in PAUSE_REASONS.items():
        app.event(name)(_pausing_listener(services, reason))

    @app.event("app_uninstalled")
    async def on_uninstalled(body: dict[str, Any]) -> None:
        if await services.first_time(request_key("event", body, field="event_id")):
            await services.workspace_left(event_team(body), "newsbot was uninstalled from the workspace")

    @app.event("tokens_revoked")
    async def on_tokens_revoked(event: dict[str, Any], body: dict[str, Any]) -> None:
        bots = (event.get("tokens") or {}).get("bot") or []
        if bots and await services.first_time(request_key("event", body, field="event_id")):
            await services.workspace_left(event_team(body), "newsbot's token was revoked")


def _pausing_listener(services: SlackServices, reason: str) -> Callable[..., Awaitable[None]]:
    async def on_channel_gone(event: dict[str, Any], body: dict[str, Any]) -> None:
        channel = event.get("channel")
        if isinstance(channel, dict):  # some events carry the channel object, not its id
            channel = channel.get("id")
        if channel and await services.first_time(request_key("event", body, field="event_id")):
            await services.pause_channel(event_team(body), str(channel), reason)

    return on_channel_gone
