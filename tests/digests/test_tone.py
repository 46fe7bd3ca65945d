"""News tone: TextBlob's lexicon corrected for news language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from textblob.en.sentiments import PatternAnalyzer

from digests.tone import ToneLexicon, lexicon, tone, tone_sign

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "tone_sentences.tsv"


def _fixture_rows() -> list[tuple[int, str, str]]:
    rows: list[tuple[int, str, str]] = []
    for line in FIXTURE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        expected, title, lead = line.split("\t")
        rows.append((int(expected), title, lead))
    return rows


def test_fixture_is_large_and_balanced() -> None:
    rows = _fixture_rows()
    assert len(rows) >= 40
    assert {expected for expected, _, _ in rows} == {-1, 0, 1}


def test_every_fixture_sign_is_right() -> None:
    wrong = [
        (expected, title, round(tone(title, lead), 3))
        for expected, title, lead in _fixture_rows()
        if tone_sign(tone(title, lead)) != expected
    ]
    assert wrong == []


def test_the_corrections_fix_what_textblob_gets_wrong() -> None:
    # TextBlob alone: "rose" is a flower (+0.6) and a missile is nothing.
    analyzer = PatternAnalyzer()
    for headline, expected in [
        ("Unemployment rose to a record", -1),
        ("Casualties rose", -1),
        ("North Korea fired a missile", -1),
    ]:
        assert tone_sign(analyzer.analyze(headline).polarity) != expected
        assert tone_sign(tone(headline, "")) == expected


@pytest.mark.parametrize(
    ("headline", "expected"),
    [
        ("Unemployment rose", -1),
        ("Unemployment did not rise", 1),
        ("Exports rose", 1),
        ("A rise in exports", 1),
        ("A rise in unemployment", -1),
        ("The deficit narrowed", 1),
        ("The deficit widened", -1),
        ("Sanctions were lifted", 1),
        ("The ceasefire ended", -1),
        ("Talks failed", -1),
        ("The talks did not fail", 1),
        ("No agreement was reached", -1),
        ("Oil prices fell", 0),
    ],
)
def test_directions_negations_and_reversers(headline: str, expected: int) -> None:
    assert tone_sign(tone(headline, "")) == expected


def test_the_headline_counts_more_than_the_lead() -> None:
    assert tone("Ceasefire agreed", "Fighting killed two.") > 0
    assert tone("Fighting killed two", "A ceasefire was agreed.") < 0


def test_only_the_start_of_the_lead_is_read() -> None:
    late = " ".join(["The committee met on Monday."] * 20) + " Thousands were killed."
    assert tone("Committee meets", late) == 0.0


def test_neutral_and_empty_text() -> None:
    assert tone("", "") == 0.0
    assert tone("The minister will visit Paris on Tuesday", "") == 0.0


def test_bad_input_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match=r"expects two str|str object expected; got None"):  # plain | compiled
        tone(None, "")  # type: ignore[arg-type]  # bad input on purpose


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=400))
def test_tone_is_always_in_range(title: str, lead: str) -> None:
    assert -1.0 <= tone(title, lead) <= 1.0


def test_the_lexicon_merges_textblob_and_overrides() -> None:
    table = lexicon()
    assert table.entry("killed") is not None
    attacking = table.entry("attacking")  # an inflection found by stem
    assert attacking is not None and attacking.polarity is not None and attacking.polarity < 0
    rose = table.entry("rose")
    assert rose is not None and rose.polarity == 0.0 and rose.direction is not None and rose.direction > 0
    great = table.entry("great")  # "Great Britain": switched off
    assert great is not None and great.polarity == 0.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"terms": {"war": 2}}, "outside"),
        ({"terms": {"war": "bad"}}, "number"),
        ({"terms": ["war"]}, "object"),
        ({"neutral": "great"}, "list"),
        ({"phrases": {"war": -0.5}}, "two words"),
    ],
)
def test_bad_override_files_are_rejected(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ToneLexicon.build(overrides, {})


def test_tone_sign_has_a_small_neutral_zone() -> None:
    assert tone_sign(0.3) == 1
    assert tone_sign(-0.3) == -1
    assert tone_sign(0.01) == 0
