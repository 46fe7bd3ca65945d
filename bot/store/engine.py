"""Database URLs and engines: SQLite (aiosqlite, a file) by default, PostgreSQL (asyncpg) by URL."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

SQLITE_FILE_NAME = "newsbot.db"
SQLITE_BUSY_TIMEOUT_MS = 10_000  # writers from several tasks or processes wait rather than fail at once
_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class DatabaseUrlError(ValueError):
    """A database URL the store cannot use; the message says what is accepted."""


def database_url(explicit: str | None, data_dir: Path) -> str:
    """The URL to use: ``explicit`` when given (normalised), else a SQLite file in ``data_dir``.

    The caller passes ``NEWSBOT_DATABASE_URL`` (or a command-line flag) as ``explicit``.
    """
    if explicit and explicit.strip():
        return normalise_url(explicit.strip())
    return f"sqlite+aiosqlite:///{data_dir / SQLITE_FILE_NAME}"


def normalise_url(url: str) -> str:
    """Give a URL its async driver: ``postgres(ql)://`` -> asyncpg, ``sqlite://`` -> aiosqlite."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseUrlError(
            f"not a database URL: {url!r}; use e.g. postgresql://user@host/db or sqlite:///path/newsbot.db"
        ) from None
    backend = parsed.get_backend_name()
    if backend in {"postgres", "postgresql"}:
        if parsed.drivername not in {"postgresql+asyncpg"}:
            parsed = parsed.set(drivername="postgresql+asyncpg")
    elif backend == "sqlite":
        if parsed.drivername != "sqlite+aiosqlite":
            parsed = parsed.set(drivername="sqlite+aiosqlite")
        if not parsed.database or parsed.database == ":memory:":
            raise DatabaseUrlError("SQLite needs a file: an in-memory database vanishes between connections")
    else:
        raise DatabaseUrlError(f"unsupported database {backend!r}: use PostgreSQL or SQLite")
    return parsed.render_as_string(hide_password=False)


def is_postgres(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (None for PostgreSQL)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def create_engine(url: str, *, schema: str | None = None, echo: bool = False) -> AsyncEngine:
    """An async engine for ``url``; ``schema`` (PostgreSQL only) puts every table in that schema.

    SQLite connections get WAL (readers do not block the writer), foreign keys (so deletes cascade to
    the side tables) and a busy timeout. The SQLite file's folder is created when missing.
    """
    url = normalise_url(url)
    options: dict[str, Any] = {"echo": echo}
    if is_postgres(url):
        options["pool_pre_ping"] = True
        if schema is not None:
            if not _SCHEMA_NAME.match(schema):
                raise DatabaseUrlError(f"bad schema name {schema!r}: lower-case letters, digits and _ only")
            options["connect_args"] = {"server_settings": {"search_path": schema}}
        return create_async_engine(url, **options)
    if schema is not None:
        raise DatabaseUrlError("a schema can only be chosen on PostgreSQL")
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, **options)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable at checkpoints; safe with WAL
    finally:
        cursor.close()


def _use_wal(cursor: Any) -> None:
    """Switch the file to WAL (it stays so once set). The switch needs the file to itself, and SQLite
    answers "database is locked" at once, without its busy handler, while another connection of a new
    database is writing (e.g. a concurrent migration): then wait and try again, within the busy timeout."""
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        cursor.execute("PRAGMA journal_mode")
        mode = cursor.fetchone()
        if mode and str(mode[0]).lower() == "wal":
            return
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except Exception as exc:  # the driver adapter re-raises sqlite3's error under its own class
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)
