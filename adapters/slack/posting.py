"""Scheduled digests to channels: chat.postMessage with the delivery key in message metadata, one
message per second per channel, Slack's refusals turned into the port's ``PostRetryable`` /
``PostRejected``, and ``find_delivery`` reading a channel's recent history for a key.

A digest that needs several messages carries the key on each part (with its number). If a part fails
and the delivery service tries again, the parts already posted by this process are not posted again.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.clients import WorkspaceClients
from adapters.slack.limiter import ChannelLimiter
from adapters.slack.render import SlackMessage, render_reply
from bot.chat import ChannelRef, PostReceipt, PostRejected, PostRetryable, Reply

log = logging.getLogger(__name__)

METADATA_EVENT_TYPE = "newsbot_digest"
HISTORY_PAGES = 3  # 300 recent messages: a lease expires within minutes, so the post is near the top
MAX_TRACKED_DELIVERIES = 1_000

# The channel cannot take posts until someone acts: pause its subscription and say why.
PAUSING_ERRORS = {
    "channel_not_found": "the channel no longer exists, or newsbot cannot see it",
    "not_in_channel": "newsbot is not in the channel: invite it with /invite @newsbot, then resume",
    "is_archived": "the channel is archived",
    "token_revoked": "the app's token was revoked (was newsbot uninstalled?)",
    "invalid_auth": "the app's token is not valid any more (was newsbot uninstalled?)",
    "not_authed": "the app has no token for this workspace",
    "account_inactive": "the app's token is not valid any more (was newsbot uninstalled?)",
    "team_access_not_granted": "newsbot has no access to this workspace",
    "no_permission": "newsbot may not post in this channel",
    "restricted_action": "the workspace does not let newsbot post in this channel",
    "restricted_action_read_only_channel": "the channel is read-only",
    "restricted_action_thread_only_channel": "the channel only allows posts in threads",
    "restricted_action_non_threadable_channel": "the workspace does not let newsbot post in this channel",
    "ekm_access_denied": "the workspace's administrators suspended access",
}
RETRYABLE_ERRORS = frozenset({"ratelimited", "rate_limited", "internal_error", "fatal_error",
                              "service_unavailable", "request_timeout"})
BLOCK_ERRORS = frozenset({"invalid_blocks", "msg_blocks_too_long", "invalid_blocks_format"})


def delivery_metadata(delivery_key: str, part: int, parts: int) -> dict[str, Any]:
    return {"event_type": METADATA_EVENT_TYPE,
            "event_payload": {"delivery_key": delivery_key, "part": part, "parts": parts}}


def api_error_code(error: SlackApiError) -> str:
    data = error.response.data if isinstance(error.response.data, dict) else {}
    return str(data.get("error") or f"http_{error.response.status_code}")


def retry_after(error: SlackApiError) -> float | None:
    headers = {str(k).lower(): v for k, v in (error.response.headers or {}).items()}
    value = headers.get("retry-after")
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


def post_failure(error: SlackApiError) -> PostRetryable | PostRejected:
    """What a Slack refusal means for the delivery: try again later, or give up (pausing or not)."""
    code = api_error_code(error)
    status = error.response.status_code
    if status == 429 or code in RETRYABLE_ERRORS or status >= 500:
        return PostRetryable(f"Slack answered {code} (HTTP {status})", retry_after=retry_after(error))
    if code in PAUSING_ERRORS:
        return PostRejected(f"Slack refused the post ({code}): {PAUSING_ERRORS[code]}", pause_subscription=True)
    return PostRejected(f"Slack refused the post ({code})")


class DigestPoster:
    """``post_digest`` and ``find_delivery`` of the Slack adapter."""

    def __init__(self, clients: WorkspaceClients, limiter: ChannelLimiter | None = None) -> None:
        self.clients = clients
        self.limiter = limiter or ChannelLimiter()
        self._posted_parts: dict[str, list[str]] = {}

    async def post_digest(self, channel: ChannelRef, reply: Reply, *, delivery_key: str) -> PostReceipt:
        client = await self._client(channel)
        messages = render_reply(dataclasses.replace(reply, ephemeral=False))
        if len(self._posted_parts) >= MAX_TRACKED_DELIVERIES:
            self._posted_parts.clear()
        posted = self._posted_parts.setdefault(delivery_key, [])
        for index, message in enumerate(messages):
            if index < len(posted):
                continue  # posted by an earlier attempt of this delivery
            metadata = delivery_metadata(delivery_key, index + 1, len(messages))
            posted.append(await self._post(client, channel, message, metadata))
        self._posted_parts.pop(delivery_key, None)
        return PostReceipt(posted[0])

    async def find_delivery(self, channel: ChannelRef, delivery_key: str) -> PostReceipt | None:
        """The first message of the digest posted with ``delivery_key``, if it is in recent history."""
        client = await self.clients.for_team(channel.workspace)
        if client is None:
            return None
        cursor: str | None = None
        found: list[tuple[int, str]] = []
        for _ in range(HISTORY_PAGES):
            try:
                page = await client.conversations_history(channel=channel.channel, limit=100,
                                                          include_all_metadata=True, cursor=cursor)
            except SlackApiError as error:
                if api_error_code(error) in ("not_in_channel", "channel_not_found"):
                    return None  # not readable: the post will find out, and say so
                raise
            for message in page.get("messages") or []:
                metadata = message.get("metadata") or {}
                payload = metadata.get("event_payload") or {}
                if (message.get("bot_id") and metadata.get("event_type") == METADATA_EVENT_TYPE
                        and payload.get("delivery_key") == delivery_key):
                    found.append((int(payload.get("part") or 1), str(message["ts"])))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if cursor is None:
                break
        return PostReceipt(min(found)[1]) if found else None

    async def _client(self, channel: ChannelRef) -> AsyncWebClient:
        client = await self.clients.for_team(channel.workspace)
        if client is None:
            raise PostRejected(f"newsbot is not installed in the Slack workspace {channel.workspace}",
                               pause_subscription=True)
        return client

    async def _post(self, client: AsyncWebClient, channel: ChannelRef, message: SlackMessage,
                    metadata: dict[str, Any]) -> str:
        joined = text_only = False
        while True:
            async with self.limiter.turn(channel.key):
                arguments: dict[str, Any] = {"text": message.text} if text_only else message.arguments()
                try:
                    response = await client.chat_postMessage(channel=channel.channel, metadata=metadata,
                                                             unfurl_links=False, unfurl_media=False, **arguments)
                    return str(response["ts"])
                except SlackApiError as error:
                    refusal = error
                    code = api_error_code(error)
                    failure = post_failure(error)
                    if isinstance(failure, PostRetryable) and failure.retry_after:
                        self.limiter.hold(channel.key, failure.retry_after)
                except (SlackClientError, aiohttp.ClientError, TimeoutError, OSError) as error:
                    raise PostRetryable(f"could not reach Slack: {type(error).__name__}") from error
            if code == "not_in_channel" and not joined:
                joined = True
                if await self._join(client, channel):
                    continue
            if code in BLOCK_ERRORS and not text_only:
                # The renderer's checks should make this impossible; post the text rather than nothing.
                log.error("Slack refused the blocks of a digest for %s (%s): posting the text only",
                          channel.key, code)
                text_only = True
                continue
            raise failure from refusal

    async def _join(self, client: AsyncWebClient, channel: ChannelRef) -> bool:
        """Join a public channel the bot was subscribed from without being in it."""
        try:
            await client.conversations_join(channel=channel.channel)
        except SlackApiError as error:
            log.info("could not join %s to post its digest: %s", channel.key, api_error_code(error))
            return False
        log.info("joined %s to post its digest", channel.key)
        return True
