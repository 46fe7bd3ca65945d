"""What Slack sends, translated: who (team, user), where (channel), and the share button's value.

Bolt hands listeners the raw payloads; slash commands, interactions and events each put the team,
user and channel in different places, and this module is the one that knows where.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from bot.chat import ChannelRef
from bot.commands.spec import MAX_LINE_CHARS, NEWS

PLATFORM: Final = "slack"
SHAREABLE_ROOTS = frozenset({NEWS})  # admin replies are never shared to a channel


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an interaction came from: the workspace, the user, and the channel when there is one."""

    team_id: str
    user_id: str
    channel_id: str | None = None
    user_name: str = ""

    def channel(self) -> ChannelRef:
        if not self.channel_id:
            raise ValueError("this interaction did not come from a channel")
        return ChannelRef(PLATFORM, self.team_id, self.channel_id)


def command_origin(command: Mapping[str, Any]) -> Origin:
    return Origin(str(command.get("team_id") or ""), str(command.get("user_id") or ""),
                  str(command.get("channel_id") or "") or None, str(command.get("user_name") or ""))


def interaction_origin(body: Mapping[str, Any]) -> Origin:
    """block_actions and view_submission payloads: ``team``, ``user`` and maybe ``channel`` objects."""
    team = body.get("team") or {}
    user = body.get("user") or {}
    channel = body.get("channel") or {}
    container = body.get("container") or {}
    return Origin(str(team.get("id") or user.get("team_id") or ""), str(user.get("id") or ""),
                  str(channel.get("id") or container.get("channel_id") or "") or None,
                  str(user.get("username") or user.get("name") or ""))


def event_team(body: Mapping[str, Any]) -> str:
    """The workspace of an Events API callback."""
    event = body.get("event") or {}
    return str(body.get("team_id") or event.get("team") or "")


def request_key(kind: str, payload: Mapping[str, Any], *, field: str) -> str:
    """A key naming one request, for "already handled?": its id field, else a hash of the payload."""
    value = payload.get(field)
    if isinstance(value, str) and value:
        return f"{kind}:{value}"[:300]
    digest = hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
    return f"{kind}:sha256:{digest}"


def share_value(root: str, text: str) -> str | None:
    """The share button's value: the command to run again in the channel; None when not shareable."""
    if root not in SHAREABLE_ROOTS or len(text) > MAX_LINE_CHARS:
        return None
    return json.dumps({"root": root, "text": text}, separators=(",", ":"))


def read_share_value(value: str) -> tuple[str, str] | None:
    """``(root, text)`` back from a share button; None for anything the bot did not write."""
    try:
        data = json.loads(value)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    root, text = data.get("root"), data.get("text")
    if root not in SHAREABLE_ROOTS or not isinstance(text, str) or len(text) > MAX_LINE_CHARS:
        return None
    return str(root), text
