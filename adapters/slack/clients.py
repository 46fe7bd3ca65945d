"""The Web API client that acts in a workspace: the one bot token, or that workspace's installed bot."""

from __future__ import annotations

import logging

from slack_sdk.web.async_client import AsyncWebClient

from bot.store.installations import SlackInstallationStore


class WorkspaceClients:
    def __init__(self, *, api_url: str, logger: logging.Logger, bot_token: str | None = None,
                 installations: SlackInstallationStore | None = None) -> None:
        if (bot_token is None) == (installations is None):
            raise ValueError("give either a bot token (one workspace) or an installation store (OAuth)")
        self.api_url = api_url
        self.logger = logger
        self._bot_token = bot_token
        self._installations = installations

    async def for_team(self, team_id: str) -> AsyncWebClient | None:
        """A client with the bot token for ``team_id``; None when the app is not installed there."""
        token = self._bot_token
        if self._installations is not None:
            bot = await self._installations.async_find_bot(enterprise_id=None, team_id=team_id)
            token = bot.bot_token if bot is not None else None
        if token is None:
            return None
        return AsyncWebClient(token=token, base_url=self.api_url, logger=self.logger)
