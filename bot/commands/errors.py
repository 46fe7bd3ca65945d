"""The one error a command can raise, and the helpers that make its message safe to post back.

A ``UserError`` is shown to the person who typed the command, so it says what is wrong and what to do,
and it never carries their input raw: ``shown`` quotes a value only when it holds no markup, mention or
control character, and cuts it short.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable

__all__ = ["UserError", "closest", "did_you_mean", "is_unsafe", "shown", "unsafe_reason"]

SHOWN_MAX_CHARS = 40

# Markup that Slack or Discord turns into a mention, a channel link, a link with a hidden target, a
# timestamp or a custom emoji: "<@U123>", "<!here>", "<#C1>", "<@&1>", "<https://x|y>", "<t:1>", "<:e:1>".
_MARKUP = re.compile(r"<\s*(?:[@#!&:/]|[a-z][a-z0-9+.-]*:|[^<>]*\|)", re.IGNORECASE)
# Plain-text pings that work without markup on one platform or the other.
_BROADCAST = re.compile(r"@\s*(?:everyone|here|channel)\b", re.IGNORECASE)
# Format characters that reorder or hide text (bidi overrides and isolates, marks); zero-width joiners
# stay allowed because emoji sequences use them.
_HIDDEN_FORMAT = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


class UserError(Exception):
    """A mistake in what the user typed: ``message`` says what is wrong, ``hint`` what to do instead."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message, hint)
        self.message = message
        self.hint = hint

    @property
    def text(self) -> str:
        """The message and the hint as one reply."""
        return f"{self.message} {self.hint}".strip()

    def __str__(self) -> str:
        return self.text


def _is_hidden_character(char: str) -> bool:
    category = unicodedata.category(char)
    return category in ("Cc", "Cs") or char in _HIDDEN_FORMAT


def unsafe_reason(text: str) -> str | None:
    """Why ``text`` must not be used or echoed (a mention, markup, a control character), or None."""
    if any(_is_hidden_character(char) for char in text):
        return "control characters"
    if _BROADCAST.search(text):
        return "a mention of everyone, here or the channel"
    if _MARKUP.search(text):
        return "mentions, channel links or link markup"
    return None


def is_unsafe(text: str) -> bool:
    return unsafe_reason(text) is not None


def shown(value: str, *, limit: int = SHOWN_MAX_CHARS) -> str:
    """``value`` in double quotes for a message, cut to ``limit`` characters; unsafe text is not echoed."""
    flat = " ".join(value.split())
    if is_unsafe(flat):
        return "that value"
    # Backticks would break the code formatting of the reply around the value.
    flat = flat.replace("`", "'")
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    return f'"{flat}"'


def closest(word: str, options: Iterable[str], *, limit: int = 3) -> list[str]:
    """The options nearest to ``word``: ones it begins, then close spellings (case-insensitive)."""
    folded = {option.casefold(): option for option in options}
    target = word.casefold()
    found = [folded[key] for key in folded if target and key.startswith(target)]
    for key in difflib.get_close_matches(target, list(folded), n=limit, cutoff=0.6):
        if folded[key] not in found:
            found.append(folded[key])
    return found[:limit]


def did_you_mean(suggestions: Iterable[str]) -> str:
    """' Did you mean: a, b?' (with its leading space), or "" when there is nothing to suggest."""
    names = list(dict.fromkeys(suggestions))
    return f" Did you mean: {', '.join(names)}?" if names else ""
