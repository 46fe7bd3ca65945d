"""Fixtures for every bot test: the store tests' databases (``database``, ``store``: SQLite and
PostgreSQL, one fresh database or schema per test), shared from tests/bot/store/conftest.py."""

from tests.bot.store.conftest import Database, database, store

__all__ = ["Database", "database", "store"]
