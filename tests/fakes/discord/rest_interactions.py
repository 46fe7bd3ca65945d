"""REST routes for application commands, interaction callbacks and the interaction webhook (followups)."""

from __future__ import annotations

import re
import time
from typing import Any

from aiohttp import web

from . import messages
from . import payloads as p
from .context import RestContext, Route
from .limits import autocomplete_errors
from .state import CommandOverwrite, InteractionCallback, InteractionState
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

COMMAND_NAME = re.compile(r"^[-_'\w]{1,32}$")
COMMANDS_MAX = 100
OPTIONS_MAX = 25

PONG, CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, AUTOCOMPLETE_RESULT, MODAL = (
    1, 4, 5, 6, 7, 8, 9)
# Callback types each interaction type accepts (1 ping, 2 command, 3 component, 4 autocomplete, 5 modal).
ALLOWED_CALLBACKS = {
    1: {PONG},
    2: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, MODAL},
    3: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE, MODAL},
    4: {AUTOCOMPLETE_RESULT},
    5: {CHANNEL_MESSAGE, DEFERRED_MESSAGE, DEFERRED_UPDATE, UPDATE_MESSAGE},
}


# -- application commands -----------------------------------------------------------------------------------


def _command_scope(ctx: RestContext, request: web.Request) -> int | None:
    if snowflake_param(request, "application_id") != ctx.app_id:
        raise ApiFailure(403, 50001, "Missing Access")
    if "guild_id" not in request.match_info:
        return None
    guild_id = snowflake_param(request, "guild_id")
    if guild_id not in ctx.world.guilds:
        raise ApiFailure(403, 50001, "Missing Access")
    return guild_id


async def get_commands(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    return json_response(ctx.world.commands.get(_command_scope(ctx, request), []))


async def overwrite_commands(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    """PUT: the list replaces every command in the scope; unchanged names keep their ids."""
    scope = _command_scope(ctx, request)
    declared = body.json
    if not isinstance(declared, list):
        raise invalid_form({"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]})
    errors: JSON = {}
    for index, command in enumerate(declared):
        problem = _command_errors(command)
        if problem:
            errors[str(index)] = problem
    names = [(c.get("name"), c.get("type", 1)) for c in declared if isinstance(c, dict)]
    if len(set(names)) != len(names):
        errors.setdefault("_errors", []).append({"code": "APPLICATION_COMMANDS_DUPLICATE_NAME",
                                                 "message": "Application command names must be unique"})
    if len(declared) > COMMANDS_MAX:
        errors.setdefault("_errors", []).append(
            {"code": "BASE_TYPE_MAX_LENGTH", "message": f"Must be {COMMANDS_MAX} or fewer in length."})
    if errors:
        raise invalid_form(errors)
    stored = [_store(ctx, scope, command) for command in declared]
    ctx.world.commands[scope] = stored
    ctx.world.command_overwrites.append(CommandOverwrite(guild_id=scope, commands=stored))
    ctx.world.changed()
    return json_response(stored)


async def upsert_command(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    """POST: creates one command, or replaces the one with the same name and type."""
    scope = _command_scope(ctx, request)
    command = json_object(body)
    problem = _command_errors(command)
    if problem:
        raise invalid_form(problem)
    existing = ctx.world.commands.setdefault(scope, [])
    stored = _store(ctx, scope, command)
    replaced = [c for c in existing if c["id"] == stored["id"]]
    for old in replaced:
        existing.remove(old)
    existing.append(stored)
    ctx.world.changed()
    return json_response(stored, status=200 if replaced else 201)


def _store(ctx: RestContext, scope: int | None, command: JSON) -> JSON:
    previous = {(c["name"], c["type"]): c["id"] for c in ctx.world.commands.get(scope, [])}
    known_id = previous.get((command["name"], command.get("type", 1)))
    command_id = int(known_id) if known_id is not None else p.snowflake()
    return p.application_command(command, command_id=command_id, app_id=ctx.app_id, guild_id=scope,
                                 version=p.snowflake())


def _command_errors(command: Any) -> JSON:
    if not isinstance(command, dict):
        return {"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "Must be an object."}]}
    errors: JSON = {}
    kind = command.get("type", 1)
    name = command.get("name")
    if not isinstance(name, str) or not COMMAND_NAME.match(name) or (kind == 1 and name != name.lower()):
        errors["name"] = {"_errors": [{"code": "APPLICATION_COMMAND_INVALID_NAME",
                                       "message": "Command name is invalid"}]}
    description = command.get("description", "")
    if kind == 1 and (not isinstance(description, str) or not 1 <= len(description) <= 100):
        errors["description"] = {"_errors": [
            {"code": "BASE_TYPE_BAD_LENGTH", "message": "Must be between 1 and 100 in length."}]}
    options = command.get("options") or []
    option_errors = _options_errors(options)
    if option_errors:
        errors["options"] = option_errors
    return errors


def _options_errors(options: Any) -> JSON:
    if not isinstance(options, list):
        return {"_errors": [{"code": "BASE_TYPE_ARRAY", "message": "Must be an array."}]}
    errors: JSON = {}
    if len(options) > OPTIONS_MAX:
        errors["_errors"] = [{"code": "BASE_TYPE_MAX_LENGTH",
                              "message": f"Must be {OPTIONS_MAX} or fewer in length."}]
    seen_optional = False
    for index, option in enumerate(options):
        problem = _command_errors({**option, "type": 1}) if isinstance(option, dict) else {"_errors": []}
        if isinstance(option, dict):
            if option.get("choices") and option.get("autocomplete"):
                problem.setdefault("autocomplete", {"_errors": []})["_errors"].append(
                    {"code": "AUTOCOMPLETE_CHOICES_MUTUALLY_EXCLUSIVE",
                     "message": "Autocomplete and choices cannot both be set"})
            is_value = option.get("type") not in (1, 2)
            if is_value and option.get("required") and seen_optional:
                problem.setdefault("required", {"_errors": []})["_errors"].append(
                    {"code": "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
                     "message": "Required options must be placed before non-required options"})
            seen_optional = seen_optional or (is_value and not option.get("required"))
        if problem:
            errors[str(index)] = problem
    return errors


# -- interaction callbacks ----------------------------------------------------------------------------------


def _interaction(ctx: RestContext, interaction_id: int, token: str) -> InteractionState:
    state = ctx.world.interactions.get(interaction_id)
    if state is None or state.payload["token"] != token:
        raise ApiFailure(404, 10062, "Unknown interaction")
    deadline = ctx.world.config.interaction_deadline_s
    if deadline is not None and time.monotonic() - state.created_at > deadline:
        raise ApiFailure(404, 10062, "Unknown interaction")
    return state


async def interaction_callback(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    state = _interaction(ctx, snowflake_param(request, "interaction_id"), request.match_info["token"])
    response = json_object(body)
    kind = response.get("type")
    if state.acknowledged_with is not None:
        raise ApiFailure(400, 40060, "Interaction has already been acknowledged.")
    if kind not in ALLOWED_CALLBACKS.get(state.kind, set()):
        raise invalid_form({"type": {"_errors": [{"code": "INTERACTION_RESPONSE_TYPE_INVALID",
                                                  "message": f"Callback type {kind} is not valid here"}]}})
    data = response.get("data")
    if kind == CHANNEL_MESSAGE:
        fields = data if isinstance(data, dict) else {}
        messages.validate(fields, body.files, prefix=["data"])
        state.original = await _post_interaction_message(ctx, state, fields, body, loading=False)
    elif kind == DEFERRED_MESSAGE:
        fields = data if isinstance(data, dict) else {}
        state.original = await _post_interaction_message(ctx, state, {}, body, loading=True,
                                                         flags=int(fields.get("flags") or 0) & p.EPHEMERAL)
    elif kind == AUTOCOMPLETE_RESULT:
        problem = autocomplete_errors(data)
        if problem is not None:
            raise invalid_form(problem)
    state.acknowledged_with = kind
    ctx.world.interaction_callbacks.append(InteractionCallback(
        interaction_id=state.id, token=state.payload["token"], type=kind,
        data=data if isinstance(data, dict) else None, files=body.files))
    ctx.world.changed()
    if request.query.get("with_response") not in ("1", "true", "True"):
        return no_content()
    return json_response(_callback_response(state, kind))


def _callback_response(state: InteractionState, kind: int) -> JSON:
    original = state.original
    ephemeral = original is not None and bool(int(original["flags"]) & p.EPHEMERAL)
    interaction: JSON = {"id": str(state.id), "type": state.kind, "activity_instance_id": None,
                         "response_message_id": None if original is None else original["id"],
                         "response_message_loading": kind == DEFERRED_MESSAGE,
                         "response_message_ephemeral": ephemeral}
    resource: JSON = {"type": kind}
    if original is not None:
        resource["message"] = original
    return {"interaction": interaction, "resource": resource}


async def _post_interaction_message(ctx: RestContext, state: InteractionState, fields: JSON, body: ParsedBody,
                                    *, loading: bool, flags: int | None = None,
                                    original_id: str | None = None) -> JSON:
    """A message 'from' the interaction: shown in the channel, or only to the user when ephemeral."""
    metadata: JSON = {"id": str(state.id), "type": state.kind, "user": state.payload["member"]["user"],
                      "authorizing_integration_owners": state.payload["authorizing_integration_owners"]}
    if original_id is not None:
        metadata["original_response_message_id"] = original_id
    wanted_flags = int(fields.get("flags") or 0) if flags is None else flags
    message = messages.build(
        channel_id=state.channel_id, body=fields, files=() if loading else body.files,
        author=ctx.bot_author(), attachment_base=ctx.public_base, kind=p.CHAT_INPUT_COMMAND_MESSAGE,
        flags=wanted_flags | (p.LOADING if loading else 0), webhook_id=ctx.app_id,
        application_id=ctx.app_id, interaction_metadata=metadata,
    )
    if not int(message["flags"]) & p.EPHEMERAL:
        ctx.world.store_message(state.channel_id, message)
        guild = ctx.world.guilds.get(state.guild_id)
        if guild is not None:
            await ctx.emit(guild.id, "MESSAGE_CREATE", ctx.message_event(guild, message))
    return message


# -- the interaction webhook --------------------------------------------------------------------------------


def _webhook_interaction(ctx: RestContext, request: web.Request) -> InteractionState:
    """The acknowledged interaction behind /webhooks/{application}/{token}; otherwise 'Unknown Webhook'."""
    token = request.match_info["webhook_token"]
    if snowflake_param(request, "webhook_id") == ctx.app_id:
        for state in ctx.world.interactions.values():
            if state.payload["token"] == token and state.acknowledged_with is not None:
                return state
    raise ApiFailure(404, 10015, "Unknown Webhook")


def _webhook_message(ctx: RestContext, request: web.Request) -> tuple[InteractionState, JSON]:
    state = _webhook_interaction(ctx, request)
    wanted = request.match_info["message_id"]
    if wanted == "@original":
        if state.original is not None:
            return state, state.original
    else:
        for message in state.followups:
            if message["id"] == wanted:
                return state, message
    raise ApiFailure(404, 10008, "Unknown Message")


async def get_webhook_message(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    _, message = _webhook_message(ctx, request)
    return json_response(message)


async def edit_webhook_message(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    state, message = _webhook_message(ctx, request)
    fields = body.json if isinstance(body.json, dict) else {}
    messages.edit(message, fields, body.files, attachment_base=ctx.public_base)
    ctx.world.changed()
    guild = ctx.world.guilds.get(state.guild_id)
    if guild is not None and not int(message["flags"]) & p.EPHEMERAL:
        await ctx.emit(guild.id, "MESSAGE_UPDATE", ctx.message_event(guild, message))
    return json_response(message)


async def delete_webhook_message(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    state, message = _webhook_message(ctx, request)
    if message is state.original:
        state.original = None
    else:
        state.followups.remove(message)
    stored = ctx.world.messages.get(state.channel_id, [])
    if message in stored:
        stored.remove(message)
        deleted = {"id": message["id"], "channel_id": str(state.channel_id), "guild_id": str(state.guild_id)}
        await ctx.emit(state.guild_id, "MESSAGE_DELETE", deleted)
    ctx.world.changed()
    return no_content()


async def create_followup(ctx: RestContext, request: web.Request, body: ParsedBody) -> web.Response:
    """POST /webhooks/{app}/{token}: after a deferral the first followup fills the "thinking" message."""
    state = _webhook_interaction(ctx, request)
    fields = json_object(body) if body.json is not None else {}
    messages.validate(fields, body.files)
    original = state.original
    if original is not None and int(original["flags"]) & p.LOADING and not state.followups:
        messages.edit(original, fields, body.files, attachment_base=ctx.public_base)
        message = original
        guild = ctx.world.guilds.get(state.guild_id)
        if guild is not None and not int(message["flags"]) & p.EPHEMERAL:
            await ctx.emit(guild.id, "MESSAGE_UPDATE", ctx.message_event(guild, message))
    else:
        message = await _post_interaction_message(
            ctx, state, fields, body, loading=False,
            original_id=None if original is None else original["id"])
    state.followups.append(message)
    ctx.world.changed()
    if request.query.get("wait") in ("true", "True", "1"):
        return json_response(message)
    return no_content()


ROUTES: list[Route] = [
    ("GET", "/applications/{application_id}/commands", get_commands),
    ("PUT", "/applications/{application_id}/commands", overwrite_commands),
    ("POST", "/applications/{application_id}/commands", upsert_command),
    ("GET", "/applications/{application_id}/guilds/{guild_id}/commands", get_commands),
    ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands", overwrite_commands),
    ("POST", "/applications/{application_id}/guilds/{guild_id}/commands", upsert_command),
    ("POST", "/interactions/{interaction_id}/{token}/callback", interaction_callback),
    ("POST", "/webhooks/{webhook_id}/{webhook_token}", create_followup),
    ("GET", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", get_webhook_message),
    ("PATCH", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", edit_webhook_message),
    ("DELETE", "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}", delete_webhook_message),
]
