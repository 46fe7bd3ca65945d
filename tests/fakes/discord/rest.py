"""The fake's REST server: routes under ``/api/v10``, bot-token auth, planned failures, request recording."""

from __future__ import annotations

import functools
import traceback
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from . import rest_channels, rest_interactions
from .context import Handler, RestContext
from .state import RecordedRequest
from .wire import (
    API_PREFIX,
    ApiFailure,
    ParsedBody,
    bucket_headers,
    failure_response,
    json_response,
    parse_body,
    rate_limited_response,
)

CATCH_ALL = "catch_all"
PARSED_BODY = web.RequestKey("parsed_body", ParsedBody)
UNAUTHENTICATED_PREFIXES = ("/interactions/", "/webhooks/")
"""Interaction callbacks and webhook-token routes authenticate by the token in the path, not a header."""
MAX_UPLOAD_BYTES = 30 * 1024 * 1024


def build_app(ctx: RestContext) -> web.Application:
    app = web.Application(middlewares=[_middleware(ctx)], client_max_size=MAX_UPLOAD_BYTES)
    for method, path, handler in [*rest_channels.ROUTES, *rest_interactions.ROUTES]:
        app.router.add_route(method, API_PREFIX + path, _bind(ctx, handler))
    app.router.add_route("*", "/{tail:.*}", _not_found, name=CATCH_ALL)
    return app


def _bind(ctx: RestContext, handler: Handler) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    @functools.wraps(handler)
    async def bound(request: web.Request) -> web.StreamResponse:
        return await handler(ctx, request, request[PARSED_BODY])

    return bound


async def _not_found(request: web.Request) -> web.Response:
    return json_response({"message": "404: Not Found", "code": 0}, status=404)


def _middleware(ctx: RestContext) -> Middleware:
    @web.middleware
    async def guard_and_record(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        in_api = request.path.startswith(API_PREFIX + "/")
        path = request.path.removeprefix(API_PREFIX) if in_api else request.path
        body = ParsedBody(json=None, files=())
        try:
            body = await parse_body(request)
            request[PARSED_BODY] = body
            response = await _answer(ctx, request, path, handler)
        except ApiFailure as failure:
            response = failure_response(failure)
        except Exception:  # a bug in the fake: answer like Discord's 500 and make the test fail at exit
            ctx.server_errors.append(f"{request.method} {request.path}\n{traceback.format_exc()}")
            response = json_response({"message": "500: Internal Server Error", "code": 0}, status=500)
        ctx.world.requests.append(RecordedRequest(
            method=request.method, path=path, query=dict(request.query), headers=dict(request.headers),
            json=body.json, files=body.files, status=response.status,
        ))
        ctx.world.changed()
        return response

    return guard_and_record


async def _answer(ctx: RestContext, request: web.Request, path: str,
                  handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.StreamResponse:
    route = request.match_info.route
    if route.name == CATCH_ALL:
        return await handler(request)
    authorized = request.headers.get("Authorization") == f"Bot {ctx.world.config.token}"
    if not path.startswith(UNAUTHENTICATED_PREFIXES) and not authorized:
        return json_response({"message": "401: Unauthorized", "code": 0}, status=401)
    template = route.resource.canonical if route.resource is not None else path
    planned = next((plan for plan in ctx.planned if plan.matches(request.method, path)), None)
    if planned is not None:
        planned.times -= 1
        if planned.status == 429:
            return rate_limited_response(template, retry_after=planned.retry_after, global_=planned.global_,
                                         via=planned.via)
        return json_response(planned.body, status=planned.status)
    response = await handler(request)
    for name, value in bucket_headers(template, remaining=4, reset_after=1.0).items():
        response.headers[name] = value
    return response
