"""Posting a scheduled digest to a channel, carrying its delivery key, and what Discord's errors mean.

Each message of a digest is sent with a nonce derived from the delivery key and the message's place
in the digest, with ``enforce_nonce``: when the delivery service tries again after a failure part-way
(or another process takes over the delivery within Discord's nonce window), the parts already posted
are answered with the existing messages instead of being posted twice.

Errors are mapped for the delivery service: rate limits, 5xx and network errors are
``PostRetryable``; a channel that is gone, hidden or where the bot may not post (or embed links) is
``PostRejected(pause_subscription=True)``; a message Discord refuses as malformed is
``PostRejected`` without pausing.
"""

from __future__ import annotations

import hashlib
import logging

import aiohttp
import discord

from adapters.discord.config import DigestLayout
from adapters.discord.limits import NONCE_MAX, clip
from adapters.discord.render import NO_MENTIONS, OutgoingMessage, render_reply
from bot.chat import ChannelRef, PostReceipt, PostRejected, PostRetryable, Reply

log = logging.getLogger(__name__)

UNKNOWN_CHANNEL, UNKNOWN_GUILD, MISSING_ACCESS, MISSING_PERMISSIONS = 10003, 10004, 50001, 50013
THREAD_EXISTS = 160004
THREAD_NAME_MAX = 100
Messageable = discord.abc.Messageable

PERMISSION_NAMES = {
    "view_channel": "View Channel", "send_messages": "Send Messages", "embed_links": "Embed Links",
    "attach_files": "Attach Files", "send_messages_in_threads": "Send Messages in Threads",
    "create_public_threads": "Create Public Threads",
}


def nonce_for(delivery_key: str, part: int) -> str:
    """A nonce of at most 25 characters (Discord's limit) naming one message of one delivery."""
    return hashlib.sha256(f"{delivery_key}#{part}".encode()).hexdigest()[:NONCE_MAX]


def retry_after_of(exc: discord.HTTPException) -> float | None:
    header = exc.response.headers.get("Retry-After") if exc.response is not None else None
    try:
        return float(header) if header is not None else None
    except ValueError:
        return None


def post_error(exc: Exception, where: str) -> PostRetryable | PostRejected:
    """What a failed send means for the delivery service."""
    if isinstance(exc, discord.RateLimited):
        return PostRetryable(f"rate limited by Discord in {where}", retry_after=exc.retry_after)
    if isinstance(exc, discord.DiscordServerError):
        return PostRetryable(f"Discord server error {exc.status} in {where}")
    if isinstance(exc, discord.HTTPException):
        if exc.status == 429:
            return PostRetryable(f"rate limited by Discord in {where}", retry_after=retry_after_of(exc))
        if exc.code in (UNKNOWN_CHANNEL, UNKNOWN_GUILD) or isinstance(exc, discord.NotFound):
            return PostRejected(f"{where} no longer exists (or the bot was removed from the server)",
                                pause_subscription=True)
        if exc.code == MISSING_ACCESS:
            return PostRejected(f"the bot cannot see {where} (removed from the server, or the channel "
                                "is hidden from it)", pause_subscription=True)
        if exc.code == MISSING_PERMISSIONS or isinstance(exc, discord.Forbidden):
            return PostRejected(f"the bot lacks a permission it needs in {where} (Discord: {exc.text})",
                                pause_subscription=True)
        return PostRejected(f"Discord refused the message for {where}: {exc.status} {exc.text}")
    if isinstance(exc, aiohttp.ClientError | OSError | TimeoutError):
        return PostRetryable(f"network error posting to {where}: {type(exc).__name__}")
    return PostRejected(f"could not post to {where}: {type(exc).__name__}: {exc}")


class DigestPoster:
    """Sends a digest ``Reply`` to a channel as messages, returning the first message's id."""

    def __init__(self, client: discord.Client, *, layout: DigestLayout = "embeds",
                 thread_per_digest: bool = False) -> None:
        self.client = client
        self.layout = layout
        self.thread_per_digest = thread_per_digest

    async def post(self, channel: ChannelRef, reply: Reply, *, delivery_key: str) -> PostReceipt:
        if self.client.is_closed() or self.client.user is None:
            raise PostRetryable("the Discord client is not connected")
        target = self._target(channel)
        where = _describe(target, channel)
        messages = render_reply(reply, layout=self.layout, header_alone=self.thread_per_digest)
        threaded = self.thread_per_digest and len(messages) > 1 and isinstance(target, discord.TextChannel)
        await self._check_permissions(target, messages, where, threaded=threaded)
        first: discord.Message | None = None
        destination: Messageable = target
        for part, message in enumerate(messages):
            sent = await self._send(destination, message, nonce_for(delivery_key, part), where)
            if first is None:
                first = sent
                if threaded:
                    destination = await self._thread_from(sent, reply, where)
        assert first is not None  # render_reply never returns no message
        return PostReceipt(str(first.id))

    def _target(self, channel: ChannelRef) -> Messageable:
        if channel.platform != "discord" or not channel.channel.isdigit():
            raise PostRejected(f"{channel.key} is not a Discord channel", pause_subscription=True)
        found = self.client.get_channel(int(channel.channel))
        if isinstance(found, Messageable):
            return found
        guild_id = int(channel.workspace) if channel.workspace.isdigit() else None
        # Not in this process's cache (another shard's guild, or not loaded yet): REST needs only the id.
        return self.client.get_partial_messageable(int(channel.channel), guild_id=guild_id)

    async def _check_permissions(self, target: Messageable, messages: list[OutgoingMessage], where: str, *,
                                 threaded: bool) -> None:
        """Refuse early, and say so in the channel when possible, when a permission is missing:
        without Embed Links Discord would post the digest as empty messages rather than fail."""
        if not isinstance(target, discord.abc.GuildChannel | discord.Thread):
            return
        me = target.guild.me
        if me is None:
            return
        permissions = target.permissions_for(me)
        needed = ["view_channel", "send_messages_in_threads" if isinstance(target, discord.Thread)
                  else "send_messages"]
        if any(m.embeds for m in messages):
            needed.append("embed_links")
        if any(m.attachments for m in messages):
            needed.append("attach_files")
        if threaded:
            needed += ["create_public_threads", "send_messages_in_threads"]
        missing = [PERMISSION_NAMES[name] for name in needed if not getattr(permissions, name)]
        if not missing:
            return
        reason = f"the bot lacks {', '.join(missing)} in {where}"
        if permissions.view_channel and permissions.send_messages:
            notice = (f"I could not post this channel's news digest: I need the {', '.join(missing)} "
                      "permission here. The digest is paused; once that is fixed, an admin can run "
                      "`/news-admin resume`.")
            try:
                await target.send(notice, allowed_mentions=NO_MENTIONS)
            except discord.HTTPException as exc:
                log.info("could not tell %s about the missing permission: %s", where, exc)
        raise PostRejected(reason, pause_subscription=True)

    async def _send(self, destination: Messageable, message: OutgoingMessage, nonce: str,
                    where: str) -> discord.Message:
        options = message.send_kwargs(nonce=nonce)
        try:
            return await destination.send(**options)
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise post_error(exc, where) from exc

    async def _thread_from(self, first: discord.Message, reply: Reply, where: str) -> Messageable:
        """The digest's thread, started from its first message (or found again when a retry finds it
        already started: a thread started from a message takes the message's id)."""
        title = reply.digest.title if reply.digest is not None else "News digest"
        try:
            return await first.create_thread(name=clip(title, THREAD_NAME_MAX))
        except discord.HTTPException as exc:
            if exc.code != THREAD_EXISTS:
                raise post_error(exc, where) from exc
        try:
            found = await self.client.fetch_channel(first.id)
        except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise post_error(exc, where) from exc
        if not isinstance(found, discord.Thread):
            raise PostRejected(f"the digest's thread in {where} is missing")
        return found


def _describe(target: Messageable, channel: ChannelRef) -> str:
    name = getattr(target, "name", None)
    return f"#{name} ({channel.channel})" if isinstance(name, str) else f"channel {channel.channel}"
