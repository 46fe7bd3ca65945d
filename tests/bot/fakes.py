"""Test doubles for the bot's ports: a clock the test moves, and a chat platform that records posts.

Both implement the real protocols (``bot.schedule.Clock``, ``bot.chat.ChatAdapter`` and
``DeliveryLookup``); nothing of the bot's own code is replaced.
"""

from __future__ import annotations

import asyncio
from collections import deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.chat import ChannelRef, ChatAdapter, DeliveryLookup, Platform, PostReceipt, Reply


class FakeClock:
    """The time is what the test sets; ``sleep`` advances it instead of waiting, and records the wait."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("give the fake clock an aware datetime")
        self._now = start.astimezone(UTC)
        self.slept: list[float] = []

    def __call__(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    def advance(self, delta: timedelta) -> datetime:
        self._now += delta
        return self._now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self._now += timedelta(seconds=seconds)
        await asyncio.sleep(0)  # still a suspension point, as a real sleep is


@dataclass(frozen=True, slots=True)
class Post:
    channel: ChannelRef
    reply: Reply
    delivery_key: str
    message_id: str


class RecordingAdapter:
    """A chat platform in memory: records every post; ``fail_next`` queues errors for the next posts.

    ``searchable``: whether it can find a post by its delivery key (as Slack metadata or a Discord
    nonce allow); when False ``find_delivery`` answers None like an adapter that cannot look.
    """

    def __init__(self, platform: Platform = "console", *, searchable: bool = True) -> None:
        self.platform: Platform = platform
        self.searchable = searchable
        self.posts: list[Post] = []
        self.calls: list[str] = []  # the delivery key of every post attempt, failed ones included
        self.lookups: list[str] = []
        self._failures: deque[Exception] = deque()
        self.started = False

    async def start(self) -> None:
        self.started = True

    async def stop(self) -> None:
        self.started = False

    def fail_next(self, *errors: Exception) -> None:
        self._failures.extend(errors)

    def record(self, channel: ChannelRef, reply: Reply, delivery_key: str) -> PostReceipt:
        """A post made on the platform by someone else (e.g. a process that then died)."""
        message_id = f"m{len(self.posts) + 1}"
        self.posts.append(Post(channel, reply, delivery_key, message_id))
        return PostReceipt(message_id)

    async def post_digest(self, channel: ChannelRef, reply: Reply, *, delivery_key: str) -> PostReceipt:
        self.calls.append(delivery_key)
        await asyncio.sleep(0)
        if self._failures:
            raise self._failures.popleft()
        return self.record(channel, reply, delivery_key)

    async def find_delivery(self, channel: ChannelRef, delivery_key: str) -> PostReceipt | None:
        self.lookups.append(delivery_key)
        if not self.searchable:
            return None
        for post in self.posts:
            if post.channel == channel and post.delivery_key == delivery_key:
                return PostReceipt(post.message_id)
        return None

    def keys(self) -> list[str]:
        return [post.delivery_key for post in self.posts]


def _conforms(adapter: RecordingAdapter) -> tuple[ChatAdapter, DeliveryLookup]:
    return adapter, adapter  # mypy checks the fake against both protocols here
