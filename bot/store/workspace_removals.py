"""Workspaces that removed the app, and when their data may be deleted.

The data is kept for a grace period (an admin who uninstalled by mistake reinstalls and finds the
channel settings intact); ``due`` lists the workspaces whose grace has run out, and ``done`` forgets one
after its data was deleted. Reinstalling cancels the removal (``cancel``; the installation store does
it when an OAuth install is saved).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.slack_schema import slack_workspace_removals
from bot.store.transaction import write_transaction


class WorkspaceRemovals:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._insert: Any = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    async def schedule(self, team_id: str, *, reason: str, now: datetime, grace: timedelta) -> datetime:
        """Record that ``team_id`` left; an earlier pending removal keeps its (earlier) date."""
        remove_after = now + grace
        async with write_transaction(self._engine) as conn:
            await conn.execute(self._insert(slack_workspace_removals).values(
                team_id=team_id, reason=reason, requested_at=now, remove_after=remove_after,
            ).on_conflict_do_nothing(index_elements=["team_id"]))
            found = (await conn.execute(select(slack_workspace_removals.c.remove_after)
                                        .where(slack_workspace_removals.c.team_id == team_id))).scalar_one()
        assert isinstance(found, datetime)
        return found

    async def cancel(self, team_id: str) -> bool:
        async with write_transaction(self._engine) as conn:
            result = await conn.execute(delete(slack_workspace_removals)
                                        .where(slack_workspace_removals.c.team_id == team_id))
        return bool(result.rowcount)

    async def pending(self, team_id: str) -> datetime | None:
        """When ``team_id``'s data will be deleted, if it is leaving."""
        async with self._engine.connect() as conn:
            found = (await conn.execute(select(slack_workspace_removals.c.remove_after)
                                        .where(slack_workspace_removals.c.team_id == team_id))).scalar_one_or_none()
        return found if isinstance(found, datetime) else None

    async def due(self, now: datetime) -> list[str]:
        """Workspaces whose grace period is over, oldest first."""
        statement = (select(slack_workspace_removals.c.team_id)
                     .where(slack_workspace_removals.c.remove_after <= now)
                     .order_by(slack_workspace_removals.c.remove_after))
        async with self._engine.connect() as conn:
            return list((await conn.execute(statement)).scalars())

    async def done(self, team_id: str) -> None:
        await self.cancel(team_id)
