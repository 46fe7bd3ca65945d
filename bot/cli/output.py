"""Shared output helpers: JSON lines on stdout, problems on stderr, a progress bar on long runs."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

T = TypeVar("T")
PROGRESS_THRESHOLD = 50  # fewer items than this finish before a bar is worth drawing

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False)


def print_json(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def problem(message: str) -> None:
    """One line on stderr, printed as is (no markup interpretation of file names)."""
    print(message, file=sys.stderr)


def with_progress(items: Iterable[T], *, total: int | None, label: str) -> Iterator[T]:
    """Yield items, drawing a bar on stderr when it is a terminal and the run is long."""
    if total is None or total < PROGRESS_THRESHOLD or not stderr.is_terminal:
        yield from items
        return
    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=stderr, transient=True) as progress:
        task = progress.add_task(label, total=total)
        for item in items:
            yield item
            progress.advance(task)
