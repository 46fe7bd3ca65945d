"""The Slack adapter's tables, on the same ``metadata`` as the rest (migration 0003).

OAuth installations and their bots (tokens encrypted, see ``bot.store.token_cipher``), OAuth ``state``
values between the install redirect and the callback, the keys of requests already handled (so a
retried event or command is not run twice, even when the retry reaches another replica), and the
workspaces that removed the app, whose data is deleted after a grace period.

``enterprise_id`` is ``""`` rather than NULL when there is none: a UNIQUE constraint treats NULLs as
distinct, which would let one workspace collect duplicate rows.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Table, Text, UniqueConstraint

from bot.store.schema import RowId, UTCDateTime, metadata

slack_installations = Table(
    "slack_installations",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("client_id", Text, nullable=False),
    Column("enterprise_id", Text, nullable=False),
    Column("team_id", Text, nullable=False),
    Column("user_id", Text, nullable=False),  # the installer
    Column("app_id", Text),
    Column("enterprise_name", Text),
    Column("enterprise_url", Text),
    Column("team_name", Text),
    Column("bot_token_encrypted", Text),
    Column("bot_id", Text),
    Column("bot_user_id", Text),
    Column("bot_scopes", Text),
    Column("bot_refresh_token_encrypted", Text),
    Column("bot_token_expires_at", UTCDateTime),
    Column("user_token_encrypted", Text),
    Column("user_scopes", Text),
    Column("user_refresh_token_encrypted", Text),
    Column("user_token_expires_at", UTCDateTime),
    Column("incoming_webhook_url_encrypted", Text),  # a webhook URL is a credential too
    Column("incoming_webhook_channel", Text),
    Column("incoming_webhook_channel_id", Text),
    Column("incoming_webhook_configuration_url", Text),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("token_type", Text),
    Column("installed_at", UTCDateTime, nullable=False),
    UniqueConstraint("client_id", "enterprise_id", "team_id", "user_id", name="uq_slack_installations_user"),
)

slack_bots = Table(
    "slack_bots",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("client_id", Text, nullable=False),
    Column("enterprise_id", Text, nullable=False),
    Column("team_id", Text, nullable=False),
    Column("app_id", Text),
    Column("enterprise_name", Text),
    Column("team_name", Text),
    Column("bot_token_encrypted", Text, nullable=False),
    Column("bot_id", Text),
    Column("bot_user_id", Text),
    Column("bot_scopes", Text),
    Column("bot_refresh_token_encrypted", Text),
    Column("bot_token_expires_at", UTCDateTime),
    Column("is_enterprise_install", Boolean, nullable=False),
    Column("installed_at", UTCDateTime, nullable=False),
    UniqueConstraint("client_id", "enterprise_id", "team_id", name="uq_slack_bots_team"),
)

slack_oauth_states = Table(
    "slack_oauth_states",
    metadata,
    Column("state", Text, primary_key=True),
    Column("expires_at", UTCDateTime, nullable=False),
    Index("ix_slack_oauth_states_expires_at", "expires_at"),
)

slack_event_keys = Table(
    "slack_event_keys",
    metadata,
    Column("key", Text, primary_key=True),  # "event:<event_id>", "command:<trigger_id>", "intro:<team>:<channel>"
    Column("seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime),  # NULL: kept (e.g. "introduced in this channel")
    Index("ix_slack_event_keys_expires_at", "expires_at"),
)

slack_workspace_removals = Table(
    "slack_workspace_removals",
    metadata,
    Column("team_id", Text, primary_key=True),
    Column("reason", Text, nullable=False),
    Column("requested_at", UTCDateTime, nullable=False),
    Column("remove_after", UTCDateTime, nullable=False),
    Index("ix_slack_workspace_removals_due", "remove_after"),
)
