"""The source a feed's articles credit when no publisher was registered: the title, and the site if needed."""

from __future__ import annotations

import pytest

from digests.ingest.feeds import parse_feed
from digests.ingest.naming import credited_name, site_of


@pytest.mark.parametrize(
    ("title", "site_url", "credited"),
    [
        ("Asia", "https://www.economist.com/asia/", "Asia · economist.com"),
        ("Top Stories", "https://www.abc.net.au/news", "Top Stories · abc.net.au"),
        ("BBC News - World", "https://www.bbc.co.uk/news/world", "BBC News - World"),
        ("NYT > World News", "https://www.nytimes.com/section/world", "NYT > World News"),
        ("World news | The Guardian", "https://www.theguardian.com/world", "World news | The Guardian"),
        ("Deutsche Welle", "https://www.dw.com/en", "Deutsche Welle"),
        ("MercoPress", "https://en.mercopress.com/", "MercoPress"),
        ("mridul.io", "https://example.vercel.app/", "mridul.io"),
        ("Science news", "http://localhost:8080/feed", "Science news"),
        ("Science news", "http://127.0.0.1/feed", "Science news"),
        ("Science news", None, "Science news"),
        ("", "https://www.economist.com/", ""),
    ],
)
def test_a_title_that_does_not_name_its_site_gets_the_site(title: str, site_url: str | None, credited: str) -> None:
    assert credited_name(title, site_url) == credited


def test_feed_service_hosts_give_the_site() -> None:
    assert site_of("https://feeds.economist.com/asia") == "economist.com"
    assert site_of("https://rss.example.org/x") == "example.org"
    assert site_of("https://feeds.com/") == "feeds.com"  # a site called "feeds" keeps its name


def test_a_parsed_feed_credits_the_site_unless_an_item_names_its_own_source() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Asia</title>
    <link>https://www.economist.com/asia/</link>
    <item><title>Floods in the north</title><link>https://www.economist.com/asia/1</link></item>
    <item><title>Quoted</title><link>https://example.org/2</link>
      <source url="https://example.org/rss">Example Wire</source></item>
    </channel></rss>"""
    parsed = parse_feed(rss, url="https://www.economist.com/asia/rss.xml")
    assert parsed.title == "Asia"  # the feed keeps its own title; only the credit changes
    assert [item.source_title for item in parsed.items] == ["Asia · economist.com", "Example Wire"]
