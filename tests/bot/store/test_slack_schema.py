"""Migration 0003 on both backends: it creates what slack_schema describes, and downgrades cleanly."""

from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

from bot.store import create_engine, migrate
from bot.store.migrate import alembic_config
from bot.store.slack_schema import (
    slack_bots,
    slack_event_keys,
    slack_installations,
    slack_oauth_states,
    slack_workspace_removals,
)
from tests.bot.store.conftest import Database

TABLES = (slack_installations, slack_bots, slack_oauth_states, slack_event_keys, slack_workspace_removals)


async def _columns(database: Database) -> dict[str, set[str]]:
    engine = create_engine(database.url, schema=database.schema)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(lambda sync: {
                name: {c["name"] for c in inspect(sync).get_columns(name)}
                for name in inspect(sync).get_table_names()})
    finally:
        await engine.dispose()


async def test_the_migration_creates_the_tables_slack_schema_describes(database: Database) -> None:
    await migrate(database.url, schema=database.schema)

    found = await _columns(database)

    for table in TABLES:
        assert found.get(table.name) == {c.name for c in table.columns}, table.name


async def test_downgrading_to_0002_drops_them(database: Database) -> None:
    await migrate(database.url, schema=database.schema)
    engine = create_engine(database.url, schema=database.schema)
    try:
        async with engine.connect() as conn:
            def down(sync: object) -> None:
                config = alembic_config()
                config.attributes["connection"] = sync
                command.downgrade(config, "0002")

            await conn.run_sync(down)
            await conn.commit()
    finally:
        await engine.dispose()

    found = await _columns(database)
    assert not any(table.name in found for table in TABLES)
    assert "subscriptions" in found
