"""Small hand-built articles, analyses and MinHash signatures for the store tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digests.model import Analysis, Article

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def signature(seed: int, *, changed: int = 0) -> tuple[int, ...]:
    """A hand-made 64-value MinHash signature; ``changed`` values differ from the seed's own."""
    base = [(seed * 1_000_003 + i * 7_919) % (2**32 - 1) for i in range(64)]
    for i in range(changed):
        base[(i * 5) % 64] += 1  # spread the changes so most bands stay identical
    return tuple(base)


def make(
    article_id: str,
    *,
    when: datetime = T0,
    url: str | None = None,
    title: str | None = None,
    text: str = "Body text of the article.",
    source: str | None = "Example News",
    countries: tuple[str, ...] = (),
    mentioned: dict[str, float] | None = None,
    topics: tuple[str, ...] = (),
    tone: float = 0.0,
    sig: tuple[int, ...] = (),
    regions: tuple[str, ...] = (),
) -> tuple[Article, Analysis]:
    """A small article and its analysis, built by hand."""
    article = Article(
        id=article_id, title=title or f"Title {article_id}", text=text, published_at=when,
        url=url or f"https://news.example.com/{article_id}", source=source,
    )
    scores = {c: 1.0 - i * 0.1 for i, c in enumerate(countries)} | (mentioned or {})
    analysis = Analysis(
        article_id=article_id, countries=countries, country_scores=scores, regions=regions, topics=topics,
        topic_scores={t: 0.9 - i * 0.1 for i, t in enumerate(topics)}, tone=tone,
        summary_sentences=(f"Summary of {article_id}.",), signature=sig,
    )
    return article, analysis


def window(days: float = 30, *, end: datetime = T0 + timedelta(days=10)) -> tuple[datetime, datetime]:
    return end - timedelta(days=days), end
