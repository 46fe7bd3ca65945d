"""The analysis pipeline: one article in, one Analysis out (countries, regions, topics, tone, summary)."""

from __future__ import annotations

from collections.abc import Sequence

from digests.countries import CountryTagger
from digests.model import Analysis, Article
from digests.regions import regions_for
from digests.signature import signature
from digests.summary import summarize
from digests.tone import tone
from digests.topics import CustomTopic, TopicTagger

DEFAULT_SUMMARY_SENTENCES = 3


class Analyser:
    """Runs every part of the analysis with taggers built once and reused for each article."""

    def __init__(
        self,
        *,
        summary_sentences: int = DEFAULT_SUMMARY_SENTENCES,
        custom_topics: Sequence[CustomTopic] = (),
        countries: CountryTagger | None = None,
        topics: TopicTagger | None = None,
    ) -> None:
        if summary_sentences < 1:
            raise ValueError("summary_sentences must be at least 1")
        self.summary_sentences = summary_sentences
        self.countries = countries or CountryTagger.default()
        base_topics = topics or TopicTagger.default()
        self.topics = base_topics.with_custom(custom_topics) if custom_topics else base_topics

    def analyse(self, article: Article) -> Analysis:
        paragraphs = article.paragraphs or (article.text,)
        # The standfirst is written as a second headline: it tells what the story is about.
        lead_paragraphs = (article.standfirst, *paragraphs) if article.standfirst else paragraphs
        language = article.language or "en"
        country_scores = self.countries.scores(
            title=article.title, dateline=article.dateline, paragraphs=lead_paragraphs
        )
        countries = self.countries.about(country_scores)
        english = language == "en"
        topic_scores = self.topics.scores(title=article.title, paragraphs=lead_paragraphs) if english else {}
        summary = summarize(paragraphs, title=article.title, n=self.summary_sentences) if english else ()
        lead = paragraphs[0] if paragraphs else ""
        return Analysis(
            article_id=article.id,
            countries=countries,
            country_scores={code: round(score, 3) for code, score in country_scores.items()},
            regions=regions_for(countries),
            topics=self.topics.pick(topic_scores),
            topic_scores={slug: round(score, 3) for slug, score in topic_scores.items()},
            tone=round(tone(article.title, lead), 3) if english else 0.0,
            summary_sentences=summary or tuple(paragraphs[:1]),
            signature=signature(article.title, article.text),
            language=language,
        )
