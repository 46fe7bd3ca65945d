"""Builders for the JSON objects Discord sends: snowflakes, users, guilds, channels, messages, interactions.

Shapes follow Discord's v10 documentation and what a real bot receives (ids as strings, ISO timestamps with
``+00:00``, every key discord.py reads present). Nothing here talks to the network.
"""

from __future__ import annotations

import itertools
import threading
import time
from datetime import UTC, datetime
from typing import Any

JSON = dict[str, Any]

DISCORD_EPOCH_MS = 1_420_070_400_000

# Channel types (https://discord.com/developers/docs/resources/channel#channel-object-channel-types).
GUILD_TEXT = 0
GUILD_CATEGORY = 4
GUILD_ANNOUNCEMENT = 5
PUBLIC_THREAD = 11

# Permission bits the fake hands out.
ADMINISTRATOR = 1 << 3
ADD_REACTIONS = 1 << 6
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
MANAGE_GUILD = 1 << 5
USE_APPLICATION_COMMANDS = 1 << 31
CREATE_PUBLIC_THREADS = 1 << 35
SEND_MESSAGES_IN_THREADS = 1 << 38

MEMBER_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | EMBED_LINKS | ATTACH_FILES | READ_MESSAGE_HISTORY | ADD_REACTIONS
    | USE_APPLICATION_COMMANDS | CREATE_PUBLIC_THREADS | SEND_MESSAGES_IN_THREADS
)
"""What an ordinary member (and, by default, the bot) may do: everything a digest bot needs, no admin."""

# Message flags.
EPHEMERAL = 1 << 6
LOADING = 1 << 7

# Message types.
DEFAULT_MESSAGE = 0
CHAT_INPUT_COMMAND_MESSAGE = 20

_counter = itertools.count()
_counter_lock = threading.Lock()


def snowflake(*, at_ms: int | None = None) -> int:
    """A fresh, increasing snowflake: milliseconds since Discord's epoch, then worker/process/counter bits."""
    ms = int(time.time() * 1000) if at_ms is None else at_ms
    with _counter_lock:
        increment = next(_counter) & 0xFFF
    return ((ms - DISCORD_EPOCH_MS) << 22) | (1 << 17) | (1 << 12) | increment


def snowflake_for_shard(shard_id: int, shard_count: int, *, index: int = 0) -> int:
    """A guild id that Discord routes to ``shard_id``: ``(guild_id >> 22) % shard_count == shard_id``."""
    if not 0 <= shard_id < shard_count:
        raise ValueError(f"shard_id {shard_id} is outside 0..{shard_count - 1}")
    base_ms = 1_700_000_000_000 - DISCORD_EPOCH_MS
    timestamp = base_ms - (base_ms % shard_count) + shard_id + index * shard_count
    return (timestamp << 22) | index


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that receives a guild's events."""
    return (guild_id >> 22) % shard_count


def iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def user(user_id: int, username: str, *, bot: bool = False, global_name: str | None = None) -> JSON:
    return {
        "id": str(user_id),
        "username": username,
        "discriminator": "0" if not bot else "0001",
        "global_name": global_name,
        "avatar": None,
        "bot": bot,
        "public_flags": 0,
        "flags": 0,
        "banner": None,
        "accent_color": None,
        "avatar_decoration_data": None,
        "primary_guild": None,
        "collectibles": None,
    }


def current_user(user_id: int, username: str) -> JSON:
    """GET /users/@me for a bot: the public user plus the account fields only the owner sees."""
    payload = user(user_id, username, bot=True)
    payload.update({"mfa_enabled": True, "verified": True, "email": None, "locale": "en-US",
                    "premium_type": 0, "bio": ""})
    return payload


def member(member_user: JSON, *, roles: list[int], joined_at: str, permissions: int | None = None) -> JSON:
    """A guild member; ``permissions`` is only present on members inside an interaction."""
    payload: JSON = {
        "user": member_user,
        "roles": [str(role) for role in roles],
        "nick": None,
        "avatar": None,
        "banner": None,
        "joined_at": joined_at,
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }
    if permissions is not None:
        payload["permissions"] = str(permissions)
    return payload


def role(role_id: int, name: str, *, permissions: int, position: int = 0, managed: bool = False,
         bot_id: int | None = None) -> JSON:
    payload: JSON = {
        "id": str(role_id),
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": managed,
        "mentionable": False,
        "flags": 0,
        "tags": {},
    }
    if bot_id is not None:
        payload["tags"] = {"bot_id": str(bot_id)}
    return payload


def channel(channel_id: int, guild_id: int, name: str, *, kind: int = GUILD_TEXT, position: int = 0,
            parent_id: int | None = None, topic: str | None = None) -> JSON:
    payload: JSON = {
        "id": str(channel_id),
        "guild_id": str(guild_id),
        "name": name,
        "type": kind,
        "position": position,
        "permission_overwrites": [],
        "flags": 0,
        "parent_id": None if parent_id is None else str(parent_id),
    }
    if kind != GUILD_CATEGORY:
        payload.update({"topic": topic, "nsfw": False, "last_message_id": None, "rate_limit_per_user": 0})
    return payload


def thread(thread_id: int, guild_id: int, parent_id: int, name: str, *, owner_id: int,
           auto_archive_minutes: int = 1440) -> JSON:
    now = iso_now()
    return {
        "id": str(thread_id),
        "guild_id": str(guild_id),
        "parent_id": str(parent_id),
        "owner_id": str(owner_id),
        "name": name,
        "type": PUBLIC_THREAD,
        "last_message_id": None,
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "rate_limit_per_user": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": auto_archive_minutes,
            "archive_timestamp": now,
            "locked": False,
            "create_timestamp": now,
        },
    }


def guild_base(guild_id: int, name: str, *, owner_id: int, roles: list[JSON]) -> JSON:
    """The guild object as GET /guilds/{id} returns it (no channels, members or joined_at)."""
    return {
        "id": str(guild_id),
        "name": name,
        "icon": None,
        "splash": None,
        "discovery_splash": None,
        "banner": None,
        "description": None,
        "owner_id": str(owner_id),
        "afk_channel_id": None,
        "afk_timeout": 300,
        "verification_level": 0,
        "default_message_notifications": 0,
        "explicit_content_filter": 0,
        "mfa_level": 0,
        "nsfw_level": 0,
        "premium_tier": 0,
        "premium_subscription_count": 0,
        "premium_progress_bar_enabled": False,
        "preferred_locale": "en-US",
        "features": [],
        "roles": roles,
        "emojis": [],
        "stickers": [],
        "system_channel_id": None,
        "system_channel_flags": 0,
        "rules_channel_id": None,
        "public_updates_channel_id": None,
        "safety_alerts_channel_id": None,
        "vanity_url_code": None,
        "max_members": 25_000_000,
        "max_video_channel_users": 25,
        "max_stage_video_channel_users": 50,
        "application_id": None,
        "region": "deprecated",
        "nsfw": False,
    }


def guild_create(base: JSON, *, channels: list[JSON], threads: list[JSON], members: list[JSON],
                 member_count: int, joined_at: str) -> JSON:
    """The GUILD_CREATE dispatch: the guild plus the gateway-only fields."""
    payload = dict(base)
    payload.update({
        "unavailable": False,
        "joined_at": joined_at,
        "large": False,
        "lazy": True,
        "member_count": member_count,
        "channels": channels,
        "threads": threads,
        "members": members,
        "presences": [],
        "voice_states": [],
        "stage_instances": [],
        "guild_scheduled_events": [],
        "soundboard_sounds": [],
        "embedded_activities": [],
        # Undocumented fields a real bot receives today, with the values an ordinary guild has.
        "activity_instances": [],
        "application_command_counts": {},
        "version": int(time.time() * 1000),
        "home_header": None,
        "hub_type": None,
        "incidents_data": None,
        "inventory_settings": None,
        "latest_onboarding_question_id": None,
        "moderator_reporting": None,
        "owner_configured_content_level": 0,
        "premium_features": None,
        "premium_progress_bar_enabled_user_updated_at": None,
        "profile": None,
    })
    return payload


def application(app_id: int, name: str, *, owner: JSON, flags: int) -> JSON:
    """GET /oauth2/applications/@me."""
    return {
        "id": str(app_id),
        "name": name,
        "icon": None,
        "description": "",
        "summary": "",
        "type": None,
        "bot_public": False,
        "bot_require_code_grant": False,
        "owner": owner,
        "team": None,
        "verify_key": "0" * 64,
        "flags": flags,
        "hook": True,
        "is_monetized": False,
        "interactions_endpoint_url": None,
        "redirect_uris": [],
        "tags": [],
        "approximate_guild_count": 0,
        "integration_types_config": {"0": {}},
    }


def ready(*, session_id: str, resume_gateway_url: str, bot_user: JSON, app_id: int, app_flags: int,
          guild_ids: list[int], shard: list[int] | None) -> JSON:
    payload: JSON = {
        "v": 10,
        "user": bot_user,
        "guilds": [{"id": str(guild_id), "unavailable": True} for guild_id in guild_ids],
        "session_id": session_id,
        "session_type": "normal",
        "resume_gateway_url": resume_gateway_url,
        "application": {"id": str(app_id), "flags": app_flags},
        "private_channels": [],
        "presences": [],
        "relationships": [],
        "game_relationships": [],
        "guild_join_requests": [],
        "user_settings": {},
        "auth": {},
        "geo_ordered_rtc_regions": [],
        "_trace": ['["fake-discord-gateway",{"micros":0}]'],
    }
    if shard is not None:
        payload["shard"] = shard
    return payload


def message(*, message_id: int, channel_id: int, author: JSON, content: str, embeds: list[JSON],
            attachments: list[JSON], tts: bool = False, nonce: str | None = None, flags: int = 0,
            kind: int = DEFAULT_MESSAGE, components: list[JSON] | None = None,
            webhook_id: int | None = None, application_id: int | None = None,
            interaction_metadata: JSON | None = None) -> JSON:
    payload: JSON = {
        "id": str(message_id),
        "channel_id": str(channel_id),
        "type": kind,
        "author": author,
        "content": content,
        "timestamp": iso_now(),
        "edited_timestamp": None,
        "tts": tts,
        "mention_everyone": False,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": [_rich(embed) for embed in embeds],
        "components": components or [],
        "pinned": False,
        "flags": flags,
    }
    if nonce is not None:
        payload["nonce"] = nonce
    if webhook_id is not None:
        payload["webhook_id"] = str(webhook_id)
    if application_id is not None:
        payload["application_id"] = str(application_id)
    if interaction_metadata is not None:
        payload["interaction_metadata"] = interaction_metadata
    return payload


def _rich(embed: JSON) -> JSON:
    """Discord echoes embeds back with their type filled in."""
    echoed = dict(embed)
    echoed.setdefault("type", "rich")
    return echoed


def attachment(attachment_id: int, filename: str, *, size: int, content_type: str | None, url: str) -> JSON:
    return {
        "id": str(attachment_id),
        "filename": filename,
        "size": size,
        "url": url,
        "proxy_url": url,
        "content_type": content_type,
    }


def application_command(
    body: JSON, *, command_id: int, app_id: int, guild_id: int | None, version: int
) -> JSON:
    """A command as Discord stores it after a create or bulk overwrite."""
    stored: JSON = {
        "id": str(command_id),
        "application_id": str(app_id),
        "version": str(version),
        "type": body.get("type", 1),
        "name": body["name"],
        "description": body.get("description", ""),
        "options": body.get("options", []),
        "default_member_permissions": body.get("default_member_permissions"),
        "nsfw": body.get("nsfw", False),
        "name_localizations": body.get("name_localizations"),
        "description_localizations": body.get("description_localizations"),
    }
    if guild_id is not None:
        stored["guild_id"] = str(guild_id)
    else:
        stored["contexts"] = body.get("contexts")
        stored["integration_types"] = body.get("integration_types", [0])
        stored["dm_permission"] = body.get("dm_permission", True)
    return stored


def interaction(*, interaction_id: int, kind: int, token: str, app_id: int, data: JSON, guild_id: int,
                guild_features: list[str], channel_payload: JSON, invoker: JSON, app_permissions: int,
                locale: str = "en-US") -> JSON:
    """INTERACTION_CREATE for a guild invocation (type 2 application command, 4 autocomplete)."""
    return {
        "id": str(interaction_id),
        "application_id": str(app_id),
        "type": kind,
        "token": token,
        "version": 1,
        "data": data,
        "guild_id": str(guild_id),
        "guild": {"id": str(guild_id), "locale": "en-US", "features": guild_features},
        "channel_id": channel_payload["id"],
        "channel": channel_payload,
        "member": invoker,
        "app_permissions": str(app_permissions),
        "locale": locale,
        "guild_locale": "en-US",
        "entitlements": [],
        "entitlement_sku_ids": [],
        "authorizing_integration_owners": {"0": str(guild_id)},
        "context": 0,
        "attachment_size_limit": 10 * 1024 * 1024,
    }


def api_error(code: int, message: str, errors: JSON | None = None) -> JSON:
    """Discord's error body: ``{"code", "message"}`` plus the nested ``errors`` tree for form errors."""
    body: JSON = {"message": message, "code": code}
    if errors is not None:
        body["errors"] = errors
    return body
