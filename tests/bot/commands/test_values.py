"""Validated argument values: periods, counts, modes, free text, slugs, feed URLs, domains."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.commands.errors import UserError
from bot.commands.values import (
    DigestMode,
    clean_text,
    format_period,
    parse_count,
    parse_domain,
    parse_feed_url,
    parse_mode,
    parse_period,
    parse_phrases,
    parse_slug,
)


def refusal(call: object, *args: object, **kwargs: object) -> UserError:
    assert callable(call)
    with pytest.raises(UserError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("24h", timedelta(hours=24)),
        ("7d", timedelta(days=7)),
        ("2w", timedelta(weeks=2)),
        ("1h", timedelta(hours=1)),
        ("365d", timedelta(days=365)),
        ("3DAYS", timedelta(days=3)),
        ("12hours", timedelta(hours=12)),
        (" 1week ", timedelta(weeks=1)),
    ],
)
def test_periods(text: str, expected: timedelta) -> None:
    assert parse_period(text) == expected


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("0h", "too short"),
        ("366d", "too long"),
        ("53w", "too long"),
        ("9999999h", "not a period"),
        ("7", "not a period"),
        ("d", "not a period"),
        ("1m", "minutes or months"),
        ("3x", "unknown unit"),
        ("-1d", "not a period"),
        ("１d", "not a period"),
    ],
)
def test_bad_periods_say_how_to_write_one(text: str, words: str) -> None:
    error = refusal(parse_period, text)
    assert words in error.message
    assert "24h, 7d or 2w" in error.hint


@pytest.mark.parametrize("hours", [1, 5, 24, 36, 48, 168, 336, 24 * 365])
def test_format_period_reads_back(hours: int) -> None:
    period = timedelta(hours=hours)
    assert parse_period(format_period(period)) == period
    assert format_period(timedelta(days=14)) == "2w"
    assert format_period(timedelta(days=3)) == "3d"


def test_counts() -> None:
    assert parse_count("8", name="items", low=1, high=20) == 8
    assert parse_count(" 20 ", name="items", low=1, high=20) == 20
    for bad in ("0", "21", "eight", "-1", "1.5", ""):
        error = refusal(parse_count, bad, name="items", low=1, high=20)
        assert "from 1 to 20" in error.hint


def test_modes() -> None:
    assert parse_mode("full") is DigestMode.FULL
    assert parse_mode("Headlines") is DigestMode.HEADLINES
    error = refusal(parse_mode, "brief")
    assert "full, headlines" in error.hint


def test_clean_text_collapses_whitespace_and_checks_length() -> None:
    assert clean_text("  chip   export ", what="term", max_chars=60) == "chip export"
    assert "too long" in refusal(clean_text, "x" * 61, what="term", max_chars=60).message
    assert "too short" in refusal(clean_text, "x", what="term", max_chars=60, min_chars=2).message
    assert "empty" in refusal(clean_text, "   ", what="term", max_chars=60).message
    assert "no letters or digits" in refusal(clean_text, "!!!", what="term", max_chars=60).message


@pytest.mark.parametrize("text", ["<@U123> news", "<!channel>", "@everyone", "a\x00b", "<https://x.example|y>"])
def test_clean_text_refuses_mentions_and_markup_without_echoing_them(text: str) -> None:
    error = refusal(clean_text, text, what="query", max_chars=200)
    assert "which I don't accept" in error.message
    assert text not in error.text
    assert "@everyone" not in error.text


def test_phrases() -> None:
    got = parse_phrases(
        "chip export, Chip Export, rare earths,, ",
        what="keyword",
        min_count=1,
        max_count=50,
        min_chars=2,
        max_chars=60,
    )
    assert got == ("chip export", "rare earths")
    assert (
        "at least 1 keyword"
        in refusal(parse_phrases, " , ", what="keyword", min_count=1, max_count=50, min_chars=2, max_chars=60).message
    )
    many = ",".join(f"word{n}" for n in range(51))
    assert (
        "Too many keywords: 51"
        in refusal(parse_phrases, many, what="keyword", min_count=1, max_count=50, min_chars=2, max_chars=60).message
    )
    assert (
        "too short"
        in refusal(parse_phrases, "a, bb", what="keyword", min_count=1, max_count=50, min_chars=2, max_chars=60).message
    )


def test_slugs() -> None:
    assert parse_slug("chips") == "chips"
    assert parse_slug("Chip-Exports") == "chip-exports"
    for bad in ("x", "a" * 41, "chip exports", "chips!", "çips", ""):
        assert "2 to 40 lower-case letters" in refusal(parse_slug, bad).hint


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/rss.xml",
        "http://feeds.example.co.uk/news?format=rss&x=1",
        "HTTPS://Example.com/feed",
        "https://127.0.0.1:8080/rss",
        "http://localhost:8000/feed",
        "https://[::1]/rss",
        "https://bücher.de/rss",
    ],
)
def test_feed_urls(url: str) -> None:
    assert parse_feed_url(f" {url} ") == url


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://example.com/rss", "not an http(s) address"),
        ("javascript:alert(1)", "not an http(s) address"),
        ("example.com/rss", "no http:// or https://"),
        ("https://", "no valid host name"),
        ("https://exa mple.com", "characters a web address cannot have"),
        ("https://user:pw@example.com/rss", "user name or password"),
        ("https://example.com:99999/rss", "not a web address I can read"),
        ("https://-bad-.com/rss", "no valid host name"),
        ("https://intranet/rss", "no valid host name"),
        ("https://example.com/" + "a" * 2000, "too long"),
        ("", "empty"),
    ],
)
def test_bad_feed_urls(url: str, words: str) -> None:
    error = refusal(parse_feed_url, url)
    assert words in error.text
    assert error.hint


@pytest.mark.parametrize(
    ("text", "domain"),
    [
        ("example.com", "example.com"),
        ("BBC.co.uk", "bbc.co.uk"),
        ("www.reuters.com", "reuters.com"),
        ("https://www.example.com/news/1", "example.com"),
        ("*.example.org", "example.org"),
        ("news.example.com.", "news.example.com"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("example.com/path", "example.com"),
    ],
)
def test_domains(text: str, domain: str) -> None:
    assert parse_domain(text) == domain


@pytest.mark.parametrize("text", ["", "localhost", "1.2.3.4", "exa mple.com", "-x.com", "a..b.com", "x" * 300, "<@U1>"])
def test_bad_domains(text: str) -> None:
    error = refusal(parse_domain, text)
    assert "e.g. example.com" in error.hint
