"""The adapter's life: Socket Mode connects and runs commands from envelopes; HTTP mode mounts its
route on the bot's server; a token Slack refuses stops the start with a clear error and no token."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.slack import SlackConfigError, SlackStartError, create
from bot.adapter_context import AdapterContext
from bot.chat import AdapterError
from bot.dispatch import Dispatcher
from bot.http import HttpServer
from bot.settings import Settings
from bot.store.store import Store
from tests.adapters.slack.conftest import RunBot, slack_settings
from tests.fakes.slack import FakeSlack, payloads

HEADLINE = "South Korea and Japan pledge to resolve long-standing conflicts in historic summit!"


async def test_socket_mode_acks_the_envelope_and_answers_through_the_response_url(run_bot: RunBot,
                                                                                  fake: FakeSlack) -> None:
    async with run_bot(mode="socket") as bot:
        envelope = await fake.push_slash_command("/news", "pair korea japan")
        ack = await fake.wait_for_ack(envelope.envelope_id)
        [reply] = await fake.wait_for_responses(1)
        routes = bot.adapter.routes

    assert ack.envelope_id == envelope.envelope_id
    assert HEADLINE in str(reply.body["blocks"])
    assert routes == []  # Socket Mode needs no public endpoint
    [opened] = fake.calls("apps.connections.open")
    assert opened.token == fake.app_token


async def test_socket_mode_events_reach_the_listeners(run_bot: RunBot, fake: FakeSlack) -> None:
    team = fake.team()
    async with run_bot(mode="socket"):
        envelope = await fake.push_event(payloads.member_joined_channel_event(
            user=team.bot_user_id, channel="C0ANEWS01", team=team.id))
        await fake.wait_for_ack(envelope.envelope_id)
        await fake.wait_until(lambda: bool(fake.messages("news")), what="the introduction")

    assert "/news help" in fake.messages("news")[0]["text"]


async def test_http_mode_mounts_the_events_route(run_bot: RunBot) -> None:
    async with run_bot() as bot:
        assert bot.adapter.routes == ["/slack/events"]


def _context(settings: Settings, store: Store, tmp_path: Path, http: HttpServer | None) -> AdapterContext:
    dispatcher = Dispatcher(store, chart_dir=tmp_path / "charts")
    return AdapterContext(settings, dispatcher.handle, store, http, lambda: datetime.now(UTC), tmp_path)


async def test_a_refused_bot_token_stops_the_start_without_showing_it(fake: FakeSlack, bot_store: Store,
                                                                       tmp_path: Path) -> None:
    settings = slack_settings(fake, tmp_path, slack_bot_token="xoxb-not-a-real-token")
    adapter = create(_context(settings, bot_store, tmp_path, HttpServer(host="127.0.0.1", port=0)))

    with pytest.raises(SlackStartError, match="invalid_auth") as refused:
        await adapter.start()

    assert "xoxb-not-a-real-token" not in str(refused.value)
    assert isinstance(refused.value, AdapterError)  # newsbot run prints it and exits 2


async def test_http_mode_without_the_http_server_is_a_config_error(fake: FakeSlack, bot_store: Store,
                                                                    tmp_path: Path) -> None:
    settings = slack_settings(fake, tmp_path)

    with pytest.raises(SlackConfigError, match="HTTP server"):
        create(_context(settings, bot_store, tmp_path, None))


async def test_routes_cannot_be_added_once_the_server_runs(fake: FakeSlack, bot_store: Store,
                                                            tmp_path: Path) -> None:
    http = HttpServer(host="127.0.0.1", port=0)
    await http.start()
    try:
        with pytest.raises(SlackConfigError, match="before the HTTP server starts"):
            create(_context(slack_settings(fake, tmp_path), bot_store, tmp_path, http))
    finally:
        await http.stop()


async def test_oauth_mode_without_a_secret_key_refuses_to_start(fake: FakeSlack, bot_store: Store,
                                                                 tmp_path: Path) -> None:
    settings = slack_settings(fake, tmp_path, oauth=True, secret_key=None)

    with pytest.raises(SlackConfigError, match="NEWSBOT_SECRET_KEY"):
        create(_context(settings, bot_store, tmp_path, HttpServer(host="127.0.0.1", port=0)))
