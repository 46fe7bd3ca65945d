"""Alembic environment: migrations run only through ``bot.store.migrate``, which hands over a connection.

There is no alembic.ini: ``bot.store.migrate.alembic_config()`` builds the configuration in code, takes
the cross-process lock (PostgreSQL advisory lock, SQLite ``BEGIN IMMEDIATE``) and commits afterwards.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from bot.store.schema import metadata

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations with `newsbot migrate` (bot.store.migrate), not the alembic CLI")
context.configure(connection=connection, target_metadata=metadata)
with context.begin_transaction():
    context.run_migrations()
