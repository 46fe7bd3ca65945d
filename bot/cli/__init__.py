"""The ``newsbot`` command line: one sub-command per module, the same flag and exit-code conventions.

Exit codes: 0 everything worked, 1 some items failed (each named on stderr), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from bot.cli import analyze, bench, digest, feeds, ingest, migrate, pair, run
from bot.store import DatabaseUrlError, StoreError

EXIT_OK = 0
EXIT_SOME_FAILED = 1
EXIT_USAGE = 2

COMMANDS = (run, analyze, ingest, feeds, digest, pair, migrate, bench)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsbot",
        description="News digests for Slack and Discord: analyse articles, ingest feeds, answer country pairs.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    subparsers.required = True
    for module in COMMANDS:
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code: int = args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except DatabaseUrlError as exc:  # --db or NEWSBOT_DATABASE_URL names no database we can use
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except StoreError as exc:  # unreachable, or a schema to migrate: the message says what to do
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_SOME_FAILED
    return code


if __name__ == "__main__":
    sys.exit(main())
