"""Loading the evaluation data (never copied into the project; found through NEWSBOT_SHARED_DATA)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from digests.model import Article
from digests.reader import article_from_record

PROJECT_ROOT = Path(__file__).resolve().parent.parent
READ_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # fixed, so undated records stay reproducible


class MissingData(RuntimeError):
    """The evaluation data folder is absent: say where it was looked for and how to point at it."""


def shared_data_dir() -> Path:
    """``NEWSBOT_SHARED_DATA``, else ``../shared/data`` from the project root (a source checkout) or from
    the working directory (an installed package, as `make bench` runs it from the project root)."""
    configured = os.environ.get("NEWSBOT_SHARED_DATA")
    if configured:
        candidates = [Path(configured)]
    else:
        candidates = [PROJECT_ROOT.parent / "shared" / "data", Path.cwd().parent / "shared" / "data"]
    for folder in candidates:
        if folder.is_dir():
            return folder
    raise MissingData(f"evaluation data not found at {candidates[0]}; set NEWSBOT_SHARED_DATA to its folder")


def jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield json.loads(line)


def reuters_records(data_dir: Path | None = None) -> list[dict[str, Any]]:
    return list(jsonl((data_dir or shared_data_dir()) / "reuters" / "reuters21578-train.jsonl"))


def summary_records(name: str, data_dir: Path | None = None) -> list[dict[str, Any]]:
    """``name`` is "cnndm" or "bbc"."""
    return list(jsonl((data_dir or shared_data_dir()) / "summaries" / f"{name}-dev.jsonl"))


def as_article(record: dict[str, Any]) -> Article:
    """A record read exactly as ``newsbot analyze`` reads a JSONL line."""
    article, _ = article_from_record(record, now=READ_TIME)
    return article
