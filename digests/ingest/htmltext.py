"""HTML fragments of feeds as plain text, and what an HTML page says about its feeds.

``html_to_text`` keeps the paragraph structure (block elements and double line breaks become blank
lines) so that the article built from a feed item has real paragraphs; scripts, styles and embedded
objects are dropped with their content.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

__all__ = [
    "FEED_LINK_TYPES",
    "advertised_feeds",
    "html_to_text",
    "looks_like_html",
    "normalise_space",
    "plain_paragraphs",
]

FEED_LINK_TYPES = frozenset(
    {"application/rss+xml", "application/atom+xml", "application/feed+json", "application/rdf+xml"}
)
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li",
        "main", "nav", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
        "ul",
    }
)
# Elements whose content is never article text.
_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "svg", "math", "head", "select", "button"}
)
_SPACES = re.compile(r"[^\S\n]+")
_BREAKS = re.compile(r"\n\s*\n")
_ANY_SPACE = re.compile(r"\s+")
_LEADING_TAG = re.compile(
    r"<(?:p|div|a|span|img|figure|h[1-6]|ul|ol|li|br|b|i|em|strong|table)\b[^<>]*>",
    re.I,
)
_HTML_SIGNS = re.compile(rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]", re.IGNORECASE)
_FEED_SIGNS = re.compile(rb"<rss[\s>]|<feed[\s>]|<rdf:rdf[\s>]|<channel[\s>]", re.IGNORECASE)


def normalise_space(text: str) -> str:
    """``text`` on one line, runs of whitespace made single spaces."""
    return _ANY_SPACE.sub(" ", text).strip()


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
        elif tag == "br":
            self.pieces.append("\n")
        elif tag in _BLOCKS:
            self.pieces.append("\n\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.pieces.append("\n")
        elif tag in _BLOCKS:
            self.pieces.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self._skip_depth = max(0, self._skip_depth - 1)
        elif tag in _BLOCKS:
            self.pieces.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self._skip_depth:
            self.pieces.append(data)


def plain_paragraphs(text: str) -> str:
    """Plain text tidied: blank-line separated paragraphs, each on one line with single spaces."""
    return "\n\n".join(p for p in (normalise_space(block) for block in _BREAKS.split(text)) if p)


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: paragraphs separated by one blank line, spaces normalised.

    HTML escaped twice (text that comes out starting with a tag, as some publishers send) is read again.
    """
    text = _strip_tags(html)
    return _strip_tags(text) if _LEADING_TAG.match(text) else text


def _strip_tags(html: str) -> str:
    if "<" not in html and "&" not in html:
        return plain_paragraphs(html)
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    text = _SPACES.sub(" ", "".join(collector.pieces))
    paragraphs = (normalise_space(block) for block in _BREAKS.split(text))
    return "\n\n".join(p for p in paragraphs if p)


def looks_like_html(data: bytes) -> bool:
    """Whether a document that is not a feed is an HTML page (judged on its first 4 KB)."""
    head = data[:4096]
    return bool(_HTML_SIGNS.search(head)) and not _FEED_SIGNS.search(head)


class _FeedLinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: (value or "").strip() for name, value in attrs}
        if tag == "base" and values.get("href") and self.base is None:
            self.base = values["href"]
        elif tag in ("link", "a"):
            rel = values.get("rel", "").lower().split()
            kind = values.get("type", "").lower().split(";", 1)[0].strip()
            if "alternate" in rel and kind in FEED_LINK_TYPES and values.get("href"):
                self.links.append(values["href"])


def advertised_feeds(html: str, page_url: str | None) -> list[str]:
    """The feeds an HTML page advertises (``<link rel="alternate" type="application/rss+xml" ...>``),
    resolved against its ``<base>`` and ``page_url``, in page order, http(s) only, without duplicates.
    """
    collector = _FeedLinkCollector()
    collector.feed(html)
    collector.close()
    base = urljoin(page_url or "", collector.base or "")
    feeds: list[str] = []
    for href in collector.links:
        absolute = urljoin(base, href) if base else href
        scheme = urlsplit(absolute).scheme.lower()
        if scheme not in ("http", "https", "") or absolute in feeds:
            continue
        feeds.append(absolute)
    return feeds
