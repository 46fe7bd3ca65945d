"""The delivery ledger: exactly one process posts each scheduled digest, and each channel's sent stories.

A digest's row is keyed by ``delivery_key(subscription, period)`` (UNIQUE). ``claim`` inserts it with
``ON CONFLICT DO NOTHING``, so of any number of processes claiming one key at once exactly one gets it.
The winner holds a lease; if it dies, the row stays ``claimed`` and once the lease has run out another
process takes it over with a conditional UPDATE (which, again, only one process can win). A ``failed``
row may be claimed again after its retry time while attempts remain. The ``attempts`` count doubles as
a fencing token: ``mark_posted`` / ``mark_failed`` succeed only for the claim that is current, so a
holder that was slow and got overtaken cannot overwrite its successor's outcome.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import Row, and_, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.config_schema import DELIVERY_STATUSES, delivered_stories, deliveries
from bot.store.transaction import write_transaction
from bot.subscriptions import delivery_key

DeliveryStatus = Literal["claimed", "posted", "failed", "missed"]
DEFAULT_MAX_ATTEMPTS = 5
MAX_ERROR_LENGTH = 1000  # enough to diagnose; a whole HTML error page is not


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to post one digest until ``lease_until``; ``taken_over``: a previous holder's lease ran out
    (it may have posted before dying: look on the platform for the key before posting again)."""

    key: str
    subscription_id: int
    period: datetime
    owner: str
    lease_until: datetime
    attempts: int
    taken_over: bool


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    key: str
    subscription_id: int
    period: datetime
    status: DeliveryStatus
    owner: str | None
    lease_until: datetime | None
    attempts: int
    message_id: str | None
    error: str | None
    updated_at: datetime


class DeliveryLedger:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert: Callable[..., Any] = (
            postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        )

    async def claim(self, subscription_id: int, period: datetime, *, owner: str, now: datetime,
                    lease: timedelta, max_attempts: int = DEFAULT_MAX_ATTEMPTS) -> Claim | None:
        """Claim the digest of ``subscription_id`` at ``period`` for ``owner`` until ``now + lease``.

        None when it is someone else's (a live lease), done (posted, missed), or failed for good (no
        retry time, ``max_attempts`` used, or the retry time not reached yet).
        """
        if not owner:
            raise ValueError("a lease owner is needed (e.g. host name and process id)")
        if lease <= timedelta(0):
            raise ValueError("the lease must be positive")
        period = _utc(period)
        key = delivery_key(subscription_id, period)
        lease_until = now + lease
        fresh = self._insert(deliveries).values(
            key=key, subscription_id=subscription_id, period=period, status="claimed", owner=owner,
            lease_until=lease_until, attempts=1, created_at=now, updated_at=now,
        ).on_conflict_do_nothing(index_elements=["key"]).returning(deliveries.c.attempts)
        retake = (update(deliveries).where(deliveries.c.key == key)
                  .values(status="claimed", owner=owner, lease_until=lease_until,
                          attempts=deliveries.c.attempts + 1, updated_at=now)
                  .returning(deliveries.c.attempts))
        expired = and_(deliveries.c.status == "claimed", deliveries.c.lease_until < now)
        retryable = and_(deliveries.c.status == "failed", deliveries.c.lease_until.is_not(None),
                         deliveries.c.lease_until <= now, deliveries.c.attempts < max_attempts)
        async with write_transaction(self._engine) as conn:
            attempts = (await conn.execute(fresh)).scalar_one_or_none()
            taken_over = False
            if attempts is None:
                # Each UPDATE re-checks its condition on the row it locks, so only one process wins it.
                attempts = (await conn.execute(retake.where(expired))).scalar_one_or_none()
                taken_over = attempts is not None
            if attempts is None:
                attempts = (await conn.execute(retake.where(retryable))).scalar_one_or_none()
        if attempts is None:
            return None
        return Claim(key=key, subscription_id=subscription_id, period=period, owner=owner,
                     lease_until=lease_until, attempts=int(attempts), taken_over=taken_over)

    async def mark_posted(self, claim: Claim, *, message_id: str, clusters: Sequence[str], channel_key: str,
                          now: datetime) -> bool:
        """Record the post and the stories it carried; False (and nothing written) when not the holder."""
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(update(deliveries).where(*_held(claim)).values(
                status="posted", message_id=message_id, error=None, lease_until=None, updated_at=now))
            if result.rowcount == 0:
                return False
            ids = sorted(set(clusters))
            if ids:
                stories = self._insert(delivered_stories).values(
                    [{"channel_key": channel_key, "cluster_id": cluster, "delivered_at": now}
                     for cluster in ids])
                # A story sent again (after the repeat window) counts from its latest delivery.
                await conn.execute(stories.on_conflict_do_update(
                    index_elements=["channel_key", "cluster_id"],
                    set_={"delivered_at": stories.excluded.delivered_at},
                    where=delivered_stories.c.delivered_at < stories.excluded.delivered_at,
                ))
        return True

    async def mark_failed(self, claim: Claim, *, error: str, now: datetime,
                          retry_at: datetime | None) -> bool:
        """Record why posting failed; ``retry_at``: when it may be claimed again (None: never).

        False when not the holder."""
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(update(deliveries).where(*_held(claim)).values(
                status="failed", error=error[:MAX_ERROR_LENGTH], lease_until=retry_at, updated_at=now))
        return bool(result.rowcount > 0)

    async def mark_missed(self, subscription_id: int, period: datetime, *, reason: str,
                          now: datetime) -> bool:
        """Record a digest that was due too long ago to post; False when the key has a row already."""
        period = _utc(period)
        statement = self._insert(deliveries).values(
            key=delivery_key(subscription_id, period), subscription_id=subscription_id, period=period,
            status="missed", attempts=0, error=reason[:MAX_ERROR_LENGTH], created_at=now, updated_at=now,
        ).on_conflict_do_nothing(index_elements=["key"]).returning(deliveries.c.key)
        async with write_transaction(self._engine) as conn:
            inserted = (await conn.execute(statement)).scalar_one_or_none()
        return inserted is not None

    async def get(self, key: str) -> DeliveryRecord | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(*deliveries.c).where(deliveries.c.key == key))).one_or_none()
        return _record(row) if row is not None else None

    async def for_subscription(self, subscription_id: int) -> list[DeliveryRecord]:
        """The subscription's digests, oldest period first."""
        statement = (select(*deliveries.c).where(deliveries.c.subscription_id == subscription_id)
                     .order_by(deliveries.c.period))
        async with self._engine.connect() as conn:
            return [_record(row) for row in await conn.execute(statement)]

    async def delivered_clusters(self, channel_key: str, since: datetime) -> frozenset[str]:
        """Clusters of the stories posted to the channel at or after ``since``."""
        statement = select(delivered_stories.c.cluster_id).where(
            delivered_stories.c.channel_key == channel_key, delivered_stories.c.delivered_at >= since)
        async with self._engine.connect() as conn:
            return frozenset((await conn.execute(statement)).scalars())

    async def counts(self) -> dict[str, int]:
        """Digests by status, every status present (0 when none)."""
        statement = select(deliveries.c.status, func.count()).group_by(deliveries.c.status)
        async with self._engine.connect() as conn:
            found = {status: int(count) for status, count in await conn.execute(statement)}
        return {status: found.get(status, 0) for status in DELIVERY_STATUSES}

    async def purge_older_than(self, cutoff: datetime) -> int:
        """Forget finished digests with a period before ``cutoff`` and stories delivered before it.

        Live claims stay whatever their age. Returns how many digest rows went."""
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(delete(deliveries).where(
                deliveries.c.period < cutoff, deliveries.c.status != "claimed"))
            await conn.execute(delete(delivered_stories).where(delivered_stories.c.delivered_at < cutoff))
        return int(result.rowcount)


def _utc(period: datetime) -> datetime:
    # The key spells the period in UTC; a local time would give one digest two keys.
    if period.tzinfo is None:
        raise ValueError(f"naive period {period!r}: give a timezone-aware datetime")
    return period.astimezone(UTC)


def _held(claim: Claim) -> tuple[Any, ...]:
    # The attempt number fences off an earlier holder of the same key, even one with the same owner name.
    return (deliveries.c.key == claim.key, deliveries.c.status == "claimed",
            deliveries.c.owner == claim.owner, deliveries.c.attempts == claim.attempts)


def _record(row: Row[Any]) -> DeliveryRecord:
    return DeliveryRecord(
        key=row.key, subscription_id=int(row.subscription_id), period=row.period,
        status=cast(DeliveryStatus, row.status), owner=row.owner, lease_until=row.lease_until,
        attempts=int(row.attempts), message_id=row.message_id, error=row.error, updated_at=row.updated_at,
    )
