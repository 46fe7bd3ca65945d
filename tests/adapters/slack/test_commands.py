"""Slash commands end to end: signed requests over HTTP to the real AsyncApp on the bot's HTTP server,
the real dispatcher and store, replies checked at the fake's response_url."""

from __future__ import annotations

import json
import time
from typing import Any

from bot.chat import ChannelRef
from tests.adapters.slack.conftest import Bot, RunBot
from tests.fakes.slack import FakeSlack, ResponseUrlPost
from tests.fakes.slack.blocks import message_block_problems

HEADLINE = "South Korea and Japan pledge to resolve long-standing conflicts in historic summit!"


def block_text(body: Any) -> str:
    return json.dumps(body.get("blocks", []), ensure_ascii=False)


async def test_news_pair_is_acked_then_answered_with_blocks_holding_the_headline(run_bot: RunBot,
                                                                                 fake: FakeSlack) -> None:
    async with run_bot() as bot:
        delivery = await bot.deliver(fake.slash_command_request("/news", "pair korea japan"))
        [reply] = await fake.wait_for_responses(1)

    assert delivery.status == 200
    assert reply.status == 200
    assert reply.body.get("response_type") == "ephemeral"
    assert message_block_problems(reply.body["blocks"]) == []
    assert HEADLINE in block_text(reply.body)
    assert "South Korea – Japan" in reply.body["text"]
    actions = [b for b in reply.body["blocks"] if b["type"] == "actions"]
    assert actions and actions[0]["elements"][0]["action_id"] == "share_to_channel"


async def test_bad_signature_and_stale_timestamp_get_401_and_run_nothing(run_bot: RunBot, fake: FakeSlack) -> None:
    forged = fake.slash_command_request("/news", "help").with_headers({"X-Slack-Signature": "v0=" + "0" * 64})
    stale = fake.slash_command_request("/news", "help", timestamp=int(time.time()) - 6 * 60)
    async with run_bot() as bot:
        answers = [await bot.deliver(forged), await bot.deliver(stale)]

    assert [a.status for a in answers] == [401, 401]
    assert fake.responses == []


async def test_a_retried_command_is_run_once(run_bot: RunBot, fake: FakeSlack) -> None:
    request = fake.slash_command_request("/news", "help")
    retry = request.with_headers({"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"})
    async with run_bot() as bot:
        first, again = await bot.deliver(request), await bot.deliver(retry)
        await fake.wait_for_responses(1)
        # A later, different command's reply proves the retry's would have arrived before it.
        await bot.deliver(fake.slash_command_request("/news", "regions"))
        await fake.wait_for_responses(2)

    assert (first.status, again.status) == (200, 200)
    texts = [r.body["text"] for r in fake.responses]
    assert len(texts) == 2
    assert "Regions" in texts[1]


async def _subscribe(bot: Bot, fake: FakeSlack, user: str) -> ResponseUrlPost:
    await bot.deliver(fake.slash_command_request("/news-admin", "subscribe countries=KR,JP topics=diplomacy",
                                                 user=user))
    [reply] = await fake.wait_for_responses(1)
    return reply


async def test_a_member_cannot_subscribe_and_nothing_is_stored(run_bot: RunBot, fake: FakeSlack) -> None:
    async with run_bot() as bot:
        reply = await _subscribe(bot, fake, "member")
        stored = await bot.store.config.get_subscription(ChannelRef("slack", "T0A000001", "C0ANEWS01"))

    assert "admin" in reply.body["text"]
    assert stored is None
    assert [c.params["user"] for c in fake.calls("users.info")] == [fake.team().user_named("member").id]


async def test_a_workspace_admin_subscribes_the_channel(run_bot: RunBot, fake: FakeSlack) -> None:
    async with run_bot() as bot:
        reply = await _subscribe(bot, fake, "admin")
        stored = await bot.store.config.get_subscription(ChannelRef("slack", "T0A000001", "C0ANEWS01"))

    assert "Subscription saved" in reply.body["text"]
    assert stored is not None and stored.query.countries == frozenset({"KR", "JP"})
    assert stored.created_by == f"slack:{fake.team().user_named('admin').id}"


async def test_newsbot_admins_makes_a_member_an_admin(run_bot: RunBot, fake: FakeSlack) -> None:
    member = fake.team().user_named("member").id
    async with run_bot(admins=f"slack:{member}") as bot:
        reply = await _subscribe(bot, fake, "member")

    assert "Subscription saved" in reply.body["text"]


async def test_a_title_with_a_mention_in_a_typed_query_is_refused_not_echoed(run_bot: RunBot,
                                                                               fake: FakeSlack) -> None:
    async with run_bot() as bot:
        await bot.deliver(fake.slash_command_request("/news", "latest <!channel> news"))
        [reply] = await fake.wait_for_responses(1)

    assert "<!channel>" not in json.dumps(reply.body)


async def test_share_posts_the_pair_report_in_the_channel_with_its_chart(run_bot: RunBot, fake: FakeSlack) -> None:
    async with run_bot() as bot:
        await bot.deliver(fake.slash_command_request("/news", "pair korea japan"))
        [preview] = await fake.wait_for_responses(1)
        button = next(b for b in preview.body["blocks"] if b["type"] == "actions")["elements"][0]
        click = fake.block_actions([{**button, "block_id": "share", "action_ts": "1.1"}])
        clicked = await bot.deliver(fake.interactive_request(click))
        await fake.wait_until(lambda: len(fake.files()) == 1 and fake.files()[0].completed, what="chart upload")
        await fake.wait_for_responses(3)

    assert clicked.status == 200
    posted = fake.messages("news")
    shared = next(m for m in posted if m.get("blocks"))
    assert HEADLINE in block_text(shared)
    assert "Shared by" in block_text(shared)
    assert not any(b["type"] == "actions" for b in shared["blocks"])
    [chart] = fake.files()
    assert chart.content is not None and chart.content.startswith(b"\x89PNG")
    [announce] = fake.calls("files.getUploadURLExternal")
    assert "South Korea" in announce.params["alt_txt"]
    assert fake.responses[-1].body["text"] == "Shared to the channel."
