"""Channel subscriptions, their excluded sources, custom topics, the delivery ledger, delivered stories.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types this revision creates (bot.store.config_schema may move on; this file may not).
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "subscriptions",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("workspace", sa.Text, nullable=False),
        sa.Column("channel", sa.Text, nullable=False),
        sa.Column("countries", sa.JSON, nullable=False),
        sa.Column("regions", sa.JSON, nullable=False),
        sa.Column("topics", sa.JSON, nullable=False),
        sa.Column("terms", sa.Text, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("mode", sa.Text, nullable=False),
        sa.Column("schedule_days", sa.Text),
        sa.Column("schedule_time", sa.Text),
        sa.Column("schedule_tz", sa.Text),
        sa.Column("paused", sa.Boolean, nullable=False),
        sa.Column("paused_reason", sa.Text),
        sa.Column("post_when_empty", sa.Boolean, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Text, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.UniqueConstraint("platform", "workspace", "channel", name="uq_subscriptions_channel"),
        sqlite_autoincrement=True,  # never reuse an id: old delivery keys would match a new subscription
    )

    op.create_table(
        "excluded_sources",
        sa.Column("subscription_id", ROW_ID, sa.ForeignKey("subscriptions.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("domain", sa.Text, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("subscription_id", "domain", name="pk_excluded_sources"),
    )

    op.create_table(
        "custom_topics",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("workspace", sa.Text, nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("keywords", sa.JSON, nullable=False),
        sa.Column("exclude", sa.JSON, nullable=False),
        sa.Column("created_by", sa.Text, nullable=False),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.UniqueConstraint("platform", "workspace", "slug", name="uq_custom_topics_slug"),
    )

    op.create_table(
        "deliveries",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("subscription_id", ROW_ID, nullable=False),
        sa.Column("period", MOMENT, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("owner", sa.Text),
        sa.Column("lease_until", MOMENT),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("message_id", sa.Text),
        sa.Column("error", sa.Text),
        sa.Column("created_at", MOMENT, nullable=False),
        sa.Column("updated_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_deliveries"),
        sa.CheckConstraint("status IN ('claimed', 'posted', 'failed', 'missed')",
                           name="ck_deliveries_status"),
    )
    op.create_index("ix_deliveries_subscription", "deliveries", ["subscription_id", "period"])
    op.create_index("ix_deliveries_status", "deliveries", ["status", "period"])

    op.create_table(
        "delivered_stories",
        sa.Column("channel_key", sa.Text, nullable=False),
        sa.Column("cluster_id", sa.Text, nullable=False),
        sa.Column("delivered_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("channel_key", "cluster_id", name="pk_delivered_stories"),
    )
    op.create_index("ix_delivered_stories_recent", "delivered_stories", ["channel_key", "delivered_at"])
    op.create_index("ix_delivered_stories_delivered_at", "delivered_stories", ["delivered_at"])


def downgrade() -> None:
    for table in ("delivered_stories", "deliveries", "custom_topics", "excluded_sources", "subscriptions"):
        op.drop_table(table)
