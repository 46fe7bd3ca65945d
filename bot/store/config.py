"""Channel configuration: each channel's subscription, its excluded sources, and each workspace's topics.

Arguments arrive validated by the command layer; every change is one transaction, committed before the
method returns, so a reply that says "saved" is true after a restart. A subscription row whose stored
schedule no longer reads (say, a time zone dropped from the zone database) is returned unscheduled,
with a warning in the log, rather than breaking every listing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import Row, delete, false, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.chat import ChannelRef
from bot.commands.schedule import Schedule
from bot.commands.values import DigestMode
from bot.store.config_schema import (
    custom_topics,
    delivered_stories,
    deliveries,
    excluded_sources,
    subscriptions,
)
from bot.store.transaction import write_transaction
from bot.subscriptions import Subscription
from digests.model import Query
from digests.topics import CustomTopic

log = logging.getLogger(__name__)


class NoSubscription(LookupError):
    """The channel has no subscription, and the change asked for needs one."""

    def __init__(self, channel: ChannelRef) -> None:
        super().__init__(f"the channel {channel.key} has no subscription")
        self.channel = channel


class ConfigStore:
    """Subscriptions (one per channel), excluded sources (per subscription), custom topics (per workspace)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert: Callable[..., Any] = (
            postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        )

    # -- subscriptions -------------------------------------------------------------------------

    async def get_subscription(self, channel: ChannelRef) -> Subscription | None:
        async with self._engine.connect() as conn:
            return await _subscription_of(conn, channel)

    async def get_subscription_by_id(self, id: int) -> Subscription | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(*subscriptions.c).where(subscriptions.c.id == id))).one_or_none()
            return await _with_exclusions(conn, row) if row is not None else None

    async def save_query(self, channel: ChannelRef, query: Query, *, items: int, mode: DigestMode, actor: str,
                         now: datetime) -> Subscription:
        """Create the channel's subscription or replace its query, items and mode; schedule and pause stay."""
        changed = {
            "countries": sorted(query.countries), "regions": sorted(query.regions),
            "topics": sorted(query.topics), "terms": query.text, "items": items, "mode": mode.value,
            "updated_by": actor, "updated_at": now,
        }
        created = {
            "platform": channel.platform, "workspace": channel.workspace, "channel": channel.channel,
            "paused": False, "post_when_empty": True, "created_by": actor, "created_at": now,
        }
        statement = self._insert(subscriptions).values(created | changed).on_conflict_do_update(
            index_elements=["platform", "workspace", "channel"], set_=changed)
        async with write_transaction(self._engine) as conn:
            await conn.execute(statement)
            return await _existing(conn, channel)

    async def set_schedule(self, channel: ChannelRef, schedule: Schedule, *, actor: str,
                           now: datetime) -> Subscription:
        """Set when the channel's digest is posted; ``NoSubscription`` when it has none."""
        return await self._update(channel, {
            "schedule_days": ",".join(str(day) for day in sorted(schedule.days)),
            "schedule_time": f"{schedule.time:%H:%M}", "schedule_tz": schedule.timezone,
            "updated_by": actor, "updated_at": now,
        })

    async def set_paused(self, channel: ChannelRef, paused: bool, *, reason: str | None = None,
                         now: datetime) -> Subscription:
        """Pause (``reason``: why, when the bot itself paused it) or resume; ``NoSubscription`` when none."""
        return await self._update(channel, {"paused": paused, "paused_reason": reason if paused else None,
                                            "updated_at": now})

    async def set_post_when_empty(self, channel: ChannelRef, post: bool, *, actor: str,
                                  now: datetime) -> Subscription:
        """Whether an empty digest posts a one-line "nothing new" (True) or nothing; ``NoSubscription``."""
        return await self._update(channel, {"post_when_empty": post, "updated_by": actor, "updated_at": now})

    async def delete_subscription(self, channel: ChannelRef) -> bool:
        """Remove the channel's subscription with its excluded sources; False when there was none."""
        async with write_transaction(self._engine) as conn:
            found = await _locked_id_of(conn, channel)
            if found is None:
                return False
            # Explicit rather than left to the cascade: SQLite enforces it only with foreign_keys=ON.
            await conn.execute(delete(excluded_sources).where(excluded_sources.c.subscription_id == found))
            await conn.execute(delete(subscriptions).where(subscriptions.c.id == found))
        return True

    async def list_subscriptions(self, *, active_only: bool = False) -> list[Subscription]:
        """Every subscription in id order; ``active_only``: scheduled and not paused."""
        statement = select(*subscriptions.c).order_by(subscriptions.c.id)
        if active_only:
            statement = statement.where(subscriptions.c.schedule_days.is_not(None),
                                        subscriptions.c.paused == false())
        async with self._engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
            domains = await _exclusions(conn, [row.id for row in rows])
        listed = [_subscription(row, domains.get(row.id, frozenset())) for row in rows]
        return [s for s in listed if s.active] if active_only else listed

    # -- excluded sources ----------------------------------------------------------------------

    async def exclude_source(self, channel: ChannelRef, domain: str) -> Subscription:
        """Leave stories from ``domain`` out of the channel's digests; ``NoSubscription`` when it has none."""
        async with write_transaction(self._engine) as conn:
            found = await _locked_id_of(conn, channel)
            if found is None:
                raise NoSubscription(channel)
            await conn.execute(self._insert(excluded_sources).values(
                subscription_id=found, domain=_domain(domain), created_at=datetime.now(UTC),
            ).on_conflict_do_nothing(index_elements=["subscription_id", "domain"]))
            return await _existing(conn, channel)

    async def include_source(self, channel: ChannelRef, domain: str) -> bool:
        """Undo ``exclude_source``; False when the domain was not excluded (or there is no subscription)."""
        async with write_transaction(self._engine) as conn:
            found = await _locked_id_of(conn, channel)
            if found is None:
                return False
            result = await conn.execute(delete(excluded_sources).where(
                excluded_sources.c.subscription_id == found, excluded_sources.c.domain == _domain(domain)))
        return result.rowcount > 0

    # -- custom topics -------------------------------------------------------------------------

    async def add_custom_topic(self, platform: str, workspace: str, topic: CustomTopic, *, actor: str,
                               now: datetime | None = None) -> None:
        """Save a workspace's topic, replacing one of the same slug."""
        changed = {"keywords": list(topic.keywords), "exclude": list(topic.exclude), "created_by": actor,
                   "created_at": now or datetime.now(UTC)}
        statement = self._insert(custom_topics).values(
            platform=platform, workspace=workspace, slug=topic.slug, **changed,
        ).on_conflict_do_update(index_elements=["platform", "workspace", "slug"], set_=changed)
        async with write_transaction(self._engine) as conn:
            await conn.execute(statement)

    async def remove_custom_topic(self, platform: str, workspace: str, slug: str) -> bool:
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(delete(custom_topics).where(
                custom_topics.c.platform == platform, custom_topics.c.workspace == workspace,
                custom_topics.c.slug == slug))
        return result.rowcount > 0

    async def custom_topics(self, platform: str, workspace: str) -> list[CustomTopic]:
        """The workspace's topics by slug."""
        statement = (select(*custom_topics.c)
                     .where(custom_topics.c.platform == platform, custom_topics.c.workspace == workspace)
                     .order_by(custom_topics.c.slug))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        readable = (_custom_topic(row) for row in rows)
        return [topic for topic in readable if topic is not None]

    # -- uninstall -----------------------------------------------------------------------------

    async def delete_workspace(self, platform: str, workspace: str) -> int:
        """Forget a workspace (Slack team / Discord guild) that removed the bot.

        Deletes its subscriptions with their excluded sources and delivery records, its custom topics,
        and the stories delivered to its channels. Returns how many subscriptions and custom topics went.
        """
        ours = (subscriptions.c.platform == platform, subscriptions.c.workspace == workspace)
        async with write_transaction(self._engine) as conn:
            theirs = select(subscriptions.c.id).where(*ours).with_for_update()
            ids = list((await conn.execute(theirs)).scalars())
            if ids:
                await conn.execute(delete(excluded_sources)
                                   .where(excluded_sources.c.subscription_id.in_(ids)))
                await conn.execute(delete(deliveries).where(deliveries.c.subscription_id.in_(ids)))
            removed = (await conn.execute(delete(subscriptions).where(*ours))).rowcount
            removed += (await conn.execute(delete(custom_topics).where(
                custom_topics.c.platform == platform, custom_topics.c.workspace == workspace))).rowcount
            # Channel keys are "platform:workspace:channel"; the prefix is escaped so "_" or "%" stay literal.
            await conn.execute(delete(delivered_stories).where(
                delivered_stories.c.channel_key.startswith(f"{platform}:{workspace}:", autoescape=True)))
        return int(removed)

    async def _update(self, channel: ChannelRef, values: dict[str, Any]) -> Subscription:
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(update(subscriptions).where(*_channel_is(channel)).values(values))
            if result.rowcount == 0:
                raise NoSubscription(channel)
            return await _existing(conn, channel)


def _channel_is(channel: ChannelRef) -> tuple[Any, ...]:
    return (subscriptions.c.platform == channel.platform, subscriptions.c.workspace == channel.workspace,
            subscriptions.c.channel == channel.channel)


def _domain(domain: str) -> str:
    return domain.strip().lower().rstrip(".")


async def _locked_id_of(conn: AsyncConnection, channel: ChannelRef) -> int | None:
    """The channel's subscription id, its row locked (PostgreSQL) until the transaction ends, so a
    concurrent unsubscribe cannot delete it between this read and the write that depends on it."""
    statement = select(subscriptions.c.id).where(*_channel_is(channel)).with_for_update()
    found = (await conn.execute(statement)).scalar_one_or_none()
    return int(found) if found is not None else None


async def _subscription_of(conn: AsyncConnection, channel: ChannelRef) -> Subscription | None:
    row = (await conn.execute(select(*subscriptions.c).where(*_channel_is(channel)))).one_or_none()
    return await _with_exclusions(conn, row) if row is not None else None


async def _existing(conn: AsyncConnection, channel: ChannelRef) -> Subscription:
    found = await _subscription_of(conn, channel)
    assert found is not None, "read back in the transaction that wrote it"
    return found


async def _with_exclusions(conn: AsyncConnection, row: Row[Any]) -> Subscription:
    domains = await _exclusions(conn, [row.id])
    return _subscription(row, domains.get(row.id, frozenset()))


async def _exclusions(conn: AsyncConnection, ids: Iterable[int]) -> dict[int, frozenset[str]]:
    wanted = list(ids)
    if not wanted:
        return {}
    found: dict[int, set[str]] = {}
    # In batches: one IN list per query stays well under the drivers' parameter limits.
    for start in range(0, len(wanted), 500):
        batch = wanted[start:start + 500]
        rows = await conn.execute(select(excluded_sources.c.subscription_id, excluded_sources.c.domain)
                                  .where(excluded_sources.c.subscription_id.in_(batch)))
        for subscription_id, domain in rows:
            found.setdefault(int(subscription_id), set()).add(domain)
    return {key: frozenset(value) for key, value in found.items()}


def _subscription(row: Row[Any], exclude_domains: frozenset[str]) -> Subscription:
    channel = ChannelRef(row.platform, row.workspace, row.channel)
    return Subscription(
        id=int(row.id), channel=channel,
        query=Query(frozenset(row.countries), frozenset(row.regions), frozenset(row.topics), row.terms),
        items=int(row.items), mode=_mode(row.mode, row.id), schedule=_schedule(row),
        paused=bool(row.paused), post_when_empty=bool(row.post_when_empty), exclude_domains=exclude_domains,
        created_by=row.created_by, updated_at=row.updated_at, paused_reason=row.paused_reason,
    )


def _custom_topic(row: Row[Any]) -> CustomTopic | None:
    try:
        return CustomTopic(row.slug, tuple(row.keywords), tuple(row.exclude))
    except (TypeError, ValueError) as error:
        # One unreadable topic must not break every command of its workspace, which all load the topics.
        log.warning("custom topic %r no longer reads (%s): left out", row.slug, error)
        return None


def _mode(value: str, subscription_id: int) -> DigestMode:
    try:
        return DigestMode(value)
    except ValueError:
        log.warning("subscription %s has an unknown digest mode %r: posting full digests",
                    subscription_id, value)
        return DigestMode.FULL


def _schedule(row: Row[Any]) -> Schedule | None:
    if row.schedule_days is None or row.schedule_time is None or row.schedule_tz is None:
        return None
    try:
        days = frozenset(int(day) for day in row.schedule_days.split(","))
        return Schedule(days, time.fromisoformat(row.schedule_time), row.schedule_tz)
    except ValueError as error:
        log.warning("subscription %s has a stored schedule that no longer reads (%s): treated as unscheduled",
                    row.id, error)
        return None

