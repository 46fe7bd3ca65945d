"""The bot's database: articles (the engine's archive), the feed registry, and their migrations.

SQLAlchemy 2 async on SQLite (aiosqlite, a file; the default) or PostgreSQL (asyncpg, by URL).
"""

from bot.store.articles import ArticleArchive
from bot.store.engine import DatabaseUrlError, create_engine, database_url, normalise_url
from bot.store.feeds import FeedRegistry, FeedState, FeedUrlError, backoff
from bot.store.migrate import migrate
from bot.store.store import SchemaNotReady, Store, StoreError, open_store

__all__ = [
    "ArticleArchive",
    "DatabaseUrlError",
    "FeedRegistry",
    "FeedState",
    "FeedUrlError",
    "SchemaNotReady",
    "Store",
    "StoreError",
    "backoff",
    "create_engine",
    "database_url",
    "migrate",
    "normalise_url",
    "open_store",
]
