"""auth.test, chat.*, conversations.* and users.info as the fake answers them."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

from tests.fakes.slack.api_support import (
    ApiError,
    CallContext,
    Handler,
    bool_param,
    bot_message,
    checked_message_content,
    int_param,
    postable_channel,
    required_text,
    text_param,
    visible_channel,
)
from tests.fakes.slack.state import SlackState

HISTORY_DEFAULT_LIMIT = 100
HISTORY_MAX_LIMIT = 999


def auth_test(state: SlackState, call: CallContext) -> dict[str, Any]:
    team = call.team(state)
    return {
        "ok": True,
        "url": f"https://{team.domain}.slack.com/",
        "team": team.name,
        "user": state.app.bot_name,
        "team_id": team.id,
        "user_id": team.bot_user_id,
        "bot_id": team.bot_id,
        "is_enterprise_install": False,
    }


def chat_post_message(state: SlackState, call: CallContext) -> dict[str, Any]:
    team = call.team(state)
    public_ok = "chat:write.public" in team.scopes.split(",")
    channel = postable_channel(team, call.params, public_ok=public_ok)
    content = checked_message_content(state, call.params)
    message = bot_message(state, team, content, state.next_ts())
    thread_ts = text_param(call.params, "thread_ts")
    if thread_ts is not None:
        if _find_message(state, channel.id, thread_ts) is None:
            raise ApiError("thread_not_found")
        message["thread_ts"] = thread_ts
    state.messages[channel.id].append(message)
    answer: dict[str, Any] = {"ok": True, "channel": channel.id, "ts": message["ts"], "message": message}
    if not content.text:
        # Slack accepts block-only messages but warns that notifications will have no text
        answer["warning"] = "missing_text"
        answer["response_metadata"] = {"warnings": ["missing_text"]}
    return answer


def chat_update(state: SlackState, call: CallContext) -> dict[str, Any]:
    team = call.team(state)
    channel = visible_channel(team, call.params)
    ts = required_text(call.params, "ts", "message_not_found")
    message = _find_message(state, channel.id, ts)
    if message is None:
        raise ApiError("message_not_found")
    if message.get("bot_id") != team.bot_id:
        raise ApiError("cant_update_message")
    if channel.is_archived:
        raise ApiError("is_archived")
    content = checked_message_content(state, call.params)
    message["text"] = content.text
    for key, value in (("blocks", content.blocks), ("attachments", content.attachments)):
        if value is not None:
            message[key] = value
        else:
            message.pop(key, None)
    if content.metadata is not None:
        message["metadata"] = content.metadata
    message["edited"] = {"user": team.bot_user_id, "ts": state.next_ts()}
    return {"ok": True, "channel": channel.id, "ts": ts, "text": content.text, "message": message}


def chat_post_ephemeral(state: SlackState, call: CallContext) -> dict[str, Any]:
    team = call.team(state)
    channel = postable_channel(team, call.params, public_ok=False)
    user_id = required_text(call.params, "user", "user_not_found")
    if team.user(user_id) is None:
        raise ApiError("user_not_found")
    if user_id not in channel.members:
        raise ApiError("user_not_in_channel")
    content = checked_message_content(state, call.params)
    ts = state.next_ts()
    state.ephemerals.append(
        {"channel": channel.id, "user": user_id, "ts": ts, **bot_message(state, team, content, ts)}
    )
    return {"ok": True, "message_ts": ts}


def conversations_info(state: SlackState, call: CallContext) -> dict[str, Any]:
    channel = visible_channel(call.team(state), call.params)
    return {"ok": True, "channel": channel.as_slack()}


def conversations_join(state: SlackState, call: CallContext) -> dict[str, Any]:
    channel = visible_channel(call.team(state), call.params)
    if channel.is_private:
        raise ApiError("method_not_supported_for_channel_type")
    if channel.is_archived:
        raise ApiError("is_archived")
    answer: dict[str, Any] = {"ok": True}
    if channel.bot_is_member:
        answer["warning"] = "already_in_channel"
        answer["response_metadata"] = {"warnings": ["already_in_channel"]}
    channel.bot_is_member = True
    answer["channel"] = channel.as_slack()
    return answer


def conversations_history(state: SlackState, call: CallContext) -> dict[str, Any]:
    channel = visible_channel(call.team(state), call.params)
    if not channel.bot_is_member:
        raise ApiError("not_in_channel")
    limit = min(max(int_param(call.params, "limit", HISTORY_DEFAULT_LIMIT), 1), HISTORY_MAX_LIMIT)
    inclusive = bool_param(call.params, "inclusive")
    oldest = _ts_bound(call.params, "oldest")
    latest = _ts_bound(call.params, "latest")
    # thread replies stay out of the channel's history, as in Slack (only their parent shows)
    newest_first = [
        m
        for m in reversed(state.messages[channel.id])
        if m.get("thread_ts", m["ts"]) == m["ts"] and _within(float(m["ts"]), oldest, latest, inclusive)
    ]
    offset = _offset_from_cursor(text_param(call.params, "cursor"))
    page = newest_first[offset : offset + limit]
    with_metadata = bool_param(call.params, "include_all_metadata")
    messages = [m if with_metadata else {k: v for k, v in m.items() if k != "metadata"} for m in page]
    has_more = offset + limit < len(newest_first)
    next_cursor = _cursor_for(offset + limit) if has_more else ""
    return {
        "ok": True,
        "messages": messages,
        "has_more": has_more,
        "pin_count": 0,
        "channel_actions_ts": None,
        "channel_actions_count": 0,
        "response_metadata": {"next_cursor": next_cursor},
    }


def users_info(state: SlackState, call: CallContext) -> dict[str, Any]:
    team = call.team(state)
    user = team.user(required_text(call.params, "user", "user_not_found"))
    if user is None:
        raise ApiError("user_not_found")
    return {"ok": True, "user": user.as_slack(team.id)}


def _find_message(state: SlackState, channel_id: str, ts: str) -> dict[str, Any] | None:
    return next((m for m in state.messages[channel_id] if m["ts"] == ts), None)


def _ts_bound(params: Mapping[str, Any], name: str) -> float | None:
    value = text_param(params, name)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise ApiError(f"invalid_ts_{name}") from None


def _within(ts: float, oldest: float | None, latest: float | None, inclusive: bool) -> bool:
    if oldest is not None and (ts < oldest or (ts == oldest and not inclusive)):
        return False
    return latest is None or ts < latest or (ts == latest and inclusive)


def _cursor_for(offset: int) -> str:
    return base64.b64encode(f"next_offset:{offset}".encode()).decode()


def _offset_from_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        prefix, _, number = base64.b64decode(cursor, validate=True).decode().partition(":")
        if prefix != "next_offset":
            raise ValueError(prefix)
        return int(number)
    except ValueError:
        raise ApiError("invalid_cursor") from None


HANDLERS: dict[str, Handler] = {
    "auth.test": auth_test,
    "chat.postMessage": chat_post_message,
    "chat.update": chat_update,
    "chat.postEphemeral": chat_post_ephemeral,
    "conversations.info": conversations_info,
    "conversations.join": conversations_join,
    "conversations.history": conversations_history,
    "users.info": users_info,
}
