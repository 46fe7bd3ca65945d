"""Data the engine ships with, read through importlib.resources so wheels and containers carry it."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any


def path(name: str) -> Traversable:
    """A file inside the seeds package (works from a wheel, a zip or the source tree)."""
    return resources.files(__name__).joinpath(name)


@cache
def load_json(name: str) -> Any:
    """Parse a JSON seed file once per process."""
    return json.loads(path(name).read_text(encoding="utf-8"))


def sample_articles() -> list[Traversable]:
    """The sample articles the project wrote itself, in the seed text format."""
    folder = path("samples")
    return sorted((p for p in folder.iterdir() if p.name.endswith(".txt")), key=lambda p: p.name)
