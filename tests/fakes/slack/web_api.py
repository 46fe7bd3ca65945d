"""The Web API over HTTP: ``/api/<method>`` (form, JSON or query arguments), token checks, queued failures,
the call log, and the upload URLs that files.getUploadURLExternal hands out."""

from __future__ import annotations

import base64
import binascii
import json
import logging
import secrets
from collections.abc import Mapping
from typing import Any

from aiohttp import BodyPartReader, web
from aiohttp.web_request import FileField

from tests.fakes.slack import api_chat, api_files, api_install, api_views
from tests.fakes.slack.api_support import ApiError, CallContext, Handler
from tests.fakes.slack.records import ApiCall, QueuedFailure
from tests.fakes.slack.state import SlackState, TokenGrant

LOG = logging.getLogger(__name__)

HANDLERS: dict[str, Handler] = {
    **api_chat.HANDLERS,
    **api_files.HANDLERS,
    **api_views.HANDLERS,
    **api_install.HANDLERS,
}
# Methods that take no token (client credentials instead), and the one that wants the app-level token.
NO_TOKEN_METHODS = frozenset({"oauth.v2.access"})
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


def json_response(
    body: Mapping[str, Any], *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    """A JSON answer with Slack's exact content type, ``application/json; charset=utf-8``."""
    response = web.Response(
        text=json.dumps(body),
        status=status,
        content_type="application/json",
        charset="utf-8",
        headers=headers,
    )
    response.headers["X-Slack-Req-Id"] = secrets.token_hex(16)
    return response


class WebApi:
    """aiohttp routes for the Web API and the upload URLs."""

    def __init__(self, state: SlackState) -> None:
        self.state = state

    def routes(self) -> list[web.RouteDef]:
        """The routes to add to the fake's application."""
        return [
            web.route("*", "/api/{method}", self.handle_api),
            web.post("/upload/v1/{key}", self.handle_upload),
        ]

    async def handle_api(self, request: web.Request) -> web.Response:
        """Answer one Web API call like Slack, and log it."""
        method = request.match_info["method"]
        base_url = f"{request.scheme}://{request.host}"
        try:
            params, token, basic_auth = await _read_arguments(request)
        except ApiError as error:
            self._record(method, {}, None, None, 200, error.error)
            return json_response(error.body())
        grant = self.state.tokens.get(token) if token else None
        team_id = grant.team_id if grant else None
        failure = self.state.take_failure(method)
        if failure is not None:
            self._record(method, params, token, team_id, failure.status, failure.error or "http_failure")
            return _failure_response(failure)
        handler = HANDLERS.get(method)
        if handler is None:
            self._record(method, params, token, team_id, 200, "unknown_method")
            return json_response({"ok": False, "error": "unknown_method", "req_method": method})
        try:
            grant = self._authenticate(method, token)
            body = handler(self.state, CallContext(method, params, grant, base_url, basic_auth))
        except ApiError as error:
            self._record(method, params, token, team_id, 200, error.error)
            return json_response(error.body())
        except Exception as error:  # a bug in the fake must not look like a Slack answer
            LOG.exception("fake Slack failed in %s", method)
            self.state.internal_errors.append(error)
            self._record(method, params, token, team_id, 500, "fatal_error")
            return json_response({"ok": False, "error": "fatal_error"}, status=500)
        self._record(method, params, token, grant.team_id if grant else team_id, 200, None)
        scopes = self.state.team(grant.team_id).scopes if grant and grant.team_id else ""
        return json_response(body, headers={"X-OAuth-Scopes": scopes})

    async def handle_upload(self, request: web.Request) -> web.Response:
        """Take the bytes of a file (raw body or the first multipart part), as files.slack.com does."""
        content = await _read_upload(request)
        stored = api_files.accept_upload(self.state, request.match_info["key"], content)
        if stored is None:
            return web.Response(
                status=404, text="upload url not found or already used", content_type="text/plain"
            )
        return web.Response(text=f"OK - {len(content)}", content_type="text/plain")

    def _authenticate(self, method: str, token: str | None) -> TokenGrant | None:
        if method in NO_TOKEN_METHODS:
            return None
        if token is None:
            raise ApiError("not_authed")
        if token in self.state.revoked:
            raise ApiError("token_revoked")
        grant = self.state.tokens.get(token)
        if grant is None:
            raise ApiError("invalid_auth")
        if (method in APP_TOKEN_METHODS) != (grant.kind == "app"):
            raise ApiError("not_allowed_token_type")
        return grant

    def _record(
        self,
        method: str,
        params: Mapping[str, Any],
        token: str | None,
        team_id: str | None,
        status: int,
        error: str | None,
    ) -> None:
        shown = {k: f"<{len(v)} bytes>" if isinstance(v, bytes) else v for k, v in params.items()}
        self.state.record_call(ApiCall(method, shown, token, team_id, self.state.now(), status, error))


async def _read_arguments(request: web.Request) -> tuple[dict[str, Any], str | None, tuple[str, str] | None]:
    """Arguments from the query string and the body, the bearer token and any Basic client credentials."""
    params: dict[str, Any] = dict(request.query)
    body_is_json = False
    if request.can_read_body:
        if request.content_type == "application/json":
            try:
                body = json.loads(await request.text())
            except ValueError:
                raise ApiError("invalid_json") from None
            if not isinstance(body, dict):
                raise ApiError("json_not_object")
            body_is_json = True
            params.update(body)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            for name, value in form.items():
                params[name] = value.file.read() if isinstance(value, FileField) else value
    # Slack takes a token in a form or query argument, but not inside a JSON body.
    argument_token = params.pop("token", None)
    token: str | None = None
    basic_auth: tuple[str, str] | None = None
    authorization = request.headers.get("Authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        token = credentials.strip()
    elif scheme.lower() == "basic":
        basic_auth = _basic_credentials(credentials)
    if token is None and not body_is_json and isinstance(argument_token, str) and argument_token:
        token = argument_token
    return params, token, basic_auth


def _basic_credentials(encoded: str) -> tuple[str, str]:
    try:
        user, _, password = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        raise ApiError("invalid_client_id") from None
    return user, password


async def _read_upload(request: web.Request) -> bytes:
    if request.content_type.startswith("multipart/"):
        reader = await request.multipart()
        part = await reader.next()
        return await part.read() if isinstance(part, BodyPartReader) else b""
    return await request.read()


def _failure_response(failure: QueuedFailure) -> web.Response:
    if failure.status == 429:
        retry_after = failure.retry_after if failure.retry_after is not None else 1
        return json_response(
            {"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(retry_after)}
        )
    if failure.status >= 500:
        # Slack's edge answers server errors with an HTML page, not JSON
        return web.Response(
            status=failure.status,
            text=f"<html><body><h1>{failure.status}</h1>Slack is having trouble.</body></html>",
            content_type="text/html",
        )
    return json_response({"ok": False, "error": failure.error or "fatal_error"}, status=failure.status)
