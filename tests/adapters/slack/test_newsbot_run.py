"""Issue 5's "Done when", as an operator runs it: `newsbot ingest` the founding article, then `newsbot run`
(a real process, HTTP mode) with SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_API_URL pointing at the fake
Slack and PORT set. A signed `/news pair korea japan` is acked within Slack's 3 s and answered on its
response_url with valid blocks holding the seed's headline; a bad signature gets 401; a member's
`/news-admin subscribe` is refused while an admin's is not.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.store.store import open_store
from bot.subscriptions import Subscription
from digests.model import Article
from digests.reader import read_text_file
from tests.fakes.slack import FakeSlack, ResponseUrlPost, signing, workspace

# Start-up and replies get generous bounds (a cold process on a loaded 2-core machine imports the engine,
# migrates and renders a chart); only the ack is held to Slack's own 3 s, as the issue asks.
INGEST_SECONDS = 120.0
STARTUP_SECONDS = 30.0
REPLY_SECONDS = 30.0
ACK_SECONDS = 3.0
STOP_SECONDS = 10.0
# Variables that would switch adapters, databases or admins in the child: each test sets its own.
INHERITED_PREFIXES = ("SLACK_", "NEWSBOT_", "DISCORD_")


def newsbot() -> list[str]:
    """The installed `newsbot` script beside this interpreter (bot.cli has no __main__ module for -m)."""
    script = Path(sys.executable).with_name("newsbot")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def child_environment(data_dir: Path, **settings: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items()
           if not name.startswith(INHERITED_PREFIXES) and name != "PORT"}
    return env | {"NEWSBOT_DATA_DIR": str(data_dir)} | settings


def free_port() -> int:
    """A port nobody listens on right now (the kernel's pick for port 0), for the child's PORT."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def headline(path: Path) -> str:
    """The founding article's headline as the engine reads it, taken from the file at run time."""
    articles = [item for item in read_text_file(path, now=datetime.now(UTC)) if isinstance(item, Article)]
    assert len(articles) == 1, articles
    title = articles[0].title
    assert title and title in path.read_text(encoding="utf-8").splitlines(), title  # a line of the file itself
    return title


def texts_of(value: Any) -> Iterator[str]:
    """Every string inside a Block Kit structure (headers, sections, fields, contexts, alt texts ...)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from texts_of(item)
    elif isinstance(value, list):
        for item in value:
            yield from texts_of(item)


def mentions(reply: ResponseUrlPost, text: str) -> bool:
    """Whether the reply's blocks show ``text``, as written or escaped for mrkdwn."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return any(text in part or escaped in part for part in texts_of(reply.body.get("blocks", [])))


@pytest.fixture(scope="module")
def seeded_data_dir(founding_article: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory after `newsbot ingest <founding article>`, made once and copied per test."""
    data_dir = tmp_path_factory.mktemp("newsbot-run") / "data"
    ingest = subprocess.run([*newsbot(), "ingest", str(founding_article)],  # noqa: S603 -- our own entry point
                            env=child_environment(data_dir), capture_output=True, text=True,
                            timeout=INGEST_SECONDS, check=False)
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert "1 new" in ingest.stdout, ingest.stdout
    return data_dir


@pytest.fixture
def data_dir(seeded_data_dir: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(seeded_data_dir, copy)
    return copy


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """The fake Slack, waiting long enough for a reply from a separate, freshly started process."""
    async with FakeSlack.running(teams=[workspace("A")], wait_seconds=REPLY_SECONDS) as running:
        yield running


@dataclass
class NewsbotRun:
    """A `newsbot run` process: where it listens, what it logged, and how to stop it."""

    process: asyncio.subprocess.Process
    url: str
    log_file: Path
    secrets: tuple[str, ...]

    def raw_log(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    def log(self) -> str:
        """The log's tail with the token and signing secret blanked, safe to show in a failure."""
        text = self.raw_log()[-4000:]
        for secret in self.secrets:
            text = text.replace(secret, "<redacted>")
        return text

    async def deliver(self, request: signing.SignedRequest) -> signing.Delivery:
        return await signing.deliver(request, f"{self.url}/slack/events")

    async def stop(self) -> int:
        """SIGTERM, then SIGKILL after STOP_SECONDS; the exit code (negative when killed)."""
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), STOP_SECONDS)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()
        assert self.process.returncode is not None
        return self.process.returncode


async def wait_until_serving(bot: NewsbotRun, fake: FakeSlack) -> None:
    """Until /healthz answers and the Slack adapter has checked its token (auth.test) with the fake."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_SECONDS
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2.0)) as session:
        while True:
            if bot.process.returncode is not None:
                pytest.fail(f"newsbot run exited with {bot.process.returncode} before serving:\n{bot.log()}")
            try:
                async with session.get(f"{bot.url}/healthz") as response:
                    if response.status == 200 and any(call.ok for call in fake.calls("auth.test")):
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass  # not listening yet
            if loop.time() > deadline:
                pytest.fail(f"newsbot run was not serving within {STARTUP_SECONDS} s:\n{bot.log()}")
            await asyncio.sleep(0.1)


@pytest.fixture
async def newsbot_run(fake: FakeSlack, data_dir: Path, tmp_path: Path) -> AsyncIterator[NewsbotRun]:
    port = free_port()
    env = child_environment(data_dir, SLACK_BOT_TOKEN=fake.bot_token(), SLACK_SIGNING_SECRET=fake.signing_secret,
                            SLACK_API_URL=fake.api_url, PORT=str(port))
    log_file = tmp_path / "newsbot-run.log"
    # A file, not a pipe: nobody reads the output while the test runs, and a full pipe would stall the bot.
    with log_file.open("wb") as output:
        process = await asyncio.create_subprocess_exec(*newsbot(), "run", env=env, stdin=subprocess.DEVNULL,
                                                       stdout=output, stderr=subprocess.STDOUT)
        bot = NewsbotRun(process, f"http://127.0.0.1:{port}", log_file, (fake.bot_token(), fake.signing_secret))
        try:
            await wait_until_serving(bot, fake)
            yield bot
        finally:
            await bot.stop()


async def subscriptions(data_dir: Path) -> list[Subscription]:
    store = await open_store(f"sqlite+aiosqlite:///{data_dir / 'newsbot.db'}")
    try:
        return await store.config.list_subscriptions()
    finally:
        await store.close()


async def test_a_pair_command_is_acked_in_time_then_answered_with_the_seed_headline(
    newsbot_run: NewsbotRun, fake: FakeSlack, founding_article: Path
) -> None:
    try:
        async with asyncio.timeout(ACK_SECONDS):
            delivery = await newsbot_run.deliver(fake.slash_command_request("/news", "pair korea japan"))
    except TimeoutError:
        pytest.fail(f"no ack within Slack's {ACK_SECONDS} s:\n{newsbot_run.log()}")
    assert delivery.status == 200, delivery.body

    replies = await fake.wait_for_responses(1)
    assert all(reply.status == 200 for reply in replies), [reply.body for reply in replies]  # blocks the fake accepted
    assert any(mentions(reply, headline(founding_article)) for reply in replies), [r.body for r in replies]

    assert await newsbot_run.stop() == 0, newsbot_run.log()  # SIGTERM is a clean shutdown
    log = newsbot_run.raw_log()
    assert "Slack adapter started (HTTP mode" in log, newsbot_run.log()
    assert not any(secret in log for secret in newsbot_run.secrets), "a token or the signing secret was logged"


async def test_a_bad_signature_gets_401(newsbot_run: NewsbotRun, fake: FakeSlack) -> None:
    forged = fake.slash_command_request("/news", "help").with_headers({"X-Slack-Signature": "v0=" + "0" * 64})
    delivery = await newsbot_run.deliver(forged)
    assert delivery.status == 401, delivery.body


async def test_a_members_admin_subscribe_is_refused_and_an_admins_is_not(
    newsbot_run: NewsbotRun, fake: FakeSlack, data_dir: Path
) -> None:
    member, admin = fake.team().user_named("member").id, fake.team().user_named("admin").id

    refused = await newsbot_run.deliver(fake.slash_command_request("/news-admin", "subscribe countries=KR",
                                                                   user="member"))
    assert refused.status == 200, refused.body
    [refusal] = await fake.wait_for_responses(1)
    assert refusal.body.get("response_type") != "in_channel", refusal.body  # told privately
    assert await subscriptions(data_dir) == [], "a member's subscribe changed the channel"

    # The same command from an admin goes through: the refusal above was about who asked, not what.
    accepted = await newsbot_run.deliver(fake.slash_command_request("/news-admin", "subscribe countries=KR",
                                                                    user="admin"))
    assert accepted.status == 200, accepted.body
    await fake.wait_for_responses(2)
    assert await newsbot_run.stop() == 0, newsbot_run.log()
    [subscription] = await subscriptions(data_dir)
    assert admin in subscription.created_by and member not in subscription.created_by, subscription
