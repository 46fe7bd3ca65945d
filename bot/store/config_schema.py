"""The tables of the bot's own state, on the same ``metadata`` as the article tables (migration 0002).

Channel configuration (subscriptions, their excluded sources, per-workspace custom topics) and the
delivery ledger (one row per scheduled digest, keyed by ``bot.subscriptions.delivery_key``; its UNIQUE
key is what makes posting exactly-once across replicas) plus the stories each channel was sent.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    Table,
    Text,
    UniqueConstraint,
)

from bot.store.schema import RowId, UTCDateTime, metadata

DELIVERY_STATUSES = ("claimed", "posted", "failed", "missed")

subscriptions = Table(
    "subscriptions",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("platform", Text, nullable=False),
    Column("workspace", Text, nullable=False),
    Column("channel", Text, nullable=False),
    Column("countries", JSON, nullable=False),  # sorted lists: a stable text for the same query
    Column("regions", JSON, nullable=False),
    Column("topics", JSON, nullable=False),
    Column("terms", Text, nullable=False),
    Column("items", Integer, nullable=False),
    Column("mode", Text, nullable=False),
    Column("schedule_days", Text),  # "0,1,2,3,4" (0 = Monday); the three are NULL until scheduled
    Column("schedule_time", Text),  # "HH:MM", local to schedule_tz
    Column("schedule_tz", Text),
    Column("paused", Boolean, nullable=False),
    Column("paused_reason", Text),
    Column("post_when_empty", Boolean, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("updated_by", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("platform", "workspace", "channel", name="uq_subscriptions_channel"),
    # SQLite would otherwise reuse the id of a deleted last row, and with it old delivery keys.
    sqlite_autoincrement=True,
)

excluded_sources = Table(
    "excluded_sources",
    metadata,
    Column("subscription_id", RowId, ForeignKey("subscriptions.id", ondelete="CASCADE"), primary_key=True),
    Column("domain", Text, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
)

custom_topics = Table(
    "custom_topics",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("platform", Text, nullable=False),
    Column("workspace", Text, nullable=False),
    Column("slug", Text, nullable=False),
    Column("keywords", JSON, nullable=False),
    Column("exclude", JSON, nullable=False),
    Column("created_by", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("platform", "workspace", "slug", name="uq_custom_topics_slug"),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("key", Text, primary_key=True),  # bot.subscriptions.delivery_key(subscription_id, period)
    Column("subscription_id", RowId, nullable=False),  # no foreign key: the ledger outlives a subscription
    Column("period", UTCDateTime, nullable=False),
    Column("status", Text, nullable=False),
    Column("owner", Text),
    Column("lease_until", UTCDateTime),  # claimed: the lease; failed: when it may be retried (NULL: never)
    Column("attempts", Integer, nullable=False),
    Column("message_id", Text),
    Column("error", Text),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("status IN ('claimed', 'posted', 'failed', 'missed')", name="ck_deliveries_status"),
    Index("ix_deliveries_subscription", "subscription_id", "period"),
    Index("ix_deliveries_status", "status", "period"),
)

delivered_stories = Table(
    "delivered_stories",
    metadata,
    Column("channel_key", Text, primary_key=True),  # bot.chat.ChannelRef.key
    Column("cluster_id", Text, primary_key=True),
    Column("delivered_at", UTCDateTime, nullable=False),
    Index("ix_delivered_stories_recent", "channel_key", "delivered_at"),
    Index("ix_delivered_stories_delivered_at", "delivered_at"),
)
