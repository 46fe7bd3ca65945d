"""``newsbot bench`` / ``python -m bench``: quality and speed of the engine beside its peers, one table."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.data import MissingData, as_article, reuters_records, shared_data_dir, summary_records

SECTIONS = ("countries", "summaries", "speed")
TARGETS = {
    "countries": "F1 >= 0.85 overall, >= 0.88 without the US",
    "summaries": "ROUGE >= best of Lead-3 / LexRank / TextRank on each set",
    "speed": ">= 10x the peer pipeline's articles/s",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})")
    parser.add_argument("--limit", type=int, default=None,
                        help="use only the first N Reuters articles (default all 12,301)")
    parser.add_argument("--peer-limit", type=int, default=2000,
                        help="articles for the slower peer speed run (default 2,000)")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE", help="also write the rows as JSON")
    parser.add_argument("--no-compiled", dest="compiled", action="store_false",
                        help="in a plain-Python checkout, skip building and timing the mypyc-compiled engine")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _table(title: str, rows: Sequence[dict[str, Any]]) -> Table:
    table = Table(title=title, title_justify="left")
    columns: list[str] = []
    for row in rows:
        columns.extend(k for k in row if k not in columns)
    for column in columns:
        table.add_column(column, justify="left" if column in {"system", "set"} else "right")
    for row in rows:
        table.add_row(*(_fmt(row.get(c, "")) for c in columns))
    return table


def run(args: argparse.Namespace) -> int:
    console = Console()
    wanted = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in SECTIONS]
    if unknown:
        print(f"error: unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    try:
        data_dir = shared_data_dir()
    except MissingData as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # One core, as the targets are stated: the figures do not depend on the machine's core count.
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    results: dict[str, list[dict[str, Any]]] = {}
    reuters = reuters_records(data_dir)
    if args.limit:
        reuters = reuters[: args.limit]
    if "speed" in wanted:
        from bench.speed import engine_speed, peer_speed

        articles = [as_article(r) for r in reuters]
        engines = [engine_speed(articles)]
        if args.compiled and "compiled" not in engines[0]["system"]:
            from bench.compiled import CompiledUnavailable, compiled_engine_speed

            try:
                engines.append(compiled_engine_speed(data_dir, args.limit))
            except CompiledUnavailable as reason:
                console.print(f"compiled engine not measured: {reason}")
        # The peers are slow: they run on an even spread of the same articles, not just the first ones.
        step = max(1, len(articles) // max(1, args.peer_limit))
        peer = peer_speed(articles[::step][: args.peer_limit])
        for engine in engines:
            engine["x_peer"] = engine["per_second"] / peer["per_second"]
        peer["x_peer"] = 1.0
        results["speed"] = [*engines, peer]
    if "countries" in wanted:
        from bench.countries import evaluate_countries

        results["countries"] = evaluate_countries(reuters)
    if "summaries" in wanted:
        from bench.summaries import evaluate_summaries

        rows: list[dict[str, Any]] = []
        for name in ("cnndm", "bbc"):
            for row in evaluate_summaries(summary_records(name, data_dir)):
                rows.append({"set": name, **row})
        results["summaries"] = rows
    for section in SECTIONS:
        if section in results:
            console.print(_table(f"{section} — target: {TARGETS[section]}", results[section]))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
