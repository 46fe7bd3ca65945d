"""``newsbot ingest SOURCE... [--json]``: a one-off import of feeds, feed files and article files.

Registers nothing: ``newsbot feeds add`` is for feeds to poll.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import add_db_option, settings_or_exit
from bot.cli.output import print_json, problem, stdout
from bot.runtime import open_bot_store
from bot.settings import Settings
from digests.analyse import Analyser
from digests.ingest.fetch import Fetcher
from digests.ingest.pipeline import Ingester, SourceOutcome


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "ingest", help="import feed URLs, feed files, article files or JSONL once (registers nothing)",
        description="Fetch or read each SOURCE, analyse its articles and store them; one outcome per source.",
    )
    parser.add_argument("sources", nargs="+", metavar="SOURCE",
                        help="http(s) feed URL, feed file (.xml/.rss/.atom/.json), .txt article, .jsonl, or folder")
    parser.add_argument("--pages", action="store_true",
                        help="fetch the article page for items that carry only a teaser (respects robots.txt)")
    parser.add_argument("--json", action="store_true", help="one JSON object per source")
    add_db_option(parser)
    parser.set_defaults(handler=run)


def outcome_json(outcome: SourceOutcome) -> dict[str, Any]:
    return {
        "source": outcome.source, "kind": outcome.kind, "ok": outcome.ok, "reason": outcome.reason,
        "items": outcome.items, "new": outcome.new, "near_duplicates": outcome.near_duplicates,
        "duplicates": outcome.duplicates, "failed": outcome.failed, "not_modified": outcome.not_modified,
        "feed_title": outcome.feed_title, "warnings": outcome.warnings, "errors": outcome.errors,
    }


async def ingest(settings: Settings, args: argparse.Namespace) -> list[SourceOutcome]:
    store = await open_bot_store(settings, override=args.db)
    try:
        async with Fetcher(allow_private=settings.allow_private_feeds) as fetcher:
            ingester = Ingester(store.articles, Analyser(), fetcher=fetcher, fetch_pages=args.pages)
            return await ingester.ingest(args.sources)
    finally:
        await store.close()


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    if settings is None:
        return 2
    outcomes = asyncio.run(ingest(settings, args))
    for outcome in outcomes:
        if args.json:
            print_json(outcome_json(outcome))
        else:
            stdout.print(f"{outcome.source}: {outcome.summary()}", markup=False)
        for line in outcome.errors:
            # read errors already name their file and line
            problem(f"error: {line}" if line.startswith(outcome.source) else f"error: {outcome.source}: {line}")
        if not outcome.ok:
            problem(f"error: {outcome.source}: {outcome.reason}")
    return 0 if all(o.ok and not o.failed for o in outcomes) else 1
