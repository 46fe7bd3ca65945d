"""The external file upload of ``files_upload_v2``: get an upload URL, send the bytes there, complete."""

from __future__ import annotations

import dataclasses
import mimetypes
import secrets
from typing import Any

from tests.fakes.slack.api_support import (
    ApiError,
    CallContext,
    Handler,
    json_param,
    postable_channel,
    required_text,
    text_param,
)
from tests.fakes.slack.records import UploadedFile
from tests.fakes.slack.state import SlackState

MAX_FILE_BYTES = 1024**3  # Slack's limit per file is 1 GB


def files_get_upload_url_external(state: SlackState, call: CallContext) -> dict[str, Any]:
    team = call.team(state)
    filename = required_text(call.params, "filename")
    length_text = required_text(call.params, "length")
    try:
        length = int(length_text)
    except ValueError:
        raise ApiError("invalid_arguments", messages=["[ERROR] length must be an integer"]) from None
    if length <= 0:
        # Slack: "missing_argument ... typically only occurs when the length provided is 0"
        raise ApiError("missing_argument")
    if length > MAX_FILE_BYTES:
        raise ApiError("file_upload_size_restricted")
    file_id = state.new_id("F")
    key = secrets.token_urlsafe(16)
    state.files[file_id] = UploadedFile(
        file_id=file_id,
        team_id=team.id,
        user_id=team.bot_user_id,
        filename=filename,
        length=length,
        upload_key=key,
    )
    return {"ok": True, "upload_url": f"{call.base_url}/upload/v1/{key}", "file_id": file_id}


def accept_upload(state: SlackState, key: str, content: bytes) -> UploadedFile | None:
    """Store the bytes sent to an upload URL; None when no file waits at ``key``."""
    waiting = next((f for f in state.files.values() if f.upload_key == key and not f.completed), None)
    if waiting is None:
        return None
    stored = dataclasses.replace(waiting, content=content)
    state.files[stored.file_id] = stored
    state.changes.notify()
    return stored


def files_complete_upload_external(state: SlackState, call: CallContext) -> dict[str, Any]:
    team = call.team(state)
    requested = json_param(call.params, "files", "invalid_arguments")
    if not isinstance(requested, list) or not requested:
        raise ApiError("invalid_arguments", messages=["[ERROR] files must be a non-empty array"])
    channel_ids = _channel_ids(call)
    for channel_id in channel_ids:
        postable_channel(team, {"channel": channel_id}, public_ok=False)
    completed: list[UploadedFile] = []
    for item in requested:
        file_id = item.get("id") if isinstance(item, dict) else None
        known = state.files.get(file_id) if isinstance(file_id, str) else None
        if known is None or known.team_id != team.id or known.content is None or known.completed:
            raise ApiError("file_not_found")
        title = item.get("title") or known.filename
        completed.append(
            dataclasses.replace(known, title=str(title), channels=tuple(channel_ids), completed=True)
        )
    for done in completed:
        state.files[done.file_id] = done
    file_objects = [_file_object(state, f) for f in completed]
    if channel_ids:
        _share(state, call, team_id=team.id, channel_id=channel_ids[0], file_objects=file_objects)
    return {"ok": True, "files": file_objects}


def _channel_ids(call: CallContext) -> list[str]:
    single = text_param(call.params, "channel_id")
    several = text_param(call.params, "channels")
    if single is not None:
        return [single]
    return [c for c in (several or "").split(",") if c]


def _share(
    state: SlackState, call: CallContext, *, team_id: str, channel_id: str, file_objects: list[dict[str, Any]]
) -> None:
    # Slack shares the files as a message from the uploader, carrying the initial comment.
    team = state.team(team_id)
    message: dict[str, Any] = {
        "type": "message",
        "user": team.bot_user_id,
        "bot_id": team.bot_id,
        "text": text_param(call.params, "initial_comment") or "",
        "ts": state.next_ts(),
        "team": team.id,
        "upload": True,
        "files": file_objects,
    }
    thread_ts = text_param(call.params, "thread_ts")
    if thread_ts is not None:
        message["thread_ts"] = thread_ts
    state.messages[channel_id].append(message)


def _file_object(state: SlackState, uploaded: UploadedFile) -> dict[str, Any]:
    team = state.team(uploaded.team_id)
    mimetype = mimetypes.guess_type(uploaded.filename)[0] or "application/octet-stream"
    created = int(state.now())
    url_base = f"https://files.slack.com/files-pri/{team.id}-{uploaded.file_id}"
    return {
        "id": uploaded.file_id,
        "created": created,
        "timestamp": created,
        "name": uploaded.filename,
        "title": uploaded.title,
        "mimetype": mimetype,
        "filetype": uploaded.filename.rsplit(".", 1)[-1].lower() if "." in uploaded.filename else "binary",
        "user": uploaded.user_id,
        "user_team": team.id,
        "editable": False,
        "size": len(uploaded.content or b""),
        "mode": "hosted",
        "is_external": False,
        "is_public": False,
        "url_private": f"{url_base}/{uploaded.filename}",
        "permalink": f"https://{team.domain}.slack.com/files/{uploaded.user_id}/{uploaded.file_id}/{uploaded.filename}",
        "channels": list(uploaded.channels),
    }


HANDLERS: dict[str, Handler] = {
    "files.getUploadURLExternal": files_get_upload_url_external,
    "files.completeUploadExternal": files_complete_upload_external,
}
