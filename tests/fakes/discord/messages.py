"""Creating and editing messages, shared by channel posts, interaction responses and webhook followups."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from . import payloads as p
from .limits import is_empty_message, message_errors
from .state import UploadedFile
from .wire import ApiFailure, invalid_form

JSON = dict[str, Any]

_FILE_FIELD = re.compile(r"files\[(\d+)\]")
EDITABLE = ("content", "embeds", "components", "flags", "allowed_mentions")


def validate(body: JSON, files: Sequence[UploadedFile], *, prefix: list[str] | None = None,
             kept_attachments: int = 0) -> None:
    """Refuses what Discord refuses: limits broken (50035) or nothing to show (50006)."""
    errors = message_errors(body, prefix=prefix)
    if errors is not None:
        raise invalid_form(errors)
    if is_empty_message(body, file_count=len(files) + kept_attachments):
        raise ApiFailure(400, 50006, "Cannot send an empty message")


def build(*, channel_id: int, body: JSON, files: Sequence[UploadedFile], author: JSON, attachment_base: str,
          kind: int = p.DEFAULT_MESSAGE, flags: int | None = None, webhook_id: int | None = None,
          application_id: int | None = None, interaction_metadata: JSON | None = None) -> JSON:
    """A new message from a validated create body."""
    message_id = p.snowflake()
    nonce = body.get("nonce")
    return p.message(
        message_id=message_id,
        channel_id=channel_id,
        author=author,
        content=body.get("content") or "",
        embeds=list(body.get("embeds") or []),
        attachments=_attachments(body, files, channel_id=channel_id, base=attachment_base),
        tts=bool(body.get("tts", False)),
        nonce=None if nonce is None else str(nonce),
        flags=int(body.get("flags") or 0) if flags is None else flags,
        kind=kind,
        components=list(body.get("components") or []),
        webhook_id=webhook_id,
        application_id=application_id,
        interaction_metadata=interaction_metadata,
    )


def edit(message: JSON, body: JSON, files: Sequence[UploadedFile], *, attachment_base: str) -> None:
    """Applies a PATCH in place: only the fields sent change; the result must still be a valid message."""
    merged = {key: message.get(key) for key in ("content", "embeds", "components")}
    merged.update({key: body[key] for key in EDITABLE if key in body and key != "flags"})
    kept = body.get("attachments", message.get("attachments")) or []
    validate(merged, files, kept_attachments=len(kept))
    for key in ("content", "embeds", "components"):
        if key in body:
            message[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
    if "embeds" in body:
        message["embeds"] = [dict(embed, type=embed.get("type", "rich")) for embed in message["embeds"]]
    if "attachments" in body or files:
        declared = [entry for entry in body.get("attachments") or [] if isinstance(entry, dict)]
        kept_ids = {str(entry.get("id")) for entry in declared}
        kept = [old for old in message["attachments"] if old["id"] in kept_ids]
        message["attachments"] = kept + _attachments(body, files, channel_id=int(message["channel_id"]),
                                                     base=attachment_base, skip_ids=kept_ids)
    message["flags"] = int(message.get("flags", 0)) & ~p.LOADING
    message["edited_timestamp"] = p.iso_now()


def _attachments(body: JSON, files: Sequence[UploadedFile], *, channel_id: int, base: str,
                 skip_ids: set[str] | None = None) -> list[JSON]:
    """Attachment objects for uploaded files, matched to ``attachments[].id`` when the body declares them."""
    by_index: dict[int, UploadedFile] = {}
    for position, upload in enumerate(files):
        match = _FILE_FIELD.fullmatch(upload.field)
        by_index[int(match.group(1)) if match else position] = upload
    declared = [entry for entry in body.get("attachments") or [] if isinstance(entry, dict)]
    wanted: list[tuple[UploadedFile, str | None]] = []
    if declared:
        for index, entry in enumerate(declared):
            entry_id = str(entry.get("id"))
            if skip_ids and entry_id in skip_ids:
                continue
            if not entry_id.isdigit() or int(entry_id) not in by_index:
                problem = {"code": "ATTACHMENT_NOT_FOUND",
                           "message": f"Attachment data not found for id {entry_id}"}
                raise invalid_form({"attachments": {str(index): {"_errors": [problem]}}})
            wanted.append((by_index[int(entry_id)], entry.get("filename")))
    else:
        wanted = [(upload, None) for upload in files]
    result = []
    for upload, filename in wanted:
        attachment_id = p.snowflake()
        name = filename or upload.filename
        url = f"{base}/attachments/{channel_id}/{attachment_id}/{name}"
        result.append(p.attachment(attachment_id, name, size=len(upload.data),
                                   content_type=upload.content_type, url=url))
    return result
