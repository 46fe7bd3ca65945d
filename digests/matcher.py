"""Many phrases found in one pass over a text: the matching core of the country and topic taggers.

A thin wrapper over ahocorasick_rs (Rust's aho-corasick crate) compiled to a DFA. It reports the
leftmost-longest, non-overlapping matches, so "trade war" wins over "war" and "North Korea" over
"Korea". It replaced pyahocorasick: on the 12,301 Reuters articles the gazetteer's 8,440 case variants
took 28.5 us per article there and 5.7 here, the topic terms 19.0 and 10.8, with the same matches
(the engine's output was byte-identical on 13,525 articles). Building the DFA takes about 0.1 s.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick_rs

__all__ = ["PhraseMatcher"]


class PhraseMatcher:
    """Finds the leftmost-longest, non-overlapping occurrences of a fixed list of phrases."""

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = tuple(phrases)
        if not all(self.phrases):
            raise ValueError("a phrase to match must not be empty")
        self._automaton = ahocorasick_rs.AhoCorasick(
            self.phrases,
            matchkind=ahocorasick_rs.MatchKind.LeftmostLongest,
            implementation=ahocorasick_rs.Implementation.DFA,
            store_patterns=False,  # the phrases are kept here; the automaton needs no second copy
        )

    def __len__(self) -> int:
        return len(self.phrases)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """``(phrase index, start, end)`` of each match, in text order; offsets index ``text`` (end exclusive)."""
        matches: list[tuple[int, int, int]] = self._automaton.find_matches_as_indexes(text)
        return matches
