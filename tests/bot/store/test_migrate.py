"""Migrations: once to head, idempotent, safe when several processes run them at once."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from bot.store import create_engine, migrate
from bot.store.migrate import current_revision, head_revision
from tests.bot.store.conftest import Database


async def _tables(database: Database) -> set[str]:
    engine = create_engine(database.url, schema=database.schema)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))
    finally:
        await engine.dispose()


async def test_migrate_brings_an_empty_database_to_head(database: Database) -> None:
    await migrate(database.url, schema=database.schema)
    engine = create_engine(database.url, schema=database.schema)
    try:
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()
    assert {"articles", "article_countries", "article_topics", "article_bands", "feeds",
            "alembic_version"} <= await _tables(database)


async def test_concurrent_migrations_wait_for_each_other_and_succeed(database: Database) -> None:
    await asyncio.gather(*(migrate(database.url, schema=database.schema) for _ in range(3)))
    await migrate(database.url, schema=database.schema)  # and again later: nothing to do
    engine = create_engine(database.url, schema=database.schema)
    try:
        assert await current_revision(engine) == head_revision()
    finally:
        await engine.dispose()
