"""oauth.v2.access (install the app into a team) and apps.connections.open (a Socket Mode URL)."""

from __future__ import annotations

import secrets
from typing import Any

from tests.fakes.slack.api_support import ApiError, CallContext, Handler, required_text, text_param
from tests.fakes.slack.state import SlackState


def oauth_v2_access(state: SlackState, call: CallContext) -> dict[str, Any]:
    # Client credentials come as HTTP Basic auth (what slack_sdk sends) or as form fields.
    client_id, client_secret = call.basic_auth or (
        text_param(call.params, "client_id") or "",
        text_param(call.params, "client_secret") or "",
    )
    if client_id != state.app.client_id:
        raise ApiError("invalid_client_id")
    if client_secret != state.app.client_secret:
        raise ApiError("bad_client_secret")
    code = required_text(call.params, "code", "invalid_code")
    team_id = state.oauth_codes.pop(code, None)  # a code works once
    if team_id is None:
        raise ApiError("invalid_code")
    token = state.install(team_id)
    team = state.team(team_id)
    return {
        "ok": True,
        "app_id": state.app.app_id,
        "authed_user": {"id": team.installer_user_id},
        "scope": team.scopes,
        "token_type": "bot",
        "access_token": token,
        "bot_user_id": team.bot_user_id,
        "team": {"id": team.id, "name": team.name},
        "enterprise": None,
        "is_enterprise_install": False,
    }


def apps_connections_open(state: SlackState, call: CallContext) -> dict[str, Any]:
    ticket = secrets.token_hex(16)
    state.socket_tickets.add(ticket)
    ws_base = "ws" + call.base_url.removeprefix("http")
    return {"ok": True, "url": f"{ws_base}/link/?ticket={ticket}&app_id={state.app.app_id}"}


HANDLERS: dict[str, Handler] = {
    "oauth.v2.access": oauth_v2_access,
    "apps.connections.open": apps_connections_open,
}
