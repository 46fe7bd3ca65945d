"""Scheduled digests posted through the fake Discord: embeds with the delivery key as nonce, rate
limits, splitting, and errors mapped for the delivery service."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from adapters.discord.posting import nonce_for
from bot.chat import ChannelRef, PostRejected, PostRetryable, Reply
from bot.store.store import Store
from digests.compose import compose
from digests.model import Query
from tests.adapters.discord.conftest import RunningAdapter
from tests.adapters.discord.support import (
    NEWS_CHANNEL_ID,
    NEWS_GUILD_ID,
    OTHER_GUILD_ID,
    SEED_HEADLINE,
    assert_within_limits,
    long_digest,
)
from tests.fakes.discord import ChannelError, FakeDiscord

NEWS_CHANNEL = ChannelRef("discord", str(NEWS_GUILD_ID), str(NEWS_CHANNEL_ID))
KEY = "sub7@2025-08-25T08:00Z"
POSTS = "POST /channels/{channel_id}/messages"


def _digest_reply(stories: int = 3, *, summary_chars: int = 300) -> Reply:
    digest = long_digest(stories, summary_chars=summary_chars)
    return Reply("digest", "plain text", ephemeral=False, digest=digest)


async def test_a_scheduled_digest_arrives_as_embeds_carrying_its_key_as_nonce(
        fake: FakeDiscord, running_adapter: RunningAdapter, store: Store) -> None:
    digest = await compose(store.articles, Query(countries=frozenset({"KR"})), datetime.now(UTC))
    reply = Reply("digest", "text", ephemeral=False, digest=digest)
    async with running_adapter() as adapter:
        receipt = await adapter.post_digest(NEWS_CHANNEL, reply, delivery_key=KEY)
        again = await adapter.post_digest(NEWS_CHANNEL, reply, delivery_key=KEY)
    [message] = fake.messages(NEWS_CHANNEL_ID)
    assert receipt.message_id == again.message_id == message["id"]  # the repeat was de-duplicated
    assert message["nonce"] == nonce_for(KEY, 0) and len(message["nonce"]) <= 25
    assert all(r.json["enforce_nonce"] is True for r in fake.requests_to(POSTS))
    assert_within_limits(message)
    assert any(SEED_HEADLINE in e.get("title", "") for e in message["embeds"])
    assert message["mentions"] == [] and not message["mention_everyone"]
    assert fake.requests_to(POSTS)[0].json["allowed_mentions"]["parse"] == []


async def test_a_429_with_retry_after_is_waited_out_and_the_digest_posted(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter() as adapter:
        fake.rate_limit_next(POSTS, retry_after=0.2)
        receipt = await adapter.post_digest(NEWS_CHANNEL, _digest_reply(), delivery_key=KEY)
    assert [r.status for r in fake.requests_to(POSTS)] == [429, 200]
    assert [m["id"] for m in fake.messages(NEWS_CHANNEL_ID)] == [receipt.message_id]


async def test_a_long_rate_limit_goes_back_to_the_delivery_service_with_its_retry_after(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter() as adapter:
        fake.rate_limit_next(POSTS, retry_after=45.0)
        with pytest.raises(PostRetryable) as caught:
            await adapter.post_digest(NEWS_CHANNEL, _digest_reply(), delivery_key=KEY)
    assert caught.value.retry_after == 45.0
    assert fake.messages(NEWS_CHANNEL_ID) == []


async def test_a_server_error_is_retryable(fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter() as adapter:
        fake.fail_next(POSTS, status=503)
        with pytest.raises(PostRetryable, match="server error 503"):
            await adapter.post_digest(NEWS_CHANNEL, _digest_reply(), delivery_key=KEY)


async def test_an_over_long_digest_is_split_across_messages_in_order_within_limits(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter() as adapter:
        receipt = await adapter.post_digest(NEWS_CHANNEL, _digest_reply(40, summary_chars=1200),
                                            delivery_key=KEY)
    messages = fake.messages(NEWS_CHANNEL_ID)
    assert len(messages) >= 5 and receipt.message_id == messages[0]["id"]
    for message in messages:
        assert_within_limits(message)
    titles = [e["title"] for m in messages for e in m["embeds"]]
    assert titles[0] == "Morning digest: South Korea, Japan"
    assert [int(t.split(".")[0]) for t in titles[1:]] == list(range(1, 41))
    assert [m["nonce"] for m in messages] == [nonce_for(KEY, n) for n in range(len(messages))]


async def test_posting_a_split_digest_again_does_not_repeat_its_messages(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    reply = _digest_reply(40, summary_chars=1200)
    async with running_adapter() as adapter:
        fake.fail_next(POSTS, status=503)  # a failed attempt, then the retry and a take-over's repeat
        with pytest.raises(PostRetryable):
            await adapter.post_digest(NEWS_CHANNEL, reply, delivery_key=KEY)
        first = await adapter.post_digest(NEWS_CHANNEL, reply, delivery_key=KEY)
        second = await adapter.post_digest(NEWS_CHANNEL, reply, delivery_key=KEY)
    assert first == second
    nonces = [m["nonce"] for m in fake.messages(NEWS_CHANNEL_ID)]
    assert len(nonces) == len(set(nonces)) >= 5


@pytest.mark.parametrize("error", [ChannelError.UNKNOWN_CHANNEL, ChannelError.MISSING_ACCESS,
                                   ChannelError.MISSING_PERMISSIONS])
async def test_a_channel_the_bot_cannot_post_in_pauses_the_subscription(
        fake: FakeDiscord, running_adapter: RunningAdapter, error: ChannelError) -> None:
    async with running_adapter() as adapter:
        fake.set_channel_error(NEWS_CHANNEL_ID, error)
        with pytest.raises(PostRejected) as caught:
            await adapter.post_digest(NEWS_CHANNEL, _digest_reply(), delivery_key=KEY)
    assert caught.value.pause_subscription
    assert "#news" in caught.value.reason


async def test_a_deleted_channel_of_another_shard_is_rejected_with_pause(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    gone = ChannelRef("discord", str(OTHER_GUILD_ID), "1184530000000009999")
    async with running_adapter(discord_shard_count=2, discord_shard_ids="0") as adapter:
        with pytest.raises(PostRejected) as caught:
            await adapter.post_digest(gone, _digest_reply(), delivery_key=KEY)
    assert caught.value.pause_subscription and "no longer exists" in caught.value.reason


async def test_another_shards_channel_is_posted_to_by_id(fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    other = ChannelRef("discord", str(OTHER_GUILD_ID), "1184530000000000003")
    async with running_adapter(discord_shard_count=2, discord_shard_ids="0") as adapter:
        receipt = await adapter.post_digest(other, _digest_reply(), delivery_key=KEY)
    assert fake.messages(1184530000000000003)[0]["id"] == receipt.message_id


async def test_a_channel_that_is_not_a_discord_id_is_rejected(running_adapter: RunningAdapter) -> None:
    async with running_adapter() as adapter:
        with pytest.raises(PostRejected, match="not a Discord channel"):
            await adapter.post_digest(ChannelRef("discord", "1", "general"), _digest_reply(), delivery_key=KEY)


async def test_nothing_new_is_posted_as_one_line(fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter() as adapter:
        await adapter.post_digest(NEWS_CHANNEL, Reply("text", "Nothing new for KR since the last digest.",
                                                      ephemeral=False), delivery_key=KEY)
    [message] = fake.messages(NEWS_CHANNEL_ID)
    assert message["content"] == "Nothing new for KR since the last digest." and message["embeds"] == []


async def test_a_thread_per_digest_holds_the_stories_under_the_header(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter(config_changes={"thread_per_digest": True}) as adapter:
        receipt = await adapter.post_digest(NEWS_CHANNEL, _digest_reply(12), delivery_key=KEY)
        again = await adapter.post_digest(NEWS_CHANNEL, _digest_reply(12), delivery_key=KEY)
    [header] = fake.messages(NEWS_CHANNEL_ID)
    assert receipt == again and header["id"] == receipt.message_id
    assert [e["title"] for e in header["embeds"]] == ["Morning digest: South Korea, Japan"]
    in_thread = fake.messages(int(receipt.message_id))  # a thread started from a message takes its id
    assert [e["title"].split(".")[0] for m in in_thread for e in m["embeds"]] == [str(n) for n in range(1, 13)]


async def test_posting_before_start_is_retryable(store: Store, tmp_path: Path, fake: FakeDiscord) -> None:
    from adapters.discord import DiscordAdapter, DiscordConfig
    from bot.adapter_context import AdapterContext
    from tests.adapters.discord.support import settings_for

    settings = settings_for(fake, tmp_path)

    async def unused(request: object) -> Reply:
        raise AssertionError("no commands here")

    context = AdapterContext(settings=settings, handle=unused, store=store, http=None,
                             clock=lambda: datetime.now(UTC), data_dir=tmp_path)
    adapter = DiscordAdapter(context, DiscordConfig.from_settings(settings))
    with pytest.raises(PostRetryable, match="not started"):
        await adapter.post_digest(NEWS_CHANNEL, _digest_reply(), delivery_key=KEY)
