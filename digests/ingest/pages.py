"""The text of an article page: fetched only where robots.txt allows, extracted with trafilatura.

For feeds whose items carry only a line of summary, the page is where the article is. The page is
fetched with the same ``Fetcher`` (same address checks, size cap and politeness) and its main text is
extracted by trafilatura without comments or tables. Every failure (refused by robots.txt, not HTML,
unreachable, nothing extractable) gives None and is logged with its reason: a missing page text is
never a reason to drop the item.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from email.message import Message

from digests.ingest.errors import FetchError
from digests.ingest.fetch import HTML_ACCEPT, Fetcher
from digests.ingest.htmltext import plain_paragraphs
from digests.ingest.robots import RobotsCache

__all__ = ["extract_article_text", "fetch_article_text"]

log = logging.getLogger(__name__)

_HTML_TYPES = ("text/html", "application/xhtml+xml")
# One robots.txt cache per fetcher, living as long as it does, so callers need not carry one around.
_ROBOTS: weakref.WeakKeyDictionary[Fetcher, RobotsCache] = weakref.WeakKeyDictionary()


def _media_type_and_charset(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    header = Message()
    header["content-type"] = content_type
    charset = header.get_content_charset()
    return header.get_content_type(), charset


def _decode(content: bytes, charset: str | None) -> str | bytes:
    """Text in the declared charset; undeclared or unknown, the bytes go to trafilatura to sniff."""
    if charset:
        try:
            return content.decode(charset, errors="replace")
        except LookupError:
            pass
    return content


def extract_article_text(html: str | bytes, *, url: str | None = None) -> str | None:
    """The main text of an HTML page as blank-line separated paragraphs, or None when there is none."""
    import trafilatura  # loaded on first use: it takes about a second to import

    text = trafilatura.extract(html, url=url, include_comments=False, include_tables=False)
    if not isinstance(text, str):
        return None
    tidy = plain_paragraphs(text.replace("\n", "\n\n"))
    return tidy or None


async def fetch_article_text(fetcher: Fetcher, url: str, *, robots: RobotsCache | None = None) -> str | None:
    """The article text of the page at ``url``, or None when robots.txt refuses it or anything fails.

    ``robots`` is the robots.txt cache to use; by default one kept per ``fetcher``.
    """
    cache = robots if robots is not None else _ROBOTS.setdefault(fetcher, RobotsCache())
    try:
        if not await cache.allowed(fetcher, url):
            log.info("not fetching %s: refused by robots.txt", url)
            return None
        result = await fetcher.fetch(url, accept=HTML_ACCEPT)
    except FetchError as exc:
        log.info("could not fetch the article page %s: %s", url, exc.reason)
        return None
    media_type, charset = _media_type_and_charset(result.content_type)
    if media_type and media_type not in _HTML_TYPES:
        log.info("not extracting %s: it is %s, not an HTML page", url, media_type)
        return None
    if not result.content:
        return None
    html = _decode(result.content, charset)
    text = await asyncio.to_thread(extract_article_text, html, url=result.url)
    if text is None:
        log.info("no article text found in %s", result.url)
    return text
