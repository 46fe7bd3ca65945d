"""Prometheus metrics of the bot, declared once for the process (served at /metrics by ``bot.http``).

Counters count what this process did; Prometheus sums them over replicas.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

DIGESTS_POSTED = Counter(
    "newsbot_digests_posted",
    "Scheduled digests posted (a 'nothing new' note included), or found already posted after a take-over.",
    ["platform"],
)
DIGESTS_MISSED = Counter(
    "newsbot_digests_missed",
    "Scheduled digests recorded as missed: due longer ago than the grace period when the bot got to them.",
    ["platform"],
)
DIGESTS_FAILED = Counter(
    "newsbot_digests_failed",
    "Scheduled digests that could not be posted: retries used up, refused by the platform, or an error.",
    ["platform", "cause"],
)
DELIVERY_LEASE_TAKEOVERS = Counter(
    "newsbot_delivery_lease_takeovers",
    "Digest claims taken over from a process whose lease ran out (it stopped or stalled).",
)
DELIVERIES = Gauge(
    "newsbot_deliveries",
    "Digests in the delivery ledger by status (all replicas), as last read by this process.",
    ["status"],
)

COMMAND_SECONDS = Histogram(
    "newsbot_command_seconds",
    "Time from a slash command reaching the dispatcher to its reply.",
    ["command", "outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
FEEDS = Gauge(
    "newsbot_feeds",
    "Registered feeds by state after this process's last polling round.",
    ["state"],
)
FEED_FETCHES = Counter(
    "newsbot_feed_fetches_total",
    "Feed fetches by result: new or unchanged content, or failure.",
    ["result"],
)
