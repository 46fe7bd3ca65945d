"""The tables, as SQLAlchemy Core sees them. Migrations (bot/migrations) create them; this module only reads.

Articles get an integer ``seq`` (SQLite's rowid) that the side tables and the SQLite full-text index
point at; the engine's text ``id`` and the canonical URL (through its hash) are each unique. The side
tables repeat ``published_at`` and ``cluster_id`` (neither changes after insert) so the country, topic
and near-duplicate lookups are answered from their indexes without touching the wide article rows.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData()

# BIGINT on PostgreSQL, INTEGER on SQLite: only "INTEGER PRIMARY KEY" is an alias of SQLite's rowid.
RowId = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out. SQLite keeps naive UTC text, which sorts in time order."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: the store takes timezone-aware datetimes only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


articles = Table(
    "articles",
    metadata,
    Column("seq", RowId, primary_key=True, autoincrement=True),
    Column("id", Text, nullable=False),
    Column("url", Text),
    Column("url_hash", String(64)),  # sha256 of the canonical URL: indexable at any length
    Column("host", Text),  # lower-case host of the URL, for exclude_domains
    Column("title", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("source", Text),
    Column("dateline", Text),
    Column("standfirst", Text),
    Column("byline", Text),
    Column("headings", JSON, nullable=False),
    Column("language", Text),
    Column("published_at", UTCDateTime, nullable=False),
    Column("added_at", UTCDateTime, nullable=False),
    Column("feed_url", Text),
    Column("cluster_id", Text, nullable=False),
    Column("tone", Float, nullable=False),
    Column("summary", JSON, nullable=False),
    Column("regions", JSON, nullable=False),
    Column("analysis_language", Text, nullable=False),
    Column("signature", LargeBinary),
    UniqueConstraint("id", name="uq_articles_id"),
    UniqueConstraint("url_hash", name="uq_articles_url_hash"),
    Index("ix_articles_published_at", "published_at"),
    Index("ix_articles_cluster", "cluster_id", "published_at"),
)

article_countries = Table(
    "article_countries",
    metadata,
    Column("article_seq", RowId, ForeignKey("articles.seq", ondelete="CASCADE"), primary_key=True),
    Column("country", Text, primary_key=True),
    Column("salience", Float, nullable=False),
    Column("about", Boolean, nullable=False),  # in Analysis.countries (not only mentioned)
    Column("position", SmallInteger, nullable=False),  # keeps the order of Analysis.countries
    Column("published_at", UTCDateTime, nullable=False),
    Column("cluster_id", Text, nullable=False),
    Index("ix_article_countries_lookup", "country", "about", "published_at"),
)

article_topics = Table(
    "article_topics",
    metadata,
    Column("article_seq", RowId, ForeignKey("articles.seq", ondelete="CASCADE"), primary_key=True),
    Column("topic", Text, primary_key=True),
    Column("score", Float, nullable=False),
    Column("about", Boolean, nullable=False),  # in Analysis.topics (not only scored)
    Column("position", SmallInteger, nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Column("cluster_id", Text, nullable=False),
    Index("ix_article_topics_lookup", "topic", "about", "published_at"),
)

article_bands = Table(
    "article_bands",
    metadata,
    Column("article_seq", RowId, ForeignKey("articles.seq", ondelete="CASCADE"), primary_key=True),
    Column("band", SmallInteger, primary_key=True),
    Column("band_key", BigInteger, nullable=False),
    Column("published_at", UTCDateTime, nullable=False),
    Index("ix_article_bands_key", "band_key", "published_at"),
)

feeds = Table(
    "feeds",
    metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("title", Text),
    Column("publisher", Text),
    Column("country", Text),
    Column("added_at", UTCDateTime, nullable=False),
    Column("added_by", Text),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("last_success_at", UTCDateTime),
    Column("last_error", Text),
    Column("consecutive_failures", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("lease_owner", Text),
    Column("lease_until", UTCDateTime),
    UniqueConstraint("url", name="uq_feeds_url"),
)

# SQLite only: the FTS5 index over articles (external content, kept in sync by triggers in 0001).
SQLITE_FTS_TABLE = "articles_fts"
# PostgreSQL only: articles.search, a generated tsvector with a GIN index (0001).
POSTGRES_SEARCH_COLUMN = "search"
POSTGRES_TEXT_CONFIG = "english"
