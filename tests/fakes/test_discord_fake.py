"""The fake Discord speaks the real protocol: the real discord.py client logs in, connects, syncs
commands, answers interactions, sends messages, retries 429s and shards against it, over HTTP and
websockets on loopback.
"""

from __future__ import annotations

import asyncio
import io
import json
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

import aiohttp
import discord
import discord.gateway
import discord.http
import pytest
from discord import app_commands

from tests.fakes.discord import (
    ChannelError,
    FakeChannel,
    FakeDiscord,
    FakeGuild,
    FakeMember,
    snowflake_for_shard,
)

APP_ID = 1_184_526_311_118_200_832
TOKEN = "test-token.abc"
NEWS_GUILD_ID = snowflake_for_shard(0, 2, index=1)
OTHER_GUILD_ID = snowflake_for_shard(1, 2, index=2)
NEWS_CHANNEL_ID = 1_184_530_000_000_000_001
ALERTS_CHANNEL_ID = 1_184_530_000_000_000_002
OTHER_CHANNEL_ID = 1_184_530_000_000_000_003
READER = FakeMember(id=1_184_540_000_000_000_001, username="mina")
COUNTRIES = ("japan", "jordan", "korea", "kenya", "kuwait")

NEWS_GUILD = FakeGuild(
    id=NEWS_GUILD_ID,
    name="World News",
    channels=[FakeChannel(NEWS_CHANNEL_ID, "news"), FakeChannel(ALERTS_CHANNEL_ID, "alerts")],
    members=[READER],
)
OTHER_GUILD = FakeGuild(id=OTHER_GUILD_ID, name="Markets",
                        channels=[FakeChannel(OTHER_CHANNEL_ID, "markets")])

ClientT = TypeVar("ClientT", bound=discord.Client)


# -- fixtures and helpers -----------------------------------------------------------------------------------


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    """A running fake with discord.py pointed at it; both undone after the test."""
    async with FakeDiscord.running(app_id=APP_ID, token=TOKEN, guilds=[NEWS_GUILD, OTHER_GUILD]) as running:
        with running.patch_discord():
            yield running


@asynccontextmanager
async def connected(client: ClientT, token: str = TOKEN) -> AsyncIterator[ClientT]:
    """Logs in, connects until READY (guilds received), yields, and always closes the client."""
    runner: asyncio.Task[None] | None = None
    ready: asyncio.Task[None] | None = None
    try:
        await client.login(token)
        runner = asyncio.create_task(client.connect())
        ready = asyncio.create_task(client.wait_until_ready())
        done, _ = await asyncio.wait({runner, ready}, timeout=10, return_when=asyncio.FIRST_COMPLETED)
        if ready not in done:
            why = runner.exception() if runner.done() else "timed out"
            raise AssertionError(f"client never became ready: {why}")
        yield client
    finally:
        if ready is not None:
            ready.cancel()
        await client.close()
        if runner is not None:
            await asyncio.wait_for(runner, timeout=10)


def news_client(**options: Any) -> tuple[discord.Client, app_commands.CommandTree[Any]]:
    """A bot with ``/news pair`` (two autocompleted countries), ``/news digest`` (deferred) and
    ``/news chart`` (a file)."""
    client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.05, **options)
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    news = app_commands.Group(name="news", description="News digests")

    @news.command(name="pair", description="Latest news between two countries")
    @app_commands.describe(first="First country", second="Second country")
    async def pair(interaction: discord.Interaction, first: str, second: str) -> None:
        embed = discord.Embed(title=f"{first.title()} – {second.title()}", description="3 stories this week")
        embed.add_field(name="Tone", value="tense, easing")
        await interaction.response.send_message(embed=embed)

    @news.command(name="digest", description="Today's digest")
    async def digest(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send(embed=discord.Embed(title="Daily digest", description="5 stories"))

    @news.command(name="chart", description="Tone chart")
    async def chart(interaction: discord.Interaction) -> None:
        chart_file = discord.File(io.BytesIO(b"PNG"), "tone.png")
        await interaction.response.send_message("Tone over 30 days", file=chart_file)

    async def countries(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        matches = [c for c in COUNTRIES if c.startswith(current.lower())]
        return [app_commands.Choice(name=c.title(), value=c) for c in matches]

    pair.autocomplete("first")(countries)
    pair.autocomplete("second")(countries)
    tree.add_command(news)
    return client, tree


def text_channel(client: discord.Client, channel_id: int) -> discord.TextChannel:
    channel = client.get_channel(channel_id)
    assert isinstance(channel, discord.TextChannel)
    return channel


# -- connecting ---------------------------------------------------------------------------------------------


async def test_client_identifies_and_receives_ready_and_its_guilds(fake: FakeDiscord) -> None:
    client, _ = news_client()
    async with connected(client):
        guild = client.get_guild(NEWS_GUILD_ID)
        assert guild is not None and guild.name == "World News"
        assert sorted(c.name for c in guild.text_channels) == ["alerts", "news"]
        assert guild.me is not None and guild.me.id == APP_ID
        assert client.user is not None and client.user.bot
        assert client.application_id == APP_ID
        assert {g.id for g in client.guilds} == {NEWS_GUILD_ID, OTHER_GUILD_ID}
        await client.change_presence(activity=discord.Game("reading the news"))
        await fake.wait_until(lambda: bool(fake.presence_updates))
    assert fake.presence_updates[0]["activities"][0]["name"] == "reading the news"
    [identify] = fake.identifies
    assert identify.token == TOKEN
    assert identify.intents == discord.Intents.default().value
    assert identify.shard_id is None
    assert identify.compress == "zlib-stream"  # discord.py asked for, and read, a compressed stream


async def test_a_wrong_token_fails_login_with_401(fake: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.default())
    try:
        with pytest.raises(discord.LoginFailure):
            await client.login("not-the-token")
    finally:
        await client.close()


async def test_patching_is_undone_when_the_context_exits() -> None:
    original_base = discord.http.Route.BASE
    original_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    async with FakeDiscord.running() as running:
        with running.patch_discord():
            patched = (discord.http.Route.BASE, str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY))
            assert patched == (running.api_base, running.gateway_url)
    restored = (discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)
    assert restored == (original_base, original_gateway)


# -- application commands and interactions ------------------------------------------------------------------


async def test_command_tree_sync_is_recorded_globally_and_per_guild(fake: FakeDiscord) -> None:
    client, tree = news_client()
    async with connected(client):
        global_commands = await tree.sync()
        tree.copy_global_to(guild=discord.Object(NEWS_GUILD_ID))
        guild_commands = await tree.sync(guild=discord.Object(NEWS_GUILD_ID))
        again = await tree.sync()
    assert [c.name for c in global_commands] == ["news"]
    assert [c.guild_id for c in guild_commands] == [NEWS_GUILD_ID]
    assert again[0].id == global_commands[0].id  # an overwrite keeps the id of an unchanged name
    assert [o.guild_id for o in fake.command_overwrites] == [None, NEWS_GUILD_ID, None]
    [news] = fake.commands()
    pair = next(o for o in news["options"] if o["name"] == "pair")
    assert [(o["name"], o["type"], o["autocomplete"]) for o in pair["options"]] == [
        ("first", 3, True), ("second", 3, True)]
    assert fake.commands(NEWS_GUILD_ID)[0]["guild_id"] == str(NEWS_GUILD_ID)


async def test_slash_command_runs_and_its_embed_reaches_the_callback(fake: FakeDiscord) -> None:
    client, tree = news_client()
    async with connected(client):
        await tree.sync()
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                             {"first": "korea", "second": "japan"}, user=READER)
        callback = await pushed.wait_for_callback()
    assert callback.type == 4
    assert callback.data is not None
    [embed] = callback.data["embeds"]
    assert embed["title"] == "Korea – Japan"
    assert embed["fields"] == [{"name": "Tone", "value": "tense, easing", "inline": True}]
    [shown] = fake.messages(NEWS_CHANNEL_ID)
    assert shown["interaction_metadata"]["user"]["id"] == str(READER.id)
    assert pushed.payload["data"]["options"][0]["options"] == [
        {"type": 3, "name": "first", "value": "korea"}, {"type": 3, "name": "second", "value": "japan"}]


async def test_guild_command_interaction_carries_the_guild_command(fake: FakeDiscord) -> None:
    client, tree = news_client()
    async with connected(client):
        tree.copy_global_to(guild=discord.Object(NEWS_GUILD_ID))
        await tree.sync(guild=discord.Object(NEWS_GUILD_ID))
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                             {"first": "kenya", "second": "japan"})
        callback = await pushed.wait_for_callback()
    assert pushed.payload["data"]["guild_id"] == str(NEWS_GUILD_ID)
    assert callback.data is not None and callback.data["embeds"][0]["title"] == "Kenya – Japan"


async def test_deferred_command_followup_fills_the_thinking_message(fake: FakeDiscord) -> None:
    client, tree = news_client()
    async with connected(client):
        await tree.sync()
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news digest")
        [followup] = await pushed.wait_for_followups(1)
    assert [c.type for c in fake.interaction_responses] == [5]
    assert followup["embeds"][0]["title"] == "Daily digest"
    assert pushed.original is not None and followup["id"] == pushed.original["id"]
    [shown] = fake.messages(NEWS_CHANNEL_ID)
    assert shown["flags"] & (1 << 7) == 0  # no longer loading
    assert [r.status for r in fake.requests_to("POST /webhooks/{app}/{token}")] == [200]


async def test_interaction_response_with_a_file_is_sent_as_multipart(fake: FakeDiscord) -> None:
    client, tree = news_client()
    async with connected(client):
        await tree.sync()
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news chart")
        callback = await pushed.wait_for_callback()
    assert callback.type == 4
    [upload] = callback.files
    assert (upload.field, upload.filename, upload.data) == ("files[0]", "tone.png", b"PNG")
    assert pushed.original is not None
    assert pushed.original["attachments"][0]["filename"] == "tone.png"
    assert pushed.original["content"] == "Tone over 30 days"


async def test_autocomplete_gets_choices_for_the_focused_option(fake: FakeDiscord) -> None:
    client, tree = news_client()
    async with connected(client):
        await tree.sync()
        pushed = await fake.push_autocomplete(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                              {"first": "korea", "second": "k"}, focused="second")
        callback = await pushed.wait_for_callback()
    assert callback.type == 8
    names = [choice["name"] for choice in (callback.data or {})["choices"]]
    assert names == ["Korea", "Kenya", "Kuwait"]
    assert callback.data is not None and callback.data["choices"][0] == {"name": "Korea", "value": "korea"}


async def test_pushing_an_unregistered_command_or_bad_options_is_refused(fake: FakeDiscord) -> None:
    client, tree = news_client()
    async with connected(client):
        with pytest.raises(LookupError, match="sync the commands first"):
            await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                        {"first": "a", "second": "b"})
        await tree.sync()
        with pytest.raises(ValueError, match="required options missing"):
            await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair", {"first": "korea"})
        with pytest.raises(ValueError, match="unknown options"):
            await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news digest", {"when": "today"})


async def test_a_second_callback_is_refused_as_already_acknowledged(fake: FakeDiscord) -> None:
    client, tree = news_client()
    async with connected(client):
        await tree.sync()
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                             {"first": "korea", "second": "japan"})
        await pushed.wait_for_callback()
        async with aiohttp.ClientSession() as session:
            url = f"{fake.api_base}/interactions/{pushed.id}/{pushed.token}/callback"
            async with session.post(url, json={"type": 4, "data": {"content": "again"}}) as response:
                assert response.status == 400
                assert (await response.json())["code"] == 40060


async def test_original_response_can_be_fetched_edited_and_deleted(fake: FakeDiscord) -> None:
    client, tree = news_client()
    async with connected(client):
        await tree.sync()
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                             {"first": "korea", "second": "japan"})
        await pushed.wait_for_callback()
    original = f"/webhooks/{APP_ID}/{pushed.token}/messages/@original"
    status, _, body = await _call(fake, "GET", original, token=None)
    assert status == 200 and pushed.original is not None and body["id"] == pushed.original["id"]
    status, _, body = await _call(fake, "PATCH", original, token=None, body={"content": "edited"})
    assert status == 200 and body["content"] == "edited" and body["edited_timestamp"] is not None
    assert (await _call(fake, "DELETE", original, token=None))[0] == 204
    status, _, body = await _call(fake, "GET", original, token=None)
    assert (status, body["code"]) == (404, 10008)
    assert fake.messages(NEWS_CHANNEL_ID) == []
    unknown = f"/webhooks/{APP_ID}/not-a-token"
    status, _, body = await _call(fake, "POST", unknown, token=None, body={"content": "x"})
    assert (status, body["code"]) == (404, 10015)


async def test_a_callback_after_the_deadline_is_an_unknown_interaction() -> None:
    callbacks = "POST /interactions/{id}/{token}/callback"
    options = {"app_id": APP_ID, "token": TOKEN, "guilds": [NEWS_GUILD], "interaction_deadline_s": 0.0}
    async with FakeDiscord.running(**options) as late:
        with late.patch_discord():
            client, tree = news_client()
            async with connected(client):
                await tree.sync()
                await late.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                            {"first": "korea", "second": "japan"})
                await late.wait_until(lambda: bool(late.requests_to(callbacks)))
    [attempt] = late.requests_to(callbacks)
    assert attempt.status == 404
    assert late.interaction_responses == []


async def test_invalid_command_declarations_are_refused(fake: FakeDiscord) -> None:
    path = f"/applications/{APP_ID}/commands"
    declared = [{"name": "News", "description": "digests"}, {"name": "pair", "description": ""}]
    status, _, body = await _call(fake, "PUT", path, body=declared)
    assert (status, body["code"]) == (400, 50035)
    assert set(body["errors"]) == {"0", "1"}
    assert "name" in body["errors"]["0"] and "description" in body["errors"]["1"]
    twice = [{"name": "news", "description": "a"}, {"name": "news", "description": "b"}]
    status, _, body = await _call(fake, "PUT", path, body=twice)
    assert body["errors"]["_errors"][0]["code"] == "APPLICATION_COMMANDS_DUPLICATE_NAME"
    status, _, body = await _call(fake, "PUT", f"/applications/{APP_ID}/guilds/42/commands", body=[])
    assert (status, body["code"]) == (403, 50001)
    assert fake.commands() == [] and fake.command_overwrites == []


# -- channel messages ---------------------------------------------------------------------------------------


async def test_same_nonce_twice_makes_one_message(fake: FakeDiscord) -> None:
    client, _ = news_client()
    async with connected(client):
        channel = text_channel(client, NEWS_CHANNEL_ID)
        embed = discord.Embed(title="Korea – Japan digest", description="Summit talks resume")
        first = await channel.send(embed=embed, nonce="digest-2024-05-01")
        second = await channel.send(embed=embed, nonce="digest-2024-05-01")
        other = await channel.send(embed=embed, nonce="digest-2024-05-02")
    assert first.id == second.id != other.id
    assert [m["nonce"] for m in fake.messages(NEWS_CHANNEL_ID)] == ["digest-2024-05-01", "digest-2024-05-02"]
    assert all(r.json["enforce_nonce"] is True for r in fake.requests_to("POST /channels/{id}/messages"))


async def test_a_429_with_via_is_retried_and_the_message_posted(fake: FakeDiscord) -> None:
    client, _ = news_client()
    async with connected(client):
        fake.rate_limit_next("POST /channels/{channel_id}/messages", retry_after=0.2)
        message = await text_channel(client, NEWS_CHANNEL_ID).send("after the rate limit")
    attempts = fake.requests_to(f"POST /channels/{NEWS_CHANNEL_ID}/messages")
    assert [r.status for r in attempts] == [429, 200]
    assert [m["id"] for m in fake.messages(NEWS_CHANNEL_ID)] == [str(message.id)]


async def test_a_429_without_via_is_not_retried(fake: FakeDiscord) -> None:
    client, _ = news_client()
    async with connected(client):
        fake.rate_limit_next("POST /channels/{channel_id}/messages", retry_after=0.2, via=False)
        with pytest.raises(discord.HTTPException) as caught:
            await text_channel(client, NEWS_CHANNEL_ID).send("banned?")
    assert caught.value.status == 429
    assert fake.messages(NEWS_CHANNEL_ID) == []


async def test_an_embed_over_the_limits_is_refused_with_discords_form_error(fake: FakeDiscord) -> None:
    client, _ = news_client()
    async with connected(client):
        channel = text_channel(client, NEWS_CHANNEL_ID)
        with pytest.raises(discord.HTTPException) as caught:
            await channel.send(embed=discord.Embed(title="t" * 257, description="d" * 4097))
    assert caught.value.status == 400 and caught.value.code == 50035
    assert "In embeds.0.title: Must be 256 or fewer in length." in str(caught.value)
    assert "In embeds.0.description: Must be 4096 or fewer in length." in str(caught.value)


async def test_programmed_channel_errors_reach_discord_py_as_its_exceptions(fake: FakeDiscord) -> None:
    client, _ = news_client()
    async with connected(client):
        channel = text_channel(client, NEWS_CHANNEL_ID)
        expected = [(ChannelError.MISSING_PERMISSIONS, discord.Forbidden, 50013),
                    (ChannelError.MISSING_ACCESS, discord.Forbidden, 50001),
                    (ChannelError.UNKNOWN_CHANNEL, discord.NotFound, 10003)]
        for error, exception, code in expected:
            fake.set_channel_error(NEWS_CHANNEL_ID, error)
            with pytest.raises(exception) as caught:
                await channel.send("hello")
            assert caught.value.code == code
        fake.set_channel_error(NEWS_CHANNEL_ID, None)
        await channel.send("hello again")
    assert [m["content"] for m in fake.messages(NEWS_CHANNEL_ID)] == ["hello again"]


async def test_files_and_threads(fake: FakeDiscord) -> None:
    client, _ = news_client()
    async with connected(client):
        channel = text_channel(client, NEWS_CHANNEL_ID)
        posted = await channel.send("weekly chart", file=discord.File(io.BytesIO(b"chart-bytes"), "week.png"))
        thread = await channel.create_thread(name="Korea – Japan", type=discord.ChannelType.public_thread)
        await thread.send("discussion starts here")
        fetched = await client.fetch_channel(thread.id)
    assert posted.attachments[0].filename == "week.png" and posted.attachments[0].size == len(b"chart-bytes")
    assert isinstance(fetched, discord.Thread) and fetched.parent_id == NEWS_CHANNEL_ID
    assert [m["content"] for m in fake.messages(thread.id)] == ["discussion starts here"]


async def test_messages_can_be_fetched_edited_and_deleted(fake: FakeDiscord) -> None:
    client, _ = news_client()
    async with connected(client):
        channel = text_channel(client, NEWS_CHANNEL_ID)
        echoed = asyncio.create_task(client.wait_for("message", timeout=5))
        await asyncio.sleep(0)  # let wait_for register its listener
        posted = await channel.send("draft digest")
        assert (await echoed).id == posted.id  # MESSAGE_CREATE reached the gateway session
        edited = await posted.edit(content="final digest")
        fetched = await channel.fetch_message(posted.id)
        assert fetched.content == edited.content == "final digest"
        await fetched.delete()
        with pytest.raises(discord.NotFound):
            await channel.fetch_message(posted.id)
    assert fake.messages(NEWS_CHANNEL_ID) == []


async def test_privileged_intents_not_enabled_close_the_gateway_with_4014() -> None:
    options = {"app_id": APP_ID, "token": TOKEN, "guilds": [NEWS_GUILD], "allowed_privileged_intents": 0}
    async with FakeDiscord.running(**options) as strict:
        with strict.patch_discord():
            client = discord.Client(intents=discord.Intents.all())
            try:
                await client.login(TOKEN)
                with pytest.raises(discord.PrivilegedIntentsRequired):
                    await asyncio.wait_for(client.connect(), timeout=10)
            finally:
                await client.close()
    assert strict.identifies == []


# -- gateway events pushed by the test ----------------------------------------------------------------------


async def test_guild_join_leave_and_channel_delete_reach_the_client(fake: FakeDiscord) -> None:
    new_guild_id = snowflake_for_shard(0, 2, index=7)
    client, _ = news_client()
    async with connected(client):
        joined = asyncio.create_task(client.wait_for("guild_join", timeout=5))
        await asyncio.sleep(0)  # let wait_for register its listener before the event is sent
        await fake.add_guild(FakeGuild(id=new_guild_id, name="Energy", channels=[FakeChannel(77, "energy")]))
        guild = await joined
        assert guild.id == new_guild_id and guild.get_channel(77) is not None

        deleted = asyncio.create_task(client.wait_for("guild_channel_delete", timeout=5))
        await asyncio.sleep(0)
        await fake.delete_channel(ALERTS_CHANNEL_ID)
        assert (await deleted).id == ALERTS_CHANNEL_ID
        with pytest.raises(discord.NotFound):
            await client.fetch_channel(ALERTS_CHANNEL_ID)

        removed = asyncio.create_task(client.wait_for("guild_remove", timeout=5))
        await asyncio.sleep(0)
        await fake.remove_guild(OTHER_GUILD_ID)
        assert (await removed).id == OTHER_GUILD_ID
        assert client.get_guild(OTHER_GUILD_ID) is None


async def test_reconnect_request_is_followed_by_a_resume(fake: FakeDiscord) -> None:
    client, _ = news_client()
    async with connected(client):
        resumed = asyncio.create_task(client.wait_for("resumed", timeout=5))
        await asyncio.sleep(0)
        assert await fake.request_reconnect() == 1
        await resumed
        await text_channel(client, NEWS_CHANNEL_ID).send("still here")
    assert len(fake.identifies) == 1  # resumed, not re-identified


# -- sharding -----------------------------------------------------------------------------------------------


async def test_each_shard_gets_only_its_own_guilds(fake: FakeDiscord) -> None:
    shard0 = discord.AutoShardedClient(intents=discord.Intents.default(), shard_count=2, shard_ids=[0],
                                       guild_ready_timeout=0.05)
    shard1 = discord.AutoShardedClient(intents=discord.Intents.default(), shard_count=2, shard_ids=[1],
                                       guild_ready_timeout=0.05)
    async with connected(shard0), connected(shard1):
        assert [g.id for g in shard0.guilds] == [NEWS_GUILD_ID]
        assert [g.id for g in shard1.guilds] == [OTHER_GUILD_ID]
        assert sorted(fake.connected_shards, key=str) == [(0, 2), (1, 2)]
    assert sorted((i.shard_id, i.shard_count) for i in fake.identifies) == [(0, 2), (1, 2)]


async def test_autosharded_client_without_a_count_asks_gateway_bot(fake: FakeDiscord) -> None:
    client = discord.AutoShardedClient(intents=discord.Intents.default(), guild_ready_timeout=0.05)
    async with connected(client):
        assert client.shard_count == 1
        assert {g.id for g in client.guilds} == {NEWS_GUILD_ID, OTHER_GUILD_ID}
    assert [r.status for r in fake.requests_to("GET /gateway/bot")] == [200]


# -- the wire, checked without discord.py -------------------------------------------------------------------


async def _call(fake: FakeDiscord, method: str, path: str, *, token: str | None = TOKEN,
                body: Any = None) -> tuple[int, dict[str, str], Any]:
    headers = {"Authorization": f"Bot {token}"} if token else {}
    async with aiohttp.ClientSession() as session, session.request(
        method, fake.api_base + path, json=body, headers=headers
    ) as response:
        text = await response.text()
        return response.status, dict(response.headers), json.loads(text) if text else None


async def test_answers_are_exactly_application_json_and_errors_have_discords_shape(fake: FakeDiscord) -> None:
    status, headers, me = await _call(fake, "GET", "/users/@me")
    assert status == 200 and headers["Content-Type"] == "application/json" and me["id"] == str(APP_ID)
    status, _, body = await _call(fake, "GET", "/users/@me", token=None)
    assert (status, body) == (401, {"message": "401: Unauthorized", "code": 0})
    status, _, body = await _call(fake, "GET", "/no/such/route")
    assert (status, body) == (404, {"code": 0, "message": "404: Not Found"})
    status, _, body = await _call(fake, "GET", "/channels/999")
    assert (status, body) == (404, {"message": "Unknown Channel", "code": 10003})
    status, _, body = await _call(fake, "GET", "/guilds/999/members/1")
    assert (status, body["code"]) == (404, 10004)


async def test_message_limits_are_checked_like_discord(fake: FakeDiscord) -> None:
    path = f"/channels/{NEWS_CHANNEL_ID}/messages"
    many_fields = {"title": "t", "fields": [{"name": f"n{i}", "value": "v"} for i in range(26)]}
    status, _, body = await _call(fake, "POST", path, body={"content": "x" * 2001, "embeds": [many_fields]})
    assert status == 400 and body["code"] == 50035 and body["message"] == "Invalid Form Body"
    assert body["errors"]["content"]["_errors"][0]["code"] == "BASE_TYPE_MAX_LENGTH"
    fields_error = body["errors"]["embeds"]["0"]["fields"]["_errors"][0]
    assert fields_error["message"] == "Must be 25 or fewer in length."

    five_big = [{"description": "d" * 1300} for _ in range(5)]  # each fine, 6,500 together
    status, _, body = await _call(fake, "POST", path, body={"embeds": five_big})
    assert body["errors"]["embeds"]["_errors"][0]["code"] == "MAX_EMBED_SIZE_EXCEEDED"

    status, _, body = await _call(fake, "POST", path, body={"embeds": [{"title": "t"}] * 11})
    assert body["errors"]["embeds"]["_errors"][0]["message"] == "Must be 10 or fewer in length."

    broken = {"fields": [{"name": "", "value": "v"}], "footer": {"text": "f" * 2049},
              "author": {"name": "a" * 257}}
    status, _, body = await _call(fake, "POST", path, body={"embeds": [broken]})
    first = body["errors"]["embeds"]["0"]
    assert set(first) == {"fields", "footer", "author"}

    status, _, body = await _call(fake, "POST", path, body={"content": ""})
    assert (status, body["code"]) == (400, 50006)
    assert fake.messages(NEWS_CHANNEL_ID) == []
    status, _, body = await _call(fake, "POST", path, body={"embeds": [{"title": "t" * 256,
                                                                         "description": "d" * 4096}]})
    assert status == 200 and fake.messages(NEWS_CHANNEL_ID)[0]["embeds"][0]["type"] == "rich"


async def test_the_429_answer_carries_retry_after_rate_limit_headers_and_via(fake: FakeDiscord) -> None:
    fake.rate_limit_next("GET /users/@me", retry_after=1.5, global_=True)
    status, headers, body = await _call(fake, "GET", "/users/@me")
    assert status == 429
    assert body == {"message": "You are being rate limited.", "retry_after": 1.5, "global": True}
    assert headers["Retry-After"] == "2" and headers["Via"] and headers["X-RateLimit-Global"] == "true"
    assert headers["X-RateLimit-Remaining"] == "0" and headers["X-RateLimit-Scope"] == "global"
    status, _, _ = await _call(fake, "GET", "/users/@me")
    assert status == 200  # only the next request was limited


async def test_gateway_speaks_zlib_stream_and_closes_with_discords_codes(fake: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        async with session.ws_connect(f"{fake.gateway_url}?v=10&encoding=json&compress=zlib-stream") as ws:
            inflate = zlib.decompressobj()  # one stream for the whole connection, as Discord's
            hello = await ws.receive()
            assert hello.type is aiohttp.WSMsgType.BINARY and hello.data.endswith(b"\x00\x00\xff\xff")
            assert json.loads(inflate.decompress(hello.data))["d"]["heartbeat_interval"] == 41_250
            await ws.send_json({"op": 1, "d": None})
            ack = json.loads(inflate.decompress((await ws.receive()).data))
            assert ack == {"t": None, "s": None, "op": 11, "d": None}
            await ws.send_json({"op": 2, "d": {"token": "wrong", "intents": 513, "properties": {}}})
            assert (await ws.receive()).data == 4004
        attempts = [({"op": 3, "d": {}}, 4003),
                    ({"op": 2, "d": {"token": TOKEN, "intents": 513, "shard": [2, 2]}}, 4010),
                    ({"op": 2, "d": {"token": TOKEN}}, 4013),
                    ({"op": 99, "d": None}, 4003)]
        for frame, code in attempts:
            async with session.ws_connect(f"{fake.gateway_url}?v=10&encoding=json") as ws:
                assert json.loads((await ws.receive()).data)["op"] == 10  # plain text without compress
                await ws.send_json(frame)
                assert (await ws.receive()).data == code, frame
    assert fake.identifies == []


# -- faithful to captured payloads --------------------------------------------------------------------------


CAPTURE_ONLY_KEYS = {"shard"}
"""READY carries ``shard`` only when IDENTIFY sent one: the capturing bot did, this plain Client does not
(the sharding tests prove the sharded READY, which discord.py's AutoShardedClient cannot parse without it)."""


async def test_payloads_have_the_keys_a_real_bot_receives(fake: FakeDiscord, shared_data: Path) -> None:
    captured = shared_data / "chat_payloads" / "discord" / "accord_jl_captured"
    client, tree = news_client(enable_debug_events=True)
    received: dict[str, dict[str, Any]] = {}

    async def on_socket_raw_receive(raw: str) -> None:
        frame = json.loads(raw)
        if frame["op"] in (10, 11):
            received.setdefault(f"op{frame['op']}", frame)
        elif frame["t"] is not None:
            received.setdefault(frame["t"], frame)

    client.event(on_socket_raw_receive)
    async with connected(client):
        await tree.sync()
        pushed = await fake.push_interaction(NEWS_GUILD_ID, NEWS_CHANNEL_ID, "news pair",
                                             {"first": "korea", "second": "japan"})
        await pushed.wait_for_callback()
        message = await text_channel(client, NEWS_CHANNEL_ID).send("hello")
    ours = {
        "gateway_hello.json": received["op10"],
        "gateway_heartbeat_ack.json": received["op11"],
        "gateway_ready.json": received["READY"],
        "gateway_guild_create.json": received["GUILD_CREATE"],
        "gateway_interaction_create.json": received["INTERACTION_CREATE"],
    }
    for name, frame in ours.items():
        real = json.loads((captured / name).read_text(encoding="utf-8"))[0]
        assert set(real) == set(frame), name
        if isinstance(real["d"], dict):
            missing = set(real["d"]) - set(frame["d"]) - CAPTURE_ONLY_KEYS
            assert not missing, f"{name}: {sorted(missing)}"
    real_message = json.loads((captured / "rest_create_message.json").read_text(encoding="utf-8"))[0]
    ours_message = next(m for m in fake.messages(NEWS_CHANNEL_ID) if m["id"] == str(message.id))
    assert set(real_message) <= set(ours_message)
