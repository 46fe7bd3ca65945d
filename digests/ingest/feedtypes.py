"""What a parsed feed is: its items as plain text, the feed's own details, and what was odd about it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["FeedItem", "ParsedFeed"]


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One entry of a feed, as plain text.

    ``url`` is absolute http(s) or None; ``summary`` and ``content`` have their HTML stripped (paragraphs
    kept as blank-line separated blocks); ``published`` is timezone-aware UTC or None when the feed gave
    no readable date; ``source_title`` is the publisher's name (the entry's own source, else the feed's
    title) or None.
    """

    title: str
    url: str | None
    guid: str | None
    summary: str
    content: str | None
    published: datetime | None
    author: str | None
    source_title: str | None


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed that could be read. ``format`` is "rss2.0", "rss1.0", "rss0.9x", "rss", "atom",
    "atom0.3", "cdf" or "json"; ``warnings`` say what was odd but did not stop the reading (ill-formed
    XML read leniently, an encoding that was guessed, items skipped ...)."""

    title: str
    link: str | None
    format: str
    items: tuple[FeedItem, ...]
    warnings: tuple[str, ...] = ()
