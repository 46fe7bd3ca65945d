"""``newsbot run [--console]``: start everything configured (Slack, Discord, else the console)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.cli.common import settings_or_exit
from bot.logs import configure_logging


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "run", help="run the bot: Slack and Discord when their credentials are set, otherwise the console",
        description="Runs the adapters, the scheduler (digests, feed polling, retention) and the HTTP server. "
                    "From a pipe, the console reads commands line by line and exits at the end of input.",
    )
    parser.add_argument("--console", action="store_true", help="use the console adapter even if tokens are set")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    if settings is None:
        return 2
    configure_logging(settings.log_format)
    from bot.app import run_bot
    from bot.chat import AdapterError

    try:
        return asyncio.run(run_bot(settings, console=args.console, stdin=sys.stdin, stdout=sys.stdout))
    except AdapterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
