"""Slack's HTTP endpoints on the bot's own aiohttp server: /slack/events (Events API, commands and
interactions, HTTP mode) and /slack/install + /slack/oauth_redirect (the OAuth install flow)."""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

EVENTS_PATH = "/slack/events"


def mount(app: AsyncApp, web_app: web.Application, *, events: bool) -> list[str]:
    """Add the routes (before the server starts: aiohttp freezes its router then); returns their paths."""

    async def on_events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    paths: list[str] = []
    if events:
        web_app.router.add_post(EVENTS_PATH, on_events)
        paths.append(EVENTS_PATH)
    flow = app.oauth_flow
    if flow is not None:
        async def on_install(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_installation(await to_bolt_request(request)))

        async def on_redirect(request: web.Request) -> web.Response:
            return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

        web_app.router.add_get(flow.install_path, on_install)
        web_app.router.add_get(flow.redirect_uri_path, on_redirect)
        paths += [flow.install_path, flow.redirect_uri_path]
    return paths
