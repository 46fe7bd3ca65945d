"""Alembic migrations run from code: upgrade to head under a lock, and tell whether a database is current.

Several processes may call :func:`migrate` at once. On PostgreSQL the upgrade runs in one transaction
holding ``pg_advisory_xact_lock``; on SQLite in one ``BEGIN IMMEDIATE`` transaction (SQLite's DDL is
transactional). Either way the second caller waits, then finds the schema at head and does nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bot.store.engine import create_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Any fixed 64-bit number shared by every newsbot process; this one spells "newsbot" in ASCII.
ADVISORY_LOCK_KEY = 0x6E657773626F74
_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, f"no migrations found in {MIGRATIONS_DIR}"
    return head


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


async def migrate(url: str, *, schema: str | None = None) -> None:
    """Upgrade the database at ``url`` (and, on PostgreSQL, ``schema``, created if missing) to head."""
    engine = create_engine(url, schema=schema)
    try:
        await upgrade_engine(engine, schema=schema)
    finally:
        await engine.dispose()


async def upgrade_engine(engine: AsyncEngine, *, schema: str | None = None) -> None:
    """Upgrade to head through ``engine``; ``schema`` (PostgreSQL) is created first when missing."""
    async with engine.connect() as conn:
        await _lock(conn)
        if schema is not None:
            if not _SCHEMA_NAME.fullmatch(schema):  # create_engine checked it too; belt and braces
                raise ValueError(f"bad schema name {schema!r}")
            await conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        await conn.run_sync(_upgrade)
        await conn.commit()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at; None when it was never migrated."""
    async with engine.connect() as conn:
        return await conn.run_sync(lambda sync: MigrationContext.configure(sync).get_current_revision())


async def _lock(conn: AsyncConnection) -> None:
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ADVISORY_LOCK_KEY})
    else:
        # The driver leaves transaction control to us once we begin one ourselves.
        await conn.exec_driver_sql("BEGIN IMMEDIATE")


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")

