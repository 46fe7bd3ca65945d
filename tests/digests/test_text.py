"""Sentences, words and the recognisers of text that is not a sentence."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from digests.text import (
    STOPWORDS,
    content_terms,
    content_words,
    is_byline,
    is_caption_run,
    is_complete,
    is_heading,
    is_junk,
    is_non_sentence,
    is_signoff,
    paragraphs,
    quotable,
    sentences,
    stem,
    strip_junk_prefix,
    strip_signoff,
    tokens_fast,
    words,
)


def test_sentences_keep_abbreviations_inside_sentences() -> None:
    text = (
        "The summit sets the stage for a meeting with U.S. President Donald Trump. "
        "Army Spc. Caleb Barnes was charged on Friday. Gen. John Allen spoke later. "
        "Shares rose 3.5 pct to 12.50 dlrs. Mr. Smith left at 5 p.m. on Monday."
    )
    assert sentences(text) == [
        "The summit sets the stage for a meeting with U.S. President Donald Trump.",
        "Army Spc. Caleb Barnes was charged on Friday.",
        "Gen. John Allen spoke later.",
        "Shares rose 3.5 pct to 12.50 dlrs.",
        "Mr. Smith left at 5 p.m. on Monday.",
    ]


def test_sentences_are_stripped_and_split_at_blank_lines() -> None:
    text = "  First part without a stop\n\nSecond paragraph here.   Third one!  \n\n\n"
    assert sentences(text) == ["First part without a stop", "Second paragraph here.", "Third one!"]


def test_a_heading_line_stands_alone_but_wrapped_lines_join() -> None:
    text = "Areas of Cooperation\nThe leaders agreed to work\ntogether on energy. They met."
    assert sentences(text) == [
        "Areas of Cooperation",
        "The leaders agreed to work together on energy.",
        "They met.",
    ]


def test_a_piece_starting_in_lower_case_continues_the_sentence() -> None:
    assert sentences("He lives in St. Louis. Wash. state is far.") == [
        "He lives in St. Louis.",
        "Wash. state is far.",
    ]


def test_sentences_of_empty_text_and_bad_input() -> None:
    assert sentences("") == []
    assert sentences(" \n\n ") == []
    with pytest.raises(TypeError, match=r"expects str|str object expected; got None"):  # plain | compiled
        sentences(None)  # type: ignore[arg-type]  # bad input on purpose


_PIECES = st.sampled_from(
    [
        "The",
        "U.S.",
        "said",
        "Mr.",
        "Smith",
        "rose",
        "3.5",
        "pct",
        ".",
        "!",
        "?",
        ",",
        '"',
        "e.g.",
        "\n",
        "\n\n",
        "it",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=40))
def test_sentences_never_lose_or_invent_text(pieces: list[str]) -> None:
    text = " ".join(pieces)
    assert " ".join(sentences(text)).split() == text.split()


def test_paragraphs_split_on_blank_lines_and_normalise_space() -> None:
    assert paragraphs("One\nline.\n\n \n Two  words.\n") == ["One line.", "Two words."]


def test_a_title_on_the_first_line_is_its_own_paragraph() -> None:
    text = "Ad sales boost profit\nQuarterly profits jumped 76%.\nThe firm said so.\n\nMore here."
    assert paragraphs(text) == [
        "Ad sales boost profit",
        "Quarterly profits jumped 76%. The firm said so.",
        "More here.",
    ]


def test_words_are_lower_case_and_keep_inner_apostrophes() -> None:
    assert words("Don't PANIC: Lee’s U.S. visit, 3.5 pct") == [
        "don't",
        "panic",
        "lee’s",
        "u",
        "s",
        "visit",
        "3",
        "5",
        "pct",
    ]
    assert tokens_fast("Don't PANIC: 'quoted' Lee’s farmers' crops") == [
        "don't",
        "panic",
        "quoted",
        "lee's",
        "farmers",
        "crops",
    ]


def test_content_words_drop_stopwords() -> None:
    assert content_words("The leaders agreed to work together on energy") == [
        "leaders",
        "agreed",
        "work",
        "together",
        "energy",
    ]
    assert content_terms("the energy and the ENERGY") == frozenset({"energy"})
    assert "the" in STOPWORDS


@pytest.mark.parametrize(
    ("forms", "expected"),
    [
        (("rates", "rated", "rating", "rate"), "rat"),
        (("killed", "kills", "killing", "kill"), "kill"),
        (("attacks", "attacked", "attack"), "attack"),
        (("studies", "studied", "study"), "study"),
        (("running", "runs"), "run"),
    ],
)
def test_stem_maps_inflections_together(forms: tuple[str, ...], expected: str) -> None:
    assert {stem(form) for form in forms} == {expected}


def test_stem_leaves_short_and_odd_words_alone() -> None:
    assert stem("is") == "is"
    assert stem("us") == "us"
    assert stem("process") == "process"
    assert stem("g7") == "g7"


@pytest.mark.parametrize(
    "line", ["Areas of Cooperation", "Upcoming Meeting with U.S. President", "Future Outlook", "Key points:"]
)
def test_headings(line: str) -> None:
    assert is_heading(line)
    assert is_non_sentence(line)


@pytest.mark.parametrize(
    "line", ["The leaders met in Tokyo.", "", "a lower-case fragment", "Why did it fail?"]
)
def test_not_headings(line: str) -> None:
    assert not is_heading(line)


@pytest.mark.parametrize(
    "line",
    [
        "By Jane Doe",
        "By JANE DOE and John Smith",
        "Layla Al-Khalifa",
        "Reporting by Jane Doe",
        "Maria de la Cruz",
    ],
)
def test_bylines(line: str) -> None:
    assert is_byline(line)


@pytest.mark.parametrize(
    "line",
    [
        "By the end of the year, prices rose.",
        "South Korea and Japan pledge to cooperate.",
        "Tokyo stock exchange closed",
    ],
)
def test_not_bylines(line: str) -> None:
    assert not is_byline(line)


@pytest.mark.parametrize(
    "line",
    [
        "– Agencies",
        "(Reuters)",
        "- AP",
        "Reporting by Jane Doe; Editing by Bob Smith",
        "Source: Reuters",
        "With inputs from PTI",
    ],
)
def test_signoffs(line: str) -> None:
    assert is_signoff(line)


@pytest.mark.parametrize(
    "line", ["Sources said the deal was off.", "The agency said it would appeal.", "Reuters reported it."]
)
def test_not_signoffs(line: str) -> None:
    assert not is_signoff(line)


def test_strip_signoff_removes_a_trailing_agency_and_keeps_the_stop() -> None:
    assert strip_signoff("Their bilateral relations. – Agencies") == "Their bilateral relations."
    assert strip_signoff("He said on Monday (Reuters).") == "He said on Monday."
    assert (
        strip_signoff("Talks went on with the AP - style guide") == "Talks went on with the AP - style guide"
    )
    assert strip_signoff("No sign-off here.") == "No sign-off here."


def test_junk_and_captions_from_scraped_pages() -> None:
    assert is_junk("Scroll down for video")
    assert is_junk("Click here to read the full report.")
    assert is_junk("Share")
    assert not is_junk("The kite was flown at the festival.")
    assert strip_junk_prefix("Scroll down for video David Cameron hit back.") == "David Cameron hit back."
    assert is_caption_run("Flying high: Half of the kite took to the sky in Chongqing.")
    assert is_caption_run("It flew last Saturday Skilful: The kite weighs 200 kilograms.")
    assert not is_caption_run("Mr Wang said: 'Big kites are built from this rope.'")


def test_complete_sentences() -> None:
    assert is_complete("He said it.")
    assert is_complete('He said "no."')
    assert is_complete('Wenger added: "It is a good ankle sprain. "')
    assert is_complete("Was it?")
    assert not is_complete("The kite took to the sky")
    assert not is_complete("The report says that the minister…")
    assert not is_complete("And then...")


def test_quotable_returns_clean_text_and_terms_or_none() -> None:
    checked = quotable("Scroll down for video The summit went well.")
    assert checked is not None
    text, terms = checked
    assert text == "The summit went well."
    assert terms == frozenset({"summit", "went", "well"})
    for line in [
        "Areas of Cooperation",
        "– Agencies",
        "Reporting by Jane Doe; Editing by Bob Smith.",
        "Click here.",
    ]:
        assert quotable(line) is None, line
    assert quotable("Skilful: The kite weighs 200 kilograms.") is None


def test_founding_article_lines_are_recognised(founding_article: Path) -> None:
    blocks = paragraphs(founding_article.read_text(encoding="utf-8"))
    assert is_byline(blocks[0])
    headings = [block for block in blocks if is_heading(block)]
    assert "Areas of Cooperation" in headings
    assert "Upcoming Meeting with U.S. President" in headings
    assert blocks[-1].endswith("– Agencies")
    assert strip_signoff(blocks[-1]).endswith("bilateral relations.")
    body_sentences = [
        s for block in blocks[3:] for s in sentences(strip_signoff(block)) if not is_non_sentence(s)
    ]
    assert any("U.S. President Donald Trump, where trade" in s for s in body_sentences)
    assert all(is_complete(s) for s in body_sentences)
