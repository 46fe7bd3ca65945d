"""Keys of platform requests already handled, so a redelivered event or command runs once.

``first_time(key)`` inserts the key (INSERT … ON CONFLICT DO NOTHING) and says whether this call was
the one that inserted it: across replicas, exactly one caller gets True. Keys with an expiry are
forgotten after it (a redelivery comes within minutes); keys without one are kept, e.g. "introduced
itself in this channel".
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.slack_schema import slack_event_keys
from bot.store.transaction import write_transaction

DEFAULT_TTL = timedelta(hours=1)
PURGE_EVERY = timedelta(minutes=10)
MAX_KEY_CHARS = 300


def _now() -> datetime:
    return datetime.now(UTC)


class EventKeys:
    def __init__(self, engine: AsyncEngine, *, clock: Callable[[], datetime] = _now) -> None:
        self._engine = engine
        self._clock = clock
        self._insert: Callable[..., Any] = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        self._last_purge: datetime | None = None

    async def first_time(self, key: str, *, ttl: timedelta | None = DEFAULT_TTL) -> bool:
        """True when ``key`` was not seen before (and records it); ``ttl=None`` keeps it for good."""
        if not key or len(key) > MAX_KEY_CHARS:
            raise ValueError(f"an event key must have 1 to {MAX_KEY_CHARS} characters")
        now = self._clock()
        async with write_transaction(self._engine) as conn:
            if self._last_purge is None or now - self._last_purge >= PURGE_EVERY:
                await conn.execute(delete(slack_event_keys).where(slack_event_keys.c.expires_at < now))
                self._last_purge = now
            result = await conn.execute(self._insert(slack_event_keys).values(
                key=key, seen_at=now, expires_at=None if ttl is None else now + ttl,
            ).on_conflict_do_nothing(index_elements=["key"]))
        return bool(result.rowcount)

    async def forget(self, key: str) -> None:
        """Let ``key`` run again (e.g. the bot left the channel it had introduced itself in)."""
        async with write_transaction(self._engine) as conn:
            await conn.execute(delete(slack_event_keys).where(slack_event_keys.c.key == key))
