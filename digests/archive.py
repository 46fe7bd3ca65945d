"""The port through which the engine reads and writes the archive of analysed articles.

The engine composes digests and pair reports against this protocol; ``bot.store`` implements it on
SQLAlchemy (SQLite or PostgreSQL) and tests may use any other implementation.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, Protocol

from digests.model import Analysis, Article


@dataclass(frozen=True, slots=True)
class Source:
    """One outlet's copy of a story."""

    name: str
    url: str | None
    published_at: datetime


@dataclass(frozen=True, slots=True)
class Story:
    """A near-duplicate cluster: its representative article and analysis, and every source that ran it."""

    article: Article
    analysis: Analysis
    cluster_id: str
    sources: tuple[Source, ...]


@dataclass(frozen=True, slots=True)
class DailyPoint:
    """Stories (clusters) about a set of countries on one UTC day, and their mean tone."""

    day: date
    count: int
    tone: float | None


AddStatus = Literal["new", "near-duplicate", "duplicate", "updated"]


@dataclass(frozen=True, slots=True)
class AddResult:
    """What storing one article did: a new story, a new source of a known story, or nothing."""

    status: AddStatus
    article_id: str
    cluster_id: str


@dataclass(frozen=True, slots=True)
class StorySearch:
    """Which stories to fetch. Empty sets mean "any"; ``all_countries`` asks for every one of them."""

    since: datetime
    until: datetime
    countries: frozenset[str] = frozenset()
    all_countries: bool = False
    topics: frozenset[str] = frozenset()
    text: str = ""
    exclude_domains: frozenset[str] = frozenset()
    limit: int = 200


class Archive(Protocol):
    """Storage of analysed articles, grouped into near-duplicate clusters."""

    async def add(self, article: Article, analysis: Analysis, *, feed_url: str | None = None) -> AddResult:
        """Store an article once (by id / canonical URL), joining the cluster of a near-duplicate."""
        ...

    async def add_many(self, items: Sequence[tuple[Article, Analysis]], *,
                       feed_url: str | None = None) -> Sequence[AddResult]:
        """``add`` for a batch, in one transaction where the storage allows; results in order."""
        ...

    async def stories(self, search: StorySearch) -> Sequence[Story]:
        """Newest-first stories matching the search: one per cluster, with all its sources."""
        ...

    async def count(self, search: StorySearch) -> tuple[int, float | None]:
        """How many stories (clusters) match, and their mean tone (None when there are none)."""
        ...

    async def daily(self, search: StorySearch) -> Sequence[DailyPoint]:
        """Per UTC day between ``since`` and ``until``: story count and mean tone (days with none omitted)."""
        ...
