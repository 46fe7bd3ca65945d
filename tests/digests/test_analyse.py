"""The analysis pipeline on the founding article and on small hand-written ones: countries, topics, tone,
summary, and what changes for an article that is not in English."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from digests.analyse import DEFAULT_SUMMARY_SENTENCES, Analyser
from digests.model import Analysis, Article
from digests.reader import read_path
from digests.topics import CustomTopic

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def analyser() -> Analyser:
    return Analyser()


@pytest.fixture(scope="module")
def founding(founding_article: Path) -> Article:
    [item] = list(read_path(founding_article, now=T0))
    assert isinstance(item, Article), item
    return item


@pytest.fixture(scope="module")
def founding_analysis(analyser: Analyser, founding: Article) -> Analysis:
    return analyser.analyse(founding)


def test_founding_article_is_about_korea_and_japan_first(founding: Article, founding_analysis: Analysis) -> None:
    assert founding_analysis.article_id == founding.id
    assert set(founding_analysis.countries[:2]) == {"KR", "JP"}
    scores = founding_analysis.country_scores
    assert "US" in scores  # a passing mention of the meeting with the U.S. president
    assert scores["US"] < scores["KR"]
    assert scores["US"] < scores["JP"]
    assert "east-asia" in founding_analysis.regions
    assert founding_analysis.language == "en"


def test_founding_article_topics_include_diplomacy(founding_analysis: Analysis) -> None:
    assert "diplomacy" in founding_analysis.topics
    assert founding_analysis.topic_scores["diplomacy"] > 0.5
    assert set(founding_analysis.topics) <= set(founding_analysis.topic_scores)


def test_founding_article_summary_is_three_body_sentences(founding: Article, founding_analysis: Analysis) -> None:
    summary = founding_analysis.summary_sentences
    assert len(summary) == DEFAULT_SUMMARY_SENTENCES == 3
    for sentence in summary:
        assert sentence in founding.text, sentence  # quoted whole from the body, never rewritten
    joined = founding_analysis.summary
    assert joined == " ".join(summary)
    for furniture in ("Areas of Cooperation", "Future Outlook", "Layla Al-Khalifa", "Agencies", *founding.headings):
        assert furniture not in joined
    positions = [founding.text.index(sentence) for sentence in summary]
    assert positions == sorted(positions)  # in article order


def test_tone_and_signature_are_filled(founding: Article, founding_analysis: Analysis) -> None:
    assert -1.0 <= founding_analysis.tone <= 1.0
    assert founding_analysis.signature  # a MinHash for near-duplicate detection
    again = Analyser().analyse(founding)
    assert again.signature == founding_analysis.signature  # stable: stored signatures stay comparable


def test_an_article_not_in_english_gets_countries_but_no_topics_and_only_its_lead(
    analyser: Analyser, founding: Article, founding_analysis: Analysis
) -> None:
    french = analyser.analyse(replace(founding, language="fr"))
    assert french.language == "fr"
    assert french.countries == founding_analysis.countries
    assert set(french.countries[:2]) == {"KR", "JP"}
    assert french.topics == ()
    assert dict(french.topic_scores) == {}
    assert french.summary_sentences == (founding.paragraphs[0],)  # the lead, not an English summary
    assert french.tone == 0.0  # the tone lexicon is English


@pytest.mark.parametrize("wanted", [1, 2, 5])
def test_summary_length_follows_the_setting(founding: Article, wanted: int) -> None:
    analysis = Analyser(summary_sentences=wanted).analyse(founding)
    assert len(analysis.summary_sentences) == wanted
    assert all(sentence in founding.text for sentence in analysis.summary_sentences)


def test_a_summary_is_never_longer_than_the_article(analyser: Analyser) -> None:
    short = Article(id="s1", title="Port reopens", text="The port reopened on Monday after the storm.",
                    published_at=T0)
    analysis = Analyser(summary_sentences=50).analyse(short)
    assert analysis.summary_sentences == ("The port reopened on Monday after the storm.",)


@pytest.mark.parametrize("bad", [0, -1])
def test_fewer_than_one_summary_sentence_is_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        Analyser(summary_sentences=bad)


def test_the_standfirst_counts_as_lead_for_countries() -> None:
    article = Article(
        id="sf", title="Ministers meet after years of silence", standfirst="Kenya and Tanzania reopen border talks",
        text="The two ministers met at the border town on Monday and agreed to meet again in June.",
        published_at=T0,
    )
    with_standfirst = Analyser().analyse(article).country_scores
    without = Analyser().analyse(replace(article, standfirst=None)).country_scores
    assert dict(without) == {}
    assert with_standfirst["KE"] > 0
    assert with_standfirst["TZ"] > 0


def test_custom_topics_are_tagged_beside_the_taxonomy() -> None:
    bees = CustomTopic("beekeeping", ("beekeepers", "honey", "hives"))
    article = Article(id="b1", title="Beekeepers warn of falling honey harvests",
                      text="Beekeepers said honey harvests fell after the drought. Hives produced half their yield.",
                      published_at=T0)
    assert "beekeeping" not in Analyser().analyse(article).topics
    analysis = Analyser(custom_topics=[bees]).analyse(article)
    assert "beekeeping" in analysis.topics
    assert analysis.topic_scores["beekeeping"] > 0


@pytest.mark.parametrize(
    "title, text",
    [("", ""), ("Only a headline", ""), ("", "   "), ("\x00\x00", "\u200b"), ("A" * 5000, "word " * 20000)],
)
def test_odd_input_does_not_crash(title: str, text: str) -> None:
    analysis = Analyser().analyse(Article(id="odd", title=title, text=text, published_at=T0))
    assert analysis.article_id == "odd"
    assert -1.0 <= analysis.tone <= 1.0
    assert len(analysis.summary_sentences) <= DEFAULT_SUMMARY_SENTENCES
