"""Slack: OAuth installations and bots (tokens encrypted), OAuth states, handled request keys, removals.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types this revision creates (bot.store.slack_schema may move on; this file may not).
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "slack_installations",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.Text, nullable=False),
        sa.Column("enterprise_id", sa.Text, nullable=False),
        sa.Column("team_id", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("app_id", sa.Text),
        sa.Column("enterprise_name", sa.Text),
        sa.Column("enterprise_url", sa.Text),
        sa.Column("team_name", sa.Text),
        sa.Column("bot_token_encrypted", sa.Text),
        sa.Column("bot_id", sa.Text),
        sa.Column("bot_user_id", sa.Text),
        sa.Column("bot_scopes", sa.Text),
        sa.Column("bot_refresh_token_encrypted", sa.Text),
        sa.Column("bot_token_expires_at", MOMENT),
        sa.Column("user_token_encrypted", sa.Text),
        sa.Column("user_scopes", sa.Text),
        sa.Column("user_refresh_token_encrypted", sa.Text),
        sa.Column("user_token_expires_at", MOMENT),
        sa.Column("incoming_webhook_url_encrypted", sa.Text),
        sa.Column("incoming_webhook_channel", sa.Text),
        sa.Column("incoming_webhook_channel_id", sa.Text),
        sa.Column("incoming_webhook_configuration_url", sa.Text),
        sa.Column("is_enterprise_install", sa.Boolean, nullable=False),
        sa.Column("token_type", sa.Text),
        sa.Column("installed_at", MOMENT, nullable=False),
        sa.UniqueConstraint("client_id", "enterprise_id", "team_id", "user_id", name="uq_slack_installations_user"),
    )
    op.create_table(
        "slack_bots",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("client_id", sa.Text, nullable=False),
        sa.Column("enterprise_id", sa.Text, nullable=False),
        sa.Column("team_id", sa.Text, nullable=False),
        sa.Column("app_id", sa.Text),
        sa.Column("enterprise_name", sa.Text),
        sa.Column("team_name", sa.Text),
        sa.Column("bot_token_encrypted", sa.Text, nullable=False),
        sa.Column("bot_id", sa.Text),
        sa.Column("bot_user_id", sa.Text),
        sa.Column("bot_scopes", sa.Text),
        sa.Column("bot_refresh_token_encrypted", sa.Text),
        sa.Column("bot_token_expires_at", MOMENT),
        sa.Column("is_enterprise_install", sa.Boolean, nullable=False),
        sa.Column("installed_at", MOMENT, nullable=False),
        sa.UniqueConstraint("client_id", "enterprise_id", "team_id", name="uq_slack_bots_team"),
    )
    op.create_table(
        "slack_oauth_states",
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("expires_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("state", name="pk_slack_oauth_states"),
    )
    op.create_index("ix_slack_oauth_states_expires_at", "slack_oauth_states", ["expires_at"])
    op.create_table(
        "slack_event_keys",
        sa.Column("key", sa.Text, nullable=False),
        sa.Column("seen_at", MOMENT, nullable=False),
        sa.Column("expires_at", MOMENT),
        sa.PrimaryKeyConstraint("key", name="pk_slack_event_keys"),
    )
    op.create_index("ix_slack_event_keys_expires_at", "slack_event_keys", ["expires_at"])
    op.create_table(
        "slack_workspace_removals",
        sa.Column("team_id", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("requested_at", MOMENT, nullable=False),
        sa.Column("remove_after", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("team_id", name="pk_slack_workspace_removals"),
    )
    op.create_index("ix_slack_workspace_removals_due", "slack_workspace_removals", ["remove_after"])


def downgrade() -> None:
    for table in ("slack_workspace_removals", "slack_event_keys", "slack_oauth_states", "slack_bots",
                  "slack_installations"):
        op.drop_table(table)
