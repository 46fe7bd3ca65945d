"""Who is a workspace admin: users.info's is_admin / is_owner, cached briefly per user.

NEWSBOT_ADMINS is checked by the dispatcher (``Actor.key``); this is the platform's half. A failed
users.info counts as "not an admin" (and is not cached): refusing is the safe side of a doubt.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

CACHE_SECONDS = 60.0
MAX_CACHED = 10_000


class AdminDirectory:
    def __init__(self, *, ttl: float = CACHE_SECONDS, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._cache: dict[tuple[str, str], tuple[float, bool]] = {}

    async def is_admin(self, client: AsyncWebClient, team_id: str, user_id: str) -> bool:
        key = (team_id, user_id)
        now = self._clock()
        cached = self._cache.get(key)
        if cached is not None and now - cached[0] < self.ttl:
            return cached[1]
        try:
            response = await client.users_info(user=user_id)
        except (SlackApiError, SlackClientError, OSError, TimeoutError) as error:
            reason = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
            log.warning("users.info for %s in %s failed (%s): treated as not an admin", user_id, team_id, reason)
            return False
        user = response.get("user") or {}
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        if len(self._cache) >= MAX_CACHED:
            self._cache.clear()
        self._cache[key] = (now, admin)
        return admin
