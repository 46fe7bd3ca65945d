from __future__ import annotations

import pytest

from digests.ingest.urls import absolute_http_url, canonical_url, host_of


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTPS://Example.COM/News/Story?b=2&a=1#comments", "https://example.com/News/Story?a=1&b=2"),
        ("http://example.com:80/a", "http://example.com/a"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("https://example.com:8443/a", "https://example.com:8443/a"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com./a", "https://example.com/a"),
        (
            "https://news.example/story?utm_source=rss&utm_medium=feed&id=7&fbclid=abc&gclid=x&mc_cid=1&ref=tw",
            "https://news.example/story?id=7",
        ),
        ("https://news.example/story?UTM_Campaign=x", "https://news.example/story"),
        ("https://news.example/s?q=a%20b&p=2", "https://news.example/s?p=2&q=a%20b"),
        ("  https://news.example/s  ", "https://news.example/s"),
        ("https://[2001:DB8::1]:443/x", "https://[2001:db8::1]/x"),
    ],
)
def test_canonical_url(given: str, expected: str) -> None:
    assert canonical_url(given) == expected


def test_canonical_url_is_idempotent() -> None:
    once = canonical_url("HTTP://A.example:80/p?z=1&utm_source=x&a=2#f")
    assert canonical_url(once) == once


@pytest.mark.parametrize("odd", ["", "not a url", "/relative/path", "http://[::1", "https://example.com:99999/"])
def test_canonical_url_never_raises_on_bad_input(odd: str) -> None:
    assert canonical_url(odd) == odd.strip()


def test_two_spellings_of_one_story_share_a_canonical_url() -> None:
    a = canonical_url("https://www.example.com/world/story-1?utm_source=twitter")
    b = canonical_url("https://WWW.EXAMPLE.COM/world/story-1#top")
    assert a == b


def test_host_of() -> None:
    assert host_of("https://www.BBC.co.uk/news") == "bbc.co.uk"
    assert host_of("https://apnews.com/x") == "apnews.com"
    assert host_of("no host here") is None


@pytest.mark.parametrize(
    ("link", "base", "expected"),
    [
        ("/story/1", "https://news.example/feed.xml", "https://news.example/story/1"),
        ("https://other.example/a", "https://news.example/", "https://other.example/a"),
        ("javascript:alert(1)", "https://news.example/", None),
        ("file:///etc/passwd", None, None),
        ("data:text/html,hi", None, None),
        ("/relative-without-base", None, None),
        ("", "https://news.example/", None),
        (None, "https://news.example/", None),
    ],
)
def test_absolute_http_url(link: str | None, base: str | None, expected: str | None) -> None:
    assert absolute_http_url(link, base) == expected
