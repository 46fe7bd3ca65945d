"""``/news`` and ``/news-admin``: ack at once, then run the dispatcher and answer through ``respond``.

Replies are ephemeral; a digest or pair report gets a "Share to channel" button, which runs the same
command again for the channel and posts it ``in_channel`` (with the pair report's chart uploaded to the
channel by files_upload_v2, alt text included). Charts are not attached to ephemeral replies: Slack has
no ephemeral files, and an upload only the asker could see would need a DM channel and more scopes.

A command Slack delivers twice (a retry) is answered once: its trigger_id is recorded before any work.
"""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.inbound import (
    Origin,
    command_origin,
    interaction_origin,
    read_share_value,
    request_key,
    share_value,
)
from adapters.slack.mrkdwn import plain
from adapters.slack.posting import api_error_code
from adapters.slack.render import SHARE_ACTION_ID
from adapters.slack.replies import send_reply
from adapters.slack.services import SlackServices
from bot.chat import Reply
from bot.commands.spec import NEWS, NEWS_ADMIN
from digests.render import pair_headline

log = logging.getLogger(__name__)

CHART_FILENAME = "pair-chart.png"


def register_commands(app: AsyncApp, services: SlackServices) -> None:
    for root in (NEWS, NEWS_ADMIN):
        app.command(f"/{root}")(_command_listener(services, root))
    app.action(SHARE_ACTION_ID)(_share_listener(services))


def _command_listener(services: SlackServices, root: str) -> Callable[..., Awaitable[None]]:
    async def on_command(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond,
                         client: AsyncWebClient) -> None:
        await ack()
        if not await services.first_time(request_key("command", command, field="trigger_id")):
            log.info("a repeated /%s (Slack retry) was acknowledged and not run again", root)
            return
        origin = command_origin(command)
        text = str(command.get("text") or "")
        try:
            # The admin check costs a users.info call: only where the answer depends on it.
            needs_admin = root == NEWS_ADMIN or text.strip().lower().startswith("help")
            actor = await services.actor(client, origin, check_admin=needs_admin)
            reply = await services.handle(actor, origin.channel(), root, text)
            shareable = reply.ephemeral and reply.kind in ("digest", "pair")
            await send_reply(respond, reply, share_value=share_value(root, text) if shareable else None)
        except Exception:  # the dispatcher answers its own errors; this is Slack's side failing
            await _apologise(respond, f"/{root} in {origin.team_id}/{origin.channel_id}")

    return on_command


def _share_listener(services: SlackServices) -> Callable[..., Awaitable[None]]:
    async def on_share(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond,
                       client: AsyncWebClient) -> None:
        await ack()
        origin = interaction_origin(body)
        wanted = read_share_value(str(action.get("value") or ""))
        if wanted is None or not origin.channel_id:
            await respond(text="This button no longer works: run the command again.", replace_original=False)
            return
        if not await services.first_time(request_key("share", body, field="trigger_id")):
            return
        root, text = wanted
        try:
            actor = await services.actor(client, origin, check_admin=False)
            reply = await services.handle(actor, origin.channel(), root, text)
            if reply.kind == "error":
                await send_reply(respond, reply)
                return
            public = dataclasses.replace(reply, ephemeral=False)
            if not await send_reply(respond, public, in_channel=True, shared_by=origin.user_id):
                await respond(text="Slack did not accept the post in this channel.", replace_original=False)
                return
            problem = await _share_chart(client, origin, reply) if reply.chart is not None else None
            await respond(text=problem or "Shared to the channel.", replace_original=True)
        except Exception:
            await _apologise(respond, f"sharing in {origin.team_id}/{origin.channel_id}")

    return on_share


async def _share_chart(client: AsyncWebClient, origin: Origin, reply: Reply) -> str | None:
    """Upload the pair chart to the channel; a sentence for the user when that failed."""
    assert reply.chart is not None and origin.channel_id is not None
    title = pair_headline(reply.pair) if reply.pair is not None else "Pair report chart"
    try:
        await client.files_upload_v2(channel=origin.channel_id, file=str(reply.chart), filename=CHART_FILENAME,
                                     title=plain(title, 200), alt_txt=plain(reply.chart_alt or title, 1000))
    except SlackApiError as error:
        code = api_error_code(error)
        log.info("could not upload a pair chart to %s: %s", origin.channel_id, code)
        return (f"Shared, but the chart could not be posted ({code}): invite newsbot to the channel with "
                "/invite @newsbot to have it posted next time.")
    except OSError:
        return "Shared, but the chart file was not available."
    return None


async def _apologise(respond: AsyncRespond, where: str) -> None:
    error_id = uuid.uuid4().hex[:8]
    log.exception("Slack request failed (error id %s): %s", error_id, where)
    try:
        await respond(text=f"Sorry, something went wrong on our side (error id {error_id}). Please try again "
                           "later, and quote the id if you report it.", replace_original=False)
    except Exception:  # the apology is best effort: the error is logged above
        log.warning("could not send the apology for error %s", error_id)
