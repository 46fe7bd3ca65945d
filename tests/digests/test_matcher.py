"""The phrase matcher: leftmost-longest, non-overlapping matches with character offsets."""

from __future__ import annotations

import pytest

from digests.matcher import PhraseMatcher


def test_the_longest_phrase_at_the_leftmost_start_wins() -> None:
    matcher = PhraseMatcher(["war", "trade war", "korea", "north korea"])
    text = "a trade war with north korea, not a war"
    found = [(matcher.phrases[index], text[start:end]) for index, start, end in matcher.find(text)]
    assert found == [("trade war", "trade war"), ("north korea", "north korea"), ("war", "war")]


def test_matches_do_not_overlap_and_a_leftmost_match_is_kept_over_a_later_longer_one() -> None:
    matcher = PhraseMatcher(["abc", "bcdef"])
    assert matcher.find("abcdef") == [(0, 0, 3)]


def test_offsets_count_characters_not_bytes() -> None:
    matcher = PhraseMatcher(["Japan"])
    text = "Côte d’Ivoire — Japan"
    [(index, start, end)] = matcher.find(text)
    assert text[start:end] == "Japan" and index == 0


def test_an_empty_matcher_matches_nothing_and_an_empty_phrase_is_refused() -> None:
    assert PhraseMatcher([]).find("anything") == []
    assert len(PhraseMatcher(["a", "b"])) == 2
    with pytest.raises(ValueError, match="must not be empty"):
        PhraseMatcher(["a", ""])
