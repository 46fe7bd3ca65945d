"""A tokenizer for sumy built on our sentence splitter: sumy's own needs NLTK's punkt, unavailable offline."""

from __future__ import annotations

from digests.text import sentences, words


class SentencexTokenizer:
    """The two methods sumy's parsers call, plus the language they read."""

    language = "english"

    def to_sentences(self, text: str) -> tuple[str, ...]:
        return tuple(sentences(text))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        return tuple(words(sentence))
