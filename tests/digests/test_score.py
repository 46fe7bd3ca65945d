"""Scoring an analysed article for a query: relevance, recency, sources, and the reasons a reader sees."""

from __future__ import annotations

from datetime import timedelta

import pytest

from digests.analyse import Analyser
from digests.model import Analysis, Article, Query, ScoredArticle
from digests.score import query_countries, score_article
from tests.digests.stories import NOW, article


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    return Analyser()


def scored(analyser: Analyser, key: str, query: Query, *, hours_ago: float = 5.0, sources: int = 1) -> ScoredArticle:
    item = article(key, hours_ago=hours_ago)
    return score_article(item, analyser.analyse(item), query, NOW, source_count=sources)


def analysed(analyser: Analyser, key: str) -> tuple[Article, Analysis]:
    item = article(key)
    return item, analyser.analyse(item)


def test_countries_named_in_the_headline_are_the_reason(analyser: Analyser) -> None:
    result = scored(analyser, "kr-jp-defence", Query(countries=frozenset({"KR", "JP"})))
    assert result.reasons[0] == "JP and KR in the headline"  # codes in a stable (alphabetical) order
    assert result.reasons[-1] == "5 h old"
    assert result.score > 0


def test_a_country_only_in_the_body_is_given_as_about(analyser: Analyser) -> None:
    result = scored(analyser, "kr-stocks", Query(countries=frozenset({"KR"})))
    assert "about KR" in result.reasons
    assert not any("headline" in reason for reason in result.reasons)


def test_the_headline_outranks_the_body(analyser: Analyser) -> None:
    query = Query(countries=frozenset({"KR"}))
    assert scored(analyser, "kr-jp-defence", query).score > scored(analyser, "kr-stocks", query).score


def test_a_passing_mention_scores_less_and_says_so(analyser: Analyser) -> None:
    item = article("fr-de-hydrogen", body="Officials in Paris and Berlin met a delegation from Japan on Monday.")
    analysis = analyser.analyse(item)
    assert "JP" in analysis.country_scores and "JP" not in analysis.countries
    result = score_article(item, analysis, Query(countries=frozenset({"JP"})), NOW)
    assert "mentions JP" in result.reasons
    about = scored(analyser, "kr-jp-rail", Query(countries=frozenset({"JP"})), hours_ago=1.0)
    assert 0 < result.score < about.score


def test_a_topic_match_is_named(analyser: Analyser) -> None:
    result = scored(analyser, "kr-jp-defence", Query(topics=frozenset({"diplomacy"})))
    assert "topic: diplomacy" in result.reasons
    assert result.score > 0
    unrelated = scored(analyser, "bees", Query(topics=frozenset({"diplomacy"})))
    assert not any(reason.startswith("topic:") for reason in unrelated.reasons)
    assert unrelated.score == 0


def test_a_broad_topic_matches_its_finer_topics(analyser: Analyser) -> None:
    result = scored(analyser, "fr-de-hydrogen", Query(topics=frozenset({"energy-oil-gas"})))
    assert "topic: energy-oil-gas" in result.reasons


@pytest.mark.parametrize(
    "hours, text",
    [(0.25, "15 min old"), (0.001, "1 min old"), (5.0, "5 h old"), (47.0, "47 h old"), (72.0, "3 days old")],
)
def test_the_age_is_said_in_words(analyser: Analyser, hours: float, text: str) -> None:
    assert scored(analyser, "kr-jp-defence", Query(), hours_ago=hours).reasons[-1] == text


def test_an_article_from_the_future_is_not_negative_in_age(analyser: Analyser) -> None:
    result = scored(analyser, "kr-jp-defence", Query(), hours_ago=-3.0)
    assert result.reasons[-1] == "1 min old"


def test_independent_sources_raise_the_score_and_are_counted(analyser: Analyser) -> None:
    query = Query(countries=frozenset({"KR"}))
    one = scored(analyser, "kr-jp-defence", query)
    three = scored(analyser, "kr-jp-defence", query, sources=3)
    assert "3 sources" in three.reasons
    assert not any(reason.endswith("sources") for reason in one.reasons)
    assert three.score > one.score


def test_newer_articles_score_higher(analyser: Analyser) -> None:
    query = Query(countries=frozenset({"KR", "JP"}))
    ages = [0.5, 3.0, 12.0, 30.0, 100.0]
    scores = [scored(analyser, "kr-jp-defence", query, hours_ago=hours).score for hours in ages]
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)
    assert scores[-1] > 0  # old news still counts, just less


def test_a_region_query_means_its_countries(analyser: Analyser) -> None:
    east_asia = Query(regions=frozenset({"east-asia"}))
    assert {"KR", "JP", "CN"} <= query_countries(east_asia)
    assert "FR" not in query_countries(east_asia)
    assert query_countries(Query(countries=frozenset({"BR"}), regions=frozenset({"east-asia"}))) >= {"BR", "KR"}
    korea_japan = scored(analyser, "kr-jp-defence", east_asia)
    assert korea_japan.reasons[0] == "JP and KR in the headline"
    assert korea_japan.score > 0
    europe = scored(analyser, "fr-de-hydrogen", east_asia)
    assert europe.score == 0
    assert europe.reasons == ("5 h old",)
    assert scored(analyser, "fr-de-hydrogen", Query(regions=frozenset({"eu"}))).score > 0


def test_free_text_matches_title_and_summary(analyser: Analyser) -> None:
    result = scored(analyser, "chip-export", Query(text="  chip export "))
    assert 'matches "chip export"' in result.reasons
    assert result.score > 0
    half = scored(analyser, "chip-export", Query(text="chip tariffs"))
    assert 0 < half.score < result.score  # one word of two
    miss = scored(analyser, "bees", Query(text="chip export"))
    assert miss.score == 0
    assert not any(reason.startswith("matches") for reason in miss.reasons)


def test_free_text_of_punctuation_only_matches_nothing(analyser: Analyser) -> None:
    result = scored(analyser, "chip-export", Query(text="?!"))
    assert result.score == 0
    assert result.reasons == ("5 h old",)


def test_an_empty_query_ranks_by_recency_alone(analyser: Analyser) -> None:
    newer = scored(analyser, "bees", Query(), hours_ago=1.0)
    older = scored(analyser, "kr-jp-defence", Query(), hours_ago=10.0)
    assert newer.score > older.score > 0
    assert newer.reasons == ("1 h old",)


def test_parts_of_a_query_add_up(analyser: Analyser) -> None:
    countries = Query(countries=frozenset({"KR"}))
    both = Query(countries=frozenset({"KR"}), topics=frozenset({"diplomacy"}))
    result = scored(analyser, "kr-jp-defence", both)
    assert result.score > scored(analyser, "kr-jp-defence", countries).score
    assert result.reasons[:2] == ("KR in the headline", "topic: diplomacy")


def test_the_scored_article_carries_what_was_scored(analyser: Analyser) -> None:
    item, analysis = analysed(analyser, "kr-jp-rail")
    result = score_article(item, analysis, Query(), NOW + timedelta(hours=2))
    assert result.article is item
    assert result.analysis is analysis
    assert result.reasons == ("3 h old",)
