"""A local fake of Slack's platform, spoken to by the real slack_sdk / slack-bolt over loopback HTTP and
WebSocket, for the Slack adapter's end-to-end tests.

Usage::

    async with FakeSlack.running(teams=[workspace("A"), workspace("B", installed=False)]) as fake:
        client = AsyncWebClient(token=fake.bot_token(), base_url=fake.api_url)
        await client.chat_postMessage(channel="news", text="hi")
        assert fake.messages("news")[-1]["text"] == "hi"
        fake.fail_next("chat.postMessage", status=429, retry_after=1)
        request = fake.slash_command_request("/news", "today")     # signed, with a live response_url
        await signing.deliver(request, f"{app_url}/slack/events")
        await fake.wait_for_responses(1)

What it reproduces:
- Web API at ``<url>/api/<method>`` (GET or POST; query, form or JSON arguments; the token from
  ``Authorization: Bearer`` or a ``token`` form field, never from a JSON body). HTTP 200 with
  ``{"ok": false, "error": ...}`` for API errors, ``content-type: application/json; charset=utf-8``.
  Tokens are checked per team: ``not_authed``, ``invalid_auth``, ``token_revoked``, and
  ``not_allowed_token_type`` when a bot token meets apps.connections.open or an ``xapp-`` token anything else.
- Methods: auth.test, chat.postMessage / update / postEphemeral (Block Kit limits, ``no_text``,
  ``msg_too_long``, ``msg_blocks_too_long``, ``metadata`` stored and returned), conversations.info / join /
  history (``include_all_metadata``, cursors, ``oldest``/``latest``), users.info (admin/owner flags),
  files.getUploadURLExternal + upload URL + files.completeUploadExternal (``files_upload_v2``),
  views.open / push / update / publish (one-use triggers that expire after 3 s, ``hash_conflict``),
  apps.connections.open, oauth.v2.access (one-use codes, client credentials), and ``unknown_method``.
- Channel rules: private channels the bot is not in do not exist (``channel_not_found``); posting where
  the bot is not a member gives ``not_in_channel`` unless the team granted ``chat:write.public``;
  archived channels give ``is_archived``; conversations.join refuses private channels.
- Queued failures per method (``fail_next``): HTTP 429 with ``Retry-After``, 5xx with an HTML body as Slack's
  edge sends, or any API error code. Every call is recorded (method, arguments, token, team, time, outcome).
- response_url receiver: JSON (or ``payload=`` form) replies checked like messages, five uses in 30 minutes.
- Signing (``signing``): Slack's v0 HMAC signature; slash command, event and interaction requests; retry
  headers.
- Socket Mode: one-use ``ws://`` URLs, ``hello`` on connect, pushed envelopes, recorded acks, ping/pong,
  Slack's ``disconnect`` message.

What it does not: rate limits by itself (only queued ones), scopes per method (``missing_scope``), Enterprise
Grid, user tokens, threads beyond ``thread_ts`` bookkeeping, message formatting or link unfurling, Events API
redelivery on a slow ack, delivery to more than one Socket Mode connection at a time, TLS (``ws``/``http``
only), and any method not listed above.
"""

from tests.fakes.slack import payloads, signing
from tests.fakes.slack.directory import AppConfig, Channel, Team, User, workspace
from tests.fakes.slack.records import ApiCall, ResponseUrlPost, SocketAck, SocketEnvelope, UploadedFile
from tests.fakes.slack.server import FakeSlack, serving

__all__ = [
    "ApiCall",
    "AppConfig",
    "Channel",
    "FakeSlack",
    "ResponseUrlPost",
    "SocketAck",
    "SocketEnvelope",
    "Team",
    "UploadedFile",
    "User",
    "payloads",
    "serving",
    "signing",
    "workspace",
]
