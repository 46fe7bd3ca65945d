"""Batch topic scoring: every article of a batch gets what it would get alone, picks agree with pick()."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from digests.topics import CustomTopic, TopicTagger

ARTICLES: list[tuple[str, list[str]]] = [
    ("Offshore wind farms and solar power lead record year for renewables",
     ["Wind turbines and solar panels supplied more electricity than coal for the first time.",
      "Developers connected three offshore wind farms while battery storage smoothed supply."]),
    ("", []),
    ("Central bank raises interest rates as inflation climbs",
     ["The central bank raised its benchmark interest rate by half a point.",
      "Inflation rose to its highest level in a decade, and the currency strengthened.",
      "Markets fell. Inflation, inflation, inflation: traders talked of little else."]),
    ("Apple sales rise", ["Apple sold more phones.", "Orchard owners too."]),
    ("Late penalty sends Riverside into the cup final",
     ["Riverside's striker scored a penalty in injury time to win the semi-final.",
      "The manager praised the fans after a tense match at a full stadium."]),
    ("Notes", ["The list had three lines."]),
]
CUSTOM = (CustomTopic("apple-inc", ("apple",), exclude=("orchard",)), CustomTopic("harbours", ("harbour", "port")))


@pytest.fixture(scope="module", params=["built-in", "with custom topics"])
def tagger(request: pytest.FixtureRequest) -> TopicTagger:
    base = TopicTagger.default()
    return base if request.param == "built-in" else base.with_custom(CUSTOM)


def test_a_batch_scores_each_article_as_it_would_be_scored_alone(tagger: TopicTagger) -> None:
    batch = tagger.scores_many(ARTICLES)
    alone = [tagger.scores(title=title, paragraphs=paragraphs) for title, paragraphs in ARTICLES]
    assert batch == alone
    assert [list(scores) for scores in batch] == [list(scores) for scores in alone]  # the same order too
    assert batch[1] == {} and batch[5] == {}
    assert tagger.scores_many([]) == [] and tagger.tag_many([]) == []
    assert tagger.scores_many([ARTICLES[1], ARTICLES[5]]) == [{}, {}]  # no match anywhere in the batch
    assert tagger.tag_many([ARTICLES[5]])[0] == ((), {})


def test_tags_are_pick_of_the_scores_and_the_scores_rounded(tagger: TopicTagger) -> None:
    for (title, paragraphs), tags in zip(ARTICLES, tagger.tag_many(ARTICLES, limit=2), strict=True):
        scores = tagger.scores(title=title, paragraphs=paragraphs)
        assert tags.topics == tagger.pick(scores, limit=2)
        assert tags.scores == {slug: round(score, 3) for slug, score in scores.items()}
        assert list(tags.scores) == list(scores)


def test_an_excluding_term_removes_its_topic_only_in_its_own_article() -> None:
    custom = TopicTagger.default().with_custom(CUSTOM)
    excluded, kept = custom.scores_many([ARTICLES[3], ("Apple sales rise", ["Apple sold more phones."])])
    assert "apple-inc" not in excluded
    assert "apple-inc" in kept


def test_a_finer_topic_lifts_its_parent() -> None:
    tagger = TopicTagger.default()
    [scores] = tagger.scores_many([ARTICLES[2]])
    assert scores["central-banks-rates"] > 0 and scores["economy-business-finance"] > scores["central-banks-rates"]


def test_a_batch_of_real_articles_matches_article_by_article(shared_data: Path) -> None:
    lines = (shared_data / "summaries" / "bbc-dev.jsonl").read_text(encoding="utf-8").splitlines()[:300]
    records = [json.loads(line) for line in lines]
    articles = [(record.get("title", ""), record["text"].split("\n\n")) for record in records]
    tagger = TopicTagger.default()
    batch = tagger.tag_many(articles)
    for (title, paragraphs), tags in zip(articles, batch, strict=True):
        scores = tagger.scores(title=title, paragraphs=paragraphs)
        assert tags.topics == tagger.pick(scores)
        assert tags.scores == {slug: round(score, 3) for slug, score in scores.items()}
