"""The bot's HTTP server on loopback: /healthz for orchestrators, /metrics for Prometheus."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web

import bot.metrics  # registers the newsbot_ metrics, as the running bot does
from bot.http import HealthCheck, HttpServer


class Health:
    """A health check whose answer the test sets."""

    def __init__(self) -> None:
        self.ok = True
        self.calls = 0

    async def __call__(self) -> bool:
        self.calls += 1
        return self.ok


@pytest.fixture
async def served() -> AsyncIterator[list[HttpServer]]:
    """Servers the test starts; each is stopped afterwards."""
    servers: list[HttpServer] = []
    yield servers
    for server in servers:
        await server.stop()


async def start(servers: list[HttpServer], health: HealthCheck | None = None) -> tuple[HttpServer, str]:
    server = HttpServer(host="127.0.0.1", port=0, health=health)
    servers.append(server)
    await server.start()
    assert server.port > 0  # port 0 asked for any free port: the real one is known after start
    return server, f"http://127.0.0.1:{server.port}"


async def test_healthz_answers_200_json_without_a_check(served: list[HttpServer]) -> None:
    _, base = await start(served)
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base}/healthz")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {"status": "ok"}


async def test_healthz_answers_503_when_the_check_says_unhealthy(served: list[HttpServer]) -> None:
    health = Health()
    _, base = await start(served, health)
    async with httpx.AsyncClient() as client:
        assert (await client.get(f"{base}/healthz")).status_code == 200
        health.ok = False
        response = await client.get(f"{base}/healthz")
    assert response.status_code == 503 and response.json() == {"status": "unhealthy"}
    assert health.calls == 2  # asked on every request, not cached


async def test_metrics_are_in_the_prometheus_text_format(served: list[HttpServer]) -> None:
    bot.metrics.DIGESTS_POSTED.labels("console").inc()
    _, base = await start(served)
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{base}/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    body = response.text
    counters = ("digests_posted", "digests_missed", "digests_failed", "delivery_lease_takeovers")
    for name in counters:
        assert f"# TYPE newsbot_{name}_total counter\n" in body, name
    assert "# TYPE newsbot_deliveries gauge\n" in body
    posted = [line for line in body.splitlines() if line.startswith('newsbot_digests_posted_total{platform="console"}')]
    assert len(posted) == 1 and float(posted[0].split()[-1]) >= 1.0


async def test_adapters_may_add_routes_and_stop_frees_the_port(served: list[HttpServer]) -> None:
    server = HttpServer(host="127.0.0.1", port=0)

    async def events(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    server.app.router.add_post("/slack/events", events)
    served.append(server)
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient() as client:
        assert (await client.post(f"{base}/slack/events")).text == "ok"
        assert (await client.get(f"{base}/nothing-here")).status_code == 404
        await server.stop()
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{base}/healthz")
    await server.stop()  # stopping twice is harmless
