"""OAuth installs across workspaces: the real install flow against the fake, tokens encrypted in the
bot's database, each workspace answered with its own token, uninstall forgetting the tokens, and no
token in the log at any level."""

from __future__ import annotations

import asyncio
import logging
import urllib.parse
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from bot.chat import ChannelRef
from tests.adapters.slack.conftest import Bot, RunBot
from tests.fakes.slack import FakeSlack, payloads

TEAMS = ("T0A000001", "T0B000001")


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    """Poll ``check`` until it holds (bounded): for effects of events Slack does not wait for."""
    for _ in range(250):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


async def install(bot: Bot, fake: FakeSlack, team_id: str) -> int:
    """Run the browser's part of the install: /slack/install, Slack's consent, /slack/oauth_redirect."""
    async with aiohttp.ClientSession() as browser:
        async with browser.get(f"{bot.url}/slack/install", allow_redirects=False) as started:
            assert started.status == 302, await started.text()
            state = urllib.parse.parse_qs(urllib.parse.urlsplit(started.headers["Location"]).query)["state"][0]
            cookie = started.headers["Set-Cookie"].split(";")[0]
        query = urllib.parse.urlencode({"code": fake.oauth_code(team_id), "state": state})
        async with browser.get(f"{bot.url}/slack/oauth_redirect?{query}", headers={"Cookie": cookie},
                               allow_redirects=False) as finished:
            return finished.status


def database_bytes(tmp_path: Path) -> bytes:
    return b"".join(p.read_bytes() for p in tmp_path.glob("newsbot.db*"))


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")  # inside slack_sdk
async def test_two_workspaces_install_and_each_is_answered_with_its_own_token(
        run_bot: RunBot, fake: FakeSlack, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with run_bot(oauth=True) as bot:
        assert bot.adapter.routes == ["/slack/events", "/slack/install", "/slack/oauth_redirect"]
        statuses = [await install(bot, fake, team) for team in TEAMS]
        tokens = {team: fake.bot_token(team) for team in TEAMS}
        for team in TEAMS:
            await bot.deliver(fake.slash_command_request("/news-admin", "subscribe countries=KR", user="admin",
                                                         team_id=team))
        await fake.wait_for_responses(2)
        installations = bot.adapter.services.installations
        assert installations is not None
        found = {team: await installations.async_find_bot(enterprise_id=None, team_id=team) for team in TEAMS}
        saved = {team: await bot.store.config.get_subscription(ChannelRef("slack", team, f"C0{team[2]}NEWS01"))
                 for team in TEAMS}

    assert statuses == [200, 200]
    assert {team: bot.bot_token for team, bot in found.items() if bot} == tokens
    assert all(saved.values())
    assert all(r.status == 200 and "Subscription saved" in r.body["text"] for r in fake.responses)
    used = {c.team_id: c.token for c in fake.calls("users.info")}
    assert used == tokens  # each workspace's users looked up with that workspace's token
    stored = database_bytes(tmp_path)
    for token in tokens.values():
        assert token.encode() not in stored
        assert token not in caplog.text
    assert b"gAAAA" in stored  # Fernet tokens are there, encrypted
    assert "xoxb-(redacted)" in caplog.text  # slack_sdk did log them, masked


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_app_uninstalled_forgets_the_tokens_and_schedules_the_data_deletion(run_bot: RunBot,
                                                                                    fake: FakeSlack) -> None:
    team = "T0B000001"
    async with run_bot(oauth=True) as bot:
        await install(bot, fake, team)
        await bot.deliver(fake.slash_command_request("/news-admin", "subscribe countries=KR", user="admin",
                                                     team_id=team))
        await fake.wait_for_responses(1)
        services = bot.adapter.services
        assert services.installations is not None
        fake.uninstall(team)
        answer = await bot.deliver(fake.event_request(payloads.app_uninstalled_event(), team_id=team))
        await eventually(lambda: _gone(bot, team), "the tokens deleted")
        channel = ChannelRef("slack", team, "C0BNEWS01")
        paused = await bot.store.config.get_subscription(channel)
        pending = await services.removals.pending(team)
        await services.removals.cancel(team)  # again, as if the grace period had passed
        await services.removals.schedule(team, reason="test", now=bot.adapter.context.clock(), grace=timedelta(0))
        removed = await services.remove_due_workspaces()
        after = await bot.store.config.get_subscription(channel)

    assert answer.status == 200
    assert paused is not None and paused.paused and "uninstalled" in (paused.paused_reason or "")
    assert pending is not None
    assert removed == [team]
    assert after is None


async def _gone(bot: Bot, team: str) -> bool:
    installations = bot.adapter.services.installations
    assert installations is not None
    return await installations.async_find_bot(enterprise_id=None, team_id=team) is None


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")
async def test_a_forged_oauth_callback_installs_nothing(run_bot: RunBot, fake: FakeSlack) -> None:
    async with run_bot(oauth=True) as bot, aiohttp.ClientSession() as browser:
        query = urllib.parse.urlencode({"code": fake.oauth_code("T0B000001"), "state": "made-up"})
        async with browser.get(f"{bot.url}/slack/oauth_redirect?{query}",
                               headers={"Cookie": "slack-app-oauth-state=made-up"}) as answer:
            status = answer.status
        missing = await _gone(bot, "T0B000001")

    assert status == 401
    assert missing
    assert fake.calls("oauth.v2.access") == []
