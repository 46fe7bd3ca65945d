"""Migration 0002 on both backends: it creates what config_schema describes, upgrades a 0001 database
keeping its rows, and downgrades cleanly."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from bot.store import create_engine, migrate
from bot.store.config_schema import (
    custom_topics,
    delivered_stories,
    deliveries,
    excluded_sources,
    subscriptions,
)
from bot.store.migrate import alembic_config, current_revision
from bot.store.schema import feeds
from tests.bot.store.builders import T0
from tests.bot.store.conftest import Database

TABLES = (subscriptions, excluded_sources, custom_topics, deliveries, delivered_stories)


def _to(revision: str, *, down: bool = False) -> Callable[[Connection], None]:
    def run(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)
    return run


async def _columns(database: Database) -> dict[str, set[str]]:
    engine = create_engine(database.url, schema=database.schema)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: {
                name: {c["name"] for c in inspect(sync).get_columns(name)}
                for name in inspect(sync).get_table_names()})
    finally:
        await engine.dispose()


async def test_the_migration_creates_the_tables_config_schema_describes(database: Database) -> None:
    await migrate(database.url, schema=database.schema)
    found = await _columns(database)
    for table in TABLES:
        assert found.get(table.name) == {c.name for c in table.columns}, table.name


async def test_a_0001_database_upgrades_keeping_its_rows_and_downgrades_cleanly(database: Database) -> None:
    engine = create_engine(database.url, schema=database.schema)
    try:
        async with engine.connect() as conn:
            if database.schema is not None:
                await conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{database.schema}"')
            await conn.run_sync(_to("0001"))
            await conn.commit()
        assert await current_revision(engine) == "0001"
    finally:
        await engine.dispose()
    tables_at_0001 = await _add_a_feed_at_0001(database)
    assert "subscriptions" not in tables_at_0001

    await migrate(database.url, schema=database.schema)
    opened = await database.open()
    try:
        assert [f.url for f in await opened.feeds.list_feeds()] == ["https://news.example.com/rss"]
        assert await opened.config.list_subscriptions() == []
        engine = opened.engine
        async with engine.connect() as conn:
            await conn.run_sync(_to("0001", down=True))
            await conn.commit()
        assert await current_revision(engine) == "0001"
    finally:
        await opened.close()
    left = await _columns(database)
    assert not {t.name for t in TABLES} & set(left)
    assert "feeds" in left


async def _add_a_feed_at_0001(database: Database) -> set[str]:
    """Add a feed to the 0001 database (as an older release would have) and list its tables."""
    engine = create_engine(database.url, schema=database.schema)
    try:
        async with engine.begin() as conn:
            await conn.execute(feeds.insert().values(url="https://news.example.com/rss", added_at=T0,
                                                     consecutive_failures=0, disabled=False))
    finally:
        await engine.dispose()
    return set(await _columns(database))
