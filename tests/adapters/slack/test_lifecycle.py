"""Channel and workspace events over HTTP: the introduction comes once, a channel that goes away pauses
its digest with the reason, a revoked token schedules the workspace's data deletion."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.chat import ChannelRef
from tests.adapters.slack.conftest import Bot, RunBot
from tests.fakes.slack import FakeSlack, payloads

NEWS = ChannelRef("slack", "T0A000001", "C0ANEWS01")


async def eventually(check: Callable[[], Awaitable[bool]], what: str) -> None:
    for _ in range(250):
        if await check():
            return
        await asyncio.sleep(0.02)
    raise AssertionError(f"never happened: {what}")


async def _subscribe(bot: Bot, fake: FakeSlack) -> None:
    await bot.deliver(fake.slash_command_request("/news-admin", "subscribe countries=KR,JP", user="admin"))
    await fake.wait_for_responses(1)


async def _paused(bot: Bot) -> bool:
    subscription = await bot.store.config.get_subscription(NEWS)
    return subscription is not None and subscription.paused


async def test_the_bot_introduces_itself_once_per_channel(run_bot: RunBot, fake: FakeSlack) -> None:
    team = fake.team()
    joined = payloads.member_joined_channel_event(user=team.bot_user_id, channel="C0ANEWS01", team=team.id)
    callback = fake.event(joined)
    someone = payloads.member_joined_channel_event(user=team.user_named("member").id, channel="C0AGENRL1",
                                                   team=team.id)
    async with run_bot() as bot:
        first = await bot.deliver(fake.event_request({}, callback=callback))
        retry = await bot.deliver(fake.event_request({}, callback=callback, retry_num=1))
        joined_again = await bot.deliver(fake.event_request(joined))  # removed and re-added later
        await bot.deliver(fake.event_request(someone))
        await fake.wait_until(lambda: len(fake.messages("news")) >= 1, what="the introduction")
        # One more post, made after all those events, shows nothing else was on its way.
        await bot.adapter.app.client.chat_postMessage(channel="C0ANEWS01", text="marker")

    assert [first.status, retry.status, joined_again.status] == [200, 200, 200]
    texts = [m["text"] for m in fake.messages("news")]
    assert len(texts) == 2 and "/news help" in texts[0] and texts[1] == "marker"
    assert fake.messages("general") == []


async def test_archiving_the_channel_pauses_its_digest_with_the_reason(run_bot: RunBot, fake: FakeSlack) -> None:
    async with run_bot() as bot:
        await _subscribe(bot, fake)
        event = payloads.channel_archive_event(channel="C0ANEWS01", user=fake.team().user_named("admin").id)
        await bot.deliver(fake.event_request(event))
        await eventually(lambda: _paused(bot), "the digest paused")
        subscription = await bot.store.config.get_subscription(NEWS)

    assert subscription is not None and subscription.paused_reason == "the channel was archived"


async def test_removing_the_bot_from_the_channel_pauses_its_digest(run_bot: RunBot, fake: FakeSlack) -> None:
    team = fake.team()
    async with run_bot() as bot:
        await _subscribe(bot, fake)
        await bot.deliver(fake.event_request({"type": "member_left_channel", "user": team.bot_user_id,
                                              "channel": "C0ANEWS01", "channel_type": "C", "team": team.id,
                                              "event_ts": payloads.event_ts()}))
        await eventually(lambda: _paused(bot), "the digest paused")
        subscription = await bot.store.config.get_subscription(NEWS)

    assert subscription is not None and "removed" in (subscription.paused_reason or "")


async def test_a_revoked_bot_token_schedules_the_deletion_and_a_restart_cancels_it(run_bot: RunBot,
                                                                                   fake: FakeSlack) -> None:
    team = fake.team()
    async with run_bot() as bot:
        await _subscribe(bot, fake)
        event = payloads.tokens_revoked_event(bot_user_ids=[team.bot_user_id])
        await bot.deliver(fake.event_request(event))
        await eventually(lambda: _pending(bot), "the deletion scheduled")
        paused = await _paused(bot)
    async with run_bot() as restarted:  # the token works again: the workspace is back
        still_pending = await _pending(restarted)

    assert paused
    assert not still_pending


async def _pending(bot: Bot) -> bool:
    return await bot.adapter.services.removals.pending("T0A000001") is not None
