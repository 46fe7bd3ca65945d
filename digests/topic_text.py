"""How text and terms are written for topic matching: one normalisation for both, so they meet.

Text is lower-cased and every separator becomes two spaces, so a term stored as " word " matches whole
words only and two adjacent words can both match (each match takes one of the two spaces between
them). A term ending in "*" is a prefix: " w1  w2" matches "w2", "w2s", "w2ing" ...
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["PLACE_MARK", "SLUG", "normalise", "patterns", "words_of"]

SLUG = re.compile(r"^[a-z0-9-]{2,40}$")  # a topic's name: built-in and custom alike
# Separates title, lead and body in one normalised string: not a separator, so no term spans it.
PLACE_MARK = "\x00"
# For ASCII text: letters lower-cased, digits kept, every other byte a space except NUL, the place mark.
_ASCII_TABLE = bytes(
    (byte | 0x20 if chr(byte).isalpha() else byte) if byte == 0 or (byte < 128 and chr(byte).isalnum()) else 32
    for byte in range(256)
)
# Typographic punctuation that English news uses: turned into ASCII spaces so the text stays ASCII.
_TYPOGRAPHIC = ("’", "‘", "“", "”", "—", "–", "…", "\u00a0", "«", "»", "′", "″")
_NON_WORD = re.compile(r"[^\w\x00]|_")


def normalise(text: str) -> str:
    """Lower-cased, every separator character turned into two spaces, padded with two spaces."""
    if not text.isascii():
        for mark in _TYPOGRAPHIC:
            if mark in text:
                text = text.replace(mark, " ")
        if not text.isascii():  # accented or non-Latin letters: the slower general path
            text = _NON_WORD.sub(" ", unicodedata.normalize("NFC", text.lower()))
            return f" {text} ".replace(" ", "  ")
    # ASCII: one byte-table pass lower-cases letters and blanks separators.
    return (b" " + text.encode().translate(_ASCII_TABLE) + b" ").replace(b" ", b"  ").decode()


def words_of(term: str) -> list[str]:
    """The words of a term or a name as matching sees them."""
    return normalise(term.replace(PLACE_MARK, " ")).split()


def _plural(word: str) -> str | None:
    if not word.isalpha() or len(word) < 2:
        return None
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def patterns(term: str) -> list[str]:
    """Matcher phrases for a term: " w1  w2 " (whole words), its plural, or " w1  w2" for "w1 w2*"."""
    prefix = term.endswith("*")
    words = words_of(term.rstrip("*"))
    if not words:
        return []
    core = " " + "  ".join(words)
    if prefix:
        return [core]
    keys = [core + " "]
    plural = _plural(words[-1])
    if plural and len(words[-1]) > 2:
        keys.append(" " + "  ".join([*words[:-1], plural]) + " ")
    return keys
