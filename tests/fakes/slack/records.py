"""What the fake saw, as plain frozen records tests can inspect, and a way to wait for the next one."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ApiCall:
    """One Web API call as received: every call is recorded, failed ones too."""

    method: str
    params: Mapping[str, Any]
    token: str | None
    team_id: str | None
    at: float
    status: int
    error: str | None

    @property
    def ok(self) -> bool:
        """True when the fake answered ``{"ok": true}`` with HTTP 200."""
        return self.status == 200 and self.error is None


@dataclass(frozen=True)
class QueuedFailure:
    """A failure the next call of a method gets instead of its normal answer."""

    status: int = 200
    error: str | None = None
    retry_after: int | None = None


@dataclass(frozen=True)
class ResponseUrlPost:
    """A message the app sent to a ``response_url`` (``respond()`` in Bolt)."""

    response_id: str
    team_id: str
    channel_id: str
    body: Mapping[str, Any]
    at: float
    status: int


@dataclass(frozen=True)
class SocketEnvelope:
    """An envelope the fake pushed to a Socket Mode connection."""

    envelope_id: str
    type: str
    payload: Mapping[str, Any]
    accepts_response_payload: bool
    connection_id: int


@dataclass(frozen=True)
class SocketAck:
    """An acknowledgement the app sent back over Socket Mode."""

    envelope_id: str
    payload: Mapping[str, Any] | None
    connection_id: int
    at: float


@dataclass(frozen=True)
class UploadedFile:
    """A file announced by files.getUploadURLExternal, with the bytes once they reach the upload URL."""

    file_id: str
    team_id: str
    user_id: str
    filename: str
    length: int
    upload_key: str
    content: bytes | None = None
    title: str = ""
    channels: tuple[str, ...] = ()
    completed: bool = False


class Changes:
    """Wakes waiters whenever the fake records something new."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def notify(self) -> None:
        """Wake everyone waiting now; later waiters wait for the next change."""
        self._event.set()
        self._event = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Return once ``predicate()`` holds (callers bound the wait with ``asyncio.timeout``)."""
        while True:
            event = self._event
            if predicate():
                return
            await event.wait()
