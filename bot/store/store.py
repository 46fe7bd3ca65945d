"""``Store``: the one object the bot holds for its database, and ``open_store`` to get it.

``open_store`` never creates tables on its own: the schema comes from migrations run once
(``newsbot migrate``, or ``open_store(url, migrate=True)`` for a single-process setup such as the
default SQLite file). A database that is behind (or unknown, or newer than this code) is refused with
an error that says what to do.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.articles import ArticleArchive
from bot.store.config import ConfigStore
from bot.store.deliveries import DeliveryLedger
from bot.store.engine import create_engine, normalise_url
from bot.store.feeds import FeedRegistry
from bot.store.migrate import current_revision, head_revision, known_revisions, upgrade_engine


class StoreError(RuntimeError):
    """The database cannot be used as it is; the message says why and what to do."""


class SchemaNotReady(StoreError):
    """The database's schema is not the one this code needs."""


class Store:
    """The database: ``articles`` (the engine's ``Archive``), ``feeds`` (the feed registry), ``config``
    (channel subscriptions and custom topics) and ``deliveries`` (the delivery ledger)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.articles = ArticleArchive(engine)
        self.feeds = FeedRegistry(engine)
        self.config = ConfigStore(engine)
        self.deliveries = DeliveryLedger(engine)

    async def close(self) -> None:
        await self.engine.dispose()

    async def __aenter__(self) -> Store:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()


async def open_store(url: str, *, migrate: bool = False, schema: str | None = None) -> Store:
    """Connect to ``url`` (``schema``: a PostgreSQL schema to use instead of the default).

    With ``migrate`` the schema is first upgraded to head (under the cross-process lock); without it a
    database that is not at head raises ``SchemaNotReady`` naming ``newsbot migrate``.
    """
    engine = create_engine(url, schema=schema)
    where = make_url(normalise_url(url)).render_as_string(hide_password=True)
    try:
        if migrate:
            await upgrade_engine(engine, schema=schema)
        await _check_schema(engine, where)
    except SQLAlchemyError as exc:
        await engine.dispose()
        raise StoreError(f"cannot use the database at {where}: {exc.__class__.__name__}: {exc}") from exc
    except OSError as exc:  # asyncpg raises these for refused connections and unknown hosts
        await engine.dispose()
        raise StoreError(f"cannot reach the database at {where}: {exc}") from exc
    except BaseException:
        await engine.dispose()
        raise
    return Store(engine)


async def _check_schema(engine: AsyncEngine, where: str) -> None:
    current, head = await current_revision(engine), head_revision()
    if current == head:
        return
    if current is None:
        raise SchemaNotReady(f"the database at {where} has no newsbot tables yet: "
                             "run `newsbot migrate` first")
    if current not in known_revisions():
        raise SchemaNotReady(f"the database at {where} is at schema revision {current}, which this "
                             "version of newsbot does not know (did a newer one migrate it?): upgrade")
    raise SchemaNotReady(f"the database at {where} is at schema revision {current}, this version needs "
                         f"{head}: run `newsbot migrate`")
