"""HTTP details of Discord's REST: exact JSON content type, errors, rate-limit headers, request bodies.

discord.py reads a body as JSON only when ``content-type`` is exactly ``application/json`` (no charset), and
retries a 429 only when it carries a ``Via`` header; both are reproduced here.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import BodyPartReader, web

from . import payloads as p
from .state import UploadedFile

JSON = dict[str, Any]

API_PREFIX = "/api/v10"
DEFAULT_RATE_LIMIT = 5
"""The bucket size the fake advertises; it never runs a bucket dry by itself (only planned 429s do)."""


class ApiFailure(Exception):
    """Raised by a handler to answer with Discord's error JSON."""

    def __init__(self, status: int, code: int, message: str, errors: JSON | None = None) -> None:
        super().__init__(f"{status} {code} {message}")
        self.status = status
        self.body = p.api_error(code, message, errors)


def json_response(payload: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """A JSON answer whose content type is exactly ``application/json`` (aiohttp would add a charset)."""
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    return web.Response(body=body, status=status, headers=all_headers)


def no_content() -> web.Response:
    return web.Response(status=204)


def failure_response(failure: ApiFailure) -> web.Response:
    return json_response(failure.body, status=failure.status)


def invalid_form(errors: JSON) -> ApiFailure:
    return ApiFailure(400, 50035, "Invalid Form Body", errors)


def bucket_headers(
    route_template: str, *, remaining: int, reset_after: float, scope: str | None = None
) -> dict[str, str]:
    """The ``X-RateLimit-*`` headers of one bucket, named by a stable hash of the route template."""
    bucket = hashlib.sha256(route_template.encode()).hexdigest()[:32]
    headers = {
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Limit": str(DEFAULT_RATE_LIMIT),
        "X-RateLimit-Remaining": str(remaining),
        "X-RateLimit-Reset": f"{time.time() + reset_after:.3f}",
        "X-RateLimit-Reset-After": f"{reset_after:.3f}",
    }
    if scope is not None:
        headers["X-RateLimit-Scope"] = scope
    return headers


def rate_limited_response(
    route_template: str, *, retry_after: float, global_: bool, via: bool
) -> web.Response:
    """Discord's 429; without ``Via`` discord.py takes it for a Cloudflare ban and gives up."""
    headers = bucket_headers(route_template, remaining=0, reset_after=retry_after,
                             scope="global" if global_ else "user")
    headers["Retry-After"] = str(max(1, math.ceil(retry_after)))
    if global_:
        headers["X-RateLimit-Global"] = "true"
    if via:
        headers["Via"] = "1.1 google"
    body: JSON = {"message": "You are being rate limited.", "retry_after": retry_after, "global": global_}
    return json_response(body, status=429, headers=headers)


def route_pattern(route: str) -> tuple[str, re.Pattern[str]]:
    """``"POST /channels/{id}/messages"`` (or a concrete path) -> (method, regex over API-relative paths)."""
    method, _, path = route.strip().partition(" ")
    if not path.startswith("/"):
        raise ValueError(f"route must look like 'METHOD /path', got {route!r}")
    path = path.removeprefix(API_PREFIX)
    segments = []
    for segment in path.strip("/").split("/"):
        is_placeholder = segment.startswith("{") and segment.endswith("}")
        segments.append("[^/]+" if is_placeholder else re.escape(segment))
    return method.upper(), re.compile("/" + "/".join(segments) + "/?")


@dataclass(frozen=True)
class ParsedBody:
    """A request body: JSON (or multipart ``payload_json``) plus any ``files[n]`` parts."""

    json: Any
    files: tuple[UploadedFile, ...]


async def parse_body(request: web.Request) -> ParsedBody:
    """Reads JSON or multipart/form-data the way Discord accepts them; bad JSON is code 50109."""
    content_type = request.content_type
    if content_type == "multipart/form-data":
        return await _parse_multipart(request)
    raw = await request.read()
    if not raw:
        return ParsedBody(json=None, files=())
    if content_type != "application/json":
        raise ApiFailure(400, 50109, "The request body contains invalid JSON.")
    return ParsedBody(json=_loads(raw), files=())


async def _parse_multipart(request: web.Request) -> ParsedBody:
    reader = await request.multipart()
    payload: Any = None
    files: list[UploadedFile] = []
    while True:
        part = await reader.next()
        if part is None:
            break
        if not isinstance(part, BodyPartReader):  # nested multipart: Discord does not accept it either
            raise ApiFailure(400, 50035, "Invalid Form Body")
        data = await part.read()
        if part.name == "payload_json":
            payload = _loads(bytes(data))
        elif part.name and part.name.startswith("files["):
            files.append(UploadedFile(field=part.name, filename=part.filename or "unknown",
                                      content_type=part.headers.get("Content-Type"), data=bytes(data)))
    return ParsedBody(json=payload, files=tuple(files))


def _loads(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ApiFailure(400, 50109, "The request body contains invalid JSON.") from exc


def snowflake_param(request: web.Request, name: str) -> int:
    """A numeric path parameter, refused the way Discord refuses a non-snowflake."""
    raw = request.match_info[name]
    if not raw.isdigit():
        raise invalid_form({name: {"_errors": [{"code": "NUMBER_TYPE_COERCE",
                                                "message": f'Value "{raw}" is not snowflake.'}]}})
    return int(raw)


def json_object(body: ParsedBody) -> JSON:
    """The body as a JSON object; anything else is an invalid form."""
    if not isinstance(body.json, dict):
        raise invalid_form({"_errors": [{"code": "BASE_TYPE_REQUIRED", "message": "Must be a JSON object."}]})
    return body.json
