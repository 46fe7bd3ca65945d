"""The receiver behind every ``response_url`` the fake hands out (``POST /response/<id>``).

Like Slack it takes a JSON message (or a form with ``payload``), checks it as chat.postMessage does, allows
five uses within 30 minutes, answers ``ok`` (text) on success and a short text error otherwise. An
``in_channel`` reply becomes a channel message; any other reply is recorded as an ephemeral one.
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from tests.fakes.slack.api_support import ApiError, bool_param, bot_message, checked_message_content
from tests.fakes.slack.records import ResponseUrlPost
from tests.fakes.slack.state import RESPONSE_URL_MAX_USES, RESPONSE_URL_TTL_SECONDS, SlackState


class ResponseUrlReceiver:
    """aiohttp route recording what the app sends to its response URLs."""

    def __init__(self, state: SlackState) -> None:
        self.state = state

    def routes(self) -> list[web.RouteDef]:
        """The route to add to the fake's application."""
        return [web.post("/response/{response_id}", self.handle)]

    async def handle(self, request: web.Request) -> web.Response:
        """Accept or refuse one reply."""
        response_id = request.match_info["response_id"]
        issued = self.state.response_urls.get(response_id)
        if issued is None:
            return _text(404, "no_service")
        expired = self.state.now() - issued.issued_at > RESPONSE_URL_TTL_SECONDS
        if expired or issued.uses >= RESPONSE_URL_MAX_USES:
            return _text(404, "expired_url")
        body = await _read_body(request)
        if body is None:
            return self._refuse(response_id, issued.team_id, issued.channel_id, {}, "invalid_payload")
        if not bool_param(body, "delete_original"):
            try:
                content = checked_message_content(self.state, body)
            except ApiError as error:
                return self._refuse(response_id, issued.team_id, issued.channel_id, body, error.error)
            team = self.state.team(issued.team_id)
            message = bot_message(self.state, team, content, self.state.next_ts())
            if body.get("response_type") == "in_channel":
                self.state.messages[issued.channel_id].append(message)
            else:
                self.state.ephemerals.append(
                    {"channel": issued.channel_id, "user": issued.user_id, **message}
                )
        issued.uses += 1
        self._record(response_id, issued.team_id, issued.channel_id, body, 200)
        return _text(200, "ok")

    def _refuse(
        self, response_id: str, team_id: str, channel_id: str, body: dict[str, Any], error: str
    ) -> web.Response:
        self._record(response_id, team_id, channel_id, body, 400)
        return _text(400, error)

    def _record(
        self, response_id: str, team_id: str, channel_id: str, body: dict[str, Any], status: int
    ) -> None:
        self.state.responses.append(
            ResponseUrlPost(response_id, team_id, channel_id, body, self.state.now(), status)
        )
        self.state.changes.notify()


async def _read_body(request: web.Request) -> dict[str, Any] | None:
    try:
        if request.content_type == "application/x-www-form-urlencoded":
            payload = (await request.post()).get("payload")
            parsed = json.loads(payload) if isinstance(payload, str) else None
        else:
            parsed = json.loads(await request.text())
    except ValueError:
        return None
    return parsed if isinstance(parsed, dict) else None


def _text(status: int, text: str) -> web.Response:
    return web.Response(status=status, text=text, content_type="text/plain")
