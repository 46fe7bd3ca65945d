"""The App Home tab and the channel digest modal: publish on app_home_opened, open the modal from the
admins' buttons, and save a submission through the dispatcher (errors shown under the fields)."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.home_view import EDIT_ACTION_ID, NEW_ACTION_ID, home_view
from adapters.slack.inbound import PLATFORM, Origin, event_team, interaction_origin, request_key
from adapters.slack.mrkdwn import shorten
from adapters.slack.posting import api_error_code
from adapters.slack.services import SlackServices
from adapters.slack.settings_form import CALLBACK_ID, form_commands, form_errors, read_form, settings_modal
from bot.chat import ChannelRef

log = logging.getLogger(__name__)

CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,40}")
EVENTS = ("app_home_opened",)  # registered below; the manifest subscribes to them


def register_home(app: AsyncApp, services: SlackServices) -> None:
    @app.event("app_home_opened")
    async def on_home_opened(event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        if not await services.first_time(request_key("event", body, field="event_id")):
            return
        await publish_home(services, client, Origin(event_team(body), str(event["user"])))

    @app.action(NEW_ACTION_ID)
    async def on_new(ack: AsyncAck, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        await _open_settings(services, client, body, None)

    @app.action(EDIT_ACTION_ID)
    async def on_edit(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any],
                      client: AsyncWebClient) -> None:
        await ack()
        channel_id = str(action.get("value") or "")
        if CHANNEL_ID.fullmatch(channel_id):
            await _open_settings(services, client, body, channel_id)

    @app.view(CALLBACK_ID)
    async def on_submit(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any],
                        client: AsyncWebClient) -> None:
        origin = interaction_origin(body)
        form = read_form(view)
        custom = await services.context.store.config.custom_topics(PLATFORM, origin.team_id)
        errors = form_errors(form, custom_topics=[topic.slug for topic in custom])
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        assert form.channel_id is not None  # form_errors asks for it
        actor = await services.actor(client, origin, check_admin=True)
        channel = ChannelRef(PLATFORM, origin.team_id, form.channel_id)
        for root, text, block in form_commands(form):
            # The dispatcher validates, checks the permission and saves, exactly as for the commands.
            reply = await services.handle(actor, channel, root, text)
            if reply.kind == "error":
                await ack(response_action="errors", errors={block: shorten(reply.text, 300)})
                return
        await ack()
        await publish_home(services, client, origin)


async def publish_home(services: SlackServices, client: AsyncWebClient, origin: Origin) -> None:
    """Publish the Home tab for one user of one workspace (admins see the edit buttons)."""
    store = services.context.store
    subscriptions = [s for s in await store.config.list_subscriptions()
                     if s.channel.platform == PLATFORM and s.channel.workspace == origin.team_id]
    admin = await services.is_admin(client, origin)
    view = home_view(subscriptions, await store.feeds.list_feeds(), is_admin=admin,
                     leaving_after=await services.removals.pending(origin.team_id))
    try:
        await client.views_publish(user_id=origin.user_id, view=view)
    except SlackApiError as error:
        log.warning("could not publish the Home tab for %s in %s: %s", origin.user_id, origin.team_id,
                    api_error_code(error))


async def _open_settings(services: SlackServices, client: AsyncWebClient, body: dict[str, Any],
                         channel_id: str | None) -> None:
    origin = interaction_origin(body)
    if not await services.is_admin(client, origin):
        await publish_home(services, client, origin)  # a stale view showed buttons: show the read-only one
        return
    subscription = None
    if channel_id is not None:
        subscription = await services.context.store.config.get_subscription(
            ChannelRef(PLATFORM, origin.team_id, channel_id))
    try:
        await client.views_open(trigger_id=str(body.get("trigger_id") or ""),
                                view=settings_modal(channel_id, subscription))
    except SlackApiError as error:
        log.warning("could not open the digest settings for %s: %s", origin.team_id, api_error_code(error))
