"""Feed bytes to items: RSS 2.0, RSS 1.0 (RDF), RSS 0.9x, Atom (feedparser) and JSON Feed (our own).

``parse_feed`` takes the response bytes exactly as fetched, and:

- refuses XML that declares entities before feedparser sees it (``xmlguard``);
- hands the bytes to feedparser inside ``io.BytesIO``, never as str/bytes, which feedparser would take
  for a file name or a URL to fetch;
- checks ``version``: feedparser reads an HTML page as a feed with no entries and no error, so a page is
  recognised here and answered with the feed link it advertises;
- accepts ill-formed XML that feedparser could still read, with a warning, and refuses, with a reason,
  what it could not.

It is CPU-bound (feedparser on a large feed takes tens of milliseconds): from async code, call it in a
worker thread (``asyncio.to_thread``).
"""

from __future__ import annotations

import calendar
import io
import re
import time
import xml.sax
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import feedparser

from digests.ingest.decode import GZIP_MAGIC, decompress_bounded
from digests.ingest.errors import (
    CorruptContentError,
    EmptyFeedError,
    FeedTooLargeError,
    HtmlPageError,
    MalformedFeedError,
    NotAFeedError,
    ResponseTooLargeError,
    UnsupportedEncodingError,
)
from digests.ingest.feedtypes import FeedItem, ParsedFeed
from digests.ingest.htmltext import (
    advertised_feeds,
    html_to_text,
    looks_like_html,
    normalise_space,
    plain_paragraphs,
)
from digests.ingest.jsonfeed import parse_json_feed
from digests.ingest.naming import credited_name
from digests.ingest.urls import absolute_http_url
from digests.ingest.xmlguard import refuse_entity_declarations

__all__ = ["MAX_FEED_BYTES", "FeedItem", "ParsedFeed", "parse_feed"]

MAX_FEED_BYTES = 10_000_000

_FORMATS = {
    "rss20": "rss2.0",
    "rss10": "rss1.0",
    "rss090": "rss0.90",
    "rss091n": "rss0.91",
    "rss091u": "rss0.91",
    "rss092": "rss0.92",
    "rss093": "rss0.93",
    "rss094": "rss0.94",
    "rss": "rss",
    "atom10": "atom",
    "atom03": "atom0.3",
    "atom02": "atom0.2",
    "atom01": "atom0.1",
    "atom": "atom",
    "cdf": "cdf",
}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff", b"\xff\xfe", b"\xfe\xff")
_LEADING_SPACE = re.compile(rb"^[\s\x00]*")
_COMMENT_OR_DECL = re.compile(
    rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>", re.DOTALL | re.IGNORECASE
)
_ROOT = re.compile(rb"<([A-Za-z_][\w:.\-]*)")
_WIDE = re.compile(rb"^(?:\xff\xfe|\xfe\xff|\x00<|<\x00)")
_RSS_PREFIX = re.compile(rb"(</?)rss:")


def _without_bom(data: bytes) -> bytes:
    for bom in _BOMS:
        if data.startswith(bom):
            return data[len(bom):]
    return data


def _root_element(data: bytes) -> str | None:
    """The name of the first element of an XML-ish document (comments and declarations skipped)."""
    head = data[:65_536]
    if _WIDE.match(head):
        try:
            head = head.decode("utf-16", errors="replace").encode("utf-8")
        except UnicodeError:
            return None
    match = _ROOT.search(_COMMENT_OR_DECL.sub(b"", head))
    return match.group(1).decode("ascii", errors="replace") if match else None


def _describe(exc: BaseException | None) -> str:
    """A short account of feedparser's ``bozo_exception``."""
    if isinstance(exc, xml.sax.SAXParseException):
        return f"{exc.getMessage()} at line {exc.getLineNumber()}, column {exc.getColumnNumber()}"
    return str(exc) if exc is not None and str(exc) else type(exc).__name__


def _plain(value: Any, kind: str | None) -> str:
    """A feedparser text field as plain text: HTML stripped unless the feed said it is plain text."""
    if not isinstance(value, str) or not value.strip():
        return ""
    if kind and "html" not in kind and "xml" not in kind:
        return plain_paragraphs(value)
    return html_to_text(value)


def _detail_type(node: Mapping[str, Any], field: str) -> str | None:
    detail = node.get(f"{field}_detail")
    kind = detail.get("type") if isinstance(detail, Mapping) else None
    return kind if isinstance(kind, str) else None


def _date(entry: Mapping[str, Any]) -> datetime | None:
    """The entry's publication (else update, else creation) time as UTC; feedparser gives UTC tuples."""
    for field in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get skips feedparser's deprecated key aliasing (and its warning) for absent keys
        parsed = dict.get(entry, field) if isinstance(entry, dict) else entry.get(field)
        if isinstance(parsed, time.struct_time):
            try:
                return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _content(entry: Mapping[str, Any]) -> str | None:
    """The entry's full content as plain text: the HTML variant when there are several."""
    blocks = [
        b for b in entry.get("content") or [] if isinstance(b, Mapping) and isinstance(b.get("value"), str)
    ]
    if not blocks:
        return None
    chosen = next((b for b in blocks if "html" in str(b.get("type", ""))), blocks[0])
    return _plain(chosen["value"], str(chosen.get("type") or "text/html")) or None


def _item(entry: Mapping[str, Any], *, base: str | None, credit: str) -> FeedItem | None:
    """One entry; ``credit`` names its source unless the entry names its own (RSS ``<source>``)."""
    title = normalise_space(_plain(entry.get("title"), _detail_type(entry, "title")))
    url = absolute_http_url(entry.get("link") if isinstance(entry.get("link"), str) else None, base)
    summary = _plain(entry.get("summary"), _detail_type(entry, "summary"))
    content = _content(entry)
    if not (title or url or summary or content):
        return None
    guid = entry.get("id")
    author = normalise_space(_plain(entry.get("author"), "text/plain")) or None
    source = entry.get("source")
    source_title = normalise_space(str(source.get("title") or "")) if isinstance(source, Mapping) else ""
    return FeedItem(
        title=title,
        url=url,
        guid=guid.strip() if isinstance(guid, str) and guid.strip() else None,
        summary=summary,
        content=content,
        published=_date(entry),
        author=author,
        source_title=source_title or credit or None,
    )


def _without_undeclared_rss_prefix(data: bytes) -> bytes | None:
    """``<rss:item>`` with no ``xmlns:rss`` (a generator in the wild writes this) as ``<item>``, else None."""
    if _root_element(data) != "rss" or b"xmlns:rss" in data or not _RSS_PREFIX.search(data):
        return None
    return _RSS_PREFIX.sub(rb"\1", data)


def _feedparser(data: bytes, headers: Mapping[str, str]) -> Any:
    # No sanitising or link resolving inside HTML: every HTML field becomes plain text here and is never
    # rendered, and skipping both more than halves feedparser's time.
    try:
        return feedparser.parse(
            io.BytesIO(data), response_headers=dict(headers), sanitize_html=False, resolve_relative_uris=False
        )
    except (RecursionError, MemoryError) as exc:
        raise MalformedFeedError(f"the document is too deeply nested or too large to read ({exc!r})") from exc
    except Exception as exc:  # feedparser has crashes on some broken input (e.g. an empty <width/>)
        raise MalformedFeedError(
            f"the feed is too broken for the parser, which failed on it ({type(exc).__name__}: {exc})"
        ) from exc


def _xml_content_type(content_type: str | None) -> str | None:
    """The Content-Type worth telling feedparser: an XML type (its charset counts); others mislead it."""
    if content_type and any(word in content_type.lower() for word in ("xml", "rss", "atom", "rdf")):
        return content_type
    return None


def _refuse_non_feed(data: bytes, parsed: Mapping[str, Any], url: str | None) -> None:
    """Raise the most specific error for a document feedparser found no feed version in."""
    if looks_like_html(data):
        html = data.decode(str(parsed.get("encoding") or "utf-8"), errors="replace")
        links = advertised_feeds(html, url)
        if links:
            raise HtmlPageError(
                f"this is an HTML page, not a feed; the page advertises a feed at {links[0]}",
                feed_url=links[0],
            )
        raise HtmlPageError("this is an HTML page, not a feed, and it advertises no feed link", feed_url=None)
    root = _root_element(data)
    if root is None:
        if b"<" in data[:4096]:
            raise EmptyFeedError("the document has no elements (only comments or declarations)")
        raise NotAFeedError("this is neither XML nor JSON, so not a feed")
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and isinstance(problem, xml.sax.SAXException):
        raise MalformedFeedError(f"not well-formed XML and no feed could be read ({_describe(problem)})")
    raise NotAFeedError(
        f"this XML document is not a feed: its root element is <{root}>, not <rss>, <feed> or <rdf:RDF>"
    )


def parse_feed(data: bytes, *, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Read feed bytes into a ``ParsedFeed``; ``url`` (where they came from) resolves relative links.

    ``content_type`` is the response's Content-Type, whose charset helps decode XML feeds. Raises a
    ``FeedError`` subclass with a specific reason: ``EmptyFeedError``, ``FeedTooLargeError``,
    ``EntityDeclarationError``, ``HtmlPageError`` (with the advertised ``feed_url``), ``NotAFeedError``,
    ``MalformedFeedError``, ``UnsupportedEncodingError`` or ``InvalidJsonFeedError``.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"parse_feed() expects bytes, got {type(data).__name__}")
    data = bytes(data)
    warnings: list[str] = []
    if len(data) > MAX_FEED_BYTES:
        raise FeedTooLargeError(f"the document is {len(data):,} bytes, over the {MAX_FEED_BYTES:,}-byte cap")
    if data.startswith(GZIP_MAGIC):  # served as a .gz file rather than with Content-Encoding
        try:
            data = decompress_bounded(data, max_bytes=MAX_FEED_BYTES)
        except ResponseTooLargeError as exc:
            raise FeedTooLargeError(exc.reason) from exc
        except CorruptContentError as exc:
            raise MalformedFeedError(exc.reason) from exc
        warnings.append("the document was gzip-compressed without saying so; decompressed it")
    body = _LEADING_SPACE.sub(b"", _without_bom(data), count=1)
    if not body.strip(b" \t\r\n\x00"):
        raise EmptyFeedError("the document is empty")
    if body[:1] in (b"{", b"["):
        json_feed = parse_json_feed(data, url=url)
        return ParsedFeed(
            title=json_feed.title, link=json_feed.link, format=json_feed.format, items=json_feed.items,
            warnings=tuple(warnings) + json_feed.warnings,
        )
    refuse_entity_declarations(data)
    # application/xml lets the XML declaration choose the encoding; without any type feedparser warns.
    headers = {"content-type": _xml_content_type(content_type) or "application/xml"}
    if url:
        headers["content-location"] = url
    parsed = _feedparser(data, headers)
    if parsed.get("bozo") and not parsed.get("entries"):
        repaired = _without_undeclared_rss_prefix(data)
        if repaired is not None:
            parsed = _feedparser(repaired, headers)
            warnings.append("the feed uses an undeclared rss: prefix on its elements; read without it")
    version = str(parsed.get("version") or "")
    if not version:
        _refuse_non_feed(data, parsed, url)
    entries = [e for e in parsed.get("entries", []) if isinstance(e, Mapping)]
    feed = parsed.get("feed", {})
    feed_title = normalise_space(_plain(feed.get("title"), _detail_type(feed, "title")))
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(problem, feedparser.NonXMLContentType):
        account = _describe(problem)
        if isinstance(problem, feedparser.CharacterEncodingUnknown) and not entries:
            raise UnsupportedEncodingError(f"the document's character encoding cannot be read ({account})")
        if isinstance(problem, xml.sax.SAXException) and not entries:
            raise MalformedFeedError(f"not well-formed XML and no item could be read from it ({account})")
        if isinstance(problem, xml.sax.SAXException):
            warnings.append(f"the feed is not well-formed XML ({account}); read leniently")
        else:
            warnings.append(f"the character encoding was guessed: {account}")
    link = feed.get("link")
    base = url or (link if isinstance(link, str) else None)
    site = absolute_http_url(link if isinstance(link, str) else None, url) or url
    credit = credited_name(feed_title, site)
    items = [item for item in (_item(e, base=base, credit=credit) for e in entries) if item]
    if len(items) < len(entries):
        warnings.append(f"{len(entries) - len(items)} item(s) skipped: no title, link or text")
    if not items:
        warnings.append("the feed has no items")
    return ParsedFeed(
        title=feed_title,
        link=absolute_http_url(link if isinstance(link, str) else None, url),
        format=_FORMATS.get(version, version),
        items=tuple(items),
        warnings=tuple(warnings),
    )
