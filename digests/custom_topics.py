"""Custom topics: an admin's own keywords, phrases and exclusions, checked when one is made.

Kept apart from digests.topics so that module can be compiled (setup.py) while a CustomTopic still
accepts any iterable of terms and explains, in words an admin understands, what is wrong with one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from digests.topic_text import SLUG, words_of

__all__ = ["MAX_CUSTOM_TERMS", "MAX_TERM_CHARS", "CustomTopic"]

MAX_CUSTOM_TERMS = 200
MAX_TERM_CHARS = 100


@dataclass(frozen=True)
class CustomTopic:
    """An admin's topic: a slug, the keywords or phrases that mean it, and terms that rule it out."""

    slug: str
    keywords: tuple[str, ...]
    exclude: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.slug, str) or not SLUG.match(self.slug):
            raise ValueError(f"custom topic name {self.slug!r} must be 2-40 characters of a-z, 0-9 and '-'")
        for field_name in ("keywords", "exclude"):
            value = getattr(self, field_name)
            if isinstance(value, str) or not isinstance(value, Iterable):
                raise ValueError(f"custom topic {self.slug!r}: {field_name} must be a list of words or phrases")
            terms = tuple(value)
            if len(terms) > MAX_CUSTOM_TERMS:
                raise ValueError(f"custom topic {self.slug!r}: at most {MAX_CUSTOM_TERMS} {field_name}")
            for term in terms:
                if not isinstance(term, str) or not words_of(term.rstrip("*")):
                    raise ValueError(f"custom topic {self.slug!r}: {term!r} in {field_name} has no words to match")
                if len(term) > MAX_TERM_CHARS:
                    raise ValueError(f"custom topic {self.slug!r}: {term[:30]!r}... is longer than "
                                     f"{MAX_TERM_CHARS} characters")
            object.__setattr__(self, field_name, terms)
        if not self.keywords:
            raise ValueError(f"custom topic {self.slug!r} needs at least one keyword")
