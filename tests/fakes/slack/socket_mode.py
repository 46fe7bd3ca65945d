"""Socket Mode: the WebSocket endpoint behind the URL apps.connections.open returns.

On connect it sends ``hello``; tests push envelopes (``slash_commands``, ``events_api``, ``interactive``) and
read the acknowledgements (``{"envelope_id": ..., "payload": ...}``) the app sends back. Pings are answered
with pongs carrying the same data (the SDK measures liveness with them). Each URL works once, like Slack's
tickets; ``disconnect`` sends Slack's ``disconnect`` message, which makes the SDK fetch a new URL.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from aiohttp import WSMsgType, web

from tests.fakes.slack.payloads import socket_envelope
from tests.fakes.slack.records import SocketAck, SocketEnvelope
from tests.fakes.slack.state import SlackState

LOG = logging.getLogger(__name__)
ENVELOPE_TYPES = frozenset({"slash_commands", "events_api", "interactive"})


class SocketModeHub:
    """Open Socket Mode connections, what was pushed to them and what came back."""

    def __init__(self, state: SlackState) -> None:
        self.state = state
        self._connections: dict[int, web.WebSocketResponse] = {}
        self._last_connection_id = 0

    def routes(self) -> list[web.RouteDef]:
        """The route to add to the fake's application."""
        return [web.get("/link/", self.handle)]

    @property
    def connection_ids(self) -> list[int]:
        """Ids of the connections open now, oldest first."""
        return [cid for cid, ws in self._connections.items() if not ws.closed]

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Serve one Socket Mode connection until the client leaves."""
        ticket = request.query.get("ticket", "")
        if ticket not in self.state.socket_tickets:
            return web.Response(status=401, text="invalid or used ticket", content_type="text/plain")
        self.state.socket_tickets.discard(ticket)
        ws = web.WebSocketResponse(autoping=False)
        await ws.prepare(request)
        self._last_connection_id += 1
        connection_id = self._last_connection_id
        self._connections[connection_id] = ws
        try:
            await ws.send_str(json.dumps(self._hello()))
            self.state.changes.notify()
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self._receive(connection_id, message.data)
                elif message.type == WSMsgType.PING:
                    self.state.socket_pings += 1
                    await ws.pong(message.data)
                    self.state.changes.notify()
        finally:
            self._connections.pop(connection_id, None)
            self.state.changes.notify()
        return ws

    async def push(
        self,
        envelope_type: str,
        payload: Mapping[str, Any],
        *,
        accepts_response_payload: bool | None = None,
        envelope_id: str | None = None,
        connection_id: int | None = None,
        retry_attempt: int = 0,
        retry_reason: str = "",
    ) -> SocketEnvelope:
        """Send one envelope to ``connection_id`` (default: the newest open connection)."""
        if envelope_type not in ENVELOPE_TYPES:
            raise ValueError(f"envelope type must be one of {sorted(ENVELOPE_TYPES)}, got {envelope_type!r}")
        target = self._target(connection_id)
        if accepts_response_payload is None:
            # Slack lets the app answer slash commands and interactions in the ack, never events
            accepts_response_payload = envelope_type != "events_api"
        body = socket_envelope(
            envelope_type,
            payload,
            accepts_response_payload=accepts_response_payload,
            envelope_id=envelope_id,
            retry_attempt=retry_attempt,
            retry_reason=retry_reason,
        )
        await self._connections[target].send_str(json.dumps(body))
        pushed = SocketEnvelope(
            body["envelope_id"], envelope_type, dict(payload), accepts_response_payload, target
        )
        self.state.envelopes.append(pushed)
        self.state.changes.notify()
        return pushed

    async def disconnect(self, reason: str = "refresh_requested") -> None:
        """Ask every client to reconnect, with Slack's ``disconnect`` message."""
        message = {"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake-1"}}
        for cid in self.connection_ids:
            await self._connections[cid].send_str(json.dumps(message))

    async def close_all(self) -> None:
        """Close every connection (when the fake stops)."""
        for ws in list(self._connections.values()):
            await ws.close()

    def _target(self, connection_id: int | None) -> int:
        open_ids = self.connection_ids
        if not open_ids:
            raise RuntimeError("no Socket Mode connection is open; start the app's Socket Mode handler first")
        if connection_id is None:
            return open_ids[-1]
        if connection_id not in open_ids:
            raise RuntimeError(f"Socket Mode connection {connection_id} is not open; open ones: {open_ids}")
        return connection_id

    def _hello(self) -> dict[str, Any]:
        return {
            "type": "hello",
            "num_connections": len(self.connection_ids),
            "debug_info": {"host": "applink-fake-1", "build_number": 1, "approximate_connection_time": 18060},
            "connection_info": {"app_id": self.state.app.app_id},
        }

    def _receive(self, connection_id: int, data: str) -> None:
        try:
            message = json.loads(data)
        except ValueError:
            LOG.warning(
                "fake Slack: Socket Mode connection %s sent non-JSON text %r", connection_id, data[:200]
            )
            return
        if not isinstance(message, dict) or not isinstance(message.get("envelope_id"), str):
            LOG.warning(
                "fake Slack: Socket Mode connection %s sent %r, not an ack", connection_id, data[:200]
            )
            return
        payload = message.get("payload")
        ack = SocketAck(
            message["envelope_id"],
            payload if isinstance(payload, dict) else None,
            connection_id,
            self.state.now(),
        )
        self.state.acks.append(ack)
        self.state.changes.notify()
