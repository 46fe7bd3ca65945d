"""``python -m bench.archive [--n N] [--db sqlite|URL]``: a big archive, and how fast the store answers on it.

Builds an archive of N articles (default 1,000,000) from the dev articles in the evaluation data
(Reuters, BBC, CNN/DailyMail), re-dated over a year, each with a unique id and URL, its record's
country labels (BBC and CNN/DailyMail records draw theirs from the Reuters label mix), a random topic
mix and tone, and its own random MinHash signature; about 8% are near-duplicate copies of a recent
article from another outlet, so clusters are mostly singletons with some multi-source stories.

The rows go in with bulk inserts (executemany on SQLite, COPY through asyncpg on PostgreSQL) with the
secondary indexes dropped and rebuilt afterwards, straight into the schema the migrations made. Then it
times, through ``Store``, the two queries the bot depends on:

* pair: ``stories`` about two countries at once (all_countries), the last 7 days, limit 10;
* digest: ``stories`` for a few countries (or a region's) and topics, the last 24 hours, limit 200;

and, for scale, ``add`` of new articles into the full archive (near-duplicate look-up included).
Targets at 1M articles: pair p95 <= 20 ms, digest p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg  # type: ignore[import-untyped]  # asyncpg ships no type hints
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from bench.data import MissingData, as_article, reuters_records, shared_data_dir, summary_records
from bot.store import Store, migrate, normalise_url, open_store
from bot.store.filters import url_host
from digests.archive import StorySearch
from digests.model import Analysis, Article
from digests.signature import NUM_PERM, band_keys, signature_to_bytes

START = datetime(2025, 1, 1, tzinfo=UTC)
SPAN = timedelta(days=365)
NEAR_DUPLICATE_SHARE = 0.08
BATCH = 20_000
PG_SCHEMA = "newsbot_bench"
TOPICS = (
    "politics", "elections", "diplomacy", "conflict", "trade", "economy", "markets", "energy", "climate",
    "health", "technology", "science", "crime", "justice", "migration", "agriculture", "transport",
    "education", "culture", "sport", "disasters", "labour", "finance", "media",
)
REGIONS = {
    "europe": ("GB", "FR", "DE", "IT", "ES", "NL", "BE", "SE", "CH", "PL", "IE", "AT"),
    "east-asia": ("JP", "CN", "KR", "TW", "HK", "KP", "MN"),
    "middle-east": ("SA", "IR", "IQ", "IL", "AE", "KW", "QA", "JO", "LB", "SY", "EG"),
    "latin-america": ("BR", "AR", "MX", "CL", "CO", "PE", "VE", "EC", "UY"),
    "africa": ("ZA", "NG", "KE", "EG", "GH", "ET", "ZW", "ZM", "CI", "TZ"),
}
OUTLETS = tuple(f"news{i:02d}.example" for i in range(40)) + tuple(f"www.paper{i}.example" for i in range(10))
ARTICLE_COLUMNS = (
    "seq", "id", "url", "url_hash", "host", "title", "text", "source", "dateline", "standfirst", "byline",
    "headings", "language", "published_at", "added_at", "feed_url", "cluster_id", "tone", "summary",
    "regions", "analysis_language", "signature",
)
COUNTRY_COLUMNS = ("article_seq", "country", "salience", "about", "position", "published_at", "cluster_id")
TOPIC_COLUMNS = ("article_seq", "topic", "score", "about", "position", "published_at", "cluster_id")
BAND_COLUMNS = ("article_seq", "band", "band_key", "published_at")
TABLES = ("articles", "article_countries", "article_topics", "article_bands")
CAPTION = ("pair: stories about both of two countries, last 7 days, limit 10; digest: stories for a few "
           "countries (or a region's) and topics, last 24 h, limit 200; pair count / daily: the pair "
           "report's other calls (7 days; 30 days by UTC day); add: one new article, near-duplicate "
           "look-up included")


@dataclass(frozen=True, slots=True)
class Template:
    title: str
    text: str
    dateline: str | None
    summary: str
    countries: tuple[str, ...]


@dataclass(slots=True)
class Batch:
    articles: list[tuple[Any, ...]] = field(default_factory=list)
    countries: list[tuple[Any, ...]] = field(default_factory=list)
    topics: list[tuple[Any, ...]] = field(default_factory=list)
    bands: list[tuple[Any, ...]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Recent:
    """What a near-duplicate copies from the article it copies."""

    seq: int
    cluster_id: str
    published_at: datetime
    signature: tuple[int, ...]
    template: Template
    countries: tuple[str, ...]
    topics: tuple[str, ...]


# -- the data ----------------------------------------------------------------------------------------


def load_templates(data_dir: Path) -> list[Template]:
    templates: list[Template] = []
    records = [(r, tuple(r.get("countries") or ())) for r in reuters_records(data_dir)]
    records += [(r, ()) for name in ("bbc", "cnndm") for r in summary_records(name, data_dir)]
    for record, countries in records:
        try:
            article = as_article(record)
        except ValueError:
            continue  # a record with no usable text: the reader says why; not needed here
        lead = article.paragraphs[0] if article.paragraphs else article.text
        templates.append(Template(article.title, article.text, article.dateline, lead[:300], countries))
    return templates


class Generator:
    """N articles in time order, as rows for the four article tables."""

    def __init__(self, templates: Sequence[Template], n: int, seed: int) -> None:
        self.templates = templates
        self.n = n
        self.random = random.Random(seed)
        self.country_pool = [c for t in templates for c in t.countries]
        self.region_of = {c: r for r, members in REGIONS.items() for c in members}
        self.pairs: list[tuple[datetime, str, str]] = []  # reservoir of (time, two countries) for queries

    def batches(self, size: int = BATCH) -> Iterator[Batch]:
        rng = self.random
        recent: list[Recent] = []
        batch = Batch()
        step = SPAN / self.n
        for seq in range(1, self.n + 1):
            published = START + step * seq + timedelta(seconds=rng.uniform(0, 3600))
            copy_of = rng.choice(recent) if recent and rng.random() < NEAR_DUPLICATE_SHARE else None
            if copy_of is not None:
                template, countries, topics = copy_of.template, copy_of.countries, copy_of.topics
                published = copy_of.published_at + timedelta(minutes=rng.uniform(5, 720))
                signature = list(copy_of.signature)
                for i in rng.sample(range(NUM_PERM), rng.randint(1, 8)):
                    signature[i] = rng.getrandbits(32)
                cluster_id = copy_of.cluster_id
            else:
                template = self.templates[rng.randrange(len(self.templates))]
                countries = template.countries or tuple(
                    dict.fromkeys(rng.choice(self.country_pool) for _ in range(rng.choice((1, 1, 2)))))
                topics = tuple(rng.sample(TOPICS, rng.randint(1, 3)))
                signature = [rng.getrandbits(32) for _ in range(NUM_PERM)]
                cluster_id = f"bench-{seq:07d}"
            sig = tuple(signature)
            self._add_rows(batch, seq, published, cluster_id, template, countries, topics, sig)
            self._remember_pair(seq, published, countries)
            if copy_of is None:
                recent.append(Recent(seq, cluster_id, published, sig, template, countries, topics))
                if len(recent) > 300:
                    recent.pop(0)
            if len(batch.articles) >= size:
                yield batch
                batch = Batch()
        if batch.articles:
            yield batch

    def _add_rows(self, batch: Batch, seq: int, published: datetime, cluster_id: str, template: Template,
                  countries: tuple[str, ...], topics: tuple[str, ...], sig: tuple[int, ...]) -> None:
        rng = self.random
        article_id = f"bench-{seq:07d}"
        host = rng.choice(OUTLETS)
        url = f"https://{host}/story/{seq}"
        regions = sorted({self.region_of[c] for c in countries if c in self.region_of})
        batch.articles.append((
            seq, article_id, url, hashlib.sha256(url.encode()).hexdigest(), url_host(url), template.title,
            template.text, host.removeprefix("www.").split(".")[0].title(), template.dateline, None, None,
            "[]", "en", published, published, f"https://{host}/rss", cluster_id, round(rng.uniform(-1, 1), 3),
            json.dumps([template.summary]), json.dumps(regions), "en", signature_to_bytes(sig),
        ))
        for rank, country in enumerate(countries):
            batch.countries.append((seq, country, 1.0 - 0.1 * rank, True, rank, published, cluster_id))
        for rank, topic in enumerate(topics):
            batch.topics.append((seq, topic, 0.9 - 0.1 * rank, True, rank, published, cluster_id))
        for band, key in enumerate(band_keys(sig)):
            batch.bands.append((seq, band, key, published))

    def _remember_pair(self, seq: int, published: datetime, countries: tuple[str, ...]) -> None:
        if len(countries) < 2:
            return
        pair = tuple(self.random.sample(countries, 2))
        entry = (published, pair[0], pair[1])
        if len(self.pairs) < 20_000:
            self.pairs.append(entry)
        elif (slot := self.random.randrange(seq)) < len(self.pairs):
            self.pairs[slot] = entry


# -- building ----------------------------------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        # The text form SQLAlchemy's DateTime keeps on SQLite (naive UTC, microseconds).
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, bool):
        return int(value)
    return value


def build_sqlite(path: Path, generator: Generator, console: Console) -> None:
    db = sqlite3.connect(path)
    try:
        db.execute("PRAGMA synchronous=OFF")
        db.execute("PRAGMA cache_size=-262144")  # 256 MB while loading
        indexes = [(name, sql) for name, sql, table in db.execute(
            "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
            if table in TABLES]
        for name, _ in indexes:
            db.execute(f'DROP INDEX "{name}"')
        for _, batch in _progress(generator, console):
            with db:
                for table, columns, rows in _tables_of(batch):
                    marks = ",".join("?" * len(columns))
                    db.executemany(f"INSERT INTO {table} ({','.join(columns)}) VALUES ({marks})",  # noqa: S608 - fixed names
                                   ([_sqlite_value(v) for v in row] for row in rows))
        console.print("rebuilding indexes")
        for _, sql in indexes:
            db.execute(sql)
        db.commit()
    finally:
        db.close()


async def build_postgres(url: str, schema: str, generator: Generator, console: Console) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn, server_settings={"search_path": schema})
    try:
        # Secondary indexes only: those behind primary keys and unique constraints stay.
        indexes = await conn.fetch(
            "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = $1 "
            "AND i.tablename = ANY($2) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", schema, list(TABLES))
        for row in indexes:
            await conn.execute(f'DROP INDEX "{schema}"."{row["indexname"]}"')
        for _, batch in _progress(generator, console):
            async with conn.transaction():
                for table, columns, rows in _tables_of(batch):
                    await conn.copy_records_to_table(table, records=rows, columns=list(columns),
                                                     schema_name=schema)
        console.print("rebuilding indexes")
        await conn.execute("SET maintenance_work_mem = '256MB'")
        for row in indexes:
            await conn.execute(row["indexdef"])
        await conn.execute("SELECT setval(pg_get_serial_sequence('articles', 'seq'), "
                           "(SELECT max(seq) FROM articles))")
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def _tables_of(batch: Batch) -> list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]:
    return [("articles", ARTICLE_COLUMNS, batch.articles),
            ("article_countries", COUNTRY_COLUMNS, batch.countries),
            ("article_topics", TOPIC_COLUMNS, batch.topics),
            ("article_bands", BAND_COLUMNS, batch.bands)]


def _progress(generator: Generator, console: Console) -> Iterator[tuple[int, Batch]]:
    done, started, reported = 0, time.perf_counter(), 0
    for batch in generator.batches():
        yield done, batch
        done += len(batch.articles)
        if done - reported >= max(generator.n // 10, BATCH):
            reported = done
            rate = done / (time.perf_counter() - started)
            console.print(f"  {done:,} articles ({rate:,.0f}/s)")


# -- measuring ---------------------------------------------------------------------------------------


def pair_searches(generator: Generator, count: int) -> list[StorySearch]:
    rng = random.Random(1)
    searches = []
    for published, first, second in rng.sample(generator.pairs, min(count, len(generator.pairs))):
        now = published + timedelta(hours=rng.uniform(0, 72))
        searches.append(StorySearch(since=now - timedelta(days=7), until=now,
                                    countries=frozenset({first, second}), all_countries=True, limit=10))
    return searches


def digest_searches(generator: Generator, count: int) -> list[StorySearch]:
    rng = random.Random(2)
    searches = []
    for i in range(count):
        now = START + timedelta(days=2) + (SPAN - timedelta(days=2)) * rng.random()
        if i % 2:
            countries = frozenset(REGIONS[rng.choice(sorted(REGIONS))])
        else:
            countries = frozenset(rng.choice(generator.country_pool) for _ in range(3))
        searches.append(StorySearch(since=now - timedelta(hours=24), until=now, countries=countries,
                                    topics=frozenset(rng.sample(TOPICS, 3)), limit=200))
    return searches


async def time_searches(store: Store, searches: Sequence[StorySearch],
                        kind: str = "stories") -> dict[str, Any]:
    """Milliseconds per call of ``kind`` (stories, count or daily) and the mean number of stories found."""
    async def call(search: StorySearch) -> int:
        if kind == "count":
            return (await store.articles.count(search))[0]
        if kind == "daily":
            return sum(point.count for point in await store.articles.daily(search))
        return len(await store.articles.stories(search))

    for search in searches[:10]:  # warm the caches and the statement cache
        await call(search)
    timings, found = [], []
    for search in searches:
        started = time.perf_counter()
        found.append(await call(search))
        timings.append((time.perf_counter() - started) * 1000)
    return _summary(timings) | {"stories_mean": statistics.fmean(found), "queries": len(searches)}


def chart_searches(searches: Sequence[StorySearch]) -> list[StorySearch]:
    """The pair report's chart: the same pair over the 30 days before."""
    return [replace(s, since=s.until - timedelta(days=30)) for s in searches]


async def time_adds(store: Store, templates: Sequence[Template], count: int) -> dict[str, Any]:
    rng = random.Random(3)
    timings = []
    for i in range(count):
        template = rng.choice(templates)
        when = START + SPAN * rng.random()
        article = Article(id=f"bench-add-{i}", title=template.title, text=template.text, published_at=when,
                          url=f"https://added.example/{i}", source="Added")
        analysis = Analysis(article.id, template.countries, dict.fromkeys(template.countries, 1.0), (),
                            ("economy",), {"economy": 0.9}, 0.0, (template.summary,),
                            tuple(rng.getrandbits(32) for _ in range(NUM_PERM)))
        started = time.perf_counter()
        await store.articles.add(article, analysis)
        timings.append((time.perf_counter() - started) * 1000)
    return _summary(timings) | {"queries": count}


def _summary(timings: list[float]) -> dict[str, Any]:
    ordered = sorted(timings)
    return {"p50_ms": statistics.median(ordered), "p95_ms": ordered[max(0, round(0.95 * len(ordered)) - 1)],
            "max_ms": ordered[-1]}


# -- the command -------------------------------------------------------------------------------------


async def run(args: argparse.Namespace) -> int:
    console = Console(width=max(Console().width, 100))
    try:
        data_dir = shared_data_dir()
    except MissingData as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    templates = load_templates(data_dir)
    generator = Generator(templates, args.n, args.seed)
    sqlite_file = args.path or Path(tempfile.gettempdir()) / f"newsbot-bench-archive-{args.n}.db"
    if args.db == "sqlite":
        url, schema = f"sqlite+aiosqlite:///{sqlite_file}", None
    else:
        url, schema = normalise_url(args.db), PG_SCHEMA
    reuse = args.reuse and await _has_archive(url, schema, args.n)
    started = time.perf_counter()
    if reuse:
        console.print(f"reusing the archive of {args.n:,} articles at {_where(url, schema)}")
        await migrate(url, schema=schema)  # newer revisions since it was built
        for _ in generator.batches():  # same seed, same queries
            pass
    else:
        console.print(f"building {args.n:,} articles at {_where(url, schema)}")
        await _reset(url, schema, sqlite_file)
        await migrate(url, schema=schema)
        if schema is None:
            await asyncio.to_thread(build_sqlite, sqlite_file, generator, console)
        else:
            await build_postgres(url, schema, generator, console)
        console.print(f"built in {time.perf_counter() - started:,.0f} s")
    store = await open_store(url, schema=schema)
    try:
        pairs = pair_searches(generator, args.queries)
        rows = [
            {"query": "pair", "target p95": "<= 20 ms", **await time_searches(store, pairs)},
            {"query": "pair count", "target p95": "", **await time_searches(store, pairs, "count")},
            {"query": "pair daily 30 d", "target p95": "",
             **await time_searches(store, chart_searches(pairs), "daily")},
            {"query": "digest", "target p95": "<= 50 ms",
             **await time_searches(store, digest_searches(generator, args.queries))},
        ]
        if not args.keep and not args.reuse:
            rows.append({"query": "add", "target p95": "",
                         **await time_adds(store, templates, min(args.queries, 200))})
    finally:
        await store.close()
    table = Table(title=f"archive: {args.n:,} articles on {'SQLite' if schema is None else 'PostgreSQL'}",
                  title_justify="left", caption=CAPTION, caption_justify="left")
    for column in ("query", "queries", "stories_mean", "p50_ms", "p95_ms", "max_ms", "target p95"):
        table.add_column(column, justify="left" if column == "query" else "right")
    for row in rows:
        table.add_row(*(_fmt(row.get(c, "")) for c in
                        ("query", "queries", "stories_mean", "p50_ms", "p95_ms", "max_ms", "target p95")))
    console.print(table)
    if args.json:
        args.json.write_text(json.dumps({"n": args.n, "db": "sqlite" if schema is None else "postgresql",
                                         "rows": rows}, indent=2) + "\n", encoding="utf-8")
    if not args.keep and not args.reuse:
        await _reset(url, schema, sqlite_file)
    return 0


async def _has_archive(url: str, schema: str | None, n: int) -> bool:
    try:
        store = await open_store(url, schema=schema, migrate=True)
    except Exception:  # any failure (no file, no schema, not migrated) just means "build it"
        return False
    try:
        async with store.engine.connect() as conn:
            count = (await conn.exec_driver_sql("SELECT count(*) FROM articles")).scalar()
        return count == n
    finally:
        await store.close()


async def _reset(url: str, schema: str | None, sqlite_file: Path) -> None:
    if schema is None:
        await asyncio.to_thread(_remove_sqlite, sqlite_file)
        return
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await conn.close()


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _where(url: str, schema: str | None) -> str:
    shown = make_url(url).render_as_string(hide_password=True)
    return f"{shown} (schema {schema})" if schema else shown


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _positive(text: str) -> int:
    try:
        value = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give a positive number")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.archive", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=_positive, default=1_000_000, help="articles in the archive (default 1M)")
    parser.add_argument("--db", default="sqlite",
                        help='"sqlite" (a file in the temp folder, or --path) or a PostgreSQL URL '
                             f"(the archive goes in schema {PG_SCHEMA}, dropped first)")
    parser.add_argument("--path", type=Path, default=None, help="the SQLite file to build")
    parser.add_argument("--queries", type=_positive, default=200,
                        help="timed queries of each kind (default 200)")
    parser.add_argument("--seed", type=int, default=20260301, help="random seed of the generated archive")
    parser.add_argument("--keep", action="store_true", help="keep the archive afterwards (for --reuse)")
    parser.add_argument("--reuse", action="store_true",
                        help="reuse a kept archive of the same size instead of building it again")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE",
                        help="also write the figures as JSON")
    args = parser.parse_args(argv)
    if args.db != "sqlite":
        try:
            if make_url(normalise_url(args.db)).get_backend_name() != "postgresql":
                parser.error("--db takes sqlite or a PostgreSQL URL")
        except ValueError as exc:
            parser.error(str(exc))
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
