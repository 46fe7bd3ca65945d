"""A real HTTP server on 127.0.0.1 (port chosen at run time, stopped after each test), a fetcher allowed
to reach it, and a fake Internet that routes chosen "public" addresses to that server, so the address
checks can be exercised without sending a packet off this machine."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import httpcore
import pytest
from aiohttp import web

from digests.ingest.fetch import Fetcher

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Seen:
    """One request the server received."""

    path: str
    headers: dict[str, str]


@dataclass
class LoopbackServer:
    """Serves what each test registers: fixed responses (``serve``) or handlers (``handle``)."""

    routes: dict[str, Handler] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)
    port: int = 0
    _runner: web.AppRunner | None = None

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def serve(
        self,
        path: str,
        body: bytes = b"",
        *,
        status: int = 200,
        content_type: str | None = "application/rss+xml; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        async def respond(_request: web.Request) -> web.StreamResponse:
            all_headers = dict(headers or {})
            if content_type:
                all_headers["Content-Type"] = content_type
            return web.Response(body=body, status=status, headers=all_headers)

        self.routes[path] = respond

    def handle(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.serve(path, status=status, content_type=None, headers={"Location": location})

    def requests_for(self, path: str) -> list[Seen]:
        return [s for s in self.seen if s.path == path]

    async def _dispatch(self, request: web.Request) -> web.StreamResponse:
        self.seen.append(Seen(request.path_qs, dict(request.headers)))
        handler = self.routes.get(request.path_qs) or self.routes.get(request.path)
        if handler is None:
            return web.Response(status=404, text="not found")
        return await handler(request)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._dispatch)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest.fixture
async def server() -> AsyncIterator[LoopbackServer]:
    running = LoopbackServer()
    await running.start()
    try:
        yield running
    finally:
        await running.stop()


@pytest.fixture
async def fetcher() -> AsyncIterator[Fetcher]:
    """A fetcher that may reach the loopback server (as NEWSBOT_ALLOW_PRIVATE_FEEDS=1 would allow)."""
    async with Fetcher(allow_private=True, host_delay=0, timeout=10) as opened:
        yield opened


def fake_dns(table: dict[str, Any]) -> Callable[[str], Awaitable[list[str]]]:
    """A resolver answering from ``table``; a list of answers is given one per lookup (the last repeats)."""
    calls: dict[str, int] = {}

    async def resolve(host: str) -> list[str]:
        if host not in table:
            raise OSError(f"test DNS: no such name {host}")
        answers = table[host]
        count = calls.get(host, 0)
        calls[host] = count + 1
        if answers and isinstance(answers[0], (list, tuple)):
            sequence: Any = answers
            return list(sequence[min(count, len(sequence) - 1)])
        return [str(a) for a in answers]

    resolve.calls = calls  # type: ignore[attr-defined]  # lets a test count lookups per name
    return resolve


class _Relabelled(httpcore.AsyncNetworkStream):
    """A loopback stream that reports the public address it stands in for."""

    def __init__(self, stream: httpcore.AsyncNetworkStream, peer: tuple[str, int]) -> None:
        self._stream = stream
        self._peer = peer

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109 - httpcore names it so
        return await self._stream.read(max_bytes, timeout)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109 - httpcore names it so
        await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore names it so
    ) -> httpcore.AsyncNetworkStream:
        raise httpcore.ConnectError("the fake Internet has no TLS")

    def get_extra_info(self, info: str) -> Any:
        return self._peer if info == "server_addr" else self._stream.get_extra_info(info)


class FakeInternet(httpcore.AsyncNetworkBackend):
    """Connections to the addresses in ``routes`` reach the given loopback port; anything else fails.

    Stands in for the network under ``GuardedTransport``, so that a name "resolving" to a public address
    can be served by the loopback server, and nothing ever leaves the machine.
    """

    def __init__(self, routes: dict[str, int]) -> None:
        self.routes = routes
        self.connected: list[str] = []
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore names it so
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        if host not in self.routes:
            raise httpcore.ConnectError(f"fake Internet: no route to {host}")
        self.connected.append(host)
        stream = await self._inner.connect_tcp("127.0.0.1", self.routes[host], timeout)
        return _Relabelled(stream, (host, port))

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
