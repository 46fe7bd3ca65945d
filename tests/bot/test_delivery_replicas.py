"""Three bot processes on one PostgreSQL deliver 100 due digests to a fake platform while one of them is
SIGKILLed mid-run: every digest is posted exactly once, counting raw posts on the platform.

The fake platform is an HTTP server in this test's event loop. It records every post it receives (it
does not deduplicate by key: a platform that did would hide a double post) and answers look-ups by
key, as Slack message metadata or a Discord nonce allow. It kills the victim the moment that process's
third post has landed, before the process can record it: the harshest point, which only the look-up
by key saves from a double post. The victim's other claims expire (2 s lease) and the survivors take
them over.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from aiohttp import web

from bot.chat import ChannelRef
from bot.commands.schedule import Schedule
from bot.commands.values import DigestMode
from bot.schedule import occurrences
from bot.store import Store
from bot.subscriptions import delivery_key
from digests.model import Query
from tests.bot.conftest import Database
from tests.conftest import PROJECT_ROOT

DIGESTS = 100
REPLICAS = 3
VICTIM = "replica-2"
KILL_AT_POST = 3  # the victim dies as its third post lands
POST_LATENCY = 0.03  # seconds the platform takes per post, so the run lasts long enough to interrupt
LEASE_SECONDS = 2.0
START_TIMEOUT = 30.0
RUN_TIMEOUT = 60.0


@dataclass
class FakePlatform:
    """Records raw posts; finds a post by (channel, key); kills the victim at its Nth post."""

    posts: list[tuple[str, str, str]] = field(default_factory=list)  # (channel, key, worker)
    victim_pid: int | None = None
    killed: asyncio.Event = field(default_factory=asyncio.Event)

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/messages", self.post)
        app.router.add_get("/messages", self.find)
        return app

    async def post(self, request: web.Request) -> web.Response:
        body = await request.json()
        worker = request.headers.get("X-Worker", "?")
        await asyncio.sleep(POST_LATENCY)
        self.posts.append((body["channel"], body["key"], worker))
        message_id = len(self.posts)
        mine = sum(1 for _, _, who in self.posts if who == worker)
        if worker == VICTIM and mine == KILL_AT_POST and self.victim_pid is not None:
            os.kill(self.victim_pid, signal.SIGKILL)
            self.killed.set()
        return web.json_response({"id": message_id})

    async def find(self, request: web.Request) -> web.Response:
        wanted = (request.query["channel"], request.query["key"])
        for number, (channel, key, _) in enumerate(self.posts, start=1):
            if (channel, key) == wanted:
                return web.json_response({"id": number})
        return web.json_response({"error": "not found"}, status=404)


async def subscribe_due_digests(store: Store, now: datetime) -> set[str]:
    """DIGESTS channels, each with a daily UTC schedule that fell due 3 to 32 minutes ago; their keys."""
    created = now - timedelta(hours=1)
    keys: set[str] = set()
    for number in range(DIGESTS):
        due = now - timedelta(minutes=3 + number % 30)
        plan = Schedule(frozenset(range(7)), time(due.hour, due.minute), "UTC")
        channel = ChannelRef("console", "replicas", f"channel-{number}")
        await store.config.save_query(channel, Query(), items=5, mode=DigestMode.HEADLINES, actor="test",
                                      now=created)
        sub = await store.config.set_schedule(channel, plan, actor="test", now=created)
        [period] = occurrences(plan, created, now)
        keys.add(delivery_key(sub.id, period))
    return keys


async def start_worker(database: Database, platform_url: str, owner: str,
                       log: Path) -> asyncio.subprocess.Process:
    command = [sys.executable, "-m", "tests.bot.delivery_worker", "--url", database.url,
               "--platform", platform_url, "--owner", owner, "--lease", str(LEASE_SECONDS),
               "--deadline", str(RUN_TIMEOUT - 10), "--expect", str(DIGESTS)]
    if database.schema:
        command += ["--schema", database.schema]
    with log.open("wb") as errors:
        return await asyncio.create_subprocess_exec(
            *command, cwd=PROJECT_ROOT, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=errors)


@pytest.mark.postgres
@pytest.mark.parametrize("database", ["postgres"], indirect=True)
async def test_three_replicas_post_every_digest_once_while_one_is_killed(
    database: Database, store: Store, tmp_path: Path,
) -> None:
    expected = await subscribe_due_digests(store, datetime.now(UTC))
    platform = FakePlatform()
    runner = web.AppRunner(platform.app(), access_log=None)
    await runner.setup()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    await web.SockSite(runner, listener).start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    owners = [f"replica-{n}" for n in range(1, REPLICAS + 1)]
    logs = {owner: tmp_path / f"{owner}.log" for owner in owners}
    workers: dict[str, asyncio.subprocess.Process] = {}
    try:
        for owner in owners:
            workers[owner] = await start_worker(database, url, owner, logs[owner])
        platform.victim_pid = workers[VICTIM].pid
        for owner, worker in workers.items():
            assert worker.stdout is not None
            line = await asyncio.wait_for(worker.stdout.readline(), START_TIMEOUT)
            assert line.strip() == b"ready", f"{owner} did not start: {logs[owner].read_text()[-2000:]}"
        for worker in workers.values():  # all at once, so they race for the same keys
            assert worker.stdin is not None
            worker.stdin.write(b"go\n")
        await asyncio.gather(*(worker.stdin.drain() for worker in workers.values() if worker.stdin))
        outputs = await asyncio.wait_for(
            asyncio.gather(*(worker.communicate() for worker in workers.values())), RUN_TIMEOUT)
    finally:
        for worker in workers.values():
            if worker.returncode is None:
                worker.kill()
                await worker.wait()
        await runner.cleanup()

    summaries = {}
    for (owner, worker), (stdout, _) in zip(workers.items(), outputs, strict=True):
        if owner == VICTIM:
            assert worker.returncode == -signal.SIGKILL
            continue
        assert worker.returncode == 0, f"{owner} failed: {logs[owner].read_text()[-2000:]}"
        summaries[owner] = json.loads(stdout.decode().strip().splitlines()[-1])
    assert platform.killed.is_set(), "the victim never reached its third post: nothing was interrupted"

    per_key = Counter(key for _, key, _ in platform.posts)
    duplicates = sorted(key for key, count in per_key.items() if count > 1)
    missing = sorted(expected - set(per_key))
    records = [r for sub in await store.config.list_subscriptions()
               for r in await store.deliveries.for_subscription(sub.id)]
    taken_over = sum(1 for r in records if r.attempts > 1)
    by_worker = Counter(worker for _, _, worker in platform.posts)
    print(f"\nreplicas: {len(platform.posts)} raw posts for {len(per_key)} keys of {len(expected)} expected; "
          f"duplicates {len(duplicates)}, missing {len(missing)}; "
          f"posts by process {dict(sorted(by_worker.items()))}; claims taken over {taken_over}; "
          f"survivors {summaries}")
    assert duplicates == [] and missing == []
    assert set(per_key) == expected and len(platform.posts) == DIGESTS
    assert Counter(r.status for r in records) == Counter({"posted": DIGESTS})
    assert taken_over >= 1  # at least the victim's posted-but-unrecorded digest
    assert sum(int(s.get("recovered", 0)) for s in summaries.values()) >= 1  # found by key, not reposted
