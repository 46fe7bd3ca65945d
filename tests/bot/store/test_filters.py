"""The pieces of a search that need no database: domains, hosts and search words."""

from __future__ import annotations

import pytest

from bot.store.filters import MAX_SEARCH_WORDS, normalise_domain, search_words, url_host


@pytest.mark.parametrize(("given", "expected"), [
    ("bbc.co.uk", "bbc.co.uk"),
    (" BBC.co.uk. ", "bbc.co.uk"),
    (".bbc.co.uk", "bbc.co.uk"),
    ("https://www.bbc.co.uk/news/world", "www.bbc.co.uk"),
    ("bbc.co.uk/news", "bbc.co.uk"),
    ("http://[::1/broken", ""),
])
def test_domains_are_normalised(given: str, expected: str) -> None:
    assert normalise_domain(given) == expected


@pytest.mark.parametrize(("url", "host"), [
    ("https://News.Example.com/a?b=c", "news.example.com"),
    ("https://example.com./x", "example.com"),
    (None, None),
    ("", None),
    ("not a url", None),
    ("http://[::1/broken", None),
])
def test_hosts_are_lower_case_or_none(url: str | None, host: str | None) -> None:
    assert url_host(url) == host


def test_search_words_drop_operators_and_are_bounded() -> None:
    assert search_words('"Kenya" AND (floods) -rain*') == ["Kenya", "AND", "floods", "rain"]
    assert search_words("!!! ??") == []
    assert len(search_words("word " * 100)) == MAX_SEARCH_WORDS
