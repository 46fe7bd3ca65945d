"""From a ``CommandRequest`` to a ``Reply``: rate limit, parse, check permission, run, answer once.

Two kinds of error: ``UserError`` (shown as it is: what is wrong and what to do) and everything else
(logged with context and an error id; the user gets a short apology quoting that id).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.chat import CommandRequest, Reply
from bot.commands.errors import UserError
from bot.commands.help import help_text
from bot.commands.parse import parse_command
from bot.commands.results import (
    DigestCommand,
    FeedAddCommand,
    FeedEnableCommand,
    FeedRemoveCommand,
    FeedsCommand,
    HelpCommand,
    LatestCommand,
    LatestKind,
    PairCommand,
    ParsedCommand,
    PauseCommand,
    RegionsCommand,
    ResumeCommand,
    ScheduleCommand,
    ShowCommand,
    SourceExcludeCommand,
    SourceIncludeCommand,
    SubscribeCommand,
    TopicAddCommand,
    TopicRemoveCommand,
    TopicsCommand,
    UnsubscribeCommand,
)
from bot.metrics import COMMAND_SECONDS
from bot.store.config import NoSubscription
from bot.store.feeds import FeedUrlError
from bot.store.store import Store
from bot.subscriptions import Subscription
from digests.compose import compose, describe_query
from digests.countries import country_name
from digests.model import Query
from digests.pair import pair_report
from digests.regions import all_regions
from digests.render import digest_text, pair_text
from digests.topics import CustomTopic, all_topics

log = logging.getLogger(__name__)

RATE_LIMIT = 10  # commands per user per RATE_WINDOW
RATE_WINDOW = 60.0
LATEST_WINDOW = timedelta(days=3)
LATEST_ITEMS = 5
CHART_MAX_AGE = 24 * 3600  # seconds a pair chart file is kept for the adapters to upload


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the dispatcher did, for metrics and logs: the command path and whether it was refused."""

    path: str
    ok: bool
    seconds: float


class RateLimiter:
    """At most ``limit`` requests per ``window`` seconds per user (sliding window, per process)."""

    def __init__(self, limit: int = RATE_LIMIT, window: float = RATE_WINDOW,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque[float]] = defaultdict(deque)

    def allow(self, key: str) -> float | None:
        """None when allowed (and counted); else the seconds until the next request is allowed."""
        now = self.clock()
        seen = self._seen[key]
        while seen and seen[0] <= now - self.window:
            seen.popleft()
        if len(seen) >= self.limit:
            return seen[0] + self.window - now
        seen.append(now)
        return None


def parse_admins(text: str) -> frozenset[str]:
    """``"slack:U123, discord:456"`` -> {"slack:U123", "discord:456"}."""
    return frozenset(part.strip() for part in text.split(",") if ":" in part.strip())


class Dispatcher:
    """Runs commands against the store and the engine; one instance per bot process."""

    def __init__(
        self,
        store: Store,
        *,
        admins: frozenset[str] = frozenset(),
        chart_dir: Path,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_schedule_change: Callable[[], Awaitable[None]] | None = None,
        rate_limiter: RateLimiter | None = None,
    ) -> None:
        self.store = store
        self.admins = admins
        self.chart_dir = chart_dir
        self.clock = clock
        self.on_schedule_change = on_schedule_change
        self.rate_limiter = rate_limiter or RateLimiter()
        self.last_outcome: Outcome | None = None

    async def handle(self, request: CommandRequest) -> Reply:
        started = time.perf_counter()
        path = request.root
        try:
            # The console is the operator's own terminal (and scripts pipe into it): no rate limit there.
            wait = None if request.channel.platform == "console" else self.rate_limiter.allow(request.actor.key)
            if wait is not None:
                raise UserError(f"You have sent more than {RATE_LIMIT} commands in a minute.",
                                f"Please wait {max(1, round(wait))} s and try again.")
            custom = await self.store.config.custom_topics(request.channel.platform, request.channel.workspace)
            command = parse_command(request.root, request.text, custom_topics=[t.slug for t in custom])
            path = command.path
            if command.admin_only and not self.is_admin(request):
                raise UserError(f"`/{command.path}` is an admin command (it sets up this channel's digest), "
                                "so it needs admin rights.",
                                "Ask a workspace or server admin to run it.")
            reply = await self.run(command, request, custom)
            self._record(Outcome(path, True, time.perf_counter() - started))
            return reply
        except UserError as error:
            self._record(Outcome(path, False, time.perf_counter() - started))
            return Reply("error", error.text)
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("command failed (error id %s): root=%s channel=%s user=%s", error_id, request.root,
                          request.channel.key, request.actor.key)
            self._record(Outcome(path, False, time.perf_counter() - started))
            return Reply("error", f"Sorry, something went wrong on our side (error id {error_id}). "
                                  "Please try again later, and quote the id if you report it.")

    def _record(self, outcome: Outcome) -> None:
        self.last_outcome = outcome
        COMMAND_SECONDS.labels(outcome.path, "ok" if outcome.ok else "refused").observe(outcome.seconds)

    def is_admin(self, request: CommandRequest) -> bool:
        return request.actor.is_admin or request.actor.key in self.admins

    # -- commands ------------------------------------------------------------------------------

    async def run(self, command: ParsedCommand, request: CommandRequest, custom: list[CustomTopic]) -> Reply:
        channel = request.channel
        now = self.clock()
        match command:
            case HelpCommand():
                return Reply("text", help_text(command.command, is_admin=self.is_admin(request)))
            case PairCommand():
                return await self._pair(command, now)
            case LatestCommand():
                return await self._latest(command, now, custom)
            case DigestCommand():
                subscription = await self._subscription(request)
                digest = await compose(self.store.articles, subscription.query, now,
                                       limit=subscription.items, exclude_domains=subscription.exclude_domains,
                                       custom_topics=custom,
                                       title=f"Digest preview: {describe_query(subscription.query)}")
                headlines = subscription.mode.value == "headlines"
                return Reply("digest", digest_text(digest, summaries=not headlines), digest=digest,
                             headlines_only=headlines)
            case TopicsCommand():
                return Reply("text", _topics_text(custom))
            case RegionsCommand():
                lines = ["Regions (use the slug in queries):"]
                lines += [f"• `{r.slug}` — {r.name} ({len(r.countries)} countries)" for r in all_regions()]
                return Reply("text", "\n".join(lines))
            case SubscribeCommand():
                return await self._subscribe(command, request, now)
            case ScheduleCommand():
                try:
                    saved = await self.store.config.set_schedule(channel, command.schedule, actor=request.actor.key,
                                                                 now=now)
                except NoSubscription:
                    raise _no_subscription() from None
                await self._schedule_changed()
                return Reply("text", f"Schedule saved: {_schedule_text(saved)}.\n{_subscription_text(saved)}")
            case PauseCommand() | ResumeCommand():
                paused = isinstance(command, PauseCommand)
                try:
                    saved = await self.store.config.set_paused(channel, paused, now=now)
                except NoSubscription:
                    raise _no_subscription() from None
                await self._schedule_changed()
                return Reply("text", "Paused: no digests until `/news-admin resume`." if paused
                             else f"Resumed. {_schedule_text(saved)}")
            case UnsubscribeCommand():
                removed = await self.store.config.delete_subscription(channel)
                await self._schedule_changed()
                return Reply("text", "Unsubscribed: this channel gets no more digests." if removed
                             else "This channel had no subscription.")
            case ShowCommand():
                return Reply("text", _subscription_text(await self._subscription(request)))
            case TopicAddCommand():
                await self.store.config.add_custom_topic(channel.platform, channel.workspace, command.custom,
                                                         actor=request.actor.key)
                words = ", ".join(command.custom.keywords)
                return Reply("text", f"Topic `{command.custom.slug}` saved for this workspace (keywords: {words}). "
                                     f"Use it with `/news-admin subscribe topics={command.custom.slug}`.")
            case TopicRemoveCommand():
                removed = await self.store.config.remove_custom_topic(channel.platform, channel.workspace,
                                                                      command.name)
                if not removed:
                    raise UserError(f"There is no custom topic `{command.name}` in this workspace.",
                                    "See `/news topics`.")
                return Reply("text", f"Topic `{command.name}` removed.")
            case FeedAddCommand():
                try:
                    state = await self.store.feeds.add_feed(command.url, added_by=request.actor.key)
                except FeedUrlError as exc:
                    raise UserError(str(exc), "Give the feed's http:// or https:// address.") from None
                return Reply("text", f"Feed registered: {state.url}. It is fetched in the next polling round; "
                                     "`/news-admin feeds` shows its health.")
            case FeedRemoveCommand():
                if not await self.store.feeds.remove_feed(command.url):
                    raise UserError("That feed is not registered.", "`/news-admin feeds` lists the feeds.")
                return Reply("text", f"Feed removed: {command.url}")
            case FeedEnableCommand():
                if not await self.store.feeds.enable_feed(command.url):
                    raise UserError("That feed is not registered.", "`/news-admin feeds` lists the feeds.")
                return Reply("text", f"Feed re-enabled and due now: {command.url}")
            case FeedsCommand():
                return Reply("text", await self._feeds_text())
            case SourceExcludeCommand():
                try:
                    await self.store.config.exclude_source(channel, command.domain)
                except NoSubscription:
                    raise _no_subscription() from None
                return Reply("text", f"Stories from {command.domain} will no longer appear in this channel.")
            case SourceIncludeCommand():
                if not await self.store.config.include_source(channel, command.domain):
                    raise UserError(f"{command.domain} was not excluded here.", "`/news-admin show` lists exclusions.")
                return Reply("text", f"Stories from {command.domain} can appear in this channel again.")
        raise UserError("That command is not available yet.", "See `/news help`.")

    async def _subscription(self, request: CommandRequest) -> Subscription:
        subscription = await self.store.config.get_subscription(request.channel)
        if subscription is None:
            raise _no_subscription()
        return subscription

    async def _schedule_changed(self) -> None:
        if self.on_schedule_change is not None:
            await self.on_schedule_change()

    async def _pair(self, command: PairCommand, now: datetime) -> Reply:
        notes = tuple(c.note for c in (command.first, command.second) if c.note)
        if command.first.code == command.second.code:
            raise UserError(f"Both arguments are {command.first.name}.", "Give two different countries, "
                            "e.g. /news pair korea japan")
        report = await pair_report(self.store.articles, command.first.code, command.second.code, now,
                                   window=command.since, notes=notes)
        chart = self._chart_path()
        from digests.chart import chart_alt_text, render_pair_chart

        render_pair_chart(report, chart)
        return Reply("pair", pair_text(report), pair=report, chart=chart, chart_alt=chart_alt_text(report))

    def _chart_path(self) -> Path:
        self.chart_dir.mkdir(parents=True, exist_ok=True)
        cutoff = time.time() - CHART_MAX_AGE
        for old in self.chart_dir.glob("pair-*.png"):
            if old.stat().st_mtime < cutoff:
                old.unlink(missing_ok=True)
        return self.chart_dir / f"pair-{uuid.uuid4().hex}.png"

    async def _latest(self, command: LatestCommand, now: datetime, custom: list[CustomTopic]) -> Reply:
        match command.kind:
            case LatestKind.COUNTRY:
                assert command.country is not None
                query, taken = Query(countries=frozenset({command.country.code})), \
                    f"country {command.country.name} ({command.country.code})"
            case LatestKind.REGION:
                assert command.region is not None
                query, taken = Query(regions=frozenset({command.region.slug})), f"region {command.region.name}"
            case LatestKind.TOPIC:
                assert command.topic is not None
                query, taken = Query(topics=frozenset({command.topic.slug})), f"topic {command.topic.name}"
            case LatestKind.CUSTOM_TOPIC:
                query, taken = Query(topics=frozenset({str(command.value)})), f"custom topic {command.value}"
            case _:
                query, taken = Query(text=str(command.value)), f'free text "{command.value}"'
        digest = await compose(self.store.articles, query, now, window=LATEST_WINDOW, limit=LATEST_ITEMS,
                               custom_topics=custom, title=f"Latest: {taken}")
        text = f"Taken as {taken}.\n" + digest_text(digest)
        return Reply("digest", text, digest=digest, notes=(f"Taken as {taken}.",))

    async def _subscribe(self, command: SubscribeCommand, request: CommandRequest, now: datetime) -> Reply:
        topics = frozenset(t.slug for t in command.topics) | frozenset(command.custom_topics)
        query = Query(frozenset(c.code for c in command.countries), frozenset(r.slug for r in command.regions),
                      topics, ", ".join(command.terms))
        saved = await self.store.config.save_query(request.channel, query, items=command.items, mode=command.mode,
                                                   actor=request.actor.key, now=now)
        await self._schedule_changed()
        next_step = "" if saved.schedule else (
            "\nNext: choose when it is posted, e.g. `/news-admin schedule weekdays 08:00 Asia/Seoul`.")
        return Reply("text", "Subscription saved.\n" + _subscription_text(saved) + next_step)

    async def _feeds_text(self) -> str:
        feeds = await self.store.feeds.list_feeds()
        if not feeds:
            return "No feeds are registered. Add one with `/news-admin feed add URL`."
        lines = [f"{len(feeds)} feeds:"]
        for feed in feeds[:40]:
            if feed.disabled:
                state = f"disabled after {feed.consecutive_failures} failures: {feed.last_error or ''}"[:160]
            elif feed.consecutive_failures:
                state = f"failing ({feed.consecutive_failures}×): {feed.last_error or ''}"[:160]
            elif feed.last_success_at:
                state = f"ok, last fetched {feed.last_success_at:%Y-%m-%d %H:%M} UTC"
            else:
                state = "not fetched yet"
            lines.append(f"• {feed.publisher or feed.title or feed.url} — {state}\n  {feed.url}")
        if len(feeds) > 40:
            lines.append(f"… and {len(feeds) - 40} more")
        return "\n".join(lines)


def _no_subscription() -> UserError:
    return UserError("This channel has no subscription yet.",
                     "An admin can create one with `/news-admin subscribe countries=KR,JP topics=diplomacy`.")


def _schedule_text(subscription: Subscription) -> str:
    schedule = subscription.schedule
    if schedule is None:
        return "No schedule yet: set one with `/news-admin schedule weekdays 08:00 Asia/Seoul`."
    state = " (paused)" if subscription.paused else ""
    return f"Posted {schedule.days_text} at {schedule.time:%H:%M} {schedule.timezone}{state}"


def _subscription_text(subscription: Subscription) -> str:
    query = subscription.query
    lines = [
        f"Digest for this channel: {describe_query(query)}",
        f"• countries: {', '.join(f'{country_name(c)} ({c})' for c in sorted(query.countries)) or 'any'}",
        f"• regions: {', '.join(sorted(query.regions)) or 'any'}",
        f"• topics: {', '.join(sorted(query.topics)) or 'any'}",
        f"• terms: {query.text or 'none'}",
        f"• {subscription.items} stories, {subscription.mode.value} mode",
        f"• {_schedule_text(subscription)}",
    ]
    if subscription.exclude_domains:
        lines.append(f"• excluded sources: {', '.join(sorted(subscription.exclude_domains))}")
    if subscription.paused_reason:
        lines.append(f"• paused because: {subscription.paused_reason}")
    return "\n".join(lines)


def _topics_text(custom: list[CustomTopic]) -> str:
    topics = all_topics()
    children: dict[str, list[str]] = defaultdict(list)
    for topic in topics:
        if topic.parent:
            children[topic.parent].append(topic.slug)
    lines = ["Topics (use the slug in queries):"]
    for topic in topics:
        if topic.parent is None:
            under = children.get(topic.slug)
            lines.append(f"• `{topic.slug}`" + (f": {', '.join(under)}" if under else ""))
    if custom:
        lines.append("This workspace's own topics: " + ", ".join(f"`{t.slug}`" for t in custom))
    return "\n".join(lines)
