"""``newsbot feeds [add URL | remove URL | enable URL | poll]``: the registered feeds and their health."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.table import Table

from bot.cli.common import add_db_option, settings_or_exit
from bot.cli.output import print_json, problem, stdout
from bot.polling import poll_round, process_owner
from bot.runtime import open_bot_store
from bot.settings import Settings
from bot.store.feeds import FeedState, FeedUrlError
from digests.analyse import Analyser
from digests.ingest.fetch import Fetcher
from digests.ingest.pipeline import Ingester
from digests.render import iso

ACTIONS = ("list", "add", "remove", "enable", "poll")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "feeds", help="list registered feeds and their health; add, remove or re-enable one; poll now",
        description="Without arguments: each feed's last success, last error, failures and next attempt.",
    )
    parser.add_argument("action", nargs="?", default="list", choices=ACTIONS)
    parser.add_argument("url", nargs="?", help="the feed URL (for add, remove, enable)")
    parser.add_argument("--json", action="store_true", help="JSON output")
    add_db_option(parser)
    parser.set_defaults(handler=run)


def feed_json(feed: FeedState) -> dict[str, Any]:
    def when(moment: datetime | None) -> str | None:
        return iso(moment) if moment else None

    return {
        "url": feed.url, "title": feed.title, "publisher": feed.publisher, "country": feed.country,
        "last_success": when(feed.last_success_at), "last_error": feed.last_error,
        "consecutive_failures": feed.consecutive_failures, "next_attempt": when(feed.next_attempt_at),
        "disabled": feed.disabled,
    }


def _table(states: list[FeedState]) -> Table:
    table = Table(title=f"{len(states)} registered feeds", title_justify="left")
    for column in ("feed", "last success", "failures", "next attempt", "last error"):
        table.add_column(column)
    for feed in states:
        table.add_row(
            (feed.publisher or feed.title or "") + "\n" + feed.url,
            f"{feed.last_success_at:%Y-%m-%d %H:%M}" if feed.last_success_at else "never",
            f"{feed.consecutive_failures}" + (" (disabled)" if feed.disabled else ""),
            f"{feed.next_attempt_at:%Y-%m-%d %H:%M}" if feed.next_attempt_at else "now",
            (feed.last_error or "")[:80],
        )
    return table


async def _run(settings: Settings, args: argparse.Namespace) -> int:
    store = await open_bot_store(settings, override=args.db)
    try:
        registry = store.feeds
        if args.action in {"add", "remove", "enable"}:
            if not args.url:
                problem(f"error: give the feed URL: newsbot feeds {args.action} URL")
                return 2
            if args.action == "add":
                try:
                    state = await registry.add_feed(args.url, added_by="cli")
                except FeedUrlError as exc:
                    problem(f"error: {exc}")
                    return 2
                _say(args, {"added": feed_json(state)}, f"registered {state.url}")
            elif args.action == "remove":
                if not await registry.remove_feed(args.url):
                    problem(f"error: {args.url} is not registered (see `newsbot feeds`)")
                    return 1
                _say(args, {"removed": args.url}, f"removed {args.url}")
            elif not await registry.enable_feed(args.url):
                problem(f"error: {args.url} is not registered (see `newsbot feeds`)")
                return 1
            else:
                _say(args, {"enabled": args.url}, f"re-enabled {args.url}; it is due now")
            return 0
        if args.action == "poll":
            async with Fetcher(allow_private=settings.allow_private_feeds) as fetcher:
                ingester = Ingester(store.articles, Analyser(), fetcher=fetcher)
                result = await poll_round(registry, ingester, owner=process_owner(), now=datetime.now(UTC),
                                          interval=timedelta(minutes=settings.feed_poll_minutes),
                                          max_failures=settings.feed_max_failures)
            for outcome in result.outcomes:
                _say(args, {"feed": outcome.source, "ok": outcome.ok, "reason": outcome.reason,
                            "new": outcome.new}, f"{outcome.source}: {outcome.summary()}")
            return 1 if result.failed else 0
        states = await registry.list_feeds()
        if args.json:
            print_json({"feeds": [feed_json(s) for s in states]})
        else:
            stdout.print(_table(states))
        return 0
    finally:
        await store.close()


def _say(args: argparse.Namespace, obj: dict[str, Any], text: str) -> None:
    if args.json:
        print_json(obj)
    else:
        stdout.print(text, markup=False)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    if settings is None:
        return 2
    if args.action == "list" and args.url:
        problem(f"error: unknown action {args.url!r}; use add, remove, enable or poll")
        return 2
    return asyncio.run(_run(settings, args))
