"""One polling round of the registered feeds: claim due feeds, fetch them, record health.

With several processes on one PostgreSQL each claims a disjoint set of feeds (row leases), so each feed
is fetched once per round. One failing feed only backs itself off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.metrics import FEED_FETCHES, FEEDS
from bot.store.feeds import FeedRegistry, FeedState
from digests.ingest.pipeline import Ingester, SourceOutcome

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)
ROUND_LIMIT = 2000  # feeds one process takes per round
FEEDS_AT_ONCE = 32  # feeds fetched and stored concurrently: the fetcher's own limit, and few writers queueing


def process_owner() -> str:
    """A lease owner name unique to this process: host and pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, slots=True)
class RoundResult:
    claimed: int
    outcomes: tuple[SourceOutcome, ...]

    @property
    def failed(self) -> int:
        return sum(1 for o in self.outcomes if not o.ok)

    @property
    def not_modified(self) -> int:
        return sum(1 for o in self.outcomes if o.not_modified)

    @property
    def new_articles(self) -> int:
        return sum(o.new for o in self.outcomes)


async def poll_round(
    registry: FeedRegistry,
    ingester: Ingester,
    *,
    owner: str,
    now: datetime,
    interval: timedelta,
    max_failures: int,
    limit: int = ROUND_LIMIT,
) -> RoundResult:
    """Fetch every due feed this process could claim; record each one's success or failure."""
    claimed = await registry.claim_due_feeds(owner, now, limit=limit, lease=LEASE)
    slots = asyncio.Semaphore(FEEDS_AT_ONCE)

    async def one(feed: FeedState) -> SourceOutcome:
        async with slots:
            try:
                outcome = await ingester.ingest_url(feed.url, etag=feed.etag, last_modified=feed.last_modified,
                                                    publisher=feed.publisher)
            except Exception as exc:  # a bug in one feed's path is recorded on that feed, never stops the round
                log.exception("ingesting %s failed", feed.url)
                outcome = SourceOutcome(feed.url, "feed", ok=False, reason=f"internal error: {type(exc).__name__}")
            try:
                if outcome.ok:
                    await registry.record_success(feed.url, owner, etag=outcome.etag,
                                                  last_modified=outcome.last_modified, now=now,
                                                  next_attempt_at=now + interval)
                else:
                    await registry.record_failure(feed.url, owner, error=outcome.reason or "unknown error",
                                                  now=now, max_failures=max_failures)
            except Exception:  # the lease runs out and the feed is retried next round; the others go on
                log.exception("recording the state of %s failed", feed.url)
            return outcome

    outcomes = await asyncio.gather(*(one(feed) for feed in claimed))
    for outcome in outcomes:
        FEED_FETCHES.labels("failed" if not outcome.ok else "unchanged" if outcome.not_modified else "new").inc()
    with contextlib.suppress(Exception):  # metrics never fail a round
        states = await registry.list_feeds()
        counts = Counter("disabled" if f.disabled else "failing" if f.consecutive_failures else "ok" for f in states)
        for state in ("ok", "failing", "disabled"):
            FEEDS.labels(state).set(counts.get(state, 0))
    return RoundResult(len(claimed), tuple(outcomes))
