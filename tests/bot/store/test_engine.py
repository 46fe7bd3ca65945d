"""Database URLs: the SQLite default, the PostgreSQL spellings, and what is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from bot.store import DatabaseUrlError, create_engine, database_url, normalise_url


def test_the_default_is_a_sqlite_file_in_the_data_folder(tmp_path: Path) -> None:
    assert database_url(None, tmp_path) == f"sqlite+aiosqlite:///{tmp_path}/newsbot.db"
    assert database_url("  ", tmp_path) == f"sqlite+aiosqlite:///{tmp_path}/newsbot.db"


@pytest.mark.parametrize(("given", "expected"), [
    ("postgres://bot:s3cret@db.internal:5433/news", "postgresql+asyncpg://bot:s3cret@db.internal:5433/news"),
    ("postgresql://bot@db/news", "postgresql+asyncpg://bot@db/news"),
    ("postgresql+psycopg2://bot@db/news", "postgresql+asyncpg://bot@db/news"),
    ("postgresql+asyncpg://bot@db/news", "postgresql+asyncpg://bot@db/news"),
    ("sqlite:////var/lib/newsbot/news.db", "sqlite+aiosqlite:////var/lib/newsbot/news.db"),
])
def test_explicit_urls_get_the_async_driver(tmp_path: Path, given: str, expected: str) -> None:
    assert database_url(given, tmp_path) == expected
    assert normalise_url(given) == expected


@pytest.mark.parametrize(("given", "complaint"), [
    ("not a url", "not a database URL"),
    ("mysql://bot@db/news", "unsupported database 'mysql'"),
    ("sqlite://", "SQLite needs a file"),
    ("sqlite:///:memory:", "SQLite needs a file"),
])
def test_unusable_urls_are_refused_clearly(given: str, complaint: str) -> None:
    with pytest.raises(DatabaseUrlError, match=complaint):
        normalise_url(given)


def test_a_schema_is_checked_and_only_for_postgresql(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUrlError, match="bad schema name"):
        create_engine("postgresql://bot@db/news", schema="x; DROP TABLE feeds")
    with pytest.raises(DatabaseUrlError, match="only be chosen on PostgreSQL"):
        create_engine(f"sqlite:///{tmp_path}/a.db", schema="news")


async def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path}/nested/folder/newsbot.db")
    try:
        async with engine.connect() as conn:
            assert (await conn.execute(text("PRAGMA journal_mode"))).scalar() == "wal"
            assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1
            assert (await conn.execute(text("PRAGMA busy_timeout"))).scalar() >= 1000
    finally:
        await engine.dispose()
    assert (tmp_path / "nested" / "folder" / "newsbot.db").is_file()
