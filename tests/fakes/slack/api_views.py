"""views.open / push / update / publish: modals need a fresh trigger, every view passes Block Kit checks."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from tests.fakes.slack.api_support import (
    ApiError,
    CallContext,
    Handler,
    json_param,
    required_text,
    text_param,
)
from tests.fakes.slack.blocks import slack_messages, view_problems
from tests.fakes.slack.directory import Team
from tests.fakes.slack.state import SlackState


def views_open(state: SlackState, call: CallContext) -> dict[str, Any]:
    """views.open, and views.push (same checks: a fresh trigger and a valid view)."""
    team = call.team(state)
    _use_trigger(state, team, call)
    view = _stored_view(state, team, _checked_view(call), root_view_id=None)
    return {"ok": True, "view": view}


def views_update(state: SlackState, call: CallContext) -> dict[str, Any]:
    team = call.team(state)
    view_id = text_param(call.params, "view_id")
    external_id = text_param(call.params, "external_id")
    if view_id is None and external_id is None:
        raise ApiError("invalid_arguments", messages=["[ERROR] either view_id or external_id is required"])
    current = next(
        (
            v
            for v in state.views.values()
            if v["team_id"] == team.id
            and (v["id"] == view_id or (external_id and v["external_id"] == external_id))
        ),
        None,
    )
    if current is None:
        raise ApiError("not_found")
    _check_hash(call, current)
    view = _stored_view(
        state, team, _checked_view(call), root_view_id=current["root_view_id"], view_id=current["id"]
    )
    return {"ok": True, "view": view}


def views_publish(state: SlackState, call: CallContext) -> dict[str, Any]:
    team = call.team(state)
    user_id = required_text(call.params, "user_id", "user_not_found")
    if team.user(user_id) is None:
        raise ApiError("user_not_found")
    requested = _checked_view(call)
    if requested.get("type") != "home":
        raise ApiError(
            "invalid_arguments", messages=["[ERROR] view type must be home [json-pointer:/view/type]"]
        )
    current_id = state.home_views.get((team.id, user_id))
    if current_id is not None:
        _check_hash(call, state.views[current_id])
    view = _stored_view(state, team, requested, root_view_id=None, view_id=current_id)
    state.home_views[(team.id, user_id)] = view["id"]
    return {"ok": True, "view": view}


def _use_trigger(state: SlackState, team: Team, call: CallContext) -> None:
    trigger_id = required_text(call.params, "trigger_id", "invalid_trigger_id")
    trigger = state.triggers.get(trigger_id)
    if trigger is None or trigger.team_id != team.id:
        raise ApiError("invalid_trigger_id")
    if trigger.used:
        raise ApiError("trigger_exchanged")
    if state.now() - trigger.issued_at > state.trigger_ttl:
        raise ApiError("expired_trigger_id")
    trigger.used = True


def _checked_view(call: CallContext) -> Mapping[str, Any]:
    view = json_param(call.params, "view", "invalid_arguments")
    if view is None:
        raise ApiError("invalid_arguments", messages=["[ERROR] missing required field: view"])
    problems = view_problems(view)
    if problems:
        raise ApiError("invalid_arguments", messages=slack_messages(problems))
    assert isinstance(view, Mapping)  # view_problems reports anything else
    return view


def _check_hash(call: CallContext, current: Mapping[str, Any]) -> None:
    expected = text_param(call.params, "hash")
    if expected is not None and expected != current["hash"]:
        raise ApiError("hash_conflict")


def _stored_view(
    state: SlackState,
    team: Team,
    requested: Mapping[str, Any],
    *,
    root_view_id: str | None,
    view_id: str | None = None,
) -> dict[str, Any]:
    view_id = view_id or state.new_id("V")
    view: dict[str, Any] = {
        "id": view_id,
        "team_id": team.id,
        "type": requested["type"],
        "blocks": list(requested.get("blocks", [])),
        "private_metadata": requested.get("private_metadata", ""),
        "callback_id": requested.get("callback_id", ""),
        "external_id": requested.get("external_id", ""),
        "state": {"values": {}},
        "hash": f"{int(state.now())}.{secrets.token_hex(4)}",
        "title": requested.get("title"),
        "close": requested.get("close"),
        "submit": requested.get("submit"),
        "clear_on_close": bool(requested.get("clear_on_close", False)),
        "notify_on_close": bool(requested.get("notify_on_close", False)),
        "submit_disabled": bool(requested.get("submit_disabled", False)),
        "root_view_id": root_view_id or view_id,
        "previous_view_id": None,
        "app_id": state.app.app_id,
        "app_installed_team_id": team.id,
        "bot_id": team.bot_id,
    }
    state.views[view_id] = view
    return view


HANDLERS: dict[str, Handler] = {
    "views.open": views_open,
    "views.push": views_open,
    "views.update": views_update,
    "views.publish": views_publish,
}
