"""A channel's subscription: what its digest asks for, how it is posted, and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.chat import ChannelRef
from bot.commands.schedule import Schedule
from bot.commands.values import DigestMode
from digests.model import Query

DEFAULT_ITEMS = 8


@dataclass(frozen=True, slots=True)
class Subscription:
    """One per channel. ``schedule`` is None until an admin sets one; ``paused`` stops posting only."""

    id: int
    channel: ChannelRef
    query: Query
    items: int = DEFAULT_ITEMS
    mode: DigestMode = DigestMode.FULL
    schedule: Schedule | None = None
    paused: bool = False
    post_when_empty: bool = True  # a one-line "nothing new" rather than silence
    exclude_domains: frozenset[str] = field(default_factory=frozenset)
    created_by: str = ""
    updated_at: datetime | None = None
    paused_reason: str | None = None  # set when the platform refused a post (channel gone, no access)

    @property
    def active(self) -> bool:
        return self.schedule is not None and not self.paused


def delivery_key(subscription_id: int, period: datetime) -> str:
    """The exactly-once key of one scheduled digest: subscription and occurrence (UTC, to the minute)."""
    return f"sub{subscription_id}@{period.strftime('%Y-%m-%dT%H:%MZ')}"
