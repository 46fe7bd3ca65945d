"""robots.txt, fetched once per site and kept for a day, read the way RFC 9309 says.

- 2xx: the rules apply (only the first 500 KiB are read, as the RFC allows);
- 4xx: there are no rules (the file is "unavailable"), so everything may be fetched;
- 5xx, a timeout or no connection: the site is "unreachable" and nothing may be fetched until the
  entry expires (an hour, not a day, so a site that was down is retried soon).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

from digests.ingest.errors import FetchError, HttpStatusError
from digests.ingest.fetch import TEXT_ACCEPT, Fetcher

__all__ = ["ROBOTS_TOKEN", "RobotsCache"]

log = logging.getLogger(__name__)

ROBOTS_TOKEN = "newsbot"  # noqa: S105 - not a password: the product token robots.txt groups are matched against
_MAX_ROBOTS_BYTES = 512_000
_MAX_SITES = 10_000


@dataclass(frozen=True, slots=True)
class _Policy:
    rules: RobotFileParser | None  # None: no rules, ``allow_all`` decides
    allow_all: bool
    expires: float

    def allows(self, url: str, token: str) -> bool:
        if self.rules is None:
            return self.allow_all
        return self.rules.can_fetch(token, url)


class RobotsCache:
    """Answers "may this URL be fetched?" per site, reading its robots.txt at most once per ``ttl``.

    Rules are matched by ``urllib.robotparser`` (first matching line wins, where RFC 9309 prefers the
    longest match; the two differ only for Allow lines placed after a broader Disallow).
    """

    def __init__(
        self, *, ttl: float = 86_400.0, unreachable_ttl: float = 3_600.0, token: str = ROBOTS_TOKEN
    ) -> None:
        self._ttl = ttl
        self._unreachable_ttl = unreachable_ttl
        self._token = token
        self._policies: dict[str, _Policy] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    async def allowed(self, fetcher: Fetcher, url: str) -> bool:
        """Whether the site's robots.txt lets this bot fetch ``url`` (False for a URL without a site)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return False
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return False
        site = f"{parts.scheme}://{parts.netloc.lower()}"
        lock = self._locks.setdefault(site, asyncio.Lock())
        async with lock:  # one robots.txt request per site, however many pages wait for it
            policy = self._policies.get(site)
            if policy is None or policy.expires <= time.monotonic():
                policy = await self._load(fetcher, site)
                self._remember(site, policy)
        return policy.allows(url, self._token)

    def _remember(self, site: str, policy: _Policy) -> None:
        if len(self._policies) >= _MAX_SITES:
            now = time.monotonic()
            for stale in [s for s, p in self._policies.items() if p.expires <= now]:
                del self._policies[stale]
                self._locks.pop(stale, None)
        self._policies[site] = policy

    async def _load(self, fetcher: Fetcher, site: str) -> _Policy:
        now = time.monotonic()
        try:
            result = await fetcher.fetch(f"{site}/robots.txt", accept=TEXT_ACCEPT)
        except HttpStatusError as exc:
            if 400 <= exc.status < 500:
                return _Policy(None, allow_all=True, expires=now + self._ttl)
            log.info("robots.txt of %s unreachable (%s): fetching nothing there for now", site, exc.reason)
            return _Policy(None, allow_all=False, expires=now + self._unreachable_ttl)
        except FetchError as exc:
            log.info("robots.txt of %s unreachable (%s): fetching nothing there for now", site, exc.reason)
            return _Policy(None, allow_all=False, expires=now + self._unreachable_ttl)
        text = (result.content or b"")[:_MAX_ROBOTS_BYTES].decode("utf-8", errors="replace")
        rules = RobotFileParser()
        rules.parse(text.splitlines())
        return _Policy(rules, allow_all=False, expires=now + self._ttl)
