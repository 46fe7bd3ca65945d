"""``newsbot digest``: the top stories for countries / regions / topics / free text in a window."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.cli.common import add_db_option, duration, settings_or_exit
from bot.cli.output import print_json, problem, stdout
from bot.runtime import open_bot_store
from bot.settings import Settings
from digests.compose import compose
from digests.countries import AmbiguousCountry, UnknownCountry, resolve_country
from digests.model import Query
from digests.regions import all_regions, resolve_region
from digests.render import digest_json, digest_text
from digests.topics import all_topics, resolve_topic


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("digest", help="compose a digest from the stored articles",
                                   description="Top stories in a window, one per story cluster, with reasons.")
    parser.add_argument("--countries", default="", metavar="KR,JP", help="codes, names or demonyms, comma-separated")
    parser.add_argument("--regions", default="", metavar="east-asia", help="region slugs or names, comma-separated")
    parser.add_argument("--topics", default="", metavar="diplomacy", help="topic slugs or names, comma-separated")
    parser.add_argument("--query", default="", metavar="TEXT", help="free text to match")
    parser.add_argument("--since", type=duration, default=timedelta(hours=24), metavar="24h|7d",
                        help="how far back (default 24h)")
    parser.add_argument("--limit", type=int, default=8, metavar="N", help="stories (1-50, default 8)")
    parser.add_argument("--markdown", action="store_true", help="Markdown instead of plain text")
    parser.add_argument("--json", action="store_true", help="one JSON object with an `items` list")
    add_db_option(parser)
    parser.set_defaults(handler=run)


class QueryError(ValueError):
    """A query argument that names nothing we know; the message says what is accepted."""


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def build_query(countries: str, regions: str, topics: str, text: str) -> tuple[Query, list[str]]:
    """A Query from comma-separated user input, and notes on how names were read; QueryError when unknown."""
    notes: list[str] = []
    codes: set[str] = set()
    for name in _split(countries):
        try:
            choice = resolve_country(name)
        except (UnknownCountry, AmbiguousCountry) as exc:
            raise QueryError(str(exc)) from None
        codes.add(choice.code)
        if choice.note:
            notes.append(choice.note)
    slugs: set[str] = set()
    for name in _split(regions):
        found = resolve_region(name)
        if found is None:
            known = ", ".join(r.slug for r in all_regions())
            raise QueryError(f"unknown region {name!r}; known regions: {known}")
        slugs.add(found.slug)
    topic_slugs: set[str] = set()
    for name in _split(topics):
        topic = resolve_topic(name)
        if topic is None:
            examples = ", ".join(t.slug for t in all_topics()[:8])
            raise QueryError(f"unknown topic {name!r}; see `newsbot topics` (e.g. {examples})")
        topic_slugs.add(topic.slug)
    return Query(frozenset(codes), frozenset(slugs), frozenset(topic_slugs), text.strip()), notes


async def _run(settings: Settings, args: argparse.Namespace, query: Query) -> int:
    store = await open_bot_store(settings, override=args.db)
    try:
        digest = await compose(store.articles, query, datetime.now(UTC), window=args.since, limit=args.limit)
    finally:
        await store.close()
    if args.json:
        print_json(digest_json(digest))
    else:
        stdout.print(digest_text(digest, markdown=args.markdown), markup=False, end="")
    return 0


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 50:
        problem("error: --limit must be between 1 and 50")
        return 2
    try:
        query, notes = build_query(args.countries, args.regions, args.topics, args.query)
    except QueryError as exc:
        problem(f"error: {exc}")
        return 2
    for note in notes:
        problem(f"note: {note}")
    settings = settings_or_exit(args)
    if settings is None:
        return 2
    return asyncio.run(_run(settings, args, query))
