"""One way through for every source: read or fetch → parse → (fetch article pages) → analyse → archive.

A source is a feed URL, a feed file, an article file, a JSONL file or a folder of them. Each source ends
in one ``SourceOutcome``: what it added, or the specific reason it failed. One bad source, item or
article never stops the others.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from digests.analyse import Analyser
from digests.archive import AddResult, Archive
from digests.ingest.convert import feed_item_to_article
from digests.ingest.errors import FeedError, FeedTooLargeError, FetchError
from digests.ingest.feeds import parse_feed
from digests.ingest.feedtypes import FeedItem, ParsedFeed
from digests.ingest.fetch import Fetcher, FetchResult
from digests.ingest.language import UNDETERMINED, detect_language
from digests.ingest.pages import fetch_article_text
from digests.model import Analysis, Article
from digests.reader import JSONL_SUFFIXES, TEXT_SUFFIXES, ReadError, ReadWarning, read_path

log = logging.getLogger(__name__)

FEED_SUFFIXES = {".xml", ".rss", ".atom", ".rdf", ".json", ".html", ".htm"}
TEASER_WORDS = 80  # an item shorter than this is a teaser: its page is fetched when pages are enabled
MAX_FEED_FILE_BYTES = 20_000_000
ANALYSIS_BATCH = 256  # articles per thread hop: the analyser's batch size, short enough to keep the loop responsive


@dataclass(slots=True)
class SourceOutcome:
    """What ingesting one source did."""

    source: str
    kind: str  # "feed", "articles"
    ok: bool = True
    reason: str | None = None
    items: int = 0
    new: int = 0
    near_duplicates: int = 0
    duplicates: int = 0
    failed: int = 0
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None
    feed_title: str | None = None
    warnings: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        if not self.ok:
            return f"failed: {self.reason}"
        if self.not_modified:
            return "unchanged since the last fetch (304)"
        parts = [f"{self.items} read", f"{self.new} new", f"{self.near_duplicates} joined known stories",
                 f"{self.duplicates} already stored"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        return ", ".join(parts)


def _sniff_kind(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES or suffix in TEXT_SUFFIXES:
        return "articles"
    if suffix in FEED_SUFFIXES:
        return "feed"
    with path.open("rb") as handle:
        head = handle.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    return "feed" if head.startswith(b"<") else "articles"


def _parse_feed_file(path: Path) -> tuple[ParsedFeed, str]:
    """The parsed feed and the file's URI (the feed URL its articles are stored under)."""
    if path.stat().st_size > MAX_FEED_FILE_BYTES:
        raise FeedTooLargeError(f"file is larger than {MAX_FEED_FILE_BYTES // 1_000_000} MB")
    return parse_feed(path.read_bytes(), url=None), path.absolute().as_uri()


def _classify(path: Path) -> list[tuple[Path, str]]:
    """Each file under ``path`` with its kind ("feed", "articles") or the reason it cannot be read."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        return [entry for child in files for entry in _classify(child)]
    if not path.exists():
        return [(path, "no such file or folder")]
    try:
        return [(path, _sniff_kind(path))]
    except OSError as exc:
        return [(path, f"cannot read: {exc.strerror or exc}")]


class Ingester:
    """Turns sources into stored, analysed articles through the ``Archive`` port."""

    def __init__(
        self,
        archive: Archive,
        analyser: Analyser,
        *,
        fetcher: Fetcher | None = None,
        fetch_pages: bool = False,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.archive = archive
        self.analyser = analyser
        self.fetcher = fetcher
        self.fetch_pages = fetch_pages and fetcher is not None
        self.clock = clock

    # -- storing ---------------------------------------------------------------------------------

    async def store(self, articles: Sequence[Article], outcome: SourceOutcome, *,
                    feed_url: str | None = None) -> None:
        """Analyse (off the event loop) and add each article, counting what happened."""
        for start in range(0, len(articles), ANALYSIS_BATCH):
            batch = articles[start:start + ANALYSIS_BATCH]
            analysed = await asyncio.to_thread(self._analyse_batch, batch)
            ready: list[tuple[Article, Analysis]] = []
            for article, analysis_or_error in zip(batch, analysed, strict=True):
                outcome.items += 1
                if isinstance(analysis_or_error, str):
                    outcome.failed += 1
                    outcome.errors.append(f"{article.id}: {analysis_or_error}")
                else:
                    ready.append((article, analysis_or_error))
            for result in await self._add_all(ready, outcome, feed_url):
                if result.status == "new":
                    outcome.new += 1
                elif result.status == "near-duplicate":
                    outcome.near_duplicates += 1
                else:
                    outcome.duplicates += 1

    async def _add_all(self, ready: list[tuple[Article, Analysis]], outcome: SourceOutcome,
                       feed_url: str | None) -> list[AddResult]:
        """One transaction for the batch; if that fails, one by one so a bad article is named and skipped."""
        if not ready:
            return []
        try:
            return list(await self.archive.add_many(ready, feed_url=feed_url))
        except Exception:
            log.warning("storing a batch of %d failed; storing them one by one", len(ready), exc_info=True)
        results: list[AddResult] = []
        for article, analysis in ready:
            try:
                results.append(await self.archive.add(article, analysis, feed_url=feed_url))
            except Exception as exc:  # one article that cannot be stored does not stop the others
                log.exception("storing %s failed", article.id)
                outcome.failed += 1
                outcome.errors.append(f"{article.id}: could not be stored ({type(exc).__name__})")
        return results

    def _analyse_batch(self, batch: Sequence[Article]) -> list[Analysis | str]:
        try:
            return list(self.analyser.analyse_many(batch))
        except Exception:  # noqa: S110 - one article broke the batch: redo it one by one to name it
            pass
        results: list[Analysis | str] = []
        for article in batch:
            try:
                results.append(self.analyser.analyse(article))
            except Exception as exc:  # reported per article; the batch goes on
                log.exception("analysis of %s failed", article.id)
                results.append(f"analysis failed ({type(exc).__name__}: {exc})")
        return results

    # -- feeds -----------------------------------------------------------------------------------

    async def _with_pages(self, article: Article, item: FeedItem) -> Article:
        """Replace a teaser by the article page's text when pages are enabled; keep the teaser otherwise."""
        if not self.fetch_pages or self.fetcher is None or not item.url:
            return article
        if len(article.text.split()) >= TEASER_WORDS:
            return article
        text = await fetch_article_text(self.fetcher, item.url)
        if not text or len(text) <= len(article.text):
            return article
        paragraphs = tuple(p.strip() for p in text.split("\n") if p.strip())
        language = detect_language(f"{article.title}\n\n{text}")
        return replace(article, text="\n\n".join(paragraphs), paragraphs=paragraphs,
                       standfirst=article.standfirst or article.text or None,
                       language=None if language == UNDETERMINED else language)

    async def store_feed(self, parsed: ParsedFeed, outcome: SourceOutcome, *, feed_url: str,
                         publisher: str | None = None) -> None:
        """Store a parsed feed's items; ``publisher`` (a registered feed's name) names their source."""
        now = self.clock()
        outcome.feed_title = parsed.title or None
        outcome.warnings.extend(parsed.warnings)
        pairs: list[tuple[Article, FeedItem]] = []
        for item in parsed.items:
            try:
                article = feed_item_to_article(item, feed_url=feed_url, now=now)
                if publisher:  # "The Economist" says more than the feed's own title ("Asia")
                    article = replace(article, source=publisher)
            except Exception as exc:  # a malformed item is skipped and named, the feed goes on
                outcome.failed += 1
                outcome.errors.append(f"item {item.title[:60]!r}: {type(exc).__name__}: {exc}")
                continue
            if not article.text.strip() and not article.title.strip():
                outcome.warnings.append(f"item without title or text skipped ({item.url or item.guid})")
                continue
            pairs.append((article, item))
        if self.fetch_pages:
            articles = list(await asyncio.gather(*(self._with_pages(a, i) for a, i in pairs)))
        else:
            articles = [a for a, _ in pairs]
        await self.store(articles, outcome, feed_url=feed_url)

    async def ingest_url(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
                         publisher: str | None = None) -> SourceOutcome:
        """Fetch a feed with conditional GET and store its items; a 304 costs no parsing."""
        outcome = SourceOutcome(url, "feed")
        if self.fetcher is None:
            outcome.ok, outcome.reason = False, "fetching is disabled in this run"
            return outcome
        try:
            fetched: FetchResult = await self.fetcher.fetch(url, etag=etag, last_modified=last_modified)
        except FetchError as exc:
            outcome.ok, outcome.reason = False, exc.reason
            return outcome
        outcome.etag, outcome.last_modified = fetched.etag, fetched.last_modified
        if fetched.not_modified or fetched.content is None:
            outcome.not_modified = True
            return outcome
        try:
            parsed = await asyncio.to_thread(parse_feed, fetched.content, url=fetched.url,
                                             content_type=fetched.content_type)
        except FeedError as exc:
            outcome.ok, outcome.reason = False, exc.reason
            return outcome
        await self.store_feed(parsed, outcome, feed_url=url, publisher=publisher)
        return outcome

    # -- files -----------------------------------------------------------------------------------

    async def ingest_feed_file(self, path: Path) -> SourceOutcome:
        outcome = SourceOutcome(str(path), "feed")
        try:
            parsed, uri = await asyncio.to_thread(_parse_feed_file, path)
        except FeedError as exc:
            outcome.ok, outcome.reason = False, exc.reason
            return outcome
        except OSError as exc:
            outcome.ok, outcome.reason = False, f"cannot read: {exc.strerror or exc}"
            return outcome
        await self.store_feed(parsed, outcome, feed_url=uri)
        return outcome

    async def ingest_article_file(self, path: Path) -> SourceOutcome:
        outcome = SourceOutcome(str(path), "articles")
        articles: list[Article] = []
        items = await asyncio.to_thread(lambda: list(read_path(path, now=self.clock())))
        for item in items:
            if isinstance(item, ReadError):
                if item.line is None:  # the whole file is unreadable
                    outcome.ok, outcome.reason = False, item.message
                    return outcome
                outcome.failed += 1
                outcome.errors.append(str(item))
            elif isinstance(item, ReadWarning):
                outcome.warnings.append(str(item))
            else:
                articles.append(item)
        await self.store(articles, outcome)
        return outcome

    async def ingest_path(self, path: Path) -> list[SourceOutcome]:
        """A file, or every file of a folder (recursively, in name order), each with its own outcome."""
        outcomes: list[SourceOutcome] = []
        for file, kind in await asyncio.to_thread(_classify, path):
            if kind == "feed":
                outcomes.append(await self.ingest_feed_file(file))
            elif kind == "articles":
                outcomes.append(await self.ingest_article_file(file))
            else:
                outcomes.append(SourceOutcome(str(file), "articles", ok=False, reason=kind))
        return outcomes

    async def ingest(self, sources: Iterable[str]) -> list[SourceOutcome]:
        """Feed URLs (http/https) and local paths, in the order given."""
        outcomes: list[SourceOutcome] = []
        for source in sources:
            if source.lower().startswith(("http://", "https://")):
                outcomes.append(await self.ingest_url(source))
            else:
                outcomes.extend(await self.ingest_path(Path(source)))
        return outcomes
