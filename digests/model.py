"""Core value types of the engine: frozen dataclasses with timezone-aware UTC datetimes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime


def ensure_utc(moment: datetime) -> datetime:
    """Naive datetimes are taken as UTC (the wire convention); aware ones are converted."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as read from a file, a feed item or a page.

    ``paragraphs`` are the body paragraphs in order, with headings, the byline and the agency
    sign-off removed; ``text`` is those paragraphs joined by blank lines.
    """

    id: str
    title: str
    text: str
    published_at: datetime
    url: str | None = None
    source: str | None = None
    dateline: str | None = None
    standfirst: str | None = None
    byline: str | None = None
    paragraphs: tuple[str, ...] = ()
    headings: tuple[str, ...] = ()
    language: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "published_at", ensure_utc(self.published_at))
        if not self.paragraphs and self.text:
            parts = tuple(p.strip() for p in self.text.split("\n\n") if p.strip())
            object.__setattr__(self, "paragraphs", parts)


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the engine found in one article."""

    article_id: str
    countries: tuple[str, ...]
    country_scores: Mapping[str, float]
    regions: tuple[str, ...]
    topics: tuple[str, ...]
    topic_scores: Mapping[str, float]
    tone: float
    summary_sentences: tuple[str, ...]
    signature: tuple[int, ...] = field(default=(), repr=False)
    language: str = "en"

    @property
    def summary(self) -> str:
        return " ".join(self.summary_sentences)


@dataclass(frozen=True, slots=True)
class Query:
    """What a digest or a search asks for. Empty fields mean "any"."""

    countries: frozenset[str] = frozenset()
    regions: frozenset[str] = frozenset()
    topics: frozenset[str] = frozenset()
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not (self.countries or self.regions or self.topics or self.text.strip())


@dataclass(frozen=True, slots=True)
class ScoredArticle:
    """An article ranked for a query, with the human-readable reasons it ranked."""

    article: Article
    analysis: Analysis
    score: float
    reasons: tuple[str, ...]
