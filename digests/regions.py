"""Named regions (east-asia, middle-east, eu ...) that countries roll up into, read from seeds/regions.json.

A country may be in several regions (Germany is in ``europe`` and ``eu``); a query for a region matches
every country in it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import seeds

__all__ = ["Region", "UnknownRegion", "all_regions", "region", "regions_for", "resolve_region"]

_SEPARATORS = re.compile(r"[\s_\-–—/]+")


@dataclass(frozen=True, slots=True)
class Region:
    slug: str
    name: str
    countries: frozenset[str]


class UnknownRegion(ValueError):
    """No region by that slug; ``suggestions`` are close slugs to offer instead."""

    def __init__(self, text: str, suggestions: Iterable[str] = ()) -> None:
        self.text = text
        self.suggestions = tuple(suggestions)
        hint = f"did you mean {', '.join(self.suggestions)}? " if self.suggestions else ""
        known = ", ".join(r.slug for r in all_regions())
        super().__init__(f"unknown region {text!r}: {hint}known regions: {known}")


def _key(text: str) -> str:
    """"East-Asia", "east_asia", " the East Asia " -> "east asia"."""
    key = _SEPARATORS.sub(" ", text.casefold().replace(".", "")).strip()
    return key[4:] if key.startswith("the ") else key


@dataclass(frozen=True)
class _Table:
    regions: tuple[Region, ...]
    by_slug: Mapping[str, Region]
    by_key: Mapping[str, Region]  # slug, name and aliases, normalised


@cache
def _table() -> _Table:
    return _build(seeds.load_json("regions.json"))


def _build(document: Mapping[str, Any]) -> _Table:
    regions: list[Region] = []
    by_key: dict[str, Region] = {}
    for entry in document["regions"]:
        item = Region(slug=entry["slug"], name=entry["name"], countries=frozenset(entry["countries"]))
        regions.append(item)
        for text in (item.slug, item.name, *entry.get("aliases", ())):
            by_key.setdefault(_key(text), item)
    return _Table(
        regions=tuple(regions),
        by_slug={r.slug: r for r in regions},
        by_key=by_key,
    )


def all_regions() -> tuple[Region, ...]:
    """Every region, in the seed file's order."""
    return _table().regions


def region(slug: str) -> Region:
    """The region with this slug; raises ``UnknownRegion`` (a ValueError) with close slugs otherwise."""
    table = _table()
    found = table.by_slug.get(slug) if isinstance(slug, str) else None
    if found is not None:
        return found
    text = str(slug)
    close = difflib.get_close_matches(_key(text).replace(" ", "-"), list(table.by_slug), n=3, cutoff=0.6)
    raise UnknownRegion(text, close)


def regions_for(codes: Iterable[str]) -> tuple[str, ...]:
    """Slugs of every region containing at least one of ``codes``, in the seed file's order."""
    wanted = {code.upper() for code in codes if isinstance(code, str)}
    if not wanted:
        return ()
    return tuple(r.slug for r in _table().regions if r.countries & wanted)


def resolve_region(text: str) -> Region | None:
    """What a user typed ("east asia", "East-Asia", "middle east", "EU") -> the region, or None."""
    if not isinstance(text, str):
        return None
    return _table().by_key.get(_key(text))
