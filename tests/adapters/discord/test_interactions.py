"""Slash commands from the fake Discord through the real dispatcher and store, answered in time."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.chat import ChannelRef, CommandRequest, Reply
from bot.store.store import Store
from tests.adapters.discord.conftest import RunningAdapter
from tests.adapters.discord.support import (
    ADMIN,
    NEWS_CHANNEL_ID,
    NEWS_GUILD_ID,
    READER,
    SEED_HEADLINE,
    TOKEN,
    assert_within_limits,
)
from tests.fakes.discord import FakeDiscord
from tests.fakes.discord.payloads import EPHEMERAL

DEFERRED, MESSAGE, AUTOCOMPLETE_RESULT = 5, 4, 8
NEWS_CHANNEL = ChannelRef("discord", str(NEWS_GUILD_ID), str(NEWS_CHANNEL_ID))


def _texts(message: dict[str, Any]) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds", []):
        parts += [embed.get("title", ""), embed.get("description", "")]
        parts += [f"{f['name']} {f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def test_pair_korea_japan_is_answered_in_time_with_the_seed_headline(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter():
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                             {"first": "korea", "second": "japan"}, user=READER)
        callback = await pushed.wait_for_callback()
        [answer] = await pushed.wait_for_followups(1)
    # The fake refuses callbacks after 3 s (interaction_deadline_s), so an accepted one was in time.
    assert callback.type == DEFERRED and not (callback.data or {}).get("flags", 0) & EPHEMERAL
    assert_within_limits(answer)
    header, *stories = answer["embeds"]
    assert "South Korea – Japan" in header["title"]
    assert "Stories: 1 in the last 7 days" in header["description"]
    assert header["image"]["url"].endswith("pair-chart.png")
    [sent] = fake.requests_to("POST /webhooks/{app}/{token}")
    [chart] = sent.files  # the chart travels as the followup's file (multipart files[0])
    assert chart.filename == "pair-chart.png" and chart.data.startswith(b"\x89PNG")
    assert any(SEED_HEADLINE in story["title"] for story in stories)
    assert not answer["flags"] & EPHEMERAL  # a pair report is for the whole channel
    assert TOKEN not in _texts(answer)


async def test_country_options_autocomplete_from_names_demonyms_and_codes(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter():
        results = {}
        for typed in ("kor", "japanese", "jp"):
            pushed = await fake.push_autocomplete(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                                  {"first": "korea", "second": typed}, focused="second")
            callback = await pushed.wait_for_callback()
            assert callback.type == AUTOCOMPLETE_RESULT
            results[typed] = [c["value"] for c in (callback.data or {})["choices"]]
    assert set(results["kor"]) == {"KR", "KP"}
    assert results["japanese"][0] == "JP"
    assert results["jp"][0] == "JP"


async def test_a_member_without_manage_server_is_refused_and_nothing_is_stored(
        fake: FakeDiscord, running_adapter: RunningAdapter, store: Store) -> None:
    async with running_adapter():
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news-admin subscribe",
                                             {"countries": "KR,JP"}, user=READER)
        callback = await pushed.wait_for_callback()
    assert callback.type == MESSAGE and callback.data is not None
    assert callback.data["flags"] & EPHEMERAL
    assert "needs admin rights" in callback.data["content"]
    assert await store.config.get_subscription(NEWS_CHANNEL) is None


async def test_a_member_with_manage_server_subscribes_the_channel(
        fake: FakeDiscord, running_adapter: RunningAdapter, store: Store) -> None:
    async with running_adapter():
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news-admin subscribe",
                                             {"countries": "south korea, japan", "items": 5}, user=ADMIN)
        callback = await pushed.wait_for_callback()
    assert callback.data is not None and callback.data["flags"] & EPHEMERAL
    assert "Subscription saved" in callback.data["content"]
    saved = await store.config.get_subscription(NEWS_CHANNEL)
    assert saved is not None and saved.query.countries == {"KR", "JP"} and saved.items == 5
    assert saved.created_by == f"discord:{ADMIN.id}"


async def test_an_error_after_a_public_deferral_is_shown_only_to_the_asker(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter():
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                             {"first": "atlantis", "second": "japan"}, user=READER)
        [answer] = await pushed.wait_for_followups(1)
    assert answer["flags"] & EPHEMERAL
    assert "atlantis" in answer["content"].lower()
    assert fake.requests_to("DELETE /webhooks/{app}/{token}/messages/@original")
    assert fake.messages(NEWS_CHANNEL_ID) == []  # nothing left in the channel for everyone


async def test_help_is_answered_directly_and_only_to_the_asker(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter():
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news help", {}, user=READER)
        callback = await pushed.wait_for_callback()
    assert callback.type == MESSAGE and callback.data is not None
    assert callback.data["flags"] & EPHEMERAL
    assert "/news pair" in callback.data["content"]
    assert "/news-admin subscribe" not in callback.data["content"]  # admin commands shown to admins only


async def test_latest_is_deferred_then_shown_as_a_digest(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async with running_adapter():
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news latest",
                                             {"query": "japan"}, user=READER)
        [answer] = await pushed.wait_for_followups(1)
    assert_within_limits(answer)
    assert "Taken as country Japan" in answer["embeds"][0]["description"]
    assert any(SEED_HEADLINE in e.get("title", "") for e in answer["embeds"])


async def test_a_quick_command_that_turns_slow_is_deferred_then_answered(
        fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    release = asyncio.Event()

    async def slow(request: CommandRequest) -> Reply:
        await release.wait()
        return Reply("text", f"help for {request.actor.key}")

    async with running_adapter(handle=slow) as adapter:
        adapter.responder.answer_budget = 0.05
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news help", {}, user=READER)
        callback = await pushed.wait_for_callback()
        assert callback.type == DEFERRED and (callback.data or {})["flags"] & EPHEMERAL
        release.set()
        [answer] = await pushed.wait_for_followups(1)
    assert answer["content"] == f"help for discord:{READER.id}"
    assert answer["flags"] & EPHEMERAL


async def test_a_failing_handler_gets_a_short_apology(fake: FakeDiscord, running_adapter: RunningAdapter) -> None:
    async def broken(request: CommandRequest) -> Reply:
        raise RuntimeError("database on fire")

    async with running_adapter(handle=broken):
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news topics", {}, user=READER)
        callback = await pushed.wait_for_callback()
    assert callback.data is not None and callback.data["flags"] & EPHEMERAL
    assert "something went wrong" in callback.data["content"]
    assert "fire" not in callback.data["content"]
