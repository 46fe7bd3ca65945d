"""A migrated ``Store`` on each backend: a SQLite file per test, and a fresh PostgreSQL schema per test.

The PostgreSQL schema has a random name and is dropped afterwards, so parallel and later runs never
see each other's rows.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.store import Store, create_engine, migrate, open_store

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@dataclass(frozen=True)
class Database:
    """Where a test's database is: its URL and (PostgreSQL) schema."""

    url: str
    schema: str | None

    async def open(self) -> Store:
        return await open_store(self.url, schema=self.schema)


@pytest.fixture(params=BACKENDS)
async def database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Database]:
    """An empty, unmigrated database on each backend."""
    if request.param == "sqlite":
        yield Database(f"sqlite+aiosqlite:///{tmp_path / 'newsbot.db'}", None)
        return
    url = request.getfixturevalue("postgres_url")
    schema = f"newsbot_test_{uuid.uuid4().hex[:12]}"
    try:
        yield Database(url, schema)
    finally:
        engine = create_engine(url)
        async with engine.begin() as conn:
            await conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await engine.dispose()


@pytest.fixture
async def store(database: Database) -> AsyncIterator[Store]:
    """A migrated store on each backend."""
    await migrate(database.url, schema=database.schema)
    opened = await database.open()
    try:
        yield opened
    finally:
        await opened.close()
