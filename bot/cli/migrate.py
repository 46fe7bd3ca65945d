"""``newsbot migrate``: bring the database schema to this version (run once per upgrade, not per replica)."""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from bot.cli.common import add_db_option, settings_or_exit
from bot.cli.output import stdout
from bot.runtime import open_bot_store


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("migrate", help="upgrade the database schema to this version")
    add_db_option(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(args)
    if settings is None:
        return 2

    async def upgrade() -> None:
        store = await open_bot_store(settings, override=args.db, migrate=True)
        await store.close()

    asyncio.run(upgrade())
    stdout.print("database is up to date")
    return 0
