"""Options and helpers shared by the sub-commands that use the database."""

from __future__ import annotations

import argparse
import re
import sys
from datetime import timedelta
from typing import Any

from bot.settings import Settings, SettingsError, load_settings

_DURATION = re.compile(r"^\s*(\d{1,5})\s*(m|min|h|d|w)\s*$", re.IGNORECASE)
_UNITS = {"m": 60, "min": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
MAX_WINDOW = timedelta(days=3650)


def add_db_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", default=None,
                        help="database URL (default NEWSBOT_DATABASE_URL, else SQLite in NEWSBOT_DATA_DIR)")


def duration(text: str) -> timedelta:
    """"24h", "7d", "2w", "90m" as a timedelta (argparse type)."""
    match = _DURATION.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration; use e.g. 90m, 24h, 7d or 2w")
    value = timedelta(seconds=int(match[1]) * _UNITS[match[2].lower()])
    if not timedelta(minutes=1) <= value <= MAX_WINDOW:
        raise argparse.ArgumentTypeError("give a duration between 1 minute and 10 years")
    return value


def settings_or_exit(args: Any) -> Settings | None:
    """Settings, or None after printing what is wrong with them (the caller exits 2)."""
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
