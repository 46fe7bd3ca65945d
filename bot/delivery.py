"""Scheduled digests, each posted exactly once: claim the delivery key, compose, post, record.

Any number of processes may run the same ``run_due`` at once: the ledger's claim lets one of them post
each (subscription, period); the others skip it. A period due longer ago than the grace period is
recorded as missed instead of posted late. A process that takes over an expired claim first asks the
platform whether the previous holder posted before it stopped (``DeliveryLookup``), so a post is not
repeated where the platform can tell.

Periods at or before a subscription's last change (``updated_at``: created, query or schedule changed,
paused or resumed) are not due: the subscription as it is now did not exist then.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from bot.chat import ChatAdapter, DeliveryLookup, PostReceipt, PostRejected, PostRetryable, Reply
from bot.commands.values import DigestMode
from bot.metrics import DELIVERY_LEASE_TAKEOVERS, DIGESTS_FAILED, DIGESTS_MISSED, DIGESTS_POSTED
from bot.schedule import Clock, occurrences
from bot.store.config import NoSubscription
from bot.store.deliveries import Claim
from bot.store.store import Store
from bot.subscriptions import Subscription, delivery_key
from digests.compose import Digest, compose, describe_query
from digests.render import digest_text

log = logging.getLogger(__name__)

GRACE = timedelta(hours=2)
LEASE = timedelta(minutes=5)
REPEAT_WINDOW = timedelta(days=7)
MAX_ATTEMPTS = 5
MIN_WINDOW = timedelta(hours=24)  # a digest looks back at least a day, even on a twice-a-day schedule
RETRY_LATER = timedelta(minutes=5)  # a failed digest may be claimed again this long after (within grace)
CONCURRENCY = 4  # digests one process posts at once

Sleep = Callable[[float], Awaitable[None]]
OutcomeStatus = Literal["posted", "silent", "recovered", "skipped", "missed", "failed", "rejected"]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How one delivery retries a post the platform asked to be retried (429, 5xx, network).

    Waits double from ``base_delay``; a Retry-After longer than that is honoured up to ``max_delay``,
    and beyond it (or beyond ``budget`` for all waits together) the delivery stops and is recorded
    failed, to be claimed again later. The budget stays well inside the lease.
    """

    attempts: int = 4
    base_delay: float = 1.0
    max_delay: float = 20.0
    budget: float = 50.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base_delay < 0 or self.max_delay < 0 or self.budget < 0:
            raise ValueError("retry attempts must be at least 1 and the delays not negative")

    def delay(self, attempt: int, retry_after: float | None) -> float | None:
        """Seconds to wait after failed attempt number ``attempt``; None: do not retry now."""
        if attempt >= self.attempts:
            return None
        wait = max(self.base_delay * 2 ** (attempt - 1), retry_after or 0.0)
        return wait if wait <= self.max_delay else None


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What happened to one scheduled digest in this process.

    ``posted``: posted now; ``silent``: nothing new and the channel wants no note, recorded as done;
    ``recovered``: a taken-over claim whose post the platform already had; ``skipped``: another process
    has it or it is done; ``missed``: recorded as missed now; ``failed``: not posted, may be retried
    later; ``rejected``: refused by the platform for good.
    """

    subscription_id: int
    period: datetime
    key: str
    status: OutcomeStatus
    message_id: str | None = None
    detail: str = ""


class DeliveryService:
    """Posts the scheduled digests of every active subscription through the adapter of its platform."""

    def __init__(
        self,
        store: Store,
        adapters: Mapping[str, ChatAdapter],
        clock: Clock,
        *,
        owner: str,
        grace: timedelta = GRACE,
        lease: timedelta = LEASE,
        repeat_window: timedelta = REPEAT_WINDOW,
        max_attempts: int = MAX_ATTEMPTS,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
        concurrency: int = CONCURRENCY,
    ) -> None:
        if not owner:
            raise ValueError("a lease owner name is needed (e.g. host name and process id)")
        if grace <= timedelta(0) or lease <= timedelta(0) or repeat_window < timedelta(0):
            raise ValueError("grace and lease must be positive, the repeat window not negative")
        if max_attempts < 1 or concurrency < 1:
            raise ValueError("max_attempts and concurrency must be at least 1")
        self.store = store
        self.adapters = dict(adapters)
        self.clock = clock
        self.owner = owner
        self.grace = grace
        self.lease = lease
        self.repeat_window = repeat_window
        self.max_attempts = max_attempts
        self.retry = retry or RetryPolicy()
        self.sleep = sleep
        self._slots = asyncio.Semaphore(concurrency)

    async def run_due(self, now: datetime, *, since: datetime,
                      subscription_id: int | None = None) -> list[DeliveryOutcome]:
        """Handle every occurrence in ``(since, now]`` of the active subscriptions (or of one of them):
        post those due within the grace period, record older ones as missed."""
        subscriptions = await self._active(subscription_id)
        missed: list[DeliveryOutcome] = []
        due: list[tuple[Subscription, datetime]] = []
        for sub in subscriptions:
            assert sub.schedule is not None  # active subscriptions have one
            start = max(since, sub.updated_at) if sub.updated_at is not None else since
            for period in occurrences(sub.schedule, start, now):
                if now - period > self.grace:
                    missed.append(await self._record_missed(sub, period, now))
                else:
                    due.append((sub, period))
        delivered = await asyncio.gather(*(self._deliver_guarded(sub, period) for sub, period in due))
        return sorted([*missed, *delivered], key=lambda outcome: (outcome.period, outcome.subscription_id))

    async def deliver(self, sub: Subscription, period: datetime) -> DeliveryOutcome:
        """Post the digest of ``sub`` for ``period`` unless another process has it or it is done."""
        key = delivery_key(sub.id, period)
        adapter = self.adapters.get(sub.channel.platform)
        if adapter is None:
            return DeliveryOutcome(sub.id, period, key, "skipped",
                                   detail=f"no {sub.channel.platform} adapter")
        claim = await self.store.deliveries.claim(sub.id, period, owner=self.owner, now=self.clock(),
                                                  lease=self.lease, max_attempts=self.max_attempts)
        if claim is None:
            return DeliveryOutcome(sub.id, period, key, "skipped")
        if claim.taken_over:
            DELIVERY_LEASE_TAKEOVERS.inc()
            log.info("took over the expired claim of %s (attempt %d)", key, claim.attempts)
        try:
            digest = await self._compose(sub, period)
        except Exception as exc:  # one channel's broken query must not stop the others
            log.exception("composing the digest %s failed", key)
            error = f"internal error composing the digest: {type(exc).__name__}"
            return await self._failed(sub, claim, error, cause="error", retry=True)
        clusters = [item.story.cluster_id for item in digest.items]
        if claim.taken_over or claim.attempts > 1:
            recovered = await self._recover(adapter, sub, claim, clusters)
            if recovered is not None:
                return recovered
        reply = self._reply(sub, digest)
        if reply is None:
            await self._posted(sub, claim, "", clusters)
            return DeliveryOutcome(sub.id, period, key, "silent")
        return await self._post(adapter, sub, claim, reply, clusters)

    async def _active(self, subscription_id: int | None) -> list[Subscription]:
        if subscription_id is None:
            subscriptions = await self.store.config.list_subscriptions(active_only=True)
        else:
            one = await self.store.config.get_subscription_by_id(subscription_id)
            subscriptions = [one] if one is not None and one.active else []
        # A platform with no adapter in this process is left to a process that has one.
        return [sub for sub in subscriptions if sub.channel.platform in self.adapters]

    async def _record_missed(self, sub: Subscription, period: datetime, now: datetime) -> DeliveryOutcome:
        key = delivery_key(sub.id, period)
        late = now - period
        reason = f"due {late.total_seconds() / 3600:.1f} h ago, beyond the {self._grace_text} grace period"
        if await self.store.deliveries.mark_missed(sub.id, period, reason=reason, now=now):
            DIGESTS_MISSED.labels(sub.channel.platform).inc()
            log.warning("digest %s recorded missed: %s", key, reason)
            return DeliveryOutcome(sub.id, period, key, "missed", detail=reason)
        return DeliveryOutcome(sub.id, period, key, "skipped")

    @property
    def _grace_text(self) -> str:
        return f"{self.grace.total_seconds() / 3600:g} h"

    async def _deliver_guarded(self, sub: Subscription, period: datetime) -> DeliveryOutcome:
        async with self._slots:
            try:
                return await self.deliver(sub, period)
            except Exception as exc:  # e.g. the database went away: log it, keep the other deliveries going
                log.exception("delivering %s failed", delivery_key(sub.id, period))
                return DeliveryOutcome(sub.id, period, delivery_key(sub.id, period), "failed",
                                       detail=f"internal error: {type(exc).__name__}")

    async def _compose(self, sub: Subscription, period: datetime) -> Digest:
        now = self.clock()
        previous = self._previous_period(sub, period)
        window = max(MIN_WINDOW, now - previous) if previous is not None else MIN_WINDOW
        sent = await self.store.deliveries.delivered_clusters(sub.channel.key, now - self.repeat_window)
        custom = await self.store.config.custom_topics(sub.channel.platform, sub.channel.workspace)
        return await compose(self.store.articles, sub.query, now, window=window, limit=sub.items,
                             exclude_domains=sub.exclude_domains, exclude_clusters=sent, custom_topics=custom)

    def _previous_period(self, sub: Subscription, period: datetime) -> datetime | None:
        assert sub.schedule is not None
        earlier = occurrences(sub.schedule, period - timedelta(days=9), period - timedelta(seconds=1))
        return earlier[-1] if earlier else None

    def _reply(self, sub: Subscription, digest: Digest) -> Reply | None:
        if digest.items:
            headlines = sub.mode is DigestMode.HEADLINES
            return Reply("digest", digest_text(digest, summaries=not headlines), ephemeral=False,
                         digest=digest, headlines_only=headlines)
        if not sub.post_when_empty:
            return None
        note = f"Nothing new for {describe_query(sub.query)} since the last digest."
        return Reply("text", note, ephemeral=False)

    async def _recover(self, adapter: ChatAdapter, sub: Subscription, claim: Claim,
                       clusters: Sequence[str]) -> DeliveryOutcome | None:
        """After a take-over: the previous holder's post, if the platform has it."""
        if not isinstance(adapter, DeliveryLookup):
            return None
        try:
            found = await adapter.find_delivery(sub.channel, claim.key)
        except Exception as exc:  # unknown whether it was posted: posting now could repeat it, so wait
            log.warning("looking up %s on %s failed: %s", claim.key, sub.channel.platform, exc)
            return await self._failed(sub, claim, f"could not check whether it was posted: {exc}",
                                      cause="error", retry=True)
        if found is None:
            return None
        log.info("digest %s was already posted (message %s) by a previous holder", claim.key,
                 found.message_id)
        await self._posted(sub, claim, found.message_id, clusters)
        return DeliveryOutcome(sub.id, claim.period, claim.key, "recovered", message_id=found.message_id)

    async def _post(self, adapter: ChatAdapter, sub: Subscription, claim: Claim, reply: Reply,
                    clusters: Sequence[str]) -> DeliveryOutcome:
        waited = 0.0
        attempt = 0
        while True:
            attempt += 1
            try:
                receipt: PostReceipt = await adapter.post_digest(sub.channel, reply, delivery_key=claim.key)
            except PostRetryable as exc:
                delay = self.retry.delay(attempt, exc.retry_after)
                if delay is None or waited + delay > self.retry.budget:
                    later = max(RETRY_LATER, timedelta(seconds=exc.retry_after or 0))
                    return await self._failed(sub, claim, f"{exc.reason} (gave up after {attempt} attempt"
                                              f"{'s' if attempt > 1 else ''})", cause="retries", retry=True,
                                              retry_in=later)
                log.info("posting %s: %s; retrying in %.1f s", claim.key, exc.reason, delay)
                await self.sleep(delay)
                waited += delay
                continue
            except PostRejected as exc:
                return await self._rejected(sub, claim, exc)
            except Exception as exc:  # an adapter bug: recorded on this digest, retried later
                log.exception("posting %s failed", claim.key)
                return await self._failed(sub, claim, f"internal error posting: {type(exc).__name__}: {exc}",
                                          cause="error", retry=True)
            await self._posted(sub, claim, receipt.message_id, clusters)
            return DeliveryOutcome(sub.id, claim.period, claim.key, "posted", message_id=receipt.message_id,
                                   detail=f"{attempt} attempt{'s' if attempt > 1 else ''}")

    async def _posted(self, sub: Subscription, claim: Claim, message_id: str,
                      clusters: Sequence[str]) -> None:
        recorded = await self.store.deliveries.mark_posted(claim, message_id=message_id, clusters=clusters,
                                                           channel_key=sub.channel.key, now=self.clock())
        if message_id:  # "" records a digest that was left unposted on purpose (nothing new, no note wanted)
            DIGESTS_POSTED.labels(sub.channel.platform).inc()
        if not recorded:  # the lease ran out while posting and another process took the claim over
            log.warning("digest %s was posted but its claim had been taken over: it may appear twice",
                        claim.key)

    async def _failed(self, sub: Subscription, claim: Claim, error: str, *, cause: str, retry: bool,
                      retry_in: timedelta = RETRY_LATER) -> DeliveryOutcome:
        now = self.clock()
        retry_at = now + retry_in if retry else None
        await self.store.deliveries.mark_failed(claim, error=error, now=now, retry_at=retry_at)
        DIGESTS_FAILED.labels(sub.channel.platform, cause).inc()
        log.warning("digest %s not posted: %s", claim.key, error)
        return DeliveryOutcome(sub.id, claim.period, claim.key, "failed", detail=error)

    async def _rejected(self, sub: Subscription, claim: Claim, exc: PostRejected) -> DeliveryOutcome:
        await self._failed(sub, claim, f"refused by {sub.channel.platform}: {exc.reason}", cause="rejected",
                           retry=False)
        if exc.pause_subscription:
            try:
                await self.store.config.set_paused(sub.channel, True, reason=exc.reason, now=self.clock())
            except NoSubscription:
                pass  # unsubscribed meanwhile: nothing left to pause
            else:
                log.warning("paused the digest of %s: %s", sub.channel.key, exc.reason)
        return DeliveryOutcome(sub.id, claim.period, claim.key, "rejected", detail=exc.reason)
