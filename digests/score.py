"""Relevance of an analysed article to a query at a moment, with the reasons a reader is shown."""

from __future__ import annotations

import math
import re
from datetime import datetime

from digests.countries import CountryTagger
from digests.model import Analysis, Article, Query, ScoredArticle
from digests.regions import region
from digests.topics import expand

RECENCY_HALF_LIFE_HOURS = 24.0
# Weights of the parts of relevance; recency and independent sources multiply the sum.
COUNTRY_WEIGHT = 1.0
HEADLINE_BONUS = 0.5
TOPIC_WEIGHT = 0.8
TEXT_WEIGHT = 0.8
SOURCES_WEIGHT = 0.25


def query_countries(query: Query) -> frozenset[str]:
    """The query's countries plus every country of its regions."""
    codes = set(query.countries)
    for slug in query.regions:
        codes |= region(slug).countries
    return frozenset(codes)


def _age_text(hours: float) -> str:
    if hours < 1:
        return f"{max(1, round(hours * 60))} min old"
    if hours < 48:
        return f"{round(hours)} h old"
    return f"{round(hours / 24)} days old"


def _join(codes: list[str]) -> str:
    return codes[0] if len(codes) == 1 else ", ".join(codes[:-1]) + " and " + codes[-1]


def _terms(text: str) -> list[str]:
    return [t for t in re.findall(r"[\w'-]+", text.lower()) if len(t) > 1]


def score_article(
    article: Article,
    analysis: Analysis,
    query: Query,
    now: datetime,
    *,
    source_count: int = 1,
    tagger: CountryTagger | None = None,
) -> ScoredArticle:
    """Score = relevance x recency decay x a boost for independent sources, and why."""
    reasons: list[str] = []
    relevance = 0.0
    wanted = query_countries(query)
    if wanted:
        hits = [c for c in analysis.countries if c in wanted]
        mentioned = [c for c in wanted if c in analysis.country_scores and c not in hits]
        relevance += COUNTRY_WEIGHT * sum(analysis.country_scores.get(c, 0.0) for c in hits)
        relevance += 0.3 * COUNTRY_WEIGHT * sum(analysis.country_scores.get(c, 0.0) for c in mentioned)
        in_title = set((tagger or CountryTagger.default()).scores(
            title=article.title, dateline=None, paragraphs=()))
        headline_hits = sorted(c for c in hits if c in in_title)
        if headline_hits:
            relevance += HEADLINE_BONUS * len(headline_hits)
            reasons.append(f"{_join(headline_hits)} in the headline")
        other_hits = sorted(c for c in hits if c not in in_title)
        if other_hits:
            reasons.append(f"about {_join(other_hits)}")
        if mentioned and not hits:
            reasons.append(f"mentions {_join(sorted(mentioned))}")
    if query.topics:
        wanted_topics = expand(query.topics)
        matched = [t for t in analysis.topics if t in wanted_topics]
        relevance += TOPIC_WEIGHT * sum(analysis.topic_scores.get(t, 0.0) for t in matched)
        reasons.extend(f"topic: {t}" for t in matched[:3])
    if query.text.strip():
        terms = _terms(query.text)
        title_terms = set(_terms(article.title))
        body_terms = set(_terms(article.title + " " + analysis.summary))
        found = [t for t in terms if t in body_terms]
        if terms and found:
            relevance += TEXT_WEIGHT * len(found) / len(terms)
            relevance += 0.2 * sum(1 for t in found if t in title_terms) / len(terms)
            reasons.append(f'matches "{query.text.strip()}"')
    if query.is_empty:
        relevance = 1.0
    hours = max(0.0, (now - article.published_at).total_seconds() / 3600)
    recency = 0.5 ** (hours / RECENCY_HALF_LIFE_HOURS)
    sources = 1.0 + SOURCES_WEIGHT * math.log2(max(1, source_count))
    if source_count > 1:
        reasons.append(f"{source_count} sources")
    reasons.append(_age_text(hours))
    return ScoredArticle(article, analysis, round(relevance * (0.25 + recency) * sources, 4), tuple(reasons))
