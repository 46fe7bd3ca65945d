"""The fetcher against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import struct
import tracemalloc
import zlib
from functools import cache
from typing import Any

import httpx
import pytest
from aiohttp import web

from digests.ingest.errors import (
    AddressRefusedError,
    DecompressionBombError,
    EntityDeclarationError,
    FetchTimeoutError,
    HtmlPageError,
    HttpStatusError,
    InvalidUrlError,
    RedirectLoopError,
    ResponseTooLargeError,
    SchemeRefusedError,
    TooManyRedirectsError,
)
from digests.ingest.feeds import parse_feed
from digests.ingest.fetch import FEED_ACCEPT, USER_AGENT, Fetcher
from digests.ingest.netguard import GuardedTransport
from tests.digests.ingest.conftest import FakeInternet, LoopbackServer, fake_dns

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback News</title><link>https://loopback.example/</link>
<item><title>Harbour reopens after storm</title><link>https://loopback.example/harbour</link>
<description>The harbour reopened on Monday.</description></item>
</channel></rss>"""
PUBLIC_IP = "93.184.215.14"  # only ever "reached" through the fake Internet, which routes it to loopback


@cache
def gzip_of_a_gigabyte_of_zeros() -> bytes:
    """A valid gzip stream of 1 GiB of zeros (about 1 MB): one fully flushed deflate segment repeated."""
    megabyte = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    segment = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(megabyte, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + segment * 1024 + compressor.flush() + struct.pack("<II", crc, (1 << 30) & 0xFFFFFFFF)


# --- ordinary fetching ---------------------------------------------------------------------------


async def test_fetches_with_a_named_user_agent_and_feed_accept(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    server.serve("/feed.xml", FEED)
    result = await fetcher.fetch(server.url("/feed.xml"))
    assert result.status == 200
    assert result.content == FEED
    assert result.not_modified is False
    assert result.url == server.url("/feed.xml")
    assert result.content_type == "application/rss+xml; charset=utf-8"
    request = server.seen[0]
    assert request.headers["User-Agent"] == USER_AGENT == "newsbot/0.1 (+https://github.com/newsbot-dev/newsbot)"
    assert request.headers["Accept"] == FEED_ACCEPT


async def test_gzip_content_encoding_is_decoded(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/feed.xml", gzip.compress(FEED), headers={"Content-Encoding": "gzip"})
    result = await fetcher.fetch(server.url("/feed.xml"))
    assert result.content == FEED


async def test_conditional_get_turns_an_unchanged_feed_into_a_304(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    etag, modified = '"v1"', "Mon, 16 Feb 2026 10:00:00 GMT"

    async def conditional(request: web.Request) -> web.StreamResponse:
        validators = {"ETag": etag, "Last-Modified": modified}
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers=validators)
        return web.Response(body=FEED, headers=validators, content_type="application/rss+xml")

    server.handle("/feed.xml", conditional)
    first = await fetcher.fetch(server.url("/feed.xml"))
    assert (first.etag, first.last_modified, first.not_modified) == (etag, modified, False)

    second = await fetcher.fetch(server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified)
    assert second.status == 304
    assert second.not_modified is True
    assert second.content is None  # nothing to parse
    assert (second.etag, second.last_modified) == (etag, modified)
    sent = server.seen[1].headers
    assert sent["If-None-Match"] == etag
    assert sent["If-Modified-Since"] == modified


async def test_a_304_without_validators_keeps_the_ones_sent(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/feed.xml", status=304, content_type=None)
    result = await fetcher.fetch(server.url("/feed.xml"), etag='"abc"', last_modified="Sun, 15 Feb 2026 GMT")
    assert (result.not_modified, result.etag, result.last_modified) == (True, '"abc"', "Sun, 15 Feb 2026 GMT")


async def test_validators_with_line_breaks_are_not_sent(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/feed.xml", FEED)
    await fetcher.fetch(server.url("/feed.xml"), etag='"x"\r\nX-Injected: 1')
    assert "If-None-Match" not in server.seen[0].headers
    assert "X-Injected" not in server.seen[0].headers


async def test_http_errors_carry_the_status_and_retry_after(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/busy", b"later", status=503, headers={"Retry-After": "120"})
    with pytest.raises(HttpStatusError, match="HTTP 503") as busy:
        await fetcher.fetch(server.url("/busy"))
    assert (busy.value.status, busy.value.retry_after) == (503, 120.0)
    with pytest.raises(HttpStatusError, match="HTTP 404 Not Found") as missing:
        await fetcher.fetch(server.url("/missing"))
    assert missing.value.status == 404


async def test_a_server_that_does_not_answer_times_out(server: LoopbackServer) -> None:
    release = asyncio.Event()

    async def stall(_request: web.Request) -> web.StreamResponse:
        await asyncio.wait_for(release.wait(), timeout=10)
        return web.Response(body=FEED)

    server.handle("/slow", stall)
    async with Fetcher(allow_private=True, host_delay=0, timeout=0.3) as fetcher:
        with pytest.raises(FetchTimeoutError, match=r"did not answer within 0\.3 s"):
            await fetcher.fetch(server.url("/slow"))
    release.set()


async def test_at_most_per_host_requests_run_at_once(server: LoopbackServer) -> None:
    running = peak = 0

    async def counted(_request: web.Request) -> web.StreamResponse:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.05)
        running -= 1
        return web.Response(body=FEED)

    server.handle("/feed.xml", counted)
    async with Fetcher(allow_private=True, host_delay=0, per_host=2) as fetcher:
        results = await asyncio.gather(*(fetcher.fetch(server.url("/feed.xml")) for _ in range(6)))
    assert all(r.content == FEED for r in results)
    assert 1 <= peak <= 2


# --- size limits ---------------------------------------------------------------------------------


async def test_a_declared_oversize_body_is_refused_before_reading(server: LoopbackServer) -> None:
    server.serve("/big.xml", b"x" * 200_001)
    async with Fetcher(allow_private=True, host_delay=0, max_bytes=200_000) as fetcher:
        with pytest.raises(ResponseTooLargeError, match="200,001 bytes, over the 200,000-byte limit"):
            await fetcher.fetch(server.url("/big.xml"))


async def test_an_undeclared_oversize_body_is_refused_while_streaming(server: LoopbackServer) -> None:
    sent = 0

    async def endless(request: web.Request) -> web.StreamResponse:
        nonlocal sent
        response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})  # chunked, no length
        await response.prepare(request)
        try:
            for _ in range(1000):  # up to 64 MB, far more than the cap
                await response.write(b"<" * 65_536)
                sent += 65_536
        except (ConnectionResetError, ConnectionError):
            pass
        return response

    server.handle("/endless.xml", endless)
    async with Fetcher(allow_private=True, host_delay=0, max_bytes=1_000_000) as fetcher:
        with pytest.raises(ResponseTooLargeError, match="larger than 1,000,000 bytes"):
            await fetcher.fetch(server.url("/endless.xml"))


async def test_a_gzip_bomb_is_refused_with_bounded_memory(server: LoopbackServer, fetcher: Fetcher) -> None:
    bomb = gzip_of_a_gigabyte_of_zeros()
    server.serve("/bomb.xml", bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(DecompressionBombError, match="decompression bomb"):
            await fetcher.fetch(server.url("/bomb.xml"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20_000_000, f"peak memory {peak:,} bytes while refusing a 1 GiB gzip bomb"


# --- redirects -----------------------------------------------------------------------------------


async def test_five_redirects_are_followed_to_the_final_url(server: LoopbackServer, fetcher: Fetcher) -> None:
    for hop in range(5):
        server.redirect(f"/r{hop}", f"/r{hop + 1}", status=301 if hop % 2 else 302)
    server.serve("/r5", FEED)
    result = await fetcher.fetch(server.url("/r0"))
    assert result.url == server.url("/r5")
    assert result.content == FEED


async def test_more_than_five_redirects_are_refused(server: LoopbackServer, fetcher: Fetcher) -> None:
    for hop in range(6):
        server.redirect(f"/r{hop}", f"/r{hop + 1}")
    server.serve("/r6", FEED)
    with pytest.raises(TooManyRedirectsError, match="more than 5 redirects"):
        await fetcher.fetch(server.url("/r0"))
    assert server.requests_for("/r6") == []


async def test_a_redirect_loop_is_refused(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.redirect("/a", "/b")
    server.redirect("/b", server.url("/a"))
    with pytest.raises(RedirectLoopError, match="redirect loop"):
        await fetcher.fetch(server.url("/a"))
    assert len(server.seen) == 2


async def test_a_redirect_to_a_file_url_is_refused(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.redirect("/feed", "file:///etc/passwd")
    with pytest.raises(SchemeRefusedError, match="only http and https"):
        await fetcher.fetch(server.url("/feed"))


# --- addresses -----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://ftp.example.org/feed.xml", "gopher://x/1"])
async def test_non_http_schemes_are_refused(url: str, fetcher: Fetcher) -> None:
    with pytest.raises(SchemeRefusedError, match="only http and https"):
        await fetcher.fetch(url)


@pytest.mark.parametrize("url", ["", "example.com/feed.xml", "http:///feed.xml"])
async def test_malformed_urls_are_refused_clearly(url: str, fetcher: Fetcher) -> None:
    with pytest.raises(InvalidUrlError):
        await fetcher.fetch(url)


async def test_private_addresses_are_refused_unless_allowed(server: LoopbackServer) -> None:
    server.serve("/feed.xml", FEED)
    async with Fetcher(host_delay=0) as strict:
        with pytest.raises(AddressRefusedError, match=r"127\.0\.0\.1 is a loopback address"):
            await strict.fetch(server.url("/feed.xml"))
        with pytest.raises(AddressRefusedError, match=r"localhost resolves to .* loopback"):
            await strict.fetch(server.url("/feed.xml", host="localhost"))
        with pytest.raises(AddressRefusedError, match="cloud metadata"):
            await strict.fetch("http://169.254.169.254/latest/meta-data/")
    assert server.seen == []
    async with Fetcher(allow_private=True, host_delay=0) as lenient:
        assert (await lenient.fetch(server.url("/feed.xml"))).content == FEED


async def test_dns_rebinding_to_loopback_is_refused(server: LoopbackServer) -> None:
    """The name is public when checked and 127.0.0.1 when connecting: the connection is refused."""
    server.serve("/feed.xml", FEED)
    dns = fake_dns({"rebind.example": [[PUBLIC_IP], ["127.0.0.1"]]})
    internet = FakeInternet({PUBLIC_IP: server.port, "127.0.0.1": server.port})
    transport = GuardedTransport(resolver=dns, network_backend=internet)
    async with Fetcher(resolver=dns, transport=transport, host_delay=0) as fetcher:
        with pytest.raises(AddressRefusedError, match=r"rebind\.example resolves to 127\.0\.0\.1"):
            await fetcher.fetch("http://rebind.example/feed.xml")
    assert dns.calls["rebind.example"] == 2  # type: ignore[attr-defined]  # checked, then resolved again
    assert internet.connected == []
    assert server.seen == []


async def test_the_fake_internet_serves_a_public_name(server: LoopbackServer) -> None:
    """The control for the test above: with a stable public answer, the same set-up fetches the feed."""
    server.serve("/feed.xml", FEED)
    dns = fake_dns({"news.example": [PUBLIC_IP]})
    internet = FakeInternet({PUBLIC_IP: server.port})
    transport = GuardedTransport(resolver=dns, network_backend=internet)
    async with Fetcher(resolver=dns, transport=transport, host_delay=0) as fetcher:
        result = await fetcher.fetch("http://news.example/feed.xml")
    assert result.content == FEED
    assert internet.connected == [PUBLIC_IP]
    assert server.seen[0].headers["Host"] == "news.example"


@pytest.mark.parametrize(
    ("location", "why"),
    [
        ("http://127.0.0.1:{port}/admin", r"127\.0\.0\.1 is a loopback address"),
        ("http://intranet.example/", r"intranet\.example resolves to 10\.1\.2\.3, which is a private"),
        ("http://169.254.169.254/latest/meta-data/", "cloud metadata"),
        ("http://[::1]:{port}/admin", "loopback"),
    ],
)
async def test_a_redirect_from_a_public_name_to_a_private_address_is_refused(
    server: LoopbackServer, location: str, why: str
) -> None:
    server.redirect("/feed.xml", location.format(port=server.port))
    server.serve("/admin", b"secret")
    dns = fake_dns({"news.example": [PUBLIC_IP], "intranet.example": ["10.1.2.3"]})
    internet = FakeInternet({PUBLIC_IP: server.port})
    transport = GuardedTransport(resolver=dns, network_backend=internet)
    async with Fetcher(resolver=dns, transport=transport, host_delay=0) as fetcher:
        with pytest.raises(AddressRefusedError, match=why):
            await fetcher.fetch("http://news.example/feed.xml")
    assert [s.path for s in server.seen] == ["/feed.xml"]
    assert internet.connected == [PUBLIC_IP]


class _ReportsPeer(httpx.AsyncBaseTransport):
    """A third-party transport that reports the address it connected to, as httpcore's streams do."""

    def __init__(self, peer: str) -> None:
        self.peer = peer

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        peer = self.peer

        class Stream:
            def get_extra_info(self, info: str) -> Any:
                return (peer, 80) if info == "server_addr" else None

        return httpx.Response(200, stream=httpx.ByteStream(FEED), extensions={"network_stream": Stream()})


async def test_the_peer_address_reported_by_another_transport_is_checked() -> None:
    dns = fake_dns({"cdn.example": [PUBLIC_IP]})
    async with Fetcher(resolver=dns, transport=_ReportsPeer("127.0.0.1"), host_delay=0) as fetcher:
        with pytest.raises(AddressRefusedError, match=r"reached at 127\.0\.0\.1, which is a loopback"):
            await fetcher.fetch("http://cdn.example/feed.xml")
    async with Fetcher(resolver=dns, transport=_ReportsPeer(PUBLIC_IP), host_delay=0) as fetcher:
        assert (await fetcher.fetch("http://cdn.example/feed.xml")).content == FEED


# --- fetched, then parsed ------------------------------------------------------------------------


async def test_a_billion_laughs_feed_is_refused_before_parsing(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    laughs = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss version="2.0"><channel><title>&lol3;</title></channel></rss>"""
    server.serve("/laughs.xml", laughs)
    result = await fetcher.fetch(server.url("/laughs.xml"))
    assert result.content is not None
    with pytest.raises(EntityDeclarationError, match="declares XML entities"):
        parse_feed(result.content, url=result.url)


async def test_an_html_page_points_to_the_feed_it_advertises(
    server: LoopbackServer, fetcher: Fetcher
) -> None:
    page = b"""<!DOCTYPE html><html><head><title>Loopback News</title>
<link rel="alternate" type="application/rss+xml" title="RSS" href="/rss/world.xml">
</head><body><p>Front page</p></body></html>"""
    server.serve("/news/", page, content_type="text/html; charset=utf-8")
    result = await fetcher.fetch(server.url("/news/"))
    assert result.content is not None
    with pytest.raises(HtmlPageError, match="HTML page, not a feed") as error:
        parse_feed(result.content, url=result.url, content_type=result.content_type)
    assert error.value.feed_url == server.url("/rss/world.xml")
    assert error.value.feed_url in error.value.reason


async def test_an_html_page_without_a_feed_link_says_so(server: LoopbackServer, fetcher: Fetcher) -> None:
    server.serve("/about", b"<html><body><p>About us</p></body></html>", content_type="text/html")
    result = await fetcher.fetch(server.url("/about"))
    assert result.content is not None
    with pytest.raises(HtmlPageError, match="advertises no feed link") as error:
        parse_feed(result.content, url=result.url)
    assert error.value.feed_url is None
