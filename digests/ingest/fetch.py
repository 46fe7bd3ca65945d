"""Fetch feeds and pages over HTTP, safely and politely.

One ``Fetcher`` holds one shared ``httpx.AsyncClient`` for the whole run. Every fetch:

- accepts only http and https, and only public addresses unless ``allow_private`` (see ``netguard``):
  each redirect hop is checked again, and so is the address actually connected to;
- follows at most ``max_redirects`` redirects itself, refusing loops;
- sends the previous ETag / Last-Modified, so an unchanged feed costs a 304 and no body;
- reads the body as a stream under a size cap that applies to the decompressed bytes too;
- runs at most ``concurrency`` requests at once, at most ``per_host`` per host, and starts requests to
  one host at least ``host_delay`` seconds apart;
- gives up after ``timeout`` seconds per hop (connect, headers and body together).

Failures raise a ``FetchError`` subclass whose ``reason`` says what happened.
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Self

import httpx

from digests.ingest.decode import BoundedDecoder
from digests.ingest.errors import (
    AddressRefusedError,
    ConnectionFailedError,
    FetchTimeoutError,
    HttpStatusError,
    InvalidUrlError,
    RedirectLoopError,
    ResponseTooLargeError,
    SchemeRefusedError,
    TooManyRedirectsError,
    UnsupportedContentEncodingError,
)
from digests.ingest.netguard import GuardedTransport, Resolver, address_refusal, check_host, system_resolver

__all__ = ["FEED_ACCEPT", "HTML_ACCEPT", "TEXT_ACCEPT", "USER_AGENT", "FetchResult", "Fetcher"]

USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot-dev/newsbot)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
HTML_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
TEXT_ACCEPT = "text/plain, */*;q=0.5"

_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_STREAM_CHUNK = 65_536


@dataclass(frozen=True, slots=True)
class FetchResult:
    """What one fetch brought back.

    ``url`` is the final URL after redirects. On a 304, ``not_modified`` is True and ``content`` None;
    ``etag`` / ``last_modified`` are then the server's new validators or, when it sent none, the ones
    the request carried, so they can be stored as they are.
    """

    url: str
    status: int
    content: bytes | None
    etag: str | None
    last_modified: str | None
    not_modified: bool
    content_type: str | None


class _HostGate:
    """At most ``limit`` requests at once to one host, starting at least ``delay`` seconds apart."""

    def __init__(self, limit: int, delay: float) -> None:
        self._slots = asyncio.Semaphore(limit)
        self._order = asyncio.Lock()
        self._delay = delay
        self._next_start = 0.0

    @asynccontextmanager
    async def enter(self) -> AsyncIterator[None]:
        async with self._slots:
            if self._delay > 0:
                async with self._order:
                    loop = asyncio.get_running_loop()
                    wait = self._next_start - loop.time()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    self._next_start = loop.time() + self._delay
            yield


def _parse_url(url: str) -> httpx.URL:
    """``url`` as an ``httpx.URL`` if it is an absolute http(s) URL with a host; a clear error otherwise."""
    if not isinstance(url, str) or not url.strip():
        raise InvalidUrlError("no URL given")
    try:
        parsed = httpx.URL(url.strip())
    except (httpx.InvalidURL, ValueError) as exc:
        raise InvalidUrlError(f"not a valid URL: {url!r} ({exc})") from exc
    if not parsed.scheme:
        raise InvalidUrlError(f"the URL {url!r} has no scheme; did you mean https://{url.strip()}?")
    if parsed.scheme not in ("http", "https"):
        raise SchemeRefusedError(f"refused: only http and https URLs are fetched, not {parsed.scheme}: {url}")
    if not parsed.host:
        raise InvalidUrlError(f"the URL {url!r} has no host")
    return parsed


def _retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def _header_value(value: str | None) -> str | None:
    """A stored validator fit to send back: a CR or LF in it would be header injection."""
    if value is None or "\r" in value or "\n" in value or not value.strip():
        return None
    return value.strip()


def _content_encoding(response: httpx.Response) -> str:
    codings = [c.strip().lower() for c in response.headers.get("content-encoding", "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > 1:
        raise UnsupportedContentEncodingError(
            f"the server applied several content encodings ({', '.join(codings)}), which is not supported"
        )
    return codings[0] if codings else ""


class Fetcher:
    """Fetches URLs safely; use as ``async with Fetcher(...) as fetcher: await fetcher.fetch(url)``.

    ``allow_private`` lets feeds on loopback or private networks through (the bot sets it from
    NEWSBOT_ALLOW_PRIVATE_FEEDS). ``resolver`` replaces DNS (tests). ``transport`` replaces the network
    layer; the default, ``GuardedTransport``, checks the address of every connection it makes. With
    another transport the fetcher still checks each URL's host before the request and the peer address
    the transport reports (``network_stream`` / ``server_addr``), when it reports one.
    """

    def __init__(
        self,
        *,
        allow_private: bool = False,
        resolver: Resolver | None = None,
        max_bytes: int = 10_000_000,
        timeout: float = 15.0,
        max_redirects: int = 5,
        concurrency: int = 32,
        per_host: int = 2,
        host_delay: float = 0.5,
        user_agent: str = USER_AGENT,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if max_bytes <= 0 or timeout <= 0 or max_redirects < 0 or concurrency <= 0 or per_host <= 0:
            raise ValueError("max_bytes, timeout, concurrency, per_host must be positive; max_redirects >= 0")
        self.allow_private = allow_private
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self._resolver = resolver or system_resolver
        self._slots = asyncio.Semaphore(concurrency)
        self._per_host = per_host
        self._host_delay = host_delay
        self._gates: dict[str, _HostGate] = {}
        if transport is None:
            transport = GuardedTransport(
                resolver=self._resolver, allow_private=allow_private, max_connections=concurrency
            )
        self._client = httpx.AsyncClient(
            transport=transport,
            follow_redirects=False,  # followed here, so that every hop is checked
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"},
            trust_env=False,  # an environment proxy would connect on our behalf, past the address checks
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the shared client and its connections."""
        await self._client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
    ) -> FetchResult:
        """GET ``url`` following redirects; a 304 comes back as ``not_modified`` with no content.

        Raises a ``FetchError`` subclass: ``InvalidUrlError``, ``SchemeRefusedError``,
        ``AddressRefusedError``, ``TooManyRedirectsError``, ``RedirectLoopError``, ``ResponseTooLargeError``
        (``DecompressionBombError``), ``UnsupportedContentEncodingError``, ``CorruptContentError``,
        ``FetchTimeoutError``, ``ConnectionFailedError`` or ``HttpStatusError``.
        """
        current = _parse_url(url)
        headers = {"Accept": accept}
        sent_etag, sent_modified = _header_value(etag), _header_value(last_modified)
        if sent_etag:
            headers["If-None-Match"] = sent_etag
        if sent_modified:
            headers["If-Modified-Since"] = sent_modified
        visited = {str(current)}
        redirects = 0
        while True:
            outcome = await self._hop(current, headers, sent_etag, sent_modified)
            if isinstance(outcome, FetchResult):
                return outcome
            redirects += 1
            if redirects > self.max_redirects:
                raise TooManyRedirectsError(f"more than {self.max_redirects} redirects, starting at {url}")
            if str(outcome) in visited:
                raise RedirectLoopError(f"redirect loop: {current} leads back to {outcome}, already visited")
            visited.add(str(outcome))
            current = outcome

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            gate = self._gates[host] = _HostGate(self._per_host, self._host_delay)
        return gate

    async def _hop(
        self, url: httpx.URL, headers: dict[str, str], etag: str | None, last_modified: str | None
    ) -> FetchResult | httpx.URL:
        """One request: a result, or the URL a redirect points to."""
        async with self._gate(url.host).enter(), self._slots:
            try:
                async with asyncio.timeout(self.timeout):
                    if not self.allow_private:
                        await check_host(url.host, self._resolver, allow_private=False)
                    async with self._client.stream("GET", url, headers=headers) as response:
                        self._check_peer(response, url)
                        return await self._outcome(response, url, etag, last_modified)
            except (TimeoutError, httpx.TimeoutException) as exc:
                raise FetchTimeoutError(f"{url.host} did not answer within {self.timeout:g} s") from exc
            except httpx.TransportError as exc:
                raise ConnectionFailedError(f"could not fetch {url}: {exc}") from exc

    def _check_peer(self, response: httpx.Response, url: httpx.URL) -> None:
        """Refuse the body when the transport reports having connected to a non-public address."""
        if self.allow_private:
            return
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if not isinstance(peer, tuple) or not peer:
            return
        try:
            address = ipaddress.ip_address(str(peer[0]).split("%", 1)[0])
        except ValueError:
            return
        refusal = address_refusal(address)
        if refusal is not None:
            raise AddressRefusedError(f"refused: {url.host} was reached at {address}, which is {refusal}")

    async def _outcome(
        self, response: httpx.Response, url: httpx.URL, etag: str | None, last_modified: str | None
    ) -> FetchResult | httpx.URL:
        status = response.status_code
        if status in _REDIRECT_STATUSES:
            location = response.headers.get("location", "").strip()
            if not location:
                raise HttpStatusError(
                    f"HTTP {status} redirect from {url} without a Location header", status=status
                )
            try:
                target = url.join(location)
            except (httpx.InvalidURL, ValueError) as exc:
                raise InvalidUrlError(f"{url} redirects to an invalid URL {location!r}") from exc
            return _parse_url(str(target))
        new_etag = _header_value(response.headers.get("etag"))
        new_modified = _header_value(response.headers.get("last-modified"))
        if status == 304:
            return FetchResult(
                url=str(url), status=status, content=None, etag=new_etag or etag,
                last_modified=new_modified or last_modified, not_modified=True,
                content_type=response.headers.get("content-type"),
            )
        if not 200 <= status < 300:
            phrase = f" {response.reason_phrase}" if response.reason_phrase else ""
            raise HttpStatusError(
                f"HTTP {status}{phrase} from {url}",
                status=status,
                retry_after=_retry_after(response.headers.get("retry-after")),
            )
        content = await self._read_body(response)
        return FetchResult(
            url=str(url), status=status, content=content, etag=new_etag, last_modified=new_modified,
            not_modified=False, content_type=response.headers.get("content-type"),
        )

    async def _read_body(self, response: httpx.Response) -> bytes:
        """The decoded body, read chunk by chunk: never over ``max_bytes``, on the wire or inflated."""
        declared = response.headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > self.max_bytes:
            raise ResponseTooLargeError(
                f"refused: the body is {int(declared):,} bytes, over the {self.max_bytes:,}-byte limit"
            )
        decoder = BoundedDecoder(_content_encoding(response), max_bytes=self.max_bytes)
        parts: list[bytes] = []
        async for chunk in response.aiter_raw(_STREAM_CHUNK):
            parts.append(decoder.feed(chunk))
        return b"".join(parts)
