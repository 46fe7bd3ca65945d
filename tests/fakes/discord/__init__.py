"""A local fake of Discord's REST API (v10) and gateway, for testing real discord.py clients offline.

Usage::

    async with FakeDiscord.running(app_id=APP, guilds=[FakeGuild(id=G, name="news", channels=[...])]) as fake:
        with fake.patch_discord():               # Route.BASE and DEFAULT_GATEWAY point here, restored after
            client = discord.Client(intents=discord.Intents.default(), guild_ready_timeout=0.1)
            ...                                  # client.start(fake.token), then drive it:
            pushed = await fake.push_interaction(G, CHANNEL, "news pair", {"first": "korea"})
            callback = await pushed.wait_for_callback()
            fake.messages(CHANNEL), fake.commands(G), fake.interaction_responses, fake.requests_to(...)

Reproduced (checked against discord.py 2.7 and Discord's docs):
- Gateway: HELLO -> IDENTIFY (token, intents, shard) -> READY (session_id, resume_gateway_url, application,
  unavailable guilds, ``shard``) -> one GUILD_CREATE per guild of that shard ((guild_id >> 22) % count),
  heartbeat ACKs, RESUME with replay of missed dispatches, op 7 RECONNECT on request, GUILD_MEMBERS_CHUNK,
  zlib-stream transport compression, close codes 4001-4005, 4010 and 4012-4014, intent filtering of guild
  events, MESSAGE_CREATE/UPDATE/DELETE echoes of REST changes, pushed INTERACTION_CREATE (command,
  autocomplete), GUILD_CREATE/GUILD_DELETE/CHANNEL_DELETE/THREAD_DELETE.
- REST: ``content-type: application/json`` exactly; ``Authorization: Bot <token>`` (401 otherwise);
  Discord's error JSON and codes (10003, 10004, 10007, 10008, 10015, 10062, 40060, 50001, 50006, 50013,
  50035 with the nested ``errors`` tree, 50109); message and embed limits; ``enforce_nonce`` de-duplication;
  multipart ``payload_json`` + ``files[n]``; command bulk overwrite keeping ids; interaction callbacks with
  ``with_response``; the first followup after a deferral filling the "thinking" message; planned 429s with
  ``Retry-After``/``X-RateLimit-*``/``Via`` (or without ``Via``, which discord.py treats as a ban).

Not reproduced: real rate-limit accounting (buckets never run dry unless a 429 is planned), permission
computation from roles and overwrites (program 403s with ``set_channel_error``), ETF encoding and zstd
compression (plain text frames instead), voice, DMs, components/modals beyond recording the callback,
attachment downloads, audit logs, and any endpoint not listed (404 ``{"code": 0}``, also for a wrong
method on a known path, where Discord says 405). Time limits: the 3 s acknowledgement deadline applies only
when ``interaction_deadline_s`` is set; interaction tokens never expire; missed heartbeats are not punished.
"""

from .limits import EMBED_TOTAL_MAX
from .payloads import MEMBER_PERMISSIONS, snowflake, snowflake_for_shard
from .server import FakeDiscord, FakeDiscordError, PushedInteraction
from .state import (
    ChannelError,
    CommandOverwrite,
    FakeChannel,
    FakeGuild,
    FakeMember,
    Identify,
    InteractionCallback,
    RecordedRequest,
    UploadedFile,
)

__all__ = [
    "EMBED_TOTAL_MAX",
    "MEMBER_PERMISSIONS",
    "ChannelError",
    "CommandOverwrite",
    "FakeChannel",
    "FakeDiscord",
    "FakeDiscordError",
    "FakeGuild",
    "FakeMember",
    "Identify",
    "InteractionCallback",
    "PushedInteraction",
    "RecordedRequest",
    "UploadedFile",
    "snowflake",
    "snowflake_for_shard",
]
