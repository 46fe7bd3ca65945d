"""Builders for what Slack sends an app: slash command fields, Events API callbacks and their events,
block_actions and view_submission interactions, and Socket Mode envelopes.

Shapes follow payloads captured from a real workspace and Slack's schema samples (field names and nesting);
values are the caller's. Each builder returns plain dicts, ready for ``signing`` or a Socket Mode push.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from typing import Any


def event_ts(at: float | None = None) -> str:
    """A Slack event timestamp ("1712345678.123456") for ``at`` (default: now)."""
    return f"{time.time() if at is None else at:.6f}"


def slash_command_fields(
    *,
    team_id: str,
    team_domain: str,
    channel_id: str,
    channel_name: str,
    user_id: str,
    user_name: str,
    command: str,
    text: str,
    api_app_id: str,
    response_url: str,
    trigger_id: str,
    token: str,
) -> dict[str, str]:
    """The form fields of a slash command, in the order Slack sends them."""
    if not command.startswith("/"):
        raise ValueError(f"a slash command starts with '/', got {command!r}")
    return {
        "token": token,
        "team_id": team_id,
        "team_domain": team_domain,
        "channel_id": channel_id,
        "channel_name": channel_name,
        "user_id": user_id,
        "user_name": user_name,
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url,
        "trigger_id": trigger_id,
    }


def event_callback(
    *,
    team_id: str,
    api_app_id: str,
    event: Mapping[str, Any],
    token: str,
    bot_user_id: str,
    event_id: str | None = None,
    event_time: int | None = None,
) -> dict[str, Any]:
    """The Events API envelope (``type: event_callback``) around ``event``."""
    return {
        "token": token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": api_app_id,
        "event": dict(event),
        "type": "event_callback",
        "event_id": event_id or f"Ev{secrets.token_hex(5).upper()}",
        "event_time": int(time.time()) if event_time is None else event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": bot_user_id,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{secrets.token_urlsafe(24)}",
    }


def app_home_opened_event(
    *,
    user: str,
    channel: str,
    tab: str = "home",
    view: Mapping[str, Any] | None = None,
    ts: str | None = None,
) -> dict[str, Any]:
    """A user opened the app's Home (``channel`` is the app's DM with the user, ``D...``)."""
    event: dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab}
    event["event_ts"] = ts or event_ts()
    if view is not None:
        event["view"] = dict(view)
    return event


def member_joined_channel_event(
    *,
    user: str,
    channel: str,
    team: str,
    inviter: str | None = None,
    channel_type: str = "C",
    ts: str | None = None,
) -> dict[str, Any]:
    """``user`` joined ``channel`` (the bot itself, when it is invited)."""
    event: dict[str, Any] = {
        "type": "member_joined_channel",
        "user": user,
        "channel": channel,
        "channel_type": channel_type,
        "team": team,
        "event_ts": ts or event_ts(),
    }
    if inviter is not None:
        event["inviter"] = inviter
    return event


def app_uninstalled_event() -> dict[str, Any]:
    """The app was removed from the workspace (its tokens stop working)."""
    return {"type": "app_uninstalled"}


def tokens_revoked_event(*, bot_user_ids: Sequence[str] = (), user_ids: Sequence[str] = ()) -> dict[str, Any]:
    """Tokens were revoked: lists the users whose user (``oauth``) and bot tokens died."""
    return {"type": "tokens_revoked", "tokens": {"oauth": list(user_ids), "bot": list(bot_user_ids)}}


def channel_archive_event(*, channel: str, user: str, ts: str | None = None) -> dict[str, Any]:
    """``user`` archived ``channel``."""
    return {
        "type": "channel_archive",
        "channel": channel,
        "user": user,
        "is_moved": 0,
        "event_ts": ts or event_ts(),
    }


def button_action(
    *, action_id: str, value: str, block_id: str, text: str = "Button", action_ts: str | None = None
) -> dict[str, Any]:
    """One clicked button, as it appears in ``actions`` of a block_actions payload."""
    return {
        "action_id": action_id,
        "block_id": block_id,
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "value": value,
        "type": "button",
        "action_ts": action_ts or event_ts(),
    }


def block_actions_payload(
    *,
    team_id: str,
    team_domain: str,
    user_id: str,
    user_name: str,
    channel_id: str,
    channel_name: str,
    actions: Sequence[Mapping[str, Any]],
    api_app_id: str,
    token: str,
    trigger_id: str,
    response_url: str,
    message: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """A click in a message: the ``block_actions`` interaction."""
    message_ts = str(message["ts"]) if message is not None else event_ts()
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": token,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel_id,
            "is_ephemeral": False,
        },
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": team_domain},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": channel_id, "name": channel_name},
        "state": {"values": {}},
        "response_url": response_url,
        "actions": [dict(a) for a in actions],
    }
    if message is not None:
        payload["message"] = dict(message)
    return payload


def view_submission_payload(
    *,
    team_id: str,
    team_domain: str,
    user_id: str,
    user_name: str,
    api_app_id: str,
    token: str,
    trigger_id: str,
    view_id: str,
    callback_id: str,
    values: Mapping[str, Mapping[str, Any]],
    bot_id: str,
    private_metadata: str = "",
    title: str = "Settings",
) -> dict[str, Any]:
    """A submitted modal: ``values`` is ``view.state.values`` ({block_id: {action_id: {type, value...}}})."""
    return {
        "type": "view_submission",
        "team": {"id": team_id, "domain": team_domain},
        "user": {"id": user_id, "username": user_name, "name": user_name, "team_id": team_id},
        "api_app_id": api_app_id,
        "token": token,
        "trigger_id": trigger_id,
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": {k: dict(v) for k, v in values.items()}},
            "hash": f"{int(time.time())}.{secrets.token_hex(4)}",
            "title": {"type": "plain_text", "text": title, "emoji": True},
            "clear_on_close": False,
            "notify_on_close": False,
            "submit_disabled": False,
            "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
            "submit": {"type": "plain_text", "text": "Save", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": api_app_id,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": bot_id,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def socket_envelope(
    envelope_type: str,
    payload: Mapping[str, Any],
    *,
    accepts_response_payload: bool,
    envelope_id: str | None = None,
    retry_attempt: int = 0,
    retry_reason: str = "",
) -> dict[str, Any]:
    """A Socket Mode envelope as Slack frames it (``retry_*`` only on ``events_api``)."""
    envelope: dict[str, Any] = {
        "envelope_id": envelope_id or str(uuid.uuid4()),
        "payload": dict(payload),
        "type": envelope_type,
        "accepts_response_payload": accepts_response_payload,
    }
    if envelope_type == "events_api":
        envelope["retry_attempt"] = retry_attempt
        envelope["retry_reason"] = retry_reason
    return envelope
