"""Slack OAuth installations on the bot's own database: slack_sdk's ``AsyncInstallationStore``.

One row per installer in ``slack_installations`` and one per workspace in ``slack_bots`` (the latest
bot token, which is all the bot needs to act in that workspace). Every token, refresh token and webhook
URL is encrypted with ``TokenCipher`` before it is written and decrypted only when read back; the
plain values never reach the database or the log. A row whose token no longer decrypts (the secret key
changed) reads as "not installed", with an error in the log, rather than failing every request.

Saving an installation also cancels a pending data deletion of that workspace (it came back).
slack_sdk's ``custom_values`` are not stored.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store import Bot, Installation
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from sqlalchemy import Row, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.slack_schema import slack_bots, slack_installations, slack_workspace_removals
from bot.store.token_cipher import TokenCipher, TokenDecryptError
from bot.store.transaction import write_transaction

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


class SlackInstallationStore(AsyncInstallationStore):
    """Installations of one Slack app (``client_id``) across any number of workspaces."""

    def __init__(self, engine: AsyncEngine, cipher: TokenCipher, *, client_id: str,
                 clock: Callable[[], datetime] = _now) -> None:
        self._engine = engine
        self._cipher = cipher
        self.client_id = client_id
        self._clock = clock
        self._insert: Callable[..., Any] = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    @property
    def logger(self) -> logging.Logger:
        return log

    # -- writing -------------------------------------------------------------------------------

    async def async_save(self, installation: Installation) -> None:
        """Store (or replace) the installer's row and, when it carries a bot token, the workspace's bot."""
        team = _team_key(installation.team_id, installation.is_enterprise_install)
        values = {
            "client_id": self.client_id,
            "enterprise_id": installation.enterprise_id or "",
            "team_id": team,
            "user_id": installation.user_id or "",
            "app_id": installation.app_id,
            "enterprise_name": installation.enterprise_name,
            "enterprise_url": installation.enterprise_url,
            "team_name": installation.team_name,
            "bot_token_encrypted": self._seal(installation.bot_token),
            "bot_id": installation.bot_id,
            "bot_user_id": installation.bot_user_id,
            "bot_scopes": _scopes(installation.bot_scopes),
            "bot_refresh_token_encrypted": self._seal(installation.bot_refresh_token),
            "bot_token_expires_at": _moment(installation.bot_token_expires_at),
            "user_token_encrypted": self._seal(installation.user_token),
            "user_scopes": _scopes(installation.user_scopes),
            "user_refresh_token_encrypted": self._seal(installation.user_refresh_token),
            "user_token_expires_at": _moment(installation.user_token_expires_at),
            "incoming_webhook_url_encrypted": self._seal(installation.incoming_webhook_url),
            "incoming_webhook_channel": installation.incoming_webhook_channel,
            "incoming_webhook_channel_id": installation.incoming_webhook_channel_id,
            "incoming_webhook_configuration_url": installation.incoming_webhook_configuration_url,
            "is_enterprise_install": bool(installation.is_enterprise_install),
            "token_type": installation.token_type,
            "installed_at": _moment(installation.installed_at) or self._clock(),
        }
        key = ["client_id", "enterprise_id", "team_id", "user_id"]
        statement = self._insert(slack_installations).values(values).on_conflict_do_update(
            index_elements=key, set_={k: v for k, v in values.items() if k not in key})
        async with write_transaction(self._engine) as conn:
            await conn.execute(statement)
            if installation.bot_token:
                await self._save_bot(conn, installation.to_bot())
            # A workspace that installs again is no longer leaving: keep its data.
            await conn.execute(delete(slack_workspace_removals).where(slack_workspace_removals.c.team_id == team))

    async def async_save_bot(self, bot: Bot) -> None:
        async with write_transaction(self._engine) as conn:
            await self._save_bot(conn, bot)

    async def _save_bot(self, conn: AsyncConnection, bot: Bot) -> None:
        values = {
            "client_id": self.client_id,
            "enterprise_id": bot.enterprise_id or "",
            "team_id": _team_key(bot.team_id, bot.is_enterprise_install),
            "app_id": bot.app_id,
            "enterprise_name": bot.enterprise_name,
            "team_name": bot.team_name,
            "bot_token_encrypted": self._cipher.encrypt(bot.bot_token),
            "bot_id": bot.bot_id,
            "bot_user_id": bot.bot_user_id,
            "bot_scopes": _scopes(bot.bot_scopes),
            "bot_refresh_token_encrypted": self._seal(bot.bot_refresh_token),
            "bot_token_expires_at": _moment(bot.bot_token_expires_at),
            "is_enterprise_install": bool(bot.is_enterprise_install),
            "installed_at": _moment(bot.installed_at) or self._clock(),
        }
        key = ["client_id", "enterprise_id", "team_id"]
        await conn.execute(self._insert(slack_bots).values(values).on_conflict_do_update(
            index_elements=key, set_={k: v for k, v in values.items() if k not in key}))

    # -- reading -------------------------------------------------------------------------------

    async def async_find_bot(self, *, enterprise_id: str | None, team_id: str | None,
                             is_enterprise_install: bool | None = False) -> Bot | None:
        statement = select(*slack_bots.c).where(
            slack_bots.c.client_id == self.client_id, slack_bots.c.enterprise_id == (enterprise_id or ""),
            slack_bots.c.team_id == _team_key(team_id, is_enterprise_install))
        async with self._engine.connect() as conn:
            row = (await conn.execute(statement)).one_or_none()
        if row is None:
            return None
        try:
            return Bot(
                app_id=row.app_id, enterprise_id=row.enterprise_id or None, enterprise_name=row.enterprise_name,
                team_id=row.team_id or None, team_name=row.team_name,
                bot_token=self._cipher.decrypt(row.bot_token_encrypted), bot_id=row.bot_id,
                bot_user_id=row.bot_user_id, bot_scopes=row.bot_scopes or "",
                bot_refresh_token=self._open(row.bot_refresh_token_encrypted),
                bot_token_expires_at=_epoch(row.bot_token_expires_at),
                is_enterprise_install=row.is_enterprise_install,
                installed_at=row.installed_at.timestamp(),
            )
        except TokenDecryptError as error:
            log.error("Slack workspace %s: %s", row.team_id, error)
            return None

    async def async_find_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                      user_id: str | None = None,
                                      is_enterprise_install: bool | None = False) -> Installation | None:
        """The installer's installation, or the workspace's latest one when ``user_id`` is None."""
        statement = select(*slack_installations.c).where(
            slack_installations.c.client_id == self.client_id,
            slack_installations.c.enterprise_id == (enterprise_id or ""),
            slack_installations.c.team_id == _team_key(team_id, is_enterprise_install))
        if user_id is not None:
            statement = statement.where(slack_installations.c.user_id == user_id)
        statement = statement.order_by(slack_installations.c.installed_at.desc()).limit(1)
        async with self._engine.connect() as conn:
            row = (await conn.execute(statement)).one_or_none()
        if row is None:
            return None
        try:
            return self._installation(row)
        except TokenDecryptError as error:
            log.error("Slack workspace %s: %s", row.team_id, error)
            return None

    def _installation(self, row: Row[Any]) -> Installation:
        return Installation(
            app_id=row.app_id, enterprise_id=row.enterprise_id or None, enterprise_name=row.enterprise_name,
            enterprise_url=row.enterprise_url, team_id=row.team_id or None, team_name=row.team_name,
            bot_token=self._open(row.bot_token_encrypted), bot_id=row.bot_id, bot_user_id=row.bot_user_id,
            bot_scopes=row.bot_scopes or "", bot_refresh_token=self._open(row.bot_refresh_token_encrypted),
            bot_token_expires_at=_epoch(row.bot_token_expires_at), user_id=row.user_id,
            user_token=self._open(row.user_token_encrypted), user_scopes=row.user_scopes or "",
            user_refresh_token=self._open(row.user_refresh_token_encrypted),
            user_token_expires_at=_epoch(row.user_token_expires_at),
            incoming_webhook_url=self._open(row.incoming_webhook_url_encrypted),
            incoming_webhook_channel=row.incoming_webhook_channel,
            incoming_webhook_channel_id=row.incoming_webhook_channel_id,
            incoming_webhook_configuration_url=row.incoming_webhook_configuration_url,
            is_enterprise_install=row.is_enterprise_install, token_type=row.token_type,
            installed_at=row.installed_at.timestamp(),
        )

    async def team_ids(self) -> list[str]:
        """The workspaces that have a bot installed, in id order."""
        statement = (select(slack_bots.c.team_id).where(slack_bots.c.client_id == self.client_id)
                     .order_by(slack_bots.c.team_id))
        async with self._engine.connect() as conn:
            return [team for team in (await conn.execute(statement)).scalars() if team]

    # -- deleting ------------------------------------------------------------------------------

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        async with write_transaction(self._engine) as conn:
            await conn.execute(delete(slack_bots).where(
                slack_bots.c.client_id == self.client_id, slack_bots.c.enterprise_id == (enterprise_id or ""),
                slack_bots.c.team_id == (team_id or "")))

    async def async_delete_installation(self, *, enterprise_id: str | None, team_id: str | None,
                                        user_id: str | None = None) -> None:
        conditions = [slack_installations.c.client_id == self.client_id,
                      slack_installations.c.enterprise_id == (enterprise_id or ""),
                      slack_installations.c.team_id == (team_id or "")]
        if user_id is not None:
            conditions.append(slack_installations.c.user_id == user_id)
        async with write_transaction(self._engine) as conn:
            await conn.execute(delete(slack_installations).where(*conditions))

    async def async_delete_all(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        """Every token of a workspace (uninstalled, or its bot token revoked)."""
        await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)
        await self.async_delete_installation(enterprise_id=enterprise_id, team_id=team_id)

    # -- helpers -------------------------------------------------------------------------------

    def _seal(self, plain: str | None) -> str | None:
        return self._cipher.encrypt(plain) if plain else None

    def _open(self, stored: str | None) -> str | None:
        return self._cipher.decrypt(stored) if stored else None


def _team_key(team_id: str | None, is_enterprise_install: bool | None) -> str:
    # An organisation-wide (Enterprise Grid) install belongs to the enterprise, not to one team.
    return "" if is_enterprise_install else (team_id or "")


def _scopes(scopes: Sequence[str] | str | None) -> str | None:
    if not scopes:
        return None
    return scopes if isinstance(scopes, str) else ",".join(scopes)


def _moment(epoch: float | int | None) -> datetime | None:
    return None if epoch is None else datetime.fromtimestamp(float(epoch), UTC)


def _epoch(moment: datetime | None) -> int | None:
    return None if moment is None else int(moment.timestamp())
