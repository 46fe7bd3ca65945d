"""Splitting a command's text into words, and quoting values so they split back the same way.

Rules, chosen so that apostrophes inside names ("Côte d'Ivoire", "Xi's") need no escaping:

- words are separated by whitespace; a word ``key=value`` (key a plain ASCII name) is an option;
- a quote opens only at the start of a word, right after the ``=`` of an option, or right after a
  comma, and closes at a quote of the same kind (straight or typographic, as phones send them) that is
  followed by whitespace, a comma or the end of the text; quotes anywhere else are ordinary letters;
- a quote that opens and never closes is an error.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from bot.commands.errors import UserError, shown

__all__ = ["DOUBLE_QUOTES", "SINGLE_QUOTES", "Token", "fold", "quote_value", "tokenise"]

DOUBLE_QUOTES = frozenset('"“”„')
SINGLE_QUOTES = frozenset("'‘’")
_QUOTES = DOUBLE_QUOTES | SINGLE_QUOTES
_OPTION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,31}")


def fold(word: str) -> str:
    """A word as compared with command words and names: compatibility-normalised (full-width letters
    become plain ones) and case-folded."""
    return unicodedata.normalize("NFKC", word).casefold()


@dataclass(frozen=True, slots=True)
class Token:
    """One word of a command: ``value`` with its quotes removed, ``key`` as typed when it was key=value."""

    value: str
    key: str | None = None

    @property
    def literal(self) -> str:
        """The word as plain text, for arguments that take the rest of the line."""
        return self.value if self.key is None else f"{self.key}={self.value}"


def _closes(text: str, index: int, family: frozenset[str]) -> bool:
    if text[index] not in family:
        return False
    after = index + 1
    return after == len(text) or text[after].isspace() or text[after] == ","


def _unclosed(text: str, start: int) -> UserError:
    return UserError(
        f"The quote before {shown(text[start + 1 :])} is never closed.",
        'Close each quote after the name, e.g. /news pair "south korea" japan',
    )


def tokenise(text: str) -> list[Token]:
    """The words of ``text``; raises ``UserError`` for a quote that is never closed."""
    tokens: list[Token] = []
    index, length = 0, len(text)
    while index < length:
        if text[index].isspace():
            index += 1
            continue
        chars: list[str] = []
        key: str | None = None
        word_start = index
        may_open = True  # a quote may open at the start of a word
        while index < length and not text[index].isspace():
            char = text[index]
            if may_open and char in _QUOTES:
                family = DOUBLE_QUOTES if char in DOUBLE_QUOTES else SINGLE_QUOTES
                end = index + 1
                while end < length and not _closes(text, end, family):
                    end += 1
                if end >= length:
                    raise _unclosed(text, index)
                chars.append(text[index + 1 : end])
                index = end + 1
                may_open = False  # what follows a closing quote is whitespace, a comma or the end
                continue
            chars.append(char)
            index += 1
            if char == ",":
                may_open = True
            elif char == "=" and key is None and text[word_start] not in _QUOTES:
                prefix = "".join(chars[:-1])
                if _OPTION_NAME.fullmatch(prefix):
                    key, chars, may_open = prefix, [], True
                else:
                    may_open = False
            else:
                may_open = False
        tokens.append(Token("".join(chars), key))
    return tokens


def _splits_back(rendered: str, value: str, key: str | None) -> bool:
    try:
        tokens = tokenise(rendered)
    except UserError:
        return False
    return tokens == [Token(value, key)]


def _quoted_candidates(part: str) -> list[str]:
    return [part, f'"{part}"', f"'{part}'", f"“{part}”", f"‘{part}’"]


def quote_value(value: str, key: str | None = None) -> str:
    """``value`` (as option ``key`` when given) written so that ``tokenise`` gives exactly it back.

    Raises ``ValueError`` for a value no quoting can carry, which ``tokenise`` never produces.
    """
    prefix = f"{key}=" if key is not None else ""
    for candidate in _quoted_candidates(value):
        if _splits_back(prefix + candidate, value, key):
            return prefix + candidate
    # Quotes of both kinds inside: quote each comma-separated part on its own (a quote may open after
    # a comma), taking for each part the first form that reads back alone.
    pieces: list[str] = []
    for position, part in enumerate(value.split(",")):
        for candidate in _quoted_candidates(part):
            alone = (prefix + candidate) if position == 0 else candidate
            if _splits_back(alone, part, key if position == 0 else None):
                pieces.append(candidate)
                break
        else:
            raise ValueError(f"no quoting carries {value!r}")
    rendered = prefix + ",".join(pieces)
    if not _splits_back(rendered, value, key):
        raise ValueError(f"no quoting carries {value!r}")
    return rendered
