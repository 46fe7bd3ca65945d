"""The chat port: platform-neutral requests and replies, and what every chat adapter must do.

Adapters translate platform payloads into ``CommandRequest`` and render ``Reply`` back; nothing here
knows Slack or Discord.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol, runtime_checkable

from digests.compose import Digest
from digests.pair import PairReport

Platform = Literal["slack", "discord", "console"]


@dataclass(frozen=True, slots=True)
class ChannelRef:
    """Where a message goes: platform, workspace (Slack team / Discord guild) and channel."""

    platform: Platform
    workspace: str
    channel: str

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.workspace}:{self.channel}"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who asked: the adapter decides ``is_admin`` from platform permissions; NEWSBOT_ADMINS adds more."""

    platform: Platform
    user: str
    is_admin: bool = False
    name: str = ""

    @property
    def key(self) -> str:
        return f"{self.platform}:{self.user}"


@dataclass(frozen=True, slots=True)
class CommandRequest:
    """One slash command: ``root`` is "news" or "news-admin", ``text`` the rest as the user typed it."""

    actor: Actor
    channel: ChannelRef
    root: str
    text: str


ReplyKind = Literal["text", "digest", "pair", "error"]


@dataclass(frozen=True, slots=True)
class Reply:
    """What the bot answers. ``ephemeral`` replies are shown only to the asker where the platform can."""

    kind: ReplyKind
    text: str
    ephemeral: bool = True
    digest: Digest | None = None
    pair: PairReport | None = None
    chart: Path | None = None
    chart_alt: str = ""
    headlines_only: bool = False
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class PostReceipt:
    """The platform's id for a posted message (Slack ts, Discord message id)."""

    message_id: str


class ChatAdapter(Protocol):
    """A chat platform: started and stopped by the bot, posting digests and replies in its own format."""

    platform: Platform

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def post_digest(self, channel: ChannelRef, reply: Reply, *, delivery_key: str) -> PostReceipt:
        """Post a scheduled digest; ``delivery_key`` travels with the post (nonce / metadata)."""
        ...


class PostRetryable(Exception):
    """A post that may succeed if tried again later: rate limited (429), a 5xx, a network error.

    ``retry_after`` is the platform's Retry-After in seconds when it gave one.
    """

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class PostRejected(Exception):
    """A post the platform refused for good (bad request, channel gone, bot removed, no permission).

    ``pause_subscription``: the channel cannot receive posts any more, so its schedule should stop
    until an admin resumes it.
    """

    def __init__(self, reason: str, *, pause_subscription: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.pause_subscription = pause_subscription


@runtime_checkable
class DeliveryLookup(Protocol):
    """Optional part of a ``ChatAdapter``: find a post by the delivery key it carried.

    A process taking over an expired delivery lease asks this before posting again, because the
    previous holder may have posted and died before recording it. An adapter whose platform cannot
    search by key does not implement it (or returns None).
    """

    async def find_delivery(self, channel: ChannelRef, delivery_key: str) -> PostReceipt | None: ...


class AdapterError(RuntimeError):
    """An adapter cannot start: bad settings, refused credentials. The message is safe to print
    (never a token) and says what to fix; ``newsbot run`` prints it and exits 2."""
