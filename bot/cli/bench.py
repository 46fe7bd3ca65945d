"""``newsbot bench``: the engine's quality and speed beside its peers (needs the dev extras)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "bench", help="measure quality and speed on the evaluation data beside peer libraries",
        description="Countries F1 on Reuters, ROUGE on CNN/DailyMail and BBC, articles/s; one table.",
    )
    from bench.__main__ import add_arguments

    add_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bench.__main__ import run as run_bench

    return run_bench(args)
