"""The language of a text, as an ISO 639-1 code, offline (py3langid's bundled model).

The model also knows languages without a two-letter code (Nigerian Pidgin, Bikol ...), which it picks
for short English news text surprisingly often, and Volapük and Latin, which nobody writes news in; the
identifier is restricted to the two-letter languages minus those two. Below ``MIN_LETTERS`` letters, or
when the best guess is weaker than ``MIN_CONFIDENCE``, the answer is "und" (undetermined): a headline
alone is often too short to tell.
"""

from __future__ import annotations

from functools import cache
from typing import Any

__all__ = ["MIN_CONFIDENCE", "MIN_LETTERS", "UNDETERMINED", "detect_language"]

UNDETERMINED = "und"
MIN_LETTERS = 20
MIN_CONFIDENCE = 0.3
_NEVER_NEWS = frozenset({"vo", "la"})
_SAMPLE_CHARS = 2_000  # the opening of a long text decides as well as the whole, much faster


@cache
def _identifier() -> Any:
    """The py3langid identifier with probabilities, loaded once (about 0.7 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages([c for c in identifier.labels if len(c) == 2 and c not in _NEVER_NEWS])
    return identifier


def _prepared(text: str) -> str:
    # Headlines set in capitals read as noise to the model; their lower-case form reads as words.
    return "\n".join(line.lower() if line.isupper() else line for line in text[:_SAMPLE_CHARS].splitlines())


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` ("en", "fr" ...), or "und" when too short or too uncertain to say."""
    if not isinstance(text, str):
        raise TypeError(f"detect_language() expects str, got {type(text).__name__}")
    sample = _prepared(text)
    if sum(ch.isalpha() for ch in sample) < MIN_LETTERS:
        return UNDETERMINED
    code, confidence = _identifier().classify(sample)
    if confidence < MIN_CONFIDENCE or not isinstance(code, str) or len(code) != 2:
        return UNDETERMINED
    return code
