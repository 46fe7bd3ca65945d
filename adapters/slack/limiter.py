"""About one message per second per channel, as Slack's chat.postMessage allows, and waits after a 429.

Posts to different channels do not wait for each other; posts to one channel queue behind each other.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

Sleep = Callable[[float], Awaitable[None]]


class ChannelLimiter:
    def __init__(self, interval: float = 1.0, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Sleep = asyncio.sleep) -> None:
        self.interval = interval
        self._clock = clock
        self._sleep = sleep
        self._next: dict[str, float] = {}
        self._locks: dict[str, asyncio.Lock] = {}

    @asynccontextmanager
    async def turn(self, channel_key: str) -> AsyncIterator[None]:
        """Wait for the channel's turn, hold it while posting; the next post may start ``interval`` later."""
        lock = self._locks.setdefault(channel_key, asyncio.Lock())
        async with lock:
            wait = self._next.get(channel_key, 0.0) - self._clock()
            if wait > 0:
                await self._sleep(wait)
            try:
                yield
            finally:
                self._next[channel_key] = max(self._next.get(channel_key, 0.0), self._clock() + self.interval)

    def hold(self, channel_key: str, seconds: float) -> None:
        """Nothing more to this channel for ``seconds`` (Slack's Retry-After)."""
        self._next[channel_key] = max(self._next.get(channel_key, 0.0), self._clock() + max(0.0, seconds))
