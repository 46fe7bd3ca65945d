"""The archive of analysed articles (``digests.archive.Archive``) on SQLAlchemy: SQLite or PostgreSQL.

Storing, by the engine's rules:

* An article is stored once: a second article with the same ``id`` or the same canonical URL is
  ``"duplicate"`` when its title and text are unchanged (a feed re-timestamping an item does not make
  it news again: the first ``published_at`` is kept), and ``"updated"`` when they changed (the text and
  analysis are replaced; its first ``published_at`` and its cluster are kept).
* Otherwise it is ``"near-duplicate"`` when it shares a MinHash band with an article published within
  ``NEAR_DUPLICATE_WINDOW`` of it and their estimated Jaccard similarity reaches
  ``DUPLICATE_THRESHOLD``: it joins that article's cluster (the most similar one's). Else it is
  ``"new"`` and starts a cluster whose id is its own id. Clusters never merge, so a cluster id never
  changes once written.

Reading: a story is a cluster with at least one article matching the search. Its representative is
the cluster's earliest article (after ``exclude_domains``), its sources every article of the cluster
(after ``exclude_domains``) in time order; stories come newest first by their latest matching
article. ``count`` and ``daily`` count clusters; a cluster's tone is the mean of its matching articles'
tones, and ``daily`` counts a cluster on each UTC day it had a matching article.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, overload

from sqlalchemy import Row, Subquery, delete, desc, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.filters import (
    normalise_country,
    normalise_domain,
    not_excluded,
    one_of,
    story_rows,
    url_host,
    utc_day,
)
from bot.store.schema import article_bands, article_countries, article_topics, articles
from digests.archive import AddResult, AddStatus, Archive, DailyPoint, Source, Story, StorySearch
from digests.model import Analysis, Article
from digests.signature import (
    DUPLICATE_THRESHOLD,
    band_keys,
    signature_from_bytes,
    signature_to_bytes,
    similarity,
)

if TYPE_CHECKING:
    from typing import TypeAlias

    AnyRow: TypeAlias = Row[*tuple[Any, ...]]

NEAR_DUPLICATE_WINDOW = timedelta(days=7)
MAX_CANDIDATES = 500  # articles compared per add, at most: a band shared by thousands is noise
MAX_ID_LENGTH = 200  # ids are hashes or URLs; longer is a bug upstream, and would not fit an index
PURGE_BATCH = 5_000  # rows deleted per statement, so a purge never holds the write lock for long


class ArticleArchive:
    """Implements ``digests.archive.Archive``; also ``purge_older_than`` for retention."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = engine.dialect.name
        # SQLite has one writer at a time; queueing this process's writers here is far cheaper than
        # SQLite's busy handler, which sleeps and retries (measured 3x faster ingestion of 100 feeds).
        self._sqlite_writers = asyncio.Lock() if self._dialect == "sqlite" else None

    def _write_turn(self) -> AbstractAsyncContextManager[object]:
        return self._sqlite_writers if self._sqlite_writers is not None else contextlib.nullcontext()

    # -- writing -------------------------------------------------------------------------------------

    @staticmethod
    def _check(article: Article, analysis: Analysis) -> None:
        if analysis.article_id != article.id:
            raise ValueError(f"analysis is of article {analysis.article_id!r}, not {article.id!r}")
        if not article.id or len(article.id) > MAX_ID_LENGTH or "\x00" in article.id:
            raise ValueError(f"article id must be 1 to {MAX_ID_LENGTH} characters without NUL, "
                             f"got {article.id!r:.60}")

    async def add(self, article: Article, analysis: Analysis, *, feed_url: str | None = None) -> AddResult:
        self._check(article, analysis)
        signature = tuple(analysis.signature)
        keys = band_keys(signature) if signature else []
        url_hash = _url_hash(_clean(article.url))
        for attempt in range(2):
            try:
                async with self._write_turn(), self._engine.connect() as conn:
                    await self._begin_write(conn)
                    result = await self._add(conn, article, analysis, feed_url, url_hash, signature, keys)
                    await conn.commit()
                    return result
            except IntegrityError:
                # Another writer stored the same id or URL between our look-up and our insert: look again.
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def add_many(self, items: Sequence[tuple[Article, Analysis]], *,
                       feed_url: str | None = None) -> list[AddResult]:
        """Store a batch in one transaction (one commit instead of one per article: several times faster).

        Articles of the batch see each other: a near-duplicate later in the batch joins the cluster of an
        earlier one. If another writer stores one of these articles meanwhile, the batch is rolled back
        and each article is added on its own.
        """
        prepared = []
        for article, analysis in items:
            self._check(article, analysis)
            signature = tuple(analysis.signature)
            prepared.append((article, analysis, signature, band_keys(signature) if signature else [],
                             _url_hash(_clean(article.url))))
        if not prepared:
            return []
        try:
            async with self._write_turn(), self._engine.connect() as conn:
                await self._begin_write(conn)
                results = [await self._add(conn, article, analysis, feed_url, url_hash, signature, keys)
                           for article, analysis, signature, keys, url_hash in prepared]
                await conn.commit()
                return results
        except IntegrityError:
            return [await self.add(article, analysis, feed_url=feed_url) for article, analysis in items]

    async def purge_older_than(self, cutoff: datetime) -> int:
        """Delete articles published before ``cutoff`` with their side rows and search entries."""
        deleted = 0
        while True:
            async with self._write_turn(), self._engine.connect() as conn:
                await self._begin_write(conn)
                batch = select(articles.c.seq).where(articles.c.published_at < cutoff).limit(PURGE_BATCH)
                result = await conn.execute(delete(articles).where(articles.c.seq.in_(batch)))
                await conn.commit()
            deleted += result.rowcount
            if result.rowcount < PURGE_BATCH:
                return deleted

    async def _begin_write(self, conn: AsyncConnection) -> None:
        # SQLite: take the write lock up front so the look-ups and the insert see one state of the file
        # and concurrent adds queue (busy_timeout) instead of failing on a stale snapshot.
        if self._dialect == "sqlite":
            await conn.exec_driver_sql("BEGIN IMMEDIATE")

    async def _add(self, conn: AsyncConnection, article: Article, analysis: Analysis, feed_url: str | None,
                   url_hash: str | None, signature: tuple[int, ...], keys: list[int]) -> AddResult:
        existing = await _find_existing(conn, article.id, url_hash)
        if existing is not None:
            return await _refresh(conn, existing, article, analysis, signature, keys)
        cluster_id = await _similar_cluster(conn, article.published_at, signature, keys)
        status: AddStatus = "near-duplicate" if cluster_id is not None else "new"
        cluster_id = cluster_id or article.id
        url = _clean(article.url)
        values = {
            "id": article.id, "url": url, "url_hash": url_hash, "host": url_host(url),
            "published_at": article.published_at, "added_at": datetime.now(UTC),
            "feed_url": feed_url, "cluster_id": cluster_id, **_content_values(article, analysis, signature),
        }
        seq = (await conn.execute(insert(articles).values(values).returning(articles.c.seq))).scalar_one()
        await _insert_side_rows(conn, seq, article.published_at, cluster_id, analysis, keys)
        return AddResult(status, article.id, cluster_id)

    # -- reading -------------------------------------------------------------------------------------

    async def stories(self, search: StorySearch) -> list[Story]:
        if search.limit <= 0 or search.until <= search.since:
            return []
        rows, where = story_rows(search, self._dialect)
        latest = func.max(rows.c.published_at).label("latest")
        top = (select(rows.c.cluster_id, latest).where(where).group_by(rows.c.cluster_id)
               .order_by(desc(latest), rows.c.cluster_id).limit(search.limit))
        async with self._engine.connect() as conn:
            cluster_ids = [row.cluster_id for row in await conn.execute(top)]
            if not cluster_ids:
                return []
            return await _load_stories(conn, cluster_ids, search.exclude_domains)

    async def count(self, search: StorySearch) -> tuple[int, float | None]:
        if search.until <= search.since:
            return 0, None
        matches = self._matches(search)
        per_cluster = (select(matches.c.cluster_id, func.avg(articles.c.tone).label("tone"))
                       .select_from(matches.join(articles, articles.c.seq == matches.c.seq))
                       .group_by(matches.c.cluster_id).subquery())
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(func.count(), func.avg(per_cluster.c.tone)))).one()
        count, tone = int(row[0]), row[1]
        return count, (float(tone) if count and tone is not None else None)

    async def daily(self, search: StorySearch) -> list[DailyPoint]:
        if search.until <= search.since:
            return []
        matches = self._matches(search)
        day = utc_day(matches.c.published_at, self._dialect).label("day")
        per_cluster_day = (select(day, matches.c.cluster_id, func.avg(articles.c.tone).label("tone"))
                           .select_from(matches.join(articles, articles.c.seq == matches.c.seq))
                           .group_by(day, matches.c.cluster_id).subquery())
        query = (select(per_cluster_day.c.day, func.count(), func.avg(per_cluster_day.c.tone))
                 .group_by(per_cluster_day.c.day).order_by(per_cluster_day.c.day))
        async with self._engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [DailyPoint(_as_date(r[0]), int(r[1]), None if r[2] is None else float(r[2])) for r in rows]

    def _matches(self, search: StorySearch) -> Subquery:
        """(seq, cluster_id, published_at) of every matching article, once each."""
        rows, where = story_rows(search, self._dialect)
        seq = rows.c.seq if rows is articles else rows.c.article_seq
        return (select(seq.label("seq"), rows.c.cluster_id, rows.c.published_at).where(where)
                .distinct().subquery("matches"))


# -- helpers: writing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Stored:
    seq: int
    id: str
    cluster_id: str
    title: str
    text: str
    published_at: datetime


@overload
def _clean(value: str) -> str: ...
@overload
def _clean(value: None) -> None: ...
@overload
def _clean(value: str | None) -> str | None: ...
def _clean(value: str | None) -> str | None:
    """Text without NUL characters, which PostgreSQL cannot store (feeds do send them)."""
    return value.replace("\x00", "") if value and "\x00" in value else value


def _url_hash(url: str | None) -> str | None:
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest() if url and url.strip() else None


async def _find_existing(conn: AsyncConnection, article_id: str, url_hash: str | None) -> _Stored | None:
    match = articles.c.id == article_id
    if url_hash is not None:
        match = match | (articles.c.url_hash == url_hash)
    query = select(articles.c.seq, articles.c.id, articles.c.cluster_id, articles.c.title, articles.c.text,
                   articles.c.published_at).where(match)
    rows = (await conn.execute(query)).all()
    if not rows:
        return None
    row = next((r for r in rows if r.id == article_id), rows[0])  # the same id wins over the same URL
    return _Stored(row.seq, row.id, row.cluster_id, row.title, row.text, row.published_at)


async def _refresh(conn: AsyncConnection, stored: _Stored, article: Article, analysis: Analysis,
                   signature: tuple[int, ...], keys: list[int]) -> AddResult:
    if (stored.title, stored.text) == (_clean(article.title), _clean(article.text)):
        return AddResult("duplicate", stored.id, stored.cluster_id)
    await conn.execute(update(articles).where(articles.c.seq == stored.seq)
                       .values(_content_values(article, analysis, signature)))
    for table in (article_countries, article_topics, article_bands):
        await conn.execute(delete(table).where(table.c.article_seq == stored.seq))
    await _insert_side_rows(conn, stored.seq, stored.published_at, stored.cluster_id, analysis, keys)
    return AddResult("updated", stored.id, stored.cluster_id)


def _content_values(article: Article, analysis: Analysis, signature: tuple[int, ...]) -> dict[str, Any]:
    """The columns an update may replace (not identity, time or cluster)."""
    return {
        "title": _clean(article.title), "text": _clean(article.text), "source": _clean(article.source),
        "dateline": _clean(article.dateline), "standfirst": _clean(article.standfirst),
        "byline": _clean(article.byline), "headings": [_clean(h) for h in article.headings],
        "language": _clean(article.language), "tone": float(analysis.tone),
        "summary": [_clean(s) for s in analysis.summary_sentences],
        "regions": [_clean(r) for r in analysis.regions],
        "analysis_language": _clean(analysis.language),
        "signature": signature_to_bytes(signature) if signature else None,
    }


async def _similar_cluster(conn: AsyncConnection, published_at: datetime, signature: tuple[int, ...],
                           keys: list[int]) -> str | None:
    """The cluster of the most similar recent article sharing a band, if similar enough."""
    if not keys:
        return None
    sharing = (select(article_bands.c.article_seq).where(
        one_of(article_bands.c.band_key, sorted(set(keys)), conn.dialect.name),
        article_bands.c.published_at >= published_at - NEAR_DUPLICATE_WINDOW,
        article_bands.c.published_at <= published_at + NEAR_DUPLICATE_WINDOW,
    ).distinct().limit(MAX_CANDIDATES))
    query = select(articles.c.cluster_id, articles.c.signature, articles.c.published_at).where(
        articles.c.seq.in_(sharing), articles.c.signature.is_not(None))
    best: tuple[float, datetime, str] | None = None
    for row in await conn.execute(query):
        other = signature_from_bytes(row.signature)
        if len(other) != len(signature):
            continue  # computed with other MinHash settings: not comparable
        score = similarity(signature, other)
        if score < DUPLICATE_THRESHOLD:
            continue
        # Most similar first; among equals the earliest, so the choice does not depend on row order.
        if best is None or (-score, row.published_at) < (-best[0], best[1]):
            best = (score, row.published_at, row.cluster_id)
    return best[2] if best else None


async def _insert_side_rows(conn: AsyncConnection, seq: int, published_at: datetime, cluster_id: str,
                            analysis: Analysis, keys: list[int]) -> None:
    common = {"article_seq": seq, "published_at": published_at, "cluster_id": cluster_id}
    countries = _ranked(analysis.countries, analysis.country_scores, lambda c: normalise_country(_clean(c)))
    if countries:
        await conn.execute(insert(article_countries), [
            {**common, "country": key, "salience": weight, "about": about, "position": position}
            for position, (key, weight, about) in enumerate(countries)
        ])
    topics = _ranked(analysis.topics, analysis.topic_scores, lambda t: _clean(t).strip())
    if topics:
        await conn.execute(insert(article_topics), [
            {**common, "topic": key, "score": weight, "about": about, "position": position}
            for position, (key, weight, about) in enumerate(topics)
        ])
    if keys:
        await conn.execute(insert(article_bands), [
            {"article_seq": seq, "band": band, "band_key": key, "published_at": published_at}
            for band, key in enumerate(keys)
        ])


def _ranked(chosen: Sequence[str], scores: Mapping[str, float],
            normalise: Callable[[str], str]) -> list[tuple[str, float, bool]]:
    """The chosen keys in their order (about=True), then the other scored keys by score."""
    weights = {normalise(k): float(v) for k, v in scores.items() if normalise(k)}
    rows: dict[str, tuple[float, bool]] = {}
    for key in (normalise(k) for k in chosen):
        if key and key not in rows:
            rows[key] = (weights.get(key, 0.0), True)
    for key, weight in sorted(weights.items(), key=lambda kv: (-kv[1], kv[0])):
        rows.setdefault(key, (weight, False))
    return [(key, weight, about) for key, (weight, about) in rows.items()]


# -- helpers: reading ------------------------------------------------------------------------------


_MEMBER_COLUMNS = (
    articles.c.seq, articles.c.id, articles.c.url, articles.c.host, articles.c.title, articles.c.text,
    articles.c.source, articles.c.dateline, articles.c.standfirst, articles.c.byline, articles.c.headings,
    articles.c.language, articles.c.published_at, articles.c.cluster_id, articles.c.tone, articles.c.summary,
    articles.c.regions, articles.c.analysis_language, articles.c.signature,
)


async def _load_stories(conn: AsyncConnection, cluster_ids: list[str],
                        exclude_domains: frozenset[str]) -> list[Story]:
    query = select(*_MEMBER_COLUMNS).where(one_of(articles.c.cluster_id, cluster_ids, conn.dialect.name))
    domains = sorted({d for d in (normalise_domain(x) for x in exclude_domains) if d})
    if domains:
        query = query.where(not_excluded(domains))
    members: dict[str, list[AnyRow]] = defaultdict(list)
    for row in await conn.execute(query.order_by(articles.c.published_at, articles.c.seq)):
        members[row.cluster_id].append(row)
    leads = [members[c][0] for c in cluster_ids if members.get(c)]
    countries = await _side_rows(conn, article_countries, "country", "salience", [r.seq for r in leads])
    topics = await _side_rows(conn, article_topics, "topic", "score", [r.seq for r in leads])
    stories = []
    for lead in leads:
        sources = tuple(Source(r.source or r.host or "unknown", r.url, r.published_at)
                        for r in members[lead.cluster_id])
        analysis = _analysis(lead, countries.get(lead.seq, []), topics.get(lead.seq, []))
        stories.append(Story(_article(lead), analysis, lead.cluster_id, sources))
    return stories


async def _side_rows(conn: AsyncConnection, table: Any, key: str, weight: str,
                     seqs: list[int]) -> dict[int, list[tuple[str, float, bool]]]:
    found: dict[int, list[tuple[str, float, bool]]] = defaultdict(list)
    if not seqs:
        return found
    query = (select(table.c.article_seq, table.c[key], table.c[weight], table.c.about)
             .where(one_of(table.c.article_seq, seqs, conn.dialect.name))
             .order_by(table.c.article_seq, table.c.position))
    for row in await conn.execute(query):
        found[row[0]].append((row[1], float(row[2]), bool(row[3])))
    return found


def _article(row: AnyRow) -> Article:
    return Article(
        id=row.id, title=row.title, text=row.text, published_at=row.published_at, url=row.url,
        source=row.source, dateline=row.dateline, standfirst=row.standfirst, byline=row.byline,
        headings=tuple(row.headings or ()), language=row.language,
    )


def _analysis(row: AnyRow, countries: list[tuple[str, float, bool]],
              topics: list[tuple[str, float, bool]]) -> Analysis:
    return Analysis(
        article_id=row.id,
        countries=tuple(c for c, _, about in countries if about),
        country_scores={c: s for c, s, _ in countries},
        regions=tuple(row.regions or ()),
        topics=tuple(t for t, _, about in topics if about),
        topic_scores={t: s for t, s, _ in topics},
        tone=float(row.tone),
        summary_sentences=tuple(row.summary or ()),
        signature=signature_from_bytes(row.signature) if row.signature else (),
        language=row.analysis_language,
    )


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


if TYPE_CHECKING:

    def _is_an_archive(archive: ArticleArchive) -> Archive:
        return archive  # mypy proves here that ArticleArchive satisfies the engine's port
