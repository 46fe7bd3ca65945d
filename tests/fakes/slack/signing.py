"""Requests signed as Slack signs them, and a way to deliver them to an app.

Slack signs ``v0:{timestamp}:{raw body}`` with HMAC-SHA256 under the app's signing secret and sends
``X-Slack-Signature: v0=<hex>`` with ``X-Slack-Request-Timestamp``. Slash commands and interactions are
``application/x-www-form-urlencoded`` (interactions as one ``payload`` field holding JSON); Events API
callbacks are JSON. Redeliveries carry ``X-Slack-Retry-Num`` and ``X-Slack-Retry-Reason``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp

SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
JSON_CONTENT_TYPE = "application/json"
DELIVERY_TIMEOUT_SECONDS = 10.0
RETRY_REASONS = frozenset(
    {"http_timeout", "too_many_redirects", "connection_failed", "ssl_error", "http_error", "unknown_error"}
)


def signature(signing_secret: str, timestamp: int | str, body: bytes) -> str:
    """``v0=`` + HMAC-SHA256(signing_secret, ``v0:{timestamp}:{body}``) as hex."""
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class SignedRequest:
    """A request body with the headers Slack sends with it."""

    body: bytes
    headers: Mapping[str, str] = field(default_factory=dict)

    def with_headers(self, changes: Mapping[str, str]) -> SignedRequest:
        """The same body with some headers replaced or added (to tamper with a signature, say)."""
        return SignedRequest(self.body, {**self.headers, **changes})


def sign(
    signing_secret: str,
    body: bytes,
    content_type: str,
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> SignedRequest:
    """Sign ``body`` at ``timestamp`` (default: now); ``retry_num`` adds the redelivery headers."""
    stamp = int(time.time()) if timestamp is None else timestamp
    headers = {
        "Content-Type": content_type,
        "User-Agent": SLACK_USER_AGENT,
        "X-Slack-Request-Timestamp": str(stamp),
        "X-Slack-Signature": signature(signing_secret, stamp, body),
    }
    if retry_num is not None:
        if retry_reason not in RETRY_REASONS:
            raise ValueError(f"retry_reason must be one of {sorted(RETRY_REASONS)}, got {retry_reason!r}")
        headers["X-Slack-Retry-Num"] = str(retry_num)
        headers["X-Slack-Retry-Reason"] = retry_reason
    return SignedRequest(body, headers)


def slash_command_request(
    signing_secret: str, fields: Mapping[str, str], *, timestamp: int | None = None
) -> SignedRequest:
    """A slash command as Slack POSTs it: the fields form-encoded, then signed."""
    body = urllib.parse.urlencode(dict(fields)).encode()
    return sign(signing_secret, body, FORM_CONTENT_TYPE, timestamp=timestamp)


def event_request(
    signing_secret: str,
    payload: Mapping[str, Any],
    *,
    timestamp: int | None = None,
    retry_num: int | None = None,
    retry_reason: str = "http_timeout",
) -> SignedRequest:
    """An Events API callback (JSON), optionally marked as the ``retry_num``-th redelivery."""
    body = json.dumps(payload).encode()
    return sign(
        signing_secret,
        body,
        JSON_CONTENT_TYPE,
        timestamp=timestamp,
        retry_num=retry_num,
        retry_reason=retry_reason,
    )


def interactive_request(
    signing_secret: str, payload: Mapping[str, Any], *, timestamp: int | None = None
) -> SignedRequest:
    """An interaction (block_actions, view_submission ...): one form field ``payload`` holding JSON."""
    body = urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()
    return sign(signing_secret, body, FORM_CONTENT_TYPE, timestamp=timestamp)


@dataclass(frozen=True)
class Delivery:
    """What the app answered."""

    status: int
    body: str
    headers: Mapping[str, str]

    def json(self) -> Any:
        """The answer's body parsed as JSON."""
        return json.loads(self.body)


async def deliver(request: SignedRequest, url: str) -> Delivery:
    """POST ``request`` to the app at ``url`` as Slack would (Slack gives up after 3 s; this waits longer)."""
    client_timeout = aiohttp.ClientTimeout(total=DELIVERY_TIMEOUT_SECONDS)
    async with (
        aiohttp.ClientSession(timeout=client_timeout) as session,
        session.post(url, data=request.body, headers=dict(request.headers)) as response,
    ):
        return Delivery(response.status, await response.text(), dict(response.headers))
