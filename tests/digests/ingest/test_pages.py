"""Article pages from the loopback server: robots.txt honoured, text extracted by trafilatura."""

from __future__ import annotations

from digests.ingest.fetch import Fetcher
from digests.ingest.pages import extract_article_text, fetch_article_text
from digests.ingest.robots import RobotsCache
from tests.digests.ingest.conftest import LoopbackServer

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Harbour reopens | Harbour Gazette</title></head>
<body>
<nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sport">Sport</a></nav>
<article>
  <h1>Harbour reopens after storms</h1>
  <p>The harbour reopened on Monday after a week of storms that kept the ferry fleet in port and
  stranded hundreds of travellers on both sides of the strait.</p>
  <p>Port officials said the breakwater had held, although two cranes were damaged and one berth will
  stay closed until engineers have inspected it later this month.</p>
  <p>Freight operators expect traffic to return to its usual level by the end of the week, the port
  authority said in a statement on Monday evening.</p>
</article>
<section id="comments" class="comments">
  <h2>Comments</h2>
  <div class="comment"><p>First! Great news for everyone who lives near the harbour.</p></div>
</section>
<footer>Copyright Harbour Gazette. All rights reserved.</footer>
</body></html>"""


def test_extracts_the_article_without_navigation_or_comments() -> None:
    text = extract_article_text(PAGE, url="https://gazette.example/harbour")
    assert text is not None
    assert "The harbour reopened on Monday" in text
    assert "two cranes were damaged" in text
    assert "First! Great news" not in text
    assert "All rights reserved" not in text
    assert "\n\n" in text  # paragraphs kept apart


def test_a_page_without_article_text_gives_none() -> None:
    assert extract_article_text("<html><body></body></html>") is None


async def test_fetches_and_extracts_an_allowed_page(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/robots.txt", b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.serve("/news/harbour", PAGE.encode(), content_type="text/html; charset=utf-8")
    text = await fetch_article_text(fetcher, server.url("/news/harbour"))
    assert text is not None and "breakwater had held" in text
    assert server.seen[1].headers["Accept"].startswith("text/html")


async def test_robots_txt_disallow_is_respected(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/robots.txt", b"User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    server.serve("/private/story", PAGE.encode(), content_type="text/html")
    assert await fetch_article_text(fetcher, server.url("/private/story")) is None
    assert server.requests_for("/private/story") == []


async def test_a_group_for_newsbot_applies_to_it(server: LoopbackServer, fetcher: Fetcher) -> None:
    robots = b"User-agent: otherbot\nDisallow:\n\nUser-agent: newsbot\nDisallow: /\n"
    server.serve("/robots.txt", robots, content_type="text/plain")
    server.serve("/story", PAGE.encode(), content_type="text/html")
    assert await fetch_article_text(fetcher, server.url("/story")) is None
    assert server.requests_for("/story") == []


async def test_no_robots_txt_means_everything_is_allowed(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/story", PAGE.encode(), content_type="text/html")  # /robots.txt answers 404
    assert await fetch_article_text(fetcher, server.url("/story")) is not None


async def test_an_unreachable_robots_txt_means_nothing_is_fetched(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.serve("/robots.txt", b"oops", status=500, content_type="text/plain")
    server.serve("/story", PAGE.encode(), content_type="text/html")
    assert await fetch_article_text(fetcher, server.url("/story")) is None
    assert server.requests_for("/story") == []


async def test_robots_txt_is_fetched_once_per_site(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/robots.txt", b"User-agent: *\nAllow: /\n", content_type="text/plain")
    server.serve("/a", PAGE.encode(), content_type="text/html")
    server.serve("/b", PAGE.encode(), content_type="text/html")
    cache = RobotsCache()
    assert await fetch_article_text(fetcher, server.url("/a"), robots=cache) is not None
    assert await fetch_article_text(fetcher, server.url("/b"), robots=cache) is not None
    assert len(server.requests_for("/robots.txt")) == 1


async def test_what_is_not_an_html_page_gives_none(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/report.pdf", b"%PDF-1.7 ...", content_type="application/pdf")
    assert await fetch_article_text(fetcher, server.url("/report.pdf")) is None
    assert await fetch_article_text(fetcher, server.url("/missing")) is None  # 404


async def test_a_private_page_is_refused_when_private_addresses_are(server: LoopbackServer) -> None:
    server.serve("/story", PAGE.encode(), content_type="text/html")
    async with Fetcher(host_delay=0) as strict:
        assert await fetch_article_text(strict, server.url("/story")) is None
    assert server.seen == []
