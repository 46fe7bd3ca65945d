"""What every fake Web API method shares: the error type, the call context, parameter reading and the
message checks of chat.postMessage / chat.update / chat.postEphemeral / response_url."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tests.fakes.slack.blocks import (
    MESSAGE_TEXT_MAX,
    block_text_total,
    message_block_problems,
    slack_messages,
)
from tests.fakes.slack.directory import Channel, Team
from tests.fakes.slack.state import SlackState, TokenGrant

MAX_ATTACHMENTS = 100
TRUE_WORDS = frozenset({"1", "true", "True", "TRUE", "yes"})


class ApiError(Exception):
    """An API-level failure: HTTP 200 with ``{"ok": false, "error": code}``."""

    def __init__(self, error: str, *, messages: Sequence[str] = (), **extra: Any) -> None:
        super().__init__(error)
        self.error = error
        self.messages = list(messages)
        self.extra = extra

    def body(self) -> dict[str, Any]:
        """The JSON body Slack answers with."""
        body: dict[str, Any] = {"ok": False, "error": self.error, **self.extra}
        if self.messages:
            body["response_metadata"] = {"messages": self.messages}
        return body


@dataclass(frozen=True)
class CallContext:
    """One call as a method handler sees it."""

    method: str
    params: Mapping[str, Any]
    grant: TokenGrant | None
    base_url: str
    basic_auth: tuple[str, str] | None = None

    def team(self, state: SlackState) -> Team:
        """The team the caller's token belongs to."""
        if self.grant is None or self.grant.team_id is None:
            raise ApiError("not_allowed_token_type")
        return state.team(self.grant.team_id)


Handler = Callable[[SlackState, CallContext], dict[str, Any]]


def text_param(params: Mapping[str, Any], name: str) -> str | None:
    """``name`` as a string, or None when absent or empty."""
    value = params.get(name)
    if value is None or value == "":
        return None
    return value if isinstance(value, str) else str(value)


def required_text(params: Mapping[str, Any], name: str, error: str = "invalid_arguments") -> str:
    """``name`` as a non-empty string, or ``error`` naming the missing field."""
    value = text_param(params, name)
    if value is None:
        raise ApiError(error, messages=[f"[ERROR] missing required field: {name}"])
    return value


def bool_param(params: Mapping[str, Any], name: str) -> bool:
    """A boolean argument sent as JSON true or as "1" / "true" in a form."""
    value = params.get(name)
    return value is True or (isinstance(value, str) and value in TRUE_WORDS)


def int_param(params: Mapping[str, Any], name: str, default: int) -> int:
    """An integer argument; ``invalid_arguments`` when it is not one."""
    value = params.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ApiError("invalid_arguments", messages=[f"[ERROR] {name} must be an integer"]) from None


def json_param(params: Mapping[str, Any], name: str, error: str) -> Any:
    """An argument that a form carries as JSON text and a JSON body carries as a value."""
    value = params.get(name)
    if isinstance(value, str):
        if value == "":
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ApiError(error, messages=[f"[ERROR] {name} is not valid JSON"]) from None
    return value


@dataclass(frozen=True)
class MessageContent:
    """The visible parts of a message after Slack's checks passed."""

    text: str
    blocks: list[dict[str, Any]] | None
    attachments: list[Any] | None
    metadata: dict[str, Any] | None


def checked_message_content(state: SlackState, params: Mapping[str, Any]) -> MessageContent:
    """Text, blocks, attachments and metadata of a message, or the error Slack would answer."""
    text = text_param(params, "text") or ""
    blocks = json_param(params, "blocks", "invalid_blocks_format")
    if blocks is not None:
        problems = message_block_problems(blocks)
        if problems:
            raise ApiError("invalid_blocks", messages=slack_messages(problems))
        if block_text_total(blocks) > state.max_block_text_total:
            raise ApiError("msg_blocks_too_long")
    attachments = json_param(params, "attachments", "invalid_attachments")
    if attachments is not None and (not isinstance(attachments, list) or len(attachments) > MAX_ATTACHMENTS):
        raise ApiError("too_many_attachments" if isinstance(attachments, list) else "invalid_attachments")
    if not text and not blocks and not attachments:
        raise ApiError("no_text")
    if len(text) > MESSAGE_TEXT_MAX:
        raise ApiError("msg_too_long")
    metadata = json_param(params, "metadata", "invalid_metadata_format")
    if metadata is not None:
        metadata = _checked_metadata(metadata)
    return MessageContent(text, _with_block_ids(blocks), attachments, metadata)


def _checked_metadata(metadata: object) -> dict[str, Any]:
    if not isinstance(metadata, Mapping):
        raise ApiError("invalid_metadata_format")
    event_type = metadata.get("event_type")
    payload = metadata.get("event_payload")
    if not isinstance(event_type, str) or not event_type or not isinstance(payload, Mapping):
        raise ApiError("invalid_metadata_schema")
    return {"event_type": event_type, "event_payload": dict(payload)}


def _with_block_ids(blocks: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
    # Slack gives every stored block a short random block_id when the app sent none.
    if blocks is None:
        return None
    return [
        block if "block_id" in block else {**block, "block_id": secrets.token_urlsafe(3)} for block in blocks
    ]


def bot_message(state: SlackState, team: Team, content: MessageContent, ts: str) -> dict[str, Any]:
    """The stored message a bot post becomes (also what chat.postMessage returns as ``message``)."""
    message: dict[str, Any] = {
        "type": "message",
        "user": team.bot_user_id,
        "bot_id": team.bot_id,
        "app_id": state.app.app_id,
        "text": content.text,
        "ts": ts,
        "team": team.id,
        "bot_profile": {
            "id": team.bot_id,
            "app_id": state.app.app_id,
            "name": state.app.bot_name,
            "deleted": False,
            "team_id": team.id,
            "updated": 1_700_000_000,
        },
    }
    if content.blocks is not None:
        message["blocks"] = content.blocks
    if content.attachments is not None:
        message["attachments"] = content.attachments
    if content.metadata is not None:
        message["metadata"] = content.metadata
    return message


def postable_channel(
    team: Team, params: Mapping[str, Any], *, name: str = "channel", public_ok: bool
) -> Channel:
    """The channel the bot may post to, or channel_not_found / is_archived / not_in_channel.

    ``public_ok`` lets a bot with ``chat:write.public`` post to public channels it has not joined.
    """
    channel = visible_channel(team, params, name=name)
    if channel.is_archived:
        raise ApiError("is_archived")
    if not channel.bot_is_member and not (public_ok and not channel.is_private):
        raise ApiError("not_in_channel")
    return channel


def visible_channel(team: Team, params: Mapping[str, Any], *, name: str = "channel") -> Channel:
    """The channel named by ``params[name]`` as the bot sees it: private ones it is not in do not exist."""
    reference = text_param(params, name)
    channel = team.channel(reference) if reference else None
    if channel is None or (channel.is_private and not channel.bot_is_member):
        raise ApiError("channel_not_found")
    return channel
