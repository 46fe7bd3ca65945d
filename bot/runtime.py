"""Opening what every entry point needs: settings, the database (migrated once) and the default feeds."""

from __future__ import annotations

import logging

import seeds
from bot.settings import Settings
from bot.store.engine import create_engine, database_url, is_postgres
from bot.store.migrate import current_revision, upgrade_engine
from bot.store.store import Store, open_store

log = logging.getLogger(__name__)


def resolve_database_url(settings: Settings, override: str | None = None) -> str:
    """``--db`` first, then NEWSBOT_DATABASE_URL, then the SQLite file in the data directory."""
    explicit = override or (settings.database_url.get_secret_value() if settings.database_url else None)
    return database_url(explicit, settings.data_dir)


async def open_bot_store(settings: Settings, *, override: str | None = None, migrate: bool | None = None) -> Store:
    """The store, migrated when it is the embedded SQLite file (one process) or when asked.

    PostgreSQL shared by replicas is migrated by `newsbot migrate` (or ``migrate=True``), never
    silently by each replica at start. A database created here gets the default feeds registered.
    """
    url = resolve_database_url(settings, override)
    if not is_postgres(url):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
    should_migrate = (not is_postgres(url)) if migrate is None else migrate
    fresh = False
    if should_migrate:
        engine = create_engine(url)
        try:
            # Learn whether the database is brand new before upgrading it, to seed the default feeds once.
            fresh = await current_revision(engine) is None
            await upgrade_engine(engine)
        finally:
            await engine.dispose()
    store = await open_store(url)
    if fresh:
        await register_default_feeds(store)
    return store


async def register_default_feeds(store: Store) -> int:
    """Register the public world-news feeds listed in seeds/feeds.json; returns how many."""
    entries = seeds.load_json("feeds.json")["feeds"]
    for entry in entries:
        await store.feeds.add_feed(entry["url"], publisher=entry["publisher"], country=entry["country"],
                                   added_by="default")
    log.info("registered %d default feeds", len(entries))
    return len(entries)
