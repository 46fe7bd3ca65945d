"""The fake Slack, spoken to by the real slack_sdk and slack-bolt clients over loopback HTTP and WebSocket."""

from __future__ import annotations

import json
import time
import urllib.parse
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes.slack import FakeSlack, payloads, serving, signing, workspace

NEWS = "C0ANEWS01"  # the "news" channel of workspace("A")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack.running(teams=[workspace("A"), workspace("B", installed=False)]) as running:
        yield running


def bot_client(fake: FakeSlack, team_id: str | None = None, **options: Any) -> AsyncWebClient:
    return AsyncWebClient(token=fake.bot_token(team_id), base_url=fake.api_url, **options)


async def api_error(call: Any) -> SlackApiError:
    """The SlackApiError an awaited client call raises."""
    with pytest.raises(SlackApiError) as raised:
        await call
    return raised.value


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


# -- Web API: tokens, content type, unknown methods ----------------------------------------------------------


async def test_auth_test_names_the_team_and_bot_of_the_token(fake: FakeSlack) -> None:
    response = await bot_client(fake).auth_test()

    team = fake.team()
    assert (response["team_id"], response["user_id"], response["bot_id"]) == (
        team.id,
        team.bot_user_id,
        team.bot_id,
    )
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    [call] = fake.calls("auth.test")
    assert (call.token, call.team_id, call.ok) == (fake.bot_token(), team.id, True)


@pytest.mark.parametrize(
    ("token", "error"),
    [(None, "not_authed"), ("xoxb-nobody", "invalid_auth"), ("app", "not_allowed_token_type")],
)
async def test_tokens_are_checked(fake: FakeSlack, token: str | None, error: str) -> None:
    client = AsyncWebClient(token=fake.app_token if token == "app" else token, base_url=fake.api_url)

    assert (await api_error(client.auth_test())).response["error"] == error


async def test_a_revoked_token_gets_token_revoked(fake: FakeSlack) -> None:
    fake.revoke_token(fake.bot_token())

    assert (await api_error(bot_client(fake).auth_test())).response["error"] == "token_revoked"


async def test_an_unknown_method_gets_unknown_method(fake: FakeSlack) -> None:
    error = await api_error(bot_client(fake).api_call("news.fetch"))

    assert error.response["error"] == "unknown_method"
    assert fake.calls("news.fetch")[0].error == "unknown_method"


# -- chat.postMessage: recording, metadata, Block Kit limits -------------------------------------------------


async def test_post_message_is_recorded_with_its_metadata(fake: FakeSlack) -> None:
    client = bot_client(fake)
    metadata = {"event_type": "digest_posted", "event_payload": {"delivery_key": "sub-1/2024-05-01"}}

    response = await client.chat_postMessage(
        channel=NEWS, text="Today's digest", blocks=[section("*Top story*")], metadata=metadata
    )

    assert response["channel"] == NEWS
    assert response["message"]["metadata"] == metadata
    [stored] = fake.messages("news")
    assert (stored["ts"], stored["text"], stored["metadata"]) == (response["ts"], "Today's digest", metadata)
    assert stored["blocks"][0]["text"]["text"] == "*Top story*"
    assert stored["blocks"][0]["block_id"]  # Slack names blocks the app left unnamed


async def test_history_shows_metadata_only_when_asked(fake: FakeSlack) -> None:
    client = bot_client(fake)
    metadata = {"event_type": "digest_posted", "event_payload": {"delivery_key": "k1"}}
    await client.chat_postMessage(channel=NEWS, text="digest", metadata=metadata)

    plain = await client.conversations_history(channel=NEWS)
    with_metadata = await client.conversations_history(channel=NEWS, include_all_metadata=True)

    assert "metadata" not in plain["messages"][0]
    assert with_metadata["messages"][0]["metadata"] == metadata


async def test_history_pages_newest_first(fake: FakeSlack) -> None:
    client = bot_client(fake)
    for text in ("one", "two", "three"):
        await client.chat_postMessage(channel=NEWS, text=text)

    first = await client.conversations_history(channel=NEWS, limit=2)
    cursor = first["response_metadata"]["next_cursor"]
    second = await client.conversations_history(channel=NEWS, limit=2, cursor=cursor)

    assert [m["text"] for m in first["messages"]] == ["three", "two"]
    assert first["has_more"] is True
    assert [m["text"] for m in second["messages"]] == ["one"]
    assert second["has_more"] is False


async def test_blocks_at_every_limit_are_accepted(fake: FakeSlack) -> None:
    client = bot_client(fake)
    at_limits = [
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 150}},
        section("s" * 3000),
        {
            "type": "section",
            "fields": [{"type": "mrkdwn", "text": "f"} for _ in range(9)] + [section("x" * 2000)["text"]],
        },
        *[{"type": "divider"} for _ in range(47)],
    ]

    response = await client.chat_postMessage(channel=NEWS, text="fallback", blocks=at_limits)

    assert len(response["message"]["blocks"]) == 50


def _fields(count: int, length: int) -> dict[str, Any]:
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * length} for _ in range(count)]}


@pytest.mark.parametrize(
    ("blocks", "pointer"),
    [
        ([{"type": "divider"}] * 51, "/blocks"),
        ([section("s" * 3001)], "/blocks/0/text/text"),
        ([{"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}], "/blocks/0/text/text"),
        ([{"type": "header", "text": {"type": "mrkdwn", "text": "*h*"}}], "/blocks/0/text/type"),
        ([_fields(11, 5)], "/blocks/0/fields"),
        ([_fields(1, 2001)], "/blocks/0/fields/0/text"),
        ([{"type": "carousel"}], "/blocks/0/type"),
        ([{"type": "divider", "text": "stray"}], "/blocks/0/text"),
        ([{**section("a"), "block_id": "b1"}, {**section("b"), "block_id": "b1"}], "/blocks/1/block_id"),
    ],
    ids=[
        "51-blocks",
        "section-3001",
        "header-151",
        "header-mrkdwn",
        "11-fields",
        "field-2001",
        "unknown-type",
        "extra-property",
        "duplicate-block-id",
    ],
)
async def test_blocks_over_a_limit_get_invalid_blocks(
    fake: FakeSlack, blocks: list[Any], pointer: str
) -> None:
    error = await api_error(bot_client(fake).chat_postMessage(channel=NEWS, text="fallback", blocks=blocks))

    assert error.response["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}]" in m for m in error.response["response_metadata"]["messages"])
    assert fake.messages("news") == []


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing:UserWarning")  # on purpose
@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        ({"text": "x" * 40_001}, "msg_too_long"),
        ({"text": ""}, "no_text"),
        ({"text": "t", "blocks": [section("s" * 3000) for _ in range(5)]}, "msg_blocks_too_long"),
        ({"text": "t", "metadata": {"event_type": "digest_posted"}}, "invalid_metadata_schema"),
    ],
    ids=["text-40001", "no-text", "blocks-too-long", "metadata-without-payload"],
)
async def test_messages_over_size_or_malformed_are_refused(
    fake: FakeSlack, arguments: dict[str, Any], error: str
) -> None:
    raised = await api_error(bot_client(fake).chat_postMessage(channel=NEWS, **arguments))

    assert raised.response["error"] == error


async def test_form_encoded_arguments_are_read_like_json(fake: FakeSlack) -> None:
    form = {"channel": NEWS, "text": "form", "blocks": json.dumps([section("from a form")])}

    await bot_client(fake).api_call("chat.postMessage", data=form)

    assert fake.messages("news")[0]["blocks"][0]["text"]["text"] == "from a form"


# -- channels, users, update, ephemeral ----------------------------------------------------------------------


async def test_channel_membership_rules(fake: FakeSlack) -> None:
    client = bot_client(fake)

    assert (await api_error(client.chat_postMessage(channel="quiet", text="x"))).response[
        "error"
    ] == "not_in_channel"
    joined = await client.conversations_join(channel=fake.team().channel_named("quiet").id)
    posted = await client.chat_postMessage(channel="#quiet", text="now I am in")
    archived = await api_error(client.chat_postMessage(channel="old", text="x"))
    private = await api_error(client.conversations_join(channel="C0ASECRT1"))
    unknown = await api_error(client.conversations_info(channel="C0NOSUCH1"))

    assert joined["channel"]["is_member"] is True
    assert posted["channel"] == "C0AQUIET1"
    assert (archived.response["error"], private.response["error"]) == ("is_archived", "channel_not_found")
    assert unknown.response["error"] == "channel_not_found"


async def test_users_info_reports_admin_and_owner_flags(fake: FakeSlack) -> None:
    client = bot_client(fake)
    team = fake.team()

    flags = {}
    for name in ("owner", "admin", "member"):
        user = (await client.users_info(user=team.user_named(name).id))["user"]
        flags[name] = (user["is_admin"], user["is_owner"])

    assert flags == {"owner": (True, True), "admin": (True, False), "member": (False, False)}
    assert (await api_error(client.users_info(user="U0NOBODY1"))).response["error"] == "user_not_found"


async def test_update_and_ephemeral(fake: FakeSlack) -> None:
    client = bot_client(fake)
    posted = await client.chat_postMessage(channel=NEWS, text="draft")

    await client.chat_update(channel=NEWS, ts=posted["ts"], text="final", blocks=[section("final")])
    missing = await api_error(client.chat_update(channel=NEWS, ts="1.000001", text="x"))
    ephemeral = await client.chat_postEphemeral(
        channel=NEWS, user=fake.team().user_named("member").id, text="psst"
    )

    [stored] = fake.messages("news")
    assert (stored["text"], stored["blocks"][0]["text"]["text"]) == ("final", "final")
    assert "edited" in stored
    assert missing.response["error"] == "message_not_found"
    assert fake.ephemerals(NEWS)[0]["ts"] == ephemeral["message_ts"]


# -- files and views -----------------------------------------------------------------------------------------


async def test_files_upload_v2_delivers_the_bytes(fake: FakeSlack) -> None:
    content = b"country,articles\nJP,12\nKR,7\n"

    response = await bot_client(fake).files_upload_v2(
        channel=NEWS, content=content, filename="pairs.csv", title="Pairs", initial_comment="Weekly pairs"
    )

    [uploaded] = fake.files()
    assert (uploaded.content, uploaded.title, uploaded.completed) == (content, "Pairs", True)
    assert response["file"]["id"] == uploaded.file_id
    assert [c.method for c in fake.calls()] == ["files.getUploadURLExternal", "files.completeUploadExternal"]
    [shared] = fake.messages("news")
    assert (shared["text"], shared["files"][0]["id"]) == ("Weekly pairs", uploaded.file_id)


async def test_completing_an_upload_that_sent_no_bytes_fails(fake: FakeSlack) -> None:
    client = bot_client(fake)
    announced = await client.files_getUploadURLExternal(filename="a.txt", length=3)

    error = await api_error(client.files_completeUploadExternal(files=[{"id": announced["file_id"]}]))

    assert error.response["error"] == "file_not_found"


async def test_views_publish_records_the_home_tab(fake: FakeSlack) -> None:
    client = bot_client(fake)
    member = fake.team().user_named("member").id

    published = await client.views_publish(
        user_id=member, view={"type": "home", "blocks": [section("Your feeds")]}
    )
    too_big = await api_error(
        client.views_publish(user_id=member, view={"type": "home", "blocks": [{"type": "divider"}] * 101})
    )

    home = fake.home_view("member")
    assert home is not None
    assert home["id"] == published["view"]["id"]
    assert home["blocks"][0]["text"]["text"] == "Your feeds"
    assert too_big.response["error"] == "invalid_arguments"


async def test_views_open_needs_a_fresh_trigger(fake: FakeSlack) -> None:
    client = bot_client(fake)
    modal = {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Subscribe"},
        "blocks": [section("Pick")],
    }
    trigger = fake.trigger_id()

    opened = await client.views_open(trigger_id=trigger, view=modal)
    reused = await api_error(client.views_open(trigger_id=trigger, view=modal))
    bogus = await api_error(client.views_open(trigger_id="1.2.3", view=modal))

    assert opened["view"]["type"] == "modal"
    assert (reused.response["error"], bogus.response["error"]) == ("trigger_exchanged", "invalid_trigger_id")


async def test_an_old_trigger_has_expired() -> None:
    async with FakeSlack.running(trigger_ttl=-1.0) as fake:
        modal = {"type": "modal", "title": {"type": "plain_text", "text": "Subscribe"}, "blocks": []}

        error = await api_error(bot_client(fake).views_open(trigger_id=fake.trigger_id(), view=modal))

    assert error.response["error"] == "expired_trigger_id"


# -- failures: 429 with Retry-After, 5xx, queued API errors --------------------------------------------------


async def test_a_429_carries_retry_after(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)

    error = await api_error(bot_client(fake, retry_handlers=[]).chat_postMessage(channel=NEWS, text="x"))

    assert (error.response.status_code, error.response["error"]) == (429, "ratelimited")
    assert error.response.headers["Retry-After"] == "7"


async def test_the_rate_limit_handler_retries_after_retry_after(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=1)
    client = bot_client(fake, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])

    response = await client.chat_postMessage(channel=NEWS, text="after the wait")

    assert response["ok"] is True
    assert [c.status for c in fake.calls("chat.postMessage")] == [429, 200]
    assert [m["text"] for m in fake.messages("news")] == ["after the wait"]


async def test_a_server_error_is_html_and_retryable(fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=503)
    error = await api_error(bot_client(fake, retry_handlers=[]).chat_postMessage(channel=NEWS, text="x"))
    fake.fail_next("chat.postMessage", status=503)
    retried = await bot_client(fake, retry_handlers=[AsyncServerErrorRetryHandler()]).chat_postMessage(
        channel=NEWS, text="y"
    )

    assert error.response.status_code == 503
    assert retried["ok"] is True


@pytest.mark.parametrize(
    "code",
    ["channel_not_found", "not_in_channel", "is_archived", "token_revoked", "invalid_auth", "ratelimited"],
)
async def test_queued_api_errors_come_once(fake: FakeSlack, code: str) -> None:
    fake.fail_next("chat.postMessage", error=code)
    client = bot_client(fake)

    first = await api_error(client.chat_postMessage(channel=NEWS, text="x"))
    second = await client.chat_postMessage(channel=NEWS, text="y")

    assert (first.response.status_code, first.response["error"]) == (200, code)
    assert second["ok"] is True


def test_fail_next_refuses_nonsense() -> None:
    fake = FakeSlack()

    with pytest.raises(ValueError, match="error code"):
        fake.fail_next("chat.postMessage")
    with pytest.raises(ValueError, match="status"):
        fake.fail_next("chat.postMessage", status=302)


# -- OAuth install of two workspaces -------------------------------------------------------------------------


@pytest.mark.filterwarnings("ignore:BasicAuth is deprecated:DeprecationWarning")  # inside slack_sdk
async def test_oauth_installs_two_workspaces_with_their_own_tokens() -> None:
    teams = [workspace("C", installed=False), workspace("D", installed=False)]
    async with FakeSlack.running(teams=teams) as fake:
        anonymous = AsyncWebClient(base_url=fake.api_url)
        secret = {"client_id": fake.app.client_id, "client_secret": fake.app.client_secret}

        tokens = {}
        for team in teams:
            code = fake.oauth_code(team.id)
            tokens[team.id] = (await anonymous.oauth_v2_access(code=code, **secret))["access_token"]
            reused = await api_error(anonymous.oauth_v2_access(code=code, **secret))
            assert reused.response["error"] == "invalid_code"
        wrong_secret = await api_error(
            anonymous.oauth_v2_access(
                code=fake.oauth_code("T0C000001"), client_id=fake.app.client_id, client_secret="guess"
            )
        )
        who = {
            tid: (await AsyncWebClient(token=tok, base_url=fake.api_url).auth_test())["team_id"]
            for tid, tok in tokens.items()
        }
        team_d_bot = AsyncWebClient(token=tokens["T0D000001"], base_url=fake.api_url)
        cross_team = await api_error(team_d_bot.chat_postMessage(channel="C0CNEWS01", text="x"))
        await team_d_bot.chat_postMessage(channel="news", text="hello D")

    assert fake.messages("C0CNEWS01") == []
    assert [m["text"] for m in fake.messages("news", team_id="T0D000001")] == ["hello D"]
    assert len(set(tokens.values())) == 2
    assert who == {"T0C000001": "T0C000001", "T0D000001": "T0D000001"}
    assert wrong_secret.response["error"] == "bad_client_secret"
    assert cross_team.response["error"] == "channel_not_found"


# -- response_url receiver -----------------------------------------------------------------------------------


async def test_a_response_url_takes_five_replies(fake: FakeSlack) -> None:
    webhook = AsyncWebhookClient(fake.response_url("news"))

    statuses = [(await webhook.send(text=f"reply {n}")).status_code for n in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 404]
    assert [r.body["text"] for r in fake.responses] == [f"reply {n}" for n in range(5)]


async def test_a_response_url_refuses_invalid_blocks(fake: FakeSlack) -> None:
    webhook = AsyncWebhookClient(fake.response_url("news"))

    refused = await webhook.send(text="x", blocks=[section("s" * 3001)])
    in_channel = await webhook.send(text="for everyone", response_type="in_channel")

    assert (refused.status_code, refused.body) == (400, "invalid_blocks")
    assert in_channel.body == "ok"
    assert [m["text"] for m in fake.messages("news")] == ["for everyone"]


# -- signing and payload shapes ------------------------------------------------------------------------------


async def test_signatures_verify_with_slack_sdk(fake: FakeSlack) -> None:
    request = fake.slash_command_request("/news", "Japan Korea")
    verifier = SignatureVerifier(fake.signing_secret)

    assert verifier.is_valid_request(request.body, dict(request.headers))
    assert not SignatureVerifier("another-secret").is_valid_request(request.body, dict(request.headers))
    fields = urllib.parse.parse_qs(request.body.decode())
    assert fields["command"] == ["/news"]
    assert fields["text"] == ["Japan Korea"]
    assert fields["response_url"][0].startswith(f"{fake.url}/response/")


def test_retry_headers_mark_a_redelivery() -> None:
    callback = payloads.event_callback(
        team_id="T1", api_app_id="A1", event=payloads.app_uninstalled_event(), token="t", bot_user_id="U1"
    )

    request = signing.event_request("secret", callback, retry_num=2, retry_reason="http_timeout")

    assert request.headers["X-Slack-Retry-Num"] == "2"
    assert request.headers["X-Slack-Retry-Reason"] == "http_timeout"
    assert request.headers["Content-Type"] == "application/json"


@pytest.mark.shared_data
async def test_payload_shapes_match_slacks(fake: FakeSlack, shared_data: Path) -> None:
    slack = shared_data / "chat_payloads" / "slack"
    captured = urllib.parse.parse_qs(
        (slack / "opsdroid_captured" / "payload_slash_command.urlencoded").read_text(), keep_blank_values=True
    )
    events = slack / "java_slack_sdk_samples" / "events"
    team = fake.team()
    built_events = {
        "AppHomeOpenedPayload.json": payloads.app_home_opened_event(user="U1", channel="D1", view={}),
        "MemberJoinedChannelPayload.json": payloads.member_joined_channel_event(
            user="U1", channel="C1", team="T1", inviter="U2"
        ),
        "AppUninstalledPayload.json": payloads.app_uninstalled_event(),
        "TokensRevokedPayload.json": payloads.tokens_revoked_event(bot_user_ids=["U1"]),
        "ChannelArchivePayload.json": payloads.channel_archive_event(channel="C1", user="U1"),
    }
    ignored = {"enterprise_id", "enterprise", "authed_users", "authed_teams", "type", "context_enterprise_id"}

    assert set(fake.slash_command()) == set(captured)
    for name, event in built_events.items():
        sample = json.loads((events / name).read_text())
        assert set(event) == set(sample["event"]) - ignored | {"type"}, name
        assert set(sample) - ignored <= set(fake.event(event)), name
    block_action = json.loads(
        urllib.parse.parse_qs(
            (slack / "opsdroid_captured" / "payload_block_action_button.urlencoded").read_text()
        )["payload"][0]
    )
    built_action = fake.block_actions(
        [payloads.button_action(action_id="a", value="v", block_id="b")],
        message={"ts": "1.000001", "text": "m"},
    )
    assert set(block_action) <= set(built_action)
    view_sample = slack / "java_slack_sdk_samples" / "app-backend" / "views" / "ViewSubmissionPayload.json"
    submission = fake.view_submission("settings", {}, user=team.user_named("admin").id)
    sample_view = json.loads(view_sample.read_text())
    assert set(sample_view["view"]) <= set(submission["view"])


# -- slack-bolt over HTTP ------------------------------------------------------------------------------------


def bolt_app(fake: FakeSlack) -> AsyncApp:
    return AsyncApp(client=bot_client(fake), signing_secret=fake.signing_secret)


@asynccontextmanager
async def socket_mode(app: AsyncApp, fake: FakeSlack) -> AsyncIterator[AsyncSocketModeHandler]:
    """Bolt's Socket Mode handler connected to the fake, closed afterwards."""
    handler = AsyncSocketModeHandler(app, fake.app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated
    try:
        await fake.wait_for_socket(1)
        yield handler
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]  # slack_bolt leaves it unannotated


async def test_bolt_answers_a_signed_slash_command_and_responds(fake: FakeSlack) -> None:
    app = bolt_app(fake)
    seen: list[str] = []

    @app.command("/news")
    async def news(ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any]) -> None:
        await ack()
        seen.append(command["text"])
        await respond(text=f"Digest for {command['text']}", blocks=[section("*Japan*")])

    async with serving(app.web_app(path="/slack/events")) as app_url:
        delivery = await signing.deliver(
            fake.slash_command_request("/news", "Japan"), f"{app_url}/slack/events"
        )
        [reply] = await fake.wait_for_responses(1)

    assert delivery.status == 200
    assert seen == ["Japan"]
    assert (reply.status, reply.body["text"]) == (200, "Digest for Japan")
    assert reply.channel_id == NEWS
    assert fake.calls("auth.test")  # bolt authorised the request with the bot token first


@pytest.mark.parametrize("tamper", ["signature", "stale"])
async def test_bolt_refuses_bad_or_stale_signatures(fake: FakeSlack, tamper: str) -> None:
    app = bolt_app(fake)
    handled: list[str] = []

    @app.command("/news")
    async def news(ack: AsyncAck) -> None:
        handled.append("news")
        await ack()

    if tamper == "signature":
        request = fake.slash_command_request("/news").with_headers({"X-Slack-Signature": "v0=" + "0" * 64})
    else:
        request = fake.slash_command_request("/news", timestamp=int(time.time()) - 6 * 60)
    async with serving(app.web_app(path="/slack/events")) as app_url:
        delivery = await signing.deliver(request, f"{app_url}/slack/events")

    assert delivery.status == 401
    assert handled == []


async def test_bolt_gets_events_with_their_retry_headers(fake: FakeSlack) -> None:
    app = bolt_app(fake)
    retries: list[str | None] = []

    @app.event("app_home_opened")
    async def home(event: dict[str, Any], client: AsyncWebClient, request: AsyncBoltRequest) -> None:
        retries.append(request.headers.get("x-slack-retry-num", [None])[0])
        await client.views_publish(
            user_id=event["user"], view={"type": "home", "blocks": [section("Welcome")]}
        )

    member = fake.team().user_named("member").id
    callback = fake.event(payloads.app_home_opened_event(user=member, channel="D0AMEMBR1"))
    async with serving(app.web_app(path="/slack/events")) as app_url:
        first = await signing.deliver(fake.event_request({}, callback=callback), f"{app_url}/slack/events")
        again = await signing.deliver(
            fake.event_request({}, callback=callback, retry_num=1), f"{app_url}/slack/events"
        )
        await fake.wait_for_calls("views.publish", 2)

    assert (first.status, again.status) == (200, 200)
    assert sorted(retries, key=str) == ["1", None]
    home_tab = fake.home_view("member")
    assert home_tab is not None
    assert home_tab["blocks"][0]["text"]["text"] == "Welcome"


async def test_bolt_handles_block_actions_and_view_submissions(fake: FakeSlack) -> None:
    app = bolt_app(fake)
    submitted: list[dict[str, Any]] = []

    @app.action("more")
    async def more(ack: AsyncAck, respond: AsyncRespond, action: dict[str, Any]) -> None:
        await ack()
        await respond(text=f"More about {action['value']}", replace_original=False)

    @app.view("settings")
    async def settings(ack: AsyncAck, view: dict[str, Any]) -> None:
        await ack()
        submitted.append(view["state"]["values"])

    click = fake.block_actions([payloads.button_action(action_id="more", value="JP", block_id="story-1")])
    values = {"tz": {"tz_select": {"type": "static_select", "selected_option": {"value": "Asia/Tokyo"}}}}
    async with serving(app.web_app(path="/slack/events")) as app_url:
        clicked = await signing.deliver(fake.interactive_request(click), f"{app_url}/slack/events")
        saved = await signing.deliver(
            fake.interactive_request(fake.view_submission("settings", values)), f"{app_url}/slack/events"
        )
        [reply] = await fake.wait_for_responses(1)

    assert (clicked.status, saved.status) == (200, 200)
    assert reply.body["text"] == "More about JP"
    assert submitted == [values]


# -- slack-bolt over Socket Mode -----------------------------------------------------------------------------


async def test_socket_mode_handler_receives_a_command_and_acks_it(fake: FakeSlack) -> None:
    app = bolt_app(fake)

    @app.command("/news")
    async def news(ack: AsyncAck, respond: AsyncRespond, command: dict[str, Any]) -> None:
        await ack(text="Working on it")
        await respond(text=f"Digest for {command['text']}")

    async with socket_mode(app, fake):
        envelope = await fake.push_slash_command("/news", "Korea")
        ack = await fake.wait_for_ack(envelope.envelope_id)
        [reply] = await fake.wait_for_responses(1)
        await fake.wait_until(lambda: fake.socket_pings >= 1, what="ping")

    [opened] = fake.calls("apps.connections.open")
    assert opened.token == fake.app_token
    assert envelope.accepts_response_payload is True
    assert ack.payload == {"text": "Working on it"}
    assert reply.body["text"] == "Digest for Korea"


async def test_socket_mode_events_are_acked_without_payload(fake: FakeSlack) -> None:
    app = bolt_app(fake)
    joined: list[str] = []

    @app.event("member_joined_channel")
    async def on_join(event: dict[str, Any]) -> None:
        joined.append(event["channel"])

    async with socket_mode(app, fake):
        team = fake.team()
        event = payloads.member_joined_channel_event(user=team.bot_user_id, channel=NEWS, team=team.id)
        envelope = await fake.push_event(event)
        ack = await fake.wait_for_ack(envelope.envelope_id)
        await fake.wait_until(lambda: joined == [NEWS], what="member_joined_channel handled")

    assert envelope.accepts_response_payload is False
    assert ack.payload is None


async def test_socket_mode_disconnect_makes_the_client_reconnect(fake: FakeSlack) -> None:
    async with socket_mode(bolt_app(fake), fake):
        [first] = fake.socket_connections
        await fake.disconnect_sockets("refresh_requested")
        await fake.wait_for_calls("apps.connections.open", 2)
        await fake.wait_until(lambda: fake.socket_connections not in ([], [first]), what="a new connection")
        [second] = fake.socket_connections

    assert second != first


async def test_a_socket_mode_url_works_once(fake: FakeSlack) -> None:
    url = (await AsyncWebClient(base_url=fake.api_url).apps_connections_open(app_token=fake.app_token))["url"]
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(url) as ws:
            hello = await ws.receive_json()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await session.ws_connect(url)

    assert hello["type"] == "hello"
    assert hello["connection_info"]["app_id"] == fake.app.app_id
    assert refused.value.status == 401


async def test_pushing_without_a_connection_says_so(fake: FakeSlack) -> None:
    with pytest.raises(RuntimeError, match="no Socket Mode connection"):
        await fake.push_slash_command()
