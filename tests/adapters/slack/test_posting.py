"""Scheduled digests through the adapter to the fake's chat.postMessage: valid blocks, the delivery key
in metadata, Slack's refusals as PostRetryable / PostRejected, and find_delivery by key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.slack.limiter import ChannelLimiter
from adapters.slack.posting import METADATA_EVENT_TYPE
from bot.chat import ChannelRef, DeliveryLookup, PostRejected, PostRetryable, Reply
from bot.store.store import Store
from digests.compose import compose
from digests.model import Query
from tests.adapters.slack import stories
from tests.adapters.slack.conftest import RunBot
from tests.fakes.slack import FakeSlack
from tests.fakes.slack.blocks import message_block_problems

HEADLINE = "South Korea and Japan pledge to resolve long-standing conflicts in historic summit!"
TEAM = "T0A000001"
NEWS = ChannelRef("slack", TEAM, "C0ANEWS01")


async def digest_reply(store: Store) -> Reply:
    found = await compose(store.articles, Query(countries=frozenset({"KR"})), datetime.now(UTC),
                          window=timedelta(days=30))
    assert found.items
    return Reply("digest", "digest", ephemeral=False, digest=found)


async def test_a_scheduled_digest_reaches_chat_post_message_with_blocks_and_its_key(
        run_bot: RunBot, fake: FakeSlack, bot_store: Store) -> None:
    reply = await digest_reply(bot_store)
    async with run_bot() as bot:
        receipt = await bot.adapter.post_digest(NEWS, reply, delivery_key="sub1@2026-11-29T08:00Z")
        found = await bot.adapter.find_delivery(NEWS, "sub1@2026-11-29T08:00Z")
        other = await bot.adapter.find_delivery(NEWS, "sub1@2026-11-30T08:00Z")

    [posted] = fake.messages("news")
    assert posted["ts"] == receipt.message_id
    assert message_block_problems(posted["blocks"]) == []
    assert HEADLINE in str(posted["blocks"])
    assert posted["metadata"] == {"event_type": METADATA_EVENT_TYPE, "event_payload": {
        "delivery_key": "sub1@2026-11-29T08:00Z", "part": 1, "parts": 1}}
    assert found is not None and found.message_id == receipt.message_id
    assert other is None
    assert isinstance(bot.adapter, DeliveryLookup)


async def test_a_long_digest_goes_out_in_parts_each_carrying_the_key(run_bot: RunBot, fake: FakeSlack) -> None:
    reply = Reply("digest", "digest", ephemeral=False, digest=stories.digest(60))
    async with run_bot() as bot:
        bot.adapter.poster.limiter = ChannelLimiter(0.0)
        receipt = await bot.adapter.post_digest(NEWS, reply, delivery_key="k60")

    parts = fake.messages("news")
    assert len(parts) > 1
    assert parts[0]["ts"] == receipt.message_id
    assert [p["metadata"]["event_payload"]["part"] for p in parts] == list(range(1, len(parts) + 1))
    assert all(message_block_problems(p["blocks"]) == [] for p in parts)


async def test_a_failed_part_is_retried_without_posting_the_earlier_parts_again(run_bot: RunBot,
                                                                                fake: FakeSlack) -> None:
    reply = Reply("digest", "digest", ephemeral=False, digest=stories.digest(60))
    waits: list[float] = []

    async def no_wait(seconds: float) -> None:
        # The limiter waits before every part after the first: make the second part meet a 503.
        waits.append(seconds)
        if len(waits) == 1:
            fake.fail_next("chat.postMessage", status=503)

    async with run_bot() as bot:
        bot.adapter.poster.limiter = ChannelLimiter(1.0, sleep=no_wait)
        with pytest.raises(PostRetryable):
            await bot.adapter.post_digest(NEWS, reply, delivery_key="k")
        first_try = len(fake.messages("news"))
        await bot.adapter.post_digest(NEWS, reply, delivery_key="k")

    parts = [p["metadata"]["event_payload"]["part"] for p in fake.messages("news")]
    assert first_try == 1
    assert len(parts) > 1 and parts == list(range(1, len(parts) + 1))
    assert all(0 < wait <= 1.0 for wait in waits)  # about one message per second per channel


async def test_a_429_is_retryable_with_slacks_retry_after(run_bot: RunBot, fake: FakeSlack) -> None:
    fake.fail_next("chat.postMessage", status=429, retry_after=7)
    async with run_bot() as bot:
        with pytest.raises(PostRetryable) as raised:
            await bot.adapter.post_digest(NEWS, Reply("text", "Nothing new.", ephemeral=False), delivery_key="k")

    assert raised.value.retry_after == 7.0
    assert fake.messages("news") == []


@pytest.mark.parametrize(("channel", "error"), [("C0NOSUCH1", "channel_not_found"), ("C0AOLD001", "is_archived")])
async def test_a_channel_that_cannot_take_posts_is_rejected_with_a_pause(run_bot: RunBot, channel: str,
                                                                         error: str) -> None:
    async with run_bot() as bot:
        with pytest.raises(PostRejected) as raised:
            await bot.adapter.post_digest(ChannelRef("slack", TEAM, channel), Reply("text", "x"), delivery_key="k")

    assert raised.value.pause_subscription
    assert error in raised.value.reason


async def test_a_revoked_token_pauses_too(run_bot: RunBot, fake: FakeSlack) -> None:
    async with run_bot() as bot:
        fake.revoke_token(fake.bot_token())
        with pytest.raises(PostRejected) as raised:
            await bot.adapter.post_digest(NEWS, Reply("text", "x"), delivery_key="k")

    assert raised.value.pause_subscription and "token_revoked" in raised.value.reason


async def test_a_public_channel_the_bot_is_not_in_is_joined_then_posted_to(run_bot: RunBot,
                                                                           fake: FakeSlack) -> None:
    quiet = ChannelRef("slack", TEAM, "C0AQUIET1")
    async with run_bot() as bot:
        await bot.adapter.post_digest(quiet, Reply("text", "Nothing new.", ephemeral=False), delivery_key="k")

    assert [c.method for c in fake.calls() if c.method.startswith(("chat", "conversations"))] == [
        "chat.postMessage", "conversations.join", "chat.postMessage"]
    assert fake.messages("quiet")[0]["text"].startswith("Nothing new")


async def test_refused_blocks_fall_back_to_the_text(run_bot: RunBot, fake: FakeSlack, bot_store: Store) -> None:
    fake.fail_next("chat.postMessage", error="invalid_blocks")
    async with run_bot() as bot:
        await bot.adapter.post_digest(NEWS, await digest_reply(bot_store), delivery_key="k")

    [posted] = fake.messages("news")
    assert "blocks" not in posted
    assert "South Korea and Japan pledge" in posted["text"]


async def test_a_workspace_without_an_installation_is_rejected(run_bot: RunBot) -> None:
    async with run_bot(oauth=True) as bot:
        with pytest.raises(PostRejected) as raised:
            await bot.adapter.post_digest(NEWS, Reply("text", "x"), delivery_key="k")

    assert raised.value.pause_subscription and "not installed" in raised.value.reason
