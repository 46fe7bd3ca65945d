"""Digests and pair reports built in memory, with as many stories and as long texts as a test needs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from digests.archive import Source, Story
from digests.compose import Digest, DigestItem
from digests.model import Analysis, Article, Query, ScoredArticle
from digests.pair import PairReport

NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)


def item(number: int, *, title: str | None = None, summary: str | None = None,
         url: str | None = "https://news.example.com/story", countries: tuple[str, ...] = ("KR", "JP"),
         sources: int = 2) -> DigestItem:
    article = Article(
        id=f"a{number}", title=title if title is not None else f"Story number {number} about the summit",
        text="Body.", published_at=NOW - timedelta(hours=number), url=f"{url}/{number}" if url else None,
        source="Example News",
    )
    sentences = (summary,) if summary is not None else (f"Leaders met for talk number {number}.",
                                                       "They agreed to meet again.")
    analysis = Analysis(
        article_id=article.id, countries=countries, country_scores={c: 1.0 for c in countries}, regions=(),
        topics=("diplomacy", "politics"), topic_scores={"diplomacy": 1.0, "politics": 0.5}, tone=0.25,
        summary_sentences=sentences,
    )
    story_sources = tuple(Source(f"Outlet {k}", f"https://outlet{k}.example/{number}", article.published_at)
                          for k in range(sources))
    story = Story(article, analysis, f"cluster-{number}", story_sources)
    return DigestItem(story, ScoredArticle(article, analysis, 1.0 / number, ("KR and JP in the headline", "fresh")))


def digest(count: int, **options: object) -> Digest:
    items = tuple(item(n, **options) for n in range(1, count + 1))  # type: ignore[arg-type]  # test options
    return Digest(f"Daily digest: {count} stories", items, NOW - timedelta(days=1), NOW,
                  Query(countries=frozenset({"KR"})))


def pair(count: int) -> PairReport:
    return PairReport(("KR", "JP"), NOW - timedelta(days=7), NOW, count, 1, 0.2, 0.1,
                      (("diplomacy", count),), tuple(item(n) for n in range(1, count + 1)), ())
