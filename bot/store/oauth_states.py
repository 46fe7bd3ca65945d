"""OAuth ``state`` values on the bot's database, so any replica can finish an install another began.

slack_sdk's ``AsyncOAuthStateStore``: ``async_issue`` makes a random state valid for a few minutes,
``async_consume`` accepts it once. Expired states are swept on each issue.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import delete, insert
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.slack_schema import slack_oauth_states
from bot.store.transaction import write_transaction

log = logging.getLogger(__name__)

STATE_LIFETIME = timedelta(minutes=10)


def _now() -> datetime:
    return datetime.now(UTC)


class DatabaseOAuthStateStore(AsyncOAuthStateStore):
    def __init__(self, engine: AsyncEngine, *, lifetime: timedelta = STATE_LIFETIME,
                 clock: Callable[[], datetime] = _now) -> None:
        self._engine = engine
        self.lifetime = lifetime
        self._clock = clock

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        state = secrets.token_urlsafe(32)
        now = self._clock()
        async with write_transaction(self._engine) as conn:
            await conn.execute(delete(slack_oauth_states).where(slack_oauth_states.c.expires_at < now))
            await conn.execute(insert(slack_oauth_states).values(state=state, expires_at=now + self.lifetime))
        return state

    async def async_consume(self, state: str) -> bool:
        """True once for a state issued here and not yet expired; it is gone afterwards either way."""
        if not state:
            return False
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(delete(slack_oauth_states).where(
                slack_oauth_states.c.state == state, slack_oauth_states.c.expires_at >= self._clock()))
            if result.rowcount == 0:
                await conn.execute(delete(slack_oauth_states).where(slack_oauth_states.c.state == state))
        return bool(result.rowcount)
