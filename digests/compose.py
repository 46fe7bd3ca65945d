"""Compose a digest: the top stories for a query in a window, one item per near-duplicate cluster."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from digests.archive import Archive, Story, StorySearch
from digests.countries import CountryTagger
from digests.model import Query, ScoredArticle
from digests.score import query_countries, score_article
from digests.topics import CustomTopic, TopicTagger, expand, topic

DEFAULT_WINDOW = timedelta(hours=24)
DEFAULT_ITEMS = 8
CANDIDATES = 300  # stories read from the archive before ranking; enough for any one channel's day


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story in a digest: the cluster, its score and the reasons it made the cut."""

    story: Story
    scored: ScoredArticle

    @property
    def score(self) -> float:
        return self.scored.score

    @property
    def reasons(self) -> tuple[str, ...]:
        return self.scored.reasons


@dataclass(frozen=True, slots=True)
class Digest:
    title: str
    items: tuple[DigestItem, ...]
    since: datetime
    until: datetime
    query: Query


def describe_query(query: Query) -> str:
    """A short human description: "KR, JP · east-asia · diplomacy · "chip export"" or "all news"."""
    parts = [", ".join(sorted(query.countries)), ", ".join(sorted(query.regions)),
             ", ".join(sorted(query.topics)), f'"{query.text.strip()}"' if query.text.strip() else ""]
    return " · ".join(p for p in parts if p) or "all news"


def builtin_topics(slugs: frozenset[str]) -> frozenset[str]:
    """The slugs that name taxonomy topics (custom topics are matched at compose time instead)."""
    known = set()
    for slug in slugs:
        try:
            topic(slug)
        except (KeyError, ValueError):
            continue
        known.add(slug)
    return frozenset(known)


def phrases(text: str) -> list[str]:
    """Free text "chip export, semiconductors" is two phrases: a story matching either one counts."""
    return [p.strip() for p in text.split(",") if p.strip()]


def search_for(query: Query, since: datetime, until: datetime, *, exclude_domains: frozenset[str] = frozenset(),
               limit: int = CANDIDATES, text: str = "") -> StorySearch:
    builtin = builtin_topics(query.topics)
    return StorySearch(
        since=since, until=until, countries=query_countries(query), topics=expand(builtin) if builtin
        else frozenset(), text=text, exclude_domains=exclude_domains, limit=limit,
    )


async def candidates(archive: Archive, query: Query, since: datetime, until: datetime, *,
                     exclude_domains: frozenset[str] = frozenset()) -> list[Story]:
    """Stories matching the query's countries, regions and built-in topics, and any of its phrases.

    With custom topics in the query the topic filter is left to ``with_custom_topics``.
    """
    if builtin_topics(query.topics) != query.topics:
        query = replace(query, topics=frozenset())
    searches = [search_for(query, since, until, exclude_domains=exclude_domains, text=p)
                for p in phrases(query.text)] or [search_for(query, since, until, exclude_domains=exclude_domains)]
    seen: dict[str, Story] = {}
    for search in searches:
        for story in await archive.stories(search):
            seen.setdefault(story.cluster_id, story)
    return list(seen.values())


def with_custom_topics(stories: list[Story], query: Query, custom: Sequence[CustomTopic]) -> list[Story]:
    """Keep the stories that match the query's custom topics (scored now, on title and text), tagged."""
    asked = set(query.topics) - builtin_topics(query.topics)
    if not asked:
        return stories
    # A custom topic with no definition (e.g. removed since the subscription was made) matches nothing.
    wanted = {t.slug for t in custom} & asked
    tagger = TopicTagger.default().with_custom([t for t in custom if t.slug in wanted])
    kept: list[Story] = []
    for story in stories:
        article = story.article
        scores = tagger.scores(title=article.title, paragraphs=article.paragraphs or (article.text,))
        hits = {slug: scores[slug] for slug in wanted if scores.get(slug, 0.0) > 0}
        if not hits and expand(builtin_topics(query.topics)) & set(story.analysis.topics):
            kept.append(story)  # matched a built-in topic of the same query
            continue
        if hits:
            analysis = replace(story.analysis, topics=(*sorted(hits), *story.analysis.topics),
                               topic_scores={**story.analysis.topic_scores, **hits})
            kept.append(replace(story, analysis=analysis))
    return kept


def rank(stories: list[Story] | tuple[Story, ...], query: Query, now: datetime,
         tagger: CountryTagger | None = None) -> list[DigestItem]:
    """Score every story for the query and order best first (ties: newer first)."""
    tagger = tagger or CountryTagger.default()
    items = [
        DigestItem(story, score_article(story.article, story.analysis, query, now,
                                        source_count=len({s.name for s in story.sources}) or 1, tagger=tagger))
        for story in stories
    ]
    items.sort(key=lambda item: (item.score, item.story.article.published_at), reverse=True)
    return items


async def compose(
    archive: Archive,
    query: Query,
    now: datetime,
    *,
    window: timedelta = DEFAULT_WINDOW,
    limit: int = DEFAULT_ITEMS,
    exclude_domains: frozenset[str] = frozenset(),
    exclude_clusters: frozenset[str] = frozenset(),
    custom_topics: Sequence[CustomTopic] = (),
    title: str | None = None,
) -> Digest:
    """The top ``limit`` stories for ``query`` published in ``window`` before ``now``.

    ``exclude_clusters`` drops stories a channel was already sent (whichever source it came from).
    """
    since = now - window
    stories = await candidates(archive, query, since, now, exclude_domains=exclude_domains)
    stories = with_custom_topics(stories, query, custom_topics)
    fresh = [s for s in stories if s.cluster_id not in exclude_clusters]
    items = rank(fresh, query, now)[:limit]
    return Digest(title or f"News digest: {describe_query(query)}", tuple(items), since, now, query)
