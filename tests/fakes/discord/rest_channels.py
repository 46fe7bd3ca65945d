"""REST routes for the gateway, the bot's identity, guilds, channels, messages and threads."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from . import messages
from . import payloads as p
from .context import RestContext, Route
from .state import GuildState
from .wire import (
    ApiFailure,
    ParsedBody,
    invalid_form,
    json_object,
    json_response,
    no_content,
    snowflake_param,
)

JSON = dict[str, Any]

NONCE_MAX = 25
TEXT_KINDS = {p.GUILD_TEXT, p.GUILD_ANNOUNCEMENT, p.PUBLIC_THREAD, 10, 12}
THREAD_KINDS = {10, 11, 12}


async def get_gateway(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    return json_response({"url": ctx.gateway_url})


async def get_gateway_bot(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    return json_response({
        "url": ctx.gateway_url,
        "shards": ctx.world.config.recommended_shards,
        "session_start_limit": {"total": 1000, "remaining": ctx.world.session_starts_remaining,
                                "reset_after": 86_400_000, "max_concurrency": 1},
    })


async def get_current_user(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    return json_response(p.current_user(ctx.world.config.bot_user_id, ctx.world.config.bot_name))


async def get_application(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    config = ctx.world.config
    owner = p.user(80351110224678912, "owner")
    payload = p.application(config.app_id, config.bot_name, owner=owner, flags=config.app_flags)
    payload["bot"] = ctx.bot_author()
    payload["approximate_guild_count"] = len(ctx.world.guilds)
    return json_response(payload)


async def get_guild(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    guild = ctx.guild(snowflake_param(request, "guild_id"))
    payload = ctx.world.guild_object(guild)
    if request.query.get("with_counts") in ("true", "True", "1"):
        payload["approximate_member_count"] = 1 + len(guild.spec.members)
        payload["approximate_presence_count"] = 1
    return json_response(payload)


async def get_guild_channels(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    guild = ctx.guild(snowflake_param(request, "guild_id"))
    return json_response(list(guild.channels.values()))


async def get_guild_member(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    guild = ctx.guild(snowflake_param(request, "guild_id"))
    user_id = snowflake_param(request, "user_id")
    if user_id == ctx.world.config.bot_user_id:
        return json_response(ctx.world.bot_member(guild))
    for person in guild.spec.members:
        if person.id == user_id:
            return json_response(ctx.world.human_member(guild, person))
    raise ApiFailure(404, 10007, "Unknown Member")


async def get_channel(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    _, channel = ctx.channel(snowflake_param(request, "channel_id"))
    return json_response(channel)


async def create_message(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    channel_id = snowflake_param(request, "channel_id")
    guild, channel = ctx.channel(channel_id)
    if channel["type"] not in TEXT_KINDS:
        raise ApiFailure(400, 50008, "Cannot send messages in a non-text channel")
    fields = {} if body.json is None else json_object(body)
    nonce = _nonce(fields)
    messages.validate(fields, body.files)
    author_id = str(ctx.world.config.bot_user_id)
    if nonce is not None and fields.get("enforce_nonce") is True:
        earlier = ctx.world.message_for_nonce(channel_id, author_id, nonce)
        if earlier is not None:
            return json_response(earlier)
    message = messages.build(channel_id=channel_id, body=fields, files=body.files, author=ctx.bot_author(),
                             attachment_base=ctx.public_base)
    ctx.world.store_message(channel_id, message)
    if nonce is not None:
        ctx.world.remember_nonce(channel_id, author_id, nonce, message)
    await ctx.emit(guild.id, "MESSAGE_CREATE", ctx.message_event(guild, message))
    return json_response(message)


def _nonce(fields: JSON) -> str | None:
    nonce = fields.get("nonce")
    if nonce is None:
        return None
    if not isinstance(nonce, (str, int)) or len(str(nonce)) > NONCE_MAX:
        raise invalid_form({"nonce": {"_errors": [
            {"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {NONCE_MAX} or fewer in length."}]}})
    return str(nonce)


def _find_message(ctx: RestContext, request: web.Request) -> tuple[GuildState, int, JSON]:
    channel_id = snowflake_param(request, "channel_id")
    guild, _ = ctx.channel(channel_id)
    message_id = str(snowflake_param(request, "message_id"))
    for message in ctx.world.messages.get(channel_id, []):
        if message["id"] == message_id:
            return guild, channel_id, message
    raise ApiFailure(404, 10008, "Unknown Message")


async def get_message(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    _, _, message = _find_message(ctx, request)
    return json_response(message)


async def edit_message(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    guild, _, message = _find_message(ctx, request)
    fields = body.json if isinstance(body.json, dict) else {}
    messages.edit(message, fields, body.files, attachment_base=ctx.public_base)
    ctx.world.changed()
    await ctx.emit(guild.id, "MESSAGE_UPDATE", ctx.message_event(guild, message))
    return json_response(message)


async def delete_message(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    guild, channel_id, message = _find_message(ctx, request)
    ctx.world.messages[channel_id].remove(message)
    ctx.world.changed()
    await ctx.emit(guild.id, "MESSAGE_DELETE",
                   {"id": message["id"], "channel_id": str(channel_id), "guild_id": str(guild.id)})
    return no_content()


async def start_thread(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    """POST /channels/{id}/threads: a thread without a starter message (or a forum post with one)."""
    channel_id = snowflake_param(request, "channel_id")
    guild, channel = ctx.channel(channel_id)
    fields = json_object(body) if body.json is not None else {}
    thread = _new_thread(ctx, guild, channel, fields, thread_id=p.snowflake())
    starter = fields.get("message")
    if isinstance(starter, dict):
        messages.validate(starter, body.files, prefix=["message"])
        first = messages.build(channel_id=int(thread["id"]), body=starter, files=body.files,
                               author=ctx.bot_author(), attachment_base=ctx.public_base)
        ctx.world.store_message(int(thread["id"]), first)
        thread = {**thread, "message": first}
    await ctx.emit(guild.id, "THREAD_CREATE", {**thread, "newly_created": True})
    return json_response(thread, status=201)


async def start_thread_from_message(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    """POST /channels/{id}/messages/{message_id}/threads: the thread takes the message's id."""
    guild, channel_id, message = _find_message(ctx, request)
    if int(message["id"]) in guild.threads:
        raise ApiFailure(400, 160004, "A thread has already been created for this message")
    fields = json_object(body) if body.json is not None else {}
    _, channel = ctx.channel(channel_id)
    fields = {**fields, "type": p.PUBLIC_THREAD}
    thread = _new_thread(ctx, guild, channel, fields, thread_id=int(message["id"]))
    await ctx.emit(guild.id, "THREAD_CREATE", {**thread, "newly_created": True})
    return json_response(thread, status=201)


def _new_thread(ctx: RestContext, guild: GuildState, parent: JSON, fields: JSON, *, thread_id: int) -> JSON:
    if parent["type"] not in (p.GUILD_TEXT, p.GUILD_ANNOUNCEMENT, 15):
        raise ApiFailure(400, 50024, "Cannot execute action on this channel type")
    name = fields.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= 100:
        raise invalid_form({"name": {"_errors": [
            {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]}})
    kind = fields.get("type", p.PUBLIC_THREAD)
    if kind not in THREAD_KINDS:
        raise invalid_form({"type": {"_errors": [
            {"code": "BASE_TYPE_CHOICES", "message": "Value must be one of {10, 11, 12}."}]}})
    archive = fields.get("auto_archive_duration", 1440)
    thread = p.thread(thread_id, guild.id, int(parent["id"]), name, owner_id=ctx.world.config.bot_user_id,
                      auto_archive_minutes=archive if archive in (60, 1440, 4320, 10080) else 1440)
    thread["type"] = kind
    guild.threads[thread_id] = thread
    ctx.world.changed()
    return thread


ROUTES: list[Route] = [
    ("GET", "/gateway", get_gateway),
    ("GET", "/gateway/bot", get_gateway_bot),
    ("GET", "/users/@me", get_current_user),
    ("GET", "/oauth2/applications/@me", get_application),
    ("GET", "/guilds/{guild_id}", get_guild),
    ("GET", "/guilds/{guild_id}/channels", get_guild_channels),
    ("GET", "/guilds/{guild_id}/members/{user_id}", get_guild_member),
    ("GET", "/channels/{channel_id}", get_channel),
    ("POST", "/channels/{channel_id}/messages", create_message),
    ("GET", "/channels/{channel_id}/messages/{message_id}", get_message),
    ("PATCH", "/channels/{channel_id}/messages/{message_id}", edit_message),
    ("DELETE", "/channels/{channel_id}/messages/{message_id}", delete_message),
    ("POST", "/channels/{channel_id}/threads", start_thread),
    ("POST", "/channels/{channel_id}/messages/{message_id}/threads", start_thread_from_message),
]
