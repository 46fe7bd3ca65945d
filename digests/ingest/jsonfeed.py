"""JSON Feed, versions 1 and 1.1 (https://jsonfeed.org), which feedparser does not read.

Fields are taken only when they have the type the spec gives them; anything else is ignored with a
warning rather than trusted, since the document is untrusted input.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from digests.dates import DateFormatError, parse_date
from digests.ingest.errors import InvalidJsonFeedError, NotAFeedError
from digests.ingest.feedtypes import FeedItem, ParsedFeed
from digests.ingest.htmltext import html_to_text, normalise_space, plain_paragraphs
from digests.ingest.naming import credited_name
from digests.ingest.urls import absolute_http_url

__all__ = ["parse_json_feed"]

_VERSION_PREFIXES = ("https://jsonfeed.org/version/", "http://jsonfeed.org/version/")
_KNOWN_VERSIONS = ("1", "1.1")


def _text(value: Any) -> str | None:
    """A non-empty string field, whitespace-normalised; numbers are accepted (ids often are)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    return None


def _author(node: Mapping[str, Any]) -> str | None:
    """The first named author: ``authors`` (1.1) or ``author`` (1.0)."""
    authors = node.get("authors")
    candidates = authors if isinstance(authors, list) else [node.get("author")]
    for candidate in candidates:
        if isinstance(candidate, Mapping):
            name = _text(candidate.get("name"))
            if name:
                return normalise_space(name)
    return None


def _date(value: Any) -> tuple[datetime | None, bool]:
    """(date, unreadable): RFC 3339 text as UTC; ``unreadable`` when text was there but not a date."""
    text = _text(value)
    if text is None:
        return None, False
    try:
        return parse_date(text), False
    except DateFormatError:
        return None, True


def _item(node: Mapping[str, Any], *, base: str | None, feed_title: str, feed_author: str | None,
          ) -> tuple[FeedItem | None, bool]:
    """(item or None when it has nothing to show, whether its date was unreadable)."""
    html = _text(node.get("content_html"))
    plain = _text(node.get("content_text"))
    content = html_to_text(html) if html else (plain_paragraphs(plain) if plain else None)
    summary = plain_paragraphs(_text(node.get("summary")) or "")
    title = normalise_space(_text(node.get("title")) or "")
    url = absolute_http_url(_text(node.get("url")), base) or absolute_http_url(
        _text(node.get("external_url")), base
    )
    if not (title or url or summary or content):
        return None, False
    published, unreadable = _date(node.get("date_published"))
    if published is None:
        modified, unreadable_modified = _date(node.get("date_modified"))
        published, unreadable = modified, unreadable or unreadable_modified
    return (
        FeedItem(
            title=title,
            url=url,
            guid=_text(node.get("id")),
            summary=summary,
            content=content or None,
            published=published,
            author=_author(node) or feed_author,
            source_title=feed_title or None,
        ),
        unreadable and published is None,
    )


def parse_json_feed(data: bytes, *, url: str | None = None) -> ParsedFeed:
    """Read a JSON Feed document; relative item URLs resolve against its ``home_page_url`` or ``url``.

    Raises ``InvalidJsonFeedError`` for JSON that does not parse or has no usable items list, and
    ``NotAFeedError`` for JSON that is not a JSON Feed at all.
    """
    try:
        document = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InvalidJsonFeedError(f"not well-formed JSON ({exc})") from exc
    except RecursionError as exc:
        raise InvalidJsonFeedError("not well-formed JSON (nested too deeply to read)") from exc
    if not isinstance(document, Mapping):
        raise NotAFeedError("this is JSON but not a JSON Feed (the document is not an object)")
    warnings: list[str] = []
    version = _text(document.get("version"))
    items = document.get("items")
    if version is None or not version.startswith(_VERSION_PREFIXES):
        if not isinstance(items, list):
            raise NotAFeedError("this is JSON but not a JSON Feed (no jsonfeed.org version and no items)")
        warnings.append("the JSON document names no JSON Feed version; read as JSON Feed 1.1")
    elif version.rsplit("/", 1)[-1] not in _KNOWN_VERSIONS:
        warnings.append(f"unknown JSON Feed version {version}; read as 1.1")
    if not isinstance(items, list):
        raise InvalidJsonFeedError("the JSON Feed has no items list")
    title = normalise_space(_text(document.get("title")) or "")
    home = absolute_http_url(_text(document.get("home_page_url")), url)
    base = home or url
    feed_author = _author(document)
    parsed: list[FeedItem] = []
    skipped = undated = 0
    for node in items:
        item, unreadable_date = (
            _item(node, base=base, feed_title=credited_name(title, home or url), feed_author=feed_author)
            if isinstance(node, Mapping) else (None, False)
        )
        if item is None:
            skipped += 1
            continue
        undated += unreadable_date
        parsed.append(item)
    if skipped:
        warnings.append(f"{skipped} item(s) skipped: not objects, or with no title, URL or text")
    if undated:
        warnings.append(f"{undated} item(s) have an unreadable date")
    if not parsed:
        warnings.append("the feed has no items")
    return ParsedFeed(title=title, link=home, format="json", items=tuple(parsed), warnings=tuple(warnings))
