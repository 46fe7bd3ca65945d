"""One write transaction on either backend, atomic from its first statement, reads included."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


@asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection in a transaction, committed when the block ends and rolled back if it raises.

    The SQLite driver would open its transaction only at the first write, so a read before it would
    see rows another process may change before the write; ``BEGIN IMMEDIATE`` takes the write lock
    first (other writers wait for it, up to the busy timeout). PostgreSQL needs nothing extra.
    """
    async with engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        yield conn
        await conn.commit()
