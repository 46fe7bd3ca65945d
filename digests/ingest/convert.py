"""A feed item as an engine ``Article``."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from digests.ingest.feedtypes import FeedItem
from digests.ingest.language import UNDETERMINED, detect_language
from digests.ingest.urls import host_of
from digests.model import Article
from digests.reader import article_id

__all__ = ["feed_item_to_article"]

# Feed furniture, not article text: WordPress's footer, "read more" links, photo credits.
_FURNITURE = re.compile(
    r"^(?:the post .{1,300} appeared first on .{1,200}"
    r"|(?:continue reading|read more|read the full (?:story|article)|click here)\b.{0,120}"
    r"|\(?(?:image|photo|picture) credit:.{0,120}\)?"
    r"|\[?(?:…|\.\.\.)\]?)$",
    re.IGNORECASE,
)
_CUT_MARK = re.compile(r"\s*\[(?:…|\.\.\.)\]$")  # WordPress ends excerpts with "[…]"
# Some feeds put an image caption or the summary plus a credit line in "content"; only a content clearly
# longer than the summary is the article's text.
_CONTENT_OVER_SUMMARY = 1.5
_FUTURE_TOLERANCE = timedelta(minutes=5)
_TITLE_WORDS = 12


def _paragraphs(text: str) -> tuple[str, ...]:
    blocks = (_CUT_MARK.sub("…", block.strip()) for block in text.split("\n\n"))
    return tuple(p for p in blocks if p and not _FURNITURE.match(p))


def _headline(paragraphs: tuple[str, ...]) -> str:
    """A stand-in title from the opening words, for items that have none."""
    words = paragraphs[0].split() if paragraphs else []
    return " ".join(words[:_TITLE_WORDS]) + ("…" if len(words) > _TITLE_WORDS else "")


def feed_item_to_article(item: FeedItem, *, feed_url: str, now: datetime | None = None) -> Article:
    """The ``Article`` for ``item``, read from the feed at ``feed_url``.

    The id comes from the canonical URL (else a hash of title and text); the text is the item's content
    when it is clearly longer than its summary, else the summary (then kept as ``standfirst``), without
    feed furniture; the source is the publisher's name, else the feed's host; ``published_at`` is the
    item's date, or ``now`` when it has none or claims a time in the future.
    """
    moment = now or datetime.now(UTC)
    summary = _paragraphs(item.summary)
    content = _paragraphs(item.content or "")
    use_content = len(" ".join(content)) >= _CONTENT_OVER_SUMMARY * len(" ".join(summary)) and bool(content)
    paragraphs = content if use_content else summary
    text = "\n\n".join(paragraphs)
    title = item.title.strip() or _headline(paragraphs)
    published = item.published
    if published is None or published > moment + _FUTURE_TOLERANCE:
        published = moment
    language = detect_language(f"{title}\n\n{text}")
    return Article(
        id=article_id(item.url, title, text),
        title=title,
        text=text,
        published_at=published,
        url=item.url,
        source=item.source_title or host_of(feed_url) or (host_of(item.url) if item.url else None),
        standfirst=" ".join(summary) if use_content and summary else None,
        byline=item.author,
        paragraphs=paragraphs,
        language=None if language == UNDETERMINED else language,
    )
