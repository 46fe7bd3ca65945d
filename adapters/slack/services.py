"""What the Slack listeners share: the dispatcher, the store, admin checks, "already handled?", and what
happens to channels and workspaces that go away."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import SQLAlchemyError

from adapters.slack.admins import AdminDirectory
from adapters.slack.clients import WorkspaceClients
from adapters.slack.config import SlackConfig
from adapters.slack.inbound import PLATFORM, Origin
from bot.adapter_context import AdapterContext
from bot.chat import Actor, ChannelRef, CommandRequest, Reply
from bot.store.config import NoSubscription
from bot.store.event_keys import DEFAULT_TTL, EventKeys
from bot.store.installations import SlackInstallationStore
from bot.store.workspace_removals import WorkspaceRemovals

log = logging.getLogger(__name__)

REMOVAL_GRACE = timedelta(days=7)


@dataclass
class SlackServices:
    config: SlackConfig
    context: AdapterContext
    clients: WorkspaceClients
    admins: AdminDirectory
    event_keys: EventKeys
    removals: WorkspaceRemovals
    installations: SlackInstallationStore | None = None
    removal_grace: timedelta = REMOVAL_GRACE

    async def first_time(self, key: str, *, ttl: timedelta | None = DEFAULT_TTL) -> bool:
        """True the first time ``key`` is seen by any replica; a database failure errs on running it."""
        try:
            return await self.event_keys.first_time(key, ttl=ttl)
        except SQLAlchemyError as error:
            log.warning("could not record the request key %s (%s): handling it anyway", key,
                        type(error).__name__)
            return True

    def listed_admin(self, user_id: str) -> bool:
        """In NEWSBOT_ADMINS as slack:<user id>."""
        return f"{PLATFORM}:{user_id}" in self.config.admins

    async def actor(self, client: AsyncWebClient, origin: Origin, *, check_admin: bool) -> Actor:
        """The user as the dispatcher sees them; ``check_admin`` asks Slack (users.info, cached)."""
        admin = check_admin and await self.admins.is_admin(client, origin.team_id, origin.user_id)
        return Actor(PLATFORM, origin.user_id, is_admin=admin, name=origin.user_name)

    async def is_admin(self, client: AsyncWebClient, origin: Origin) -> bool:
        """Workspace admin or owner, or listed in NEWSBOT_ADMINS."""
        return self.listed_admin(origin.user_id) or await self.admins.is_admin(client, origin.team_id,
                                                                               origin.user_id)

    async def handle(self, actor: Actor, channel: ChannelRef, root: str, text: str) -> Reply:
        return await self.context.handle(CommandRequest(actor, channel, root, text))

    async def pause_channel(self, team_id: str, channel_id: str, reason: str) -> bool:
        """Pause the channel's subscription, saying why (shown in the App Home); False when it has none."""
        channel = ChannelRef(PLATFORM, team_id, channel_id)
        subscription = await self.context.store.config.get_subscription(channel)
        if subscription is None or subscription.paused:
            return False
        try:
            await self.context.store.config.set_paused(channel, True, reason=reason, now=self.context.clock())
        except NoSubscription:
            return False
        log.info("paused the digest of %s: %s", channel.key, reason)
        return True

    async def workspace_left(self, team_id: str, reason: str) -> None:
        """The app was uninstalled or its token revoked: forget the tokens now, the data after the grace."""
        if not team_id:
            return
        if self.installations is not None:
            await self.installations.async_delete_all(enterprise_id=None, team_id=team_id)
        for subscription in await self.context.store.config.list_subscriptions():
            ref = subscription.channel
            if ref.platform == PLATFORM and ref.workspace == team_id and not subscription.paused:
                await self.pause_channel(team_id, ref.channel, reason)
        remove_after = await self.removals.schedule(team_id, reason=reason, now=self.context.clock(),
                                                    grace=self.removal_grace)
        log.warning("Slack workspace %s left (%s): tokens deleted; its settings are deleted after %s unless "
                    "it installs the app again", team_id, reason, f"{remove_after:%Y-%m-%d %H:%M} UTC")

    async def remove_due_workspaces(self) -> list[str]:
        """Delete the data of workspaces whose grace period ran out (and that did not come back)."""
        removed: list[str] = []
        for team_id in await self.removals.due(self.context.clock()):
            if self.installations is not None and await self.installations.async_find_bot(
                    enterprise_id=None, team_id=team_id) is not None:
                await self.removals.cancel(team_id)  # reinstalled meanwhile
                continue
            count = await self.context.store.config.delete_workspace(PLATFORM, team_id)
            await self.removals.done(team_id)
            log.info("deleted the data of Slack workspace %s (%d subscriptions and topics)", team_id, count)
            removed.append(team_id)
        return removed
