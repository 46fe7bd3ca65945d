"""Articles with their analysis side tables, full-text search, near-duplicate bands, and the feed registry.

Revision ID: 0001
Revises: (none)

Later revisions (subscriptions, deliveries, settings) go in 0002_*.py and onwards with
``down_revision = "0001"``; this file stays as it is once released.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Frozen copies of the types this revision creates (bot.store.schema may move on; this file may not).
ROW_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
MOMENT = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("seq", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("id", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("url_hash", sa.String(64)),
        sa.Column("host", sa.Text),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.Text),
        sa.Column("dateline", sa.Text),
        sa.Column("standfirst", sa.Text),
        sa.Column("byline", sa.Text),
        sa.Column("headings", sa.JSON, nullable=False),
        sa.Column("language", sa.Text),
        sa.Column("published_at", MOMENT, nullable=False),
        sa.Column("added_at", MOMENT, nullable=False),
        sa.Column("feed_url", sa.Text),
        sa.Column("cluster_id", sa.Text, nullable=False),
        sa.Column("tone", sa.Float, nullable=False),
        sa.Column("summary", sa.JSON, nullable=False),
        sa.Column("regions", sa.JSON, nullable=False),
        sa.Column("analysis_language", sa.Text, nullable=False),
        sa.Column("signature", sa.LargeBinary),
        sa.UniqueConstraint("id", name="uq_articles_id"),
        sa.UniqueConstraint("url_hash", name="uq_articles_url_hash"),
    )
    op.create_index("ix_articles_published_at", "articles", ["published_at"])
    op.create_index("ix_articles_cluster", "articles", ["cluster_id", "published_at"])

    for table, key, weight in (("article_countries", "country", "salience"),
                               ("article_topics", "topic", "score")):
        op.create_table(
            table,
            sa.Column("article_seq", ROW_ID, sa.ForeignKey("articles.seq", ondelete="CASCADE"),
                      nullable=False),
            sa.Column(key, sa.Text, nullable=False),
            sa.Column(weight, sa.Float, nullable=False),
            sa.Column("about", sa.Boolean, nullable=False),
            sa.Column("position", sa.SmallInteger, nullable=False),
            sa.Column("published_at", MOMENT, nullable=False),
            sa.Column("cluster_id", sa.Text, nullable=False),
            sa.PrimaryKeyConstraint("article_seq", key, name=f"pk_{table}"),
        )
        op.create_index(f"ix_{table}_lookup", table, [key, "about", "published_at"])

    op.create_table(
        "article_bands",
        sa.Column("article_seq", ROW_ID, sa.ForeignKey("articles.seq", ondelete="CASCADE"), nullable=False),
        sa.Column("band", sa.SmallInteger, nullable=False),
        sa.Column("band_key", sa.BigInteger, nullable=False),
        sa.Column("published_at", MOMENT, nullable=False),
        sa.PrimaryKeyConstraint("article_seq", "band", name="pk_article_bands"),
    )
    op.create_index("ix_article_bands_key", "article_bands", ["band_key", "published_at"])

    op.create_table(
        "feeds",
        sa.Column("id", ROW_ID, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("publisher", sa.Text),
        sa.Column("country", sa.Text),
        sa.Column("added_at", MOMENT, nullable=False),
        sa.Column("added_by", sa.Text),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("last_success_at", MOMENT),
        sa.Column("last_error", sa.Text),
        sa.Column("consecutive_failures", sa.Integer, nullable=False, server_default="0"),
        sa.Column("next_attempt_at", MOMENT),
        sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("lease_owner", sa.Text),
        sa.Column("lease_until", MOMENT),
        sa.UniqueConstraint("url", name="uq_feeds_url"),
    )

    if op.get_bind().dialect.name == "postgresql":
        _postgres_search()
    else:
        _sqlite_search()


def _postgres_search() -> None:
    # A generated column keeps itself in step with title and text; left() keeps a tsvector under 1 MB.
    op.execute(
        "ALTER TABLE articles ADD COLUMN search tsvector GENERATED ALWAYS AS ("
        "setweight(to_tsvector('english'::regconfig, left(coalesce(title, ''), 2000)), 'A') || "
        "setweight(to_tsvector('english'::regconfig, left(coalesce(text, ''), 100000)), 'B')) STORED"
    )
    op.execute("CREATE INDEX ix_articles_search ON articles USING gin (search)")


def _sqlite_search() -> None:
    # External-content FTS5 over articles (no second copy of the text), kept in sync by triggers, so
    # inserts, edits, purges and cascades all update it without the application's help.
    op.execute(
        "CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles', content_rowid='seq', "
        "tokenize='porter unicode61 remove_diacritics 2')"
    )
    op.execute(
        "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
        "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text); END"
    )
    forget = ("INSERT INTO articles_fts(articles_fts, rowid, title, text) "
              "VALUES ('delete', old.seq, old.title, old.text);")
    remember = "INSERT INTO articles_fts(rowid, title, text) VALUES (new.seq, new.title, new.text);"
    op.execute("CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN " + forget + " END")
    op.execute("CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN "
               + forget + " " + remember + " END")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        for trigger in ("articles_fts_update", "articles_fts_delete", "articles_fts_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    for table in ("feeds", "article_bands", "article_topics", "article_countries", "articles"):
        op.drop_table(table)
