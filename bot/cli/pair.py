"""``newsbot pair A B [--since 7d] [--chart PATH] [--json]``: the latest between two countries."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.cli.common import add_db_option, duration, settings_or_exit
from bot.cli.output import print_json, problem, stdout
from bot.runtime import open_bot_store
from bot.settings import Settings
from digests.countries import AmbiguousCountry, CountryChoice, UnknownCountry, resolve_country
from digests.pair import pair_report
from digests.render import pair_json, pair_text


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "pair", help="the latest stories between two countries, coverage and tone trend, topics, chart",
        description='One country per argument: codes, names or demonyms; quote names with spaces '
                    '(newsbot pair "south korea" japan).',
    )
    parser.add_argument("first", metavar="A")
    parser.add_argument("second", metavar="B")
    parser.add_argument("--since", type=duration, default=timedelta(days=7), metavar="7d",
                        help="the window (default 7d); compared with the window before it")
    parser.add_argument("--limit", type=int, default=5, metavar="N", help="stories (1-20, default 5)")
    parser.add_argument("--chart", type=Path, default=None, metavar="PATH",
                        help="write a PNG chart of daily stories and tone over 30 days")
    parser.add_argument("--markdown", action="store_true", help="Markdown instead of plain text")
    parser.add_argument("--json", action="store_true", help="one JSON object with an `items` list")
    add_db_option(parser)
    parser.set_defaults(handler=run)


def resolve_pair(first: str, second: str) -> tuple[CountryChoice, CountryChoice]:
    """Both countries, or UnknownCountry / AmbiguousCountry / ValueError with a message to show."""
    a, b = resolve_country(first), resolve_country(second)
    if a.code == b.code:
        raise ValueError(f"{first!r} and {second!r} are the same country ({a.name}); give two different ones")
    return a, b


async def _run(settings: Settings, args: argparse.Namespace, a: CountryChoice, b: CountryChoice,
               notes: tuple[str, ...]) -> int:
    store = await open_bot_store(settings, override=args.db)
    try:
        report = await pair_report(store.articles, a.code, b.code, datetime.now(UTC), window=args.since,
                                   limit=args.limit, notes=notes)
    finally:
        await store.close()
    obj = pair_json(report)
    if args.chart:
        from digests.chart import render_pair_chart

        try:
            render_pair_chart(report, args.chart)
        except OSError as exc:
            problem(f"error: cannot write the chart to {args.chart}: {exc.strerror or exc}")
            return 1
        obj["chart"] = str(args.chart)
    if args.json:
        print_json(obj)
    else:
        stdout.print(pair_text(report, markdown=args.markdown), markup=False, end="")
        if args.chart:
            stdout.print(f"chart: {args.chart}", markup=False)
    return 0


def run(args: argparse.Namespace) -> int:
    if not 1 <= args.limit <= 20:
        problem("error: --limit must be between 1 and 20")
        return 2
    try:
        a, b = resolve_pair(args.first, args.second)
    except (UnknownCountry, AmbiguousCountry, ValueError) as exc:
        problem(f"error: {exc}")
        return 2
    notes = tuple(choice.note for choice in (a, b) if choice.note)
    for note in notes:
        problem(f"note: {note}")
    settings = settings_or_exit(args)
    if settings is None:
        return 2
    return asyncio.run(_run(settings, args, a, b, notes))
