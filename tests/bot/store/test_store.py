"""Opening the store: refused until migrated (saying what to do), or migrated on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.store import SchemaNotReady, StoreError, create_engine, open_store
from tests.bot.store.conftest import Database


async def test_an_unmigrated_database_is_refused_naming_the_command(database: Database) -> None:
    with pytest.raises(SchemaNotReady, match="run `newsbot migrate`"):
        await open_store(database.url, schema=database.schema)


async def test_open_store_can_migrate_first(database: Database) -> None:
    async with await open_store(database.url, schema=database.schema, migrate=True) as store:
        assert await store.feeds.list_feeds() == []
    reopened = await database.open()
    await reopened.close()


async def test_a_database_from_a_newer_version_is_refused(database: Database) -> None:
    store = await open_store(database.url, schema=database.schema, migrate=True)
    async with store, store.engine.begin() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(SchemaNotReady, match="does not know"):
        await database.open()


async def test_an_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"cannot (use|reach) the database at postgresql\+asyncpg://bot:\*\*\*@"):
        await open_store("postgresql://bot:secret@127.0.0.1:9/news")
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(StoreError, match="cannot use the database"):
        await open_store(f"sqlite:///{tmp_path}/dir.db")
    engine = create_engine(f"sqlite:///{tmp_path}/ok.db")
    await engine.dispose()
