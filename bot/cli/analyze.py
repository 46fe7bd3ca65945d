"""``newsbot analyze PATH... [--sentences N] [--json]``: analyse article files and print what was found."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import ExitStack
from importlib import resources
from pathlib import Path
from typing import Any

from rich.markup import escape

import seeds
from bot.cli.output import print_json, problem, stdout, with_progress
from digests.analyse import Analyser
from digests.model import Analysis, Article
from digests.reader import ReadError, ReadWarning, read_paths


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="analyse articles (JSONL, plain-text files, folders); the bundled samples when no PATH is given",
        description="Analyse articles: countries, regions, topics, tone, summary.",
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help=".jsonl records, .txt articles in the seed format, or folders of them")
    parser.add_argument("--sentences", type=_positive, default=3, metavar="N",
                        help="sentences in each summary (default 3)")
    parser.add_argument("--json", action="store_true", help="one JSON object per article per line")
    parser.set_defaults(handler=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 1 <= value <= 50:
        raise argparse.ArgumentTypeError("give a number from 1 to 50")
    return value


def analysis_json(article: Article, analysis: Analysis) -> dict[str, Any]:
    """The documented JSON shape of one analysed article."""
    return {
        "id": article.id,
        "title": article.title,
        "date": article.published_at.isoformat().replace("+00:00", "Z"),
        "countries": list(analysis.countries),
        "country_scores": dict(analysis.country_scores),
        "regions": list(analysis.regions),
        "topics": list(analysis.topics),
        "topic_scores": dict(analysis.topic_scores),
        "tone": analysis.tone,
        "summary": analysis.summary,
        "summary_sentences": list(analysis.summary_sentences),
    }


def _scores_text(scores: dict[str, float], keys: tuple[str, ...]) -> str:
    shown = " · ".join(f"{k} {scores.get(k, 0):.2f}" for k in keys) or "-"
    others = sorted((k for k in scores if k not in keys), key=lambda k: -scores[k])[:4]
    if others:
        shown += "   [dim](also " + ", ".join(f"{k} {scores[k]:.2f}" for k in others) + ")[/dim]"
    return shown


def print_readable(index: int, article: Article, analysis: Analysis) -> None:
    stdout.print(f"[bold][{index}] {escape(article.title)}[/bold]")
    stdout.print(f"    [dim]{article.published_at:%Y-%m-%d %H:%M} UTC · {escape(article.id)}[/dim]")
    stdout.print(f"    countries  {_scores_text(dict(analysis.country_scores), analysis.countries)}")
    stdout.print(f"    regions    {', '.join(analysis.regions) or '-'}")
    stdout.print(f"    topics     {_scores_text(dict(analysis.topic_scores), analysis.topics)}")
    stdout.print(f"    tone       {analysis.tone:+.2f}")
    for number, sentence in enumerate(analysis.summary_sentences, start=1):
        label = "summary" if number == 1 else ""
        stdout.print(f"    {label:<10} {number}. {escape(sentence)}")
    stdout.print()


def _count_lines(path: Path) -> int:
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            count += chunk.count(b"\n")
    return count


def _estimate_total(paths: list[Path]) -> int | None:
    total = 0
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if not file.is_file():
                continue
            if file.suffix.lower() in {".jsonl", ".ndjson", ".json"}:
                total += _count_lines(file)
            else:
                total += 1
    return total


def run(args: argparse.Namespace) -> int:
    with ExitStack() as stack:
        paths: list[Path] = list(args.paths)
        if not paths:
            paths = [stack.enter_context(resources.as_file(seeds.path("samples")))]
        analyser = Analyser(summary_sentences=args.sentences)
        analysed = failed = 0
        items: Iterator[Any] = read_paths(paths)
        for item in with_progress(items, total=_estimate_total(paths), label="analysing"):
            if isinstance(item, ReadError):
                failed += 1
                problem(f"error: {item}")
                continue
            if isinstance(item, ReadWarning):
                problem(str(item))
                continue
            try:
                analysis = analyser.analyse(item)
            except Exception as exc:  # one bad article never stops the batch; it is named and counted
                failed += 1
                problem(f"error: {item.id}: analysis failed: {type(exc).__name__}: {exc}")
                continue
            analysed += 1
            if args.json:
                print_json(analysis_json(item, analysis))
            else:
                print_readable(analysed, item, analysis)
        if not args.json:
            stdout.print(f"[bold]{analysed} analysed, {failed} failed[/bold]")
        if analysed == 0 and failed == 0:
            problem("error: no articles found in the given paths (expected .jsonl or .txt files)")
            return 1
        return 1 if failed else 0
