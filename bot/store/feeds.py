"""The feed registry: which feeds to fetch, their cache validators and health, and who fetches them now.

Several bot processes may share one PostgreSQL: each round every process calls ``claim_due_feeds`` and
gets a disjoint set of feeds (``SELECT ... FOR UPDATE SKIP LOCKED``, then a lease written to the row),
so each feed is fetched by one process. On SQLite one ``UPDATE ... RETURNING`` claims atomically.
A lease that runs out (its holder died) makes the feed claimable again.

Failures back off exponentially: the n-th consecutive failure waits ``BACKOFF_BASE * 2**(n-1)``,
at most ``BACKOFF_CAP`` (5 min, 10 min, 20 min, ... 24 h), and ``max_failures`` in a row disable the
feed until ``enable_feed``. A success resets the count. Results are recorded only by the lease holder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Row, delete, false, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.schema import feeds

BACKOFF_BASE = timedelta(minutes=5)
BACKOFF_CAP = timedelta(hours=24)
MAX_URL_LENGTH = 2048
MAX_ERROR_LENGTH = 1000  # enough to diagnose; a whole HTML error page is not


class FeedUrlError(ValueError):
    """A feed URL that cannot be fetched; the message says what is accepted."""


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    title: str | None
    publisher: str | None
    country: str | None
    added_at: datetime
    added_by: str | None
    etag: str | None
    last_modified: str | None
    last_success_at: datetime | None
    last_error: str | None
    consecutive_failures: int
    next_attempt_at: datetime | None
    disabled: bool
    lease_owner: str | None
    lease_until: datetime | None


def backoff(failures: int) -> timedelta:
    """How long to wait after ``failures`` consecutive failures (1 -> 5 min, doubling, capped at 24 h)."""
    if failures <= 0:
        return timedelta(0)
    if failures > 20:  # 2**19 * 5 min is far past the cap already; avoid huge multipliers
        return BACKOFF_CAP
    wait: timedelta = BACKOFF_BASE * 2 ** (failures - 1)
    return min(wait, BACKOFF_CAP)


def check_feed_url(url: str) -> str:
    """The URL stripped, or FeedUrlError saying why it cannot be a feed."""
    value = url.strip()
    if not value:
        raise FeedUrlError("empty feed URL")
    if len(value) > MAX_URL_LENGTH:
        raise FeedUrlError(f"feed URL longer than {MAX_URL_LENGTH} characters")
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError as exc:
        raise FeedUrlError(f"not a URL: {value!r} ({exc})") from None
    if parts.scheme not in {"http", "https"} or not host:
        raise FeedUrlError(f"not an http(s) URL: {value!r}; give e.g. https://example.com/rss.xml")
    return value


class FeedRegistry:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = engine.dialect.name

    async def add_feed(self, url: str, *, title: str | None = None, publisher: str | None = None,
                       country: str | None = None, added_by: str | None = None,
                       now: datetime | None = None) -> FeedState:
        """Register a feed; adding one already there changes nothing and returns it as it is."""
        url = check_feed_url(url)
        values = {"url": url, "title": title, "publisher": publisher,
                  "country": country.strip().upper() if country else None, "added_by": added_by,
                  "added_at": now or _utcnow(), "consecutive_failures": 0, "disabled": False}
        dialect_insert = postgresql.insert if self._dialect == "postgresql" else sqlite.insert
        statement = dialect_insert(feeds).values(values).on_conflict_do_nothing(index_elements=["url"])
        async with self._engine.begin() as conn:
            await conn.execute(statement)
            state = await _get(conn, url)
        assert state is not None
        return state

    async def get_feed(self, url: str) -> FeedState | None:
        async with self._engine.connect() as conn:
            return await _get(conn, url.strip())

    async def remove_feed(self, url: str) -> bool:
        async with self._engine.begin() as conn:
            result = await conn.execute(delete(feeds).where(feeds.c.url == url.strip()))
        return result.rowcount > 0

    async def list_feeds(self) -> list[FeedState]:
        async with self._engine.connect() as conn:
            rows = await conn.execute(select(*feeds.c).order_by(feeds.c.added_at, feeds.c.id))
            return [_state(row) for row in rows]

    async def enable_feed(self, url: str) -> bool:
        """Re-enable a feed (after too many failures) and make it due now; False when unknown."""
        async with self._engine.begin() as conn:
            result = await conn.execute(update(feeds).where(feeds.c.url == url.strip()).values(
                disabled=False, consecutive_failures=0, next_attempt_at=None))
        return result.rowcount > 0

    async def claim_due_feeds(self, owner: str, now: datetime, *, limit: int,
                              lease: timedelta) -> list[FeedState]:
        """Lease up to ``limit`` due feeds to ``owner`` until ``now + lease``; never-fetched ones first."""
        if not owner:
            raise ValueError("a lease owner is needed (e.g. host name and process id)")
        if limit <= 0:
            return []
        if lease <= timedelta(0):
            raise ValueError("the lease must be positive")
        due = (
            feeds.c.disabled == false(),
            or_(feeds.c.next_attempt_at.is_(None), feeds.c.next_attempt_at <= now),
            or_(feeds.c.lease_until.is_(None), feeds.c.lease_until <= now),
        )
        order = (feeds.c.next_attempt_at.asc().nulls_first(), feeds.c.id)
        leased = {"lease_owner": owner, "lease_until": now + lease}
        async with self._engine.connect() as conn:
            if self._dialect == "postgresql":
                # Rows another process is claiming right now are skipped, not waited for.
                picked = (select(feeds.c.id).where(*due).order_by(*order).limit(limit)
                          .with_for_update(skip_locked=True))
                ids = list((await conn.execute(picked)).scalars())
                if not ids:
                    await conn.rollback()
                    return []
                claim = update(feeds).where(feeds.c.id.in_(ids))
            else:
                claim = update(feeds).where(feeds.c.id.in_(select(feeds.c.id).where(*due).order_by(*order)
                                                           .limit(limit).scalar_subquery()))
            rows = (await conn.execute(claim.values(leased).returning(*feeds.c))).all()
            await conn.commit()
        claimed = sorted(rows, key=lambda r: (r.next_attempt_at is not None, r.next_attempt_at or now, r.id))
        return [_state(row) for row in claimed]

    async def record_success(self, url: str, owner: str, *, etag: str | None, last_modified: str | None,
                             now: datetime, next_attempt_at: datetime) -> bool:
        """Store the validators, reset the failure count, release the lease; False when not the holder."""
        async with self._engine.begin() as conn:
            result = await conn.execute(update(feeds).where(feeds.c.url == url, feeds.c.lease_owner == owner)
                                        .values(etag=etag, last_modified=last_modified, last_success_at=now,
                                                last_error=None, consecutive_failures=0,
                                                next_attempt_at=next_attempt_at, lease_owner=None,
                                                lease_until=None))
        return result.rowcount > 0

    async def record_failure(self, url: str, owner: str, *, error: str, now: datetime,
                             max_failures: int) -> FeedState | None:
        """Count a failure, back off, disable at ``max_failures`` in a row; None when not the holder."""
        async with self._engine.connect() as conn:
            if self._dialect == "sqlite":
                await conn.exec_driver_sql("BEGIN IMMEDIATE")  # read and write under one lock
            mine = select(feeds.c.consecutive_failures).where(feeds.c.url == url,
                                                              feeds.c.lease_owner == owner)
            if self._dialect == "postgresql":
                mine = mine.with_for_update()
            failures = (await conn.execute(mine)).scalar_one_or_none()
            if failures is None:
                await conn.rollback()
                return None
            failures += 1
            row = (await conn.execute(
                update(feeds).where(feeds.c.url == url).values(
                    last_error=error[:MAX_ERROR_LENGTH], consecutive_failures=failures,
                    next_attempt_at=now + backoff(failures), disabled=failures >= max(1, max_failures),
                    lease_owner=None, lease_until=None,
                ).returning(*feeds.c)
            )).one()
            await conn.commit()
        return _state(row)


async def _get(conn: AsyncConnection, url: str) -> FeedState | None:
    row = (await conn.execute(select(*feeds.c).where(feeds.c.url == url))).one_or_none()
    return _state(row) if row is not None else None


def _state(row: Row[Any]) -> FeedState:
    return FeedState(
        url=row.url, title=row.title, publisher=row.publisher, country=row.country, added_at=row.added_at,
        added_by=row.added_by, etag=row.etag, last_modified=row.last_modified,
        last_success_at=row.last_success_at, last_error=row.last_error,
        consecutive_failures=int(row.consecutive_failures), next_attempt_at=row.next_attempt_at,
        disabled=bool(row.disabled), lease_owner=row.lease_owner, lease_until=row.lease_until,
    )


def _utcnow() -> datetime:
    return datetime.now(UTC)
