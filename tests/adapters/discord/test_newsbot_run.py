"""Issue 6's "done when", end to end: the real ``newsbot run`` process against the fake Discord.

The fake runs in the test process on loopback; the bot is a subprocess configured only through the
environment (``DISCORD_TOKEN``, ``DISCORD_APPLICATION_ID``, ``DISCORD_API_URL``, ``DISCORD_GATEWAY_URL``),
with a data folder into which ``newsbot ingest`` put the founding article first.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.settings import Settings
from bot.store.store import open_store
from tests.adapters.discord.support import (
    APP_ID,
    NEWS_CHANNEL_ID,
    NEWS_GUILD,
    NEWS_GUILD_ID,
    OTHER_GUILD,
    READER,
    TOKEN,
    assert_within_limits,
)
from tests.conftest import PROJECT_ROOT
from tests.fakes.discord import FakeDiscord, PushedInteraction
from tests.fakes.discord.payloads import EPHEMERAL, MANAGE_GUILD

JSON = dict[str, Any]

ANSWER_DEADLINE_S = 3.0  # Discord's: the one bound that is the behaviour under test
START_TIMEOUT_S = 30.0  # generous: imports, migrations and the gateway on a loaded 2-core machine
INGEST_TIMEOUT_S = 120.0
STOP_GRACE_S = 10.0
DEFERRED_CHANNEL_MESSAGE, CHANNEL_MESSAGE = 5, 4
# Variables the bot reads that must come from this test only, never from the developer's shell.
OWN_VARIABLES = re.compile(r"^(NEWSBOT_|DISCORD_|SLACK_|PORT$)")


# -- the seed, the command line and the environment -------------------------------------------------


def seed_headline(article: Path) -> str:
    """The seed format puts the byline first and the headline second, each its own paragraph."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", article.read_text(encoding="utf-8"))]
    blocks = [block for block in blocks if block]
    assert len(blocks) > 2, f"{article} is not an article in the seed format"
    return blocks[1]


def newsbot_command() -> list[str]:
    """The installed ``newsbot`` script beside this interpreter, else the same entry point through it."""
    script = Path(sys.executable).parent / "newsbot"
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "import sys; from bot.cli import main; sys.exit(main())"]


def free_port() -> int:
    # The HTTP server listens on every interface, so the port must be free on all of them.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("", 0))
        return int(probe.getsockname()[1])


def bot_environment(data_dir: Path, **variables: str) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not OWN_VARIABLES.match(name)}
    env.update(NEWSBOT_DATA_DIR=str(data_dir), **variables)
    return env


def scrubbed(log: Path) -> str:
    """The bot's output for a failure message, with the token masked (it must never be printed)."""
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else "(no output)"
    return text.replace(TOKEN, "<DISCORD_TOKEN>")[-6000:]


# -- the seeded data folder ---------------------------------------------------------------------------


async def _create_schema(database: Path) -> None:
    store = await open_store(f"sqlite+aiosqlite:///{database}", migrate=True)
    await store.close()


@pytest.fixture
def seeded_data_dir(founding_article: Path, tmp_path: Path) -> Path:
    """A data folder whose archive holds the founding article, ingested by ``newsbot ingest``."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    # Created here rather than by the CLI, because a database the CLI creates gets the default feeds,
    # which `newsbot run` would then poll over the network.
    asyncio.run(_create_schema(Settings(data_dir=data_dir).sqlite_path()))
    ingest = subprocess.run(  # noqa: S603 - our own entry point with fixed arguments
        [*newsbot_command(), "ingest", "--json", str(founding_article)], env=bot_environment(data_dir),
        cwd=PROJECT_ROOT, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=INGEST_TIMEOUT_S,
        check=False,
    )
    assert ingest.returncode == 0, ingest.stderr
    [outcome] = [json.loads(line) for line in ingest.stdout.splitlines() if line.strip()]
    assert outcome["ok"] and outcome["new"] == 1, outcome
    return data_dir


# -- the bot process ------------------------------------------------------------------------------------


@asynccontextmanager
async def newsbot_running(env: Mapping[str, str], log: Path) -> AsyncIterator[asyncio.subprocess.Process]:
    """``newsbot run`` with its output in ``log``; always ended: SIGTERM, then a kill after the grace."""
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            *newsbot_command(), "run", env=dict(env), cwd=PROJECT_ROOT,
            stdin=asyncio.subprocess.DEVNULL, stdout=output, stderr=asyncio.subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), STOP_GRACE_S)
                except TimeoutError:
                    process.kill()
                    await process.wait()


async def wait_for_start(fake: FakeDiscord, process: asyncio.subprocess.Process, log: Path) -> None:
    """Until the fake has seen the command sync and the gateway IDENTIFY; fails early if the bot exits."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + START_TIMEOUT_S

    def started() -> bool:
        return bool(fake.commands()) and bool(fake.identifies)

    while not started():
        if process.returncode is not None:
            pytest.fail(f"newsbot run exited with {process.returncode} before connecting:\n{scrubbed(log)}")
        if loop.time() > deadline:
            pytest.fail(f"newsbot run did not sync and identify within {START_TIMEOUT_S} s:\n{scrubbed(log)}")
        with contextlib.suppress(TimeoutError):  # short waits, to notice a dead process soon
            await fake.wait_until(started, timeout=0.5)


async def answer_within(pushed: PushedInteraction, seconds: float) -> JSON:
    """The message that answers the interaction: the callback's own, or the first followup after a deferral."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    callback = await pushed.wait_for_callback(timeout=seconds)
    if callback.type == CHANNEL_MESSAGE:
        assert callback.data is not None
        return callback.data
    assert callback.type == DEFERRED_CHANNEL_MESSAGE, callback
    [answer, *_] = await pushed.wait_for_followups(1, timeout=max(deadline - loop.time(), 0.01))
    return answer


# -- the check --------------------------------------------------------------------------------------------


async def test_newsbot_run_answers_a_pair_and_refuses_admin_commands(
    seeded_data_dir: Path, founding_article: Path, tmp_path: Path
) -> None:
    headline = seed_headline(founding_article)
    log = tmp_path / "newsbot-run.log"
    async with FakeDiscord.running(app_id=APP_ID, token=TOKEN, guilds=[NEWS_GUILD, OTHER_GUILD],
                                   interaction_deadline_s=ANSWER_DEADLINE_S) as fake:
        env = bot_environment(seeded_data_dir, DISCORD_TOKEN=TOKEN, DISCORD_APPLICATION_ID=str(APP_ID),
                              DISCORD_API_URL=fake.url, DISCORD_GATEWAY_URL=fake.gateway_url,
                              PORT=str(free_port()))
        async with newsbot_running(env, log) as bot:
            await wait_for_start(fake, bot, log)
            assert {command["name"] for command in fake.commands()} >= {"news", "news-admin"}

            pair = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                               {"first": "korea", "second": "japan"}, user=READER)
            try:
                answer = await answer_within(pair, ANSWER_DEADLINE_S)
            except TimeoutError:
                pytest.fail(f"/news pair got no answer within {ANSWER_DEADLINE_S} s:\n{scrubbed(log)}")
            assert answer.get("embeds"), answer
            assert any(headline in embed.get("title", "") for embed in answer["embeds"]), answer["embeds"]
            assert_within_limits(answer)

            assert not READER.permissions & MANAGE_GUILD
            public_before = len(fake.messages(NEWS_CHANNEL_ID))
            admin = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news-admin subscribe",
                                                {"countries": "KR"}, user=READER)
            refusal = await admin.wait_for_callback(timeout=ANSWER_DEADLINE_S)
            assert refusal.type == CHANNEL_MESSAGE and refusal.data is not None, refusal
            assert refusal.data.get("flags", 0) & EPHEMERAL, refusal.data
            assert "admin rights" in refusal.data.get("content", ""), refusal.data
            assert len(fake.messages(NEWS_CHANNEL_ID)) == public_before, "a refused command posted publicly"
    # SIGTERM is the way a container stops the bot: it must shut down cleanly, and never have logged the token.
    output = log.read_text(encoding="utf-8", errors="replace")
    assert TOKEN not in output, "the bot's output contains DISCORD_TOKEN"
    assert bot.returncode == 0, f"newsbot run exited with {bot.returncode}:\n{scrubbed(log)}"
