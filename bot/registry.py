"""Which chat adapters this process runs: Slack and Discord when their credentials are set, else the console.

The one place ``bot`` imports ``adapters`` (import-linter allows exactly this module).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TextIO

from bot.adapter_context import AdapterContext
from bot.chat import ChatAdapter

log = logging.getLogger(__name__)


def build_adapters(context: AdapterContext, *, console: bool, stdin: TextIO | None = None,
                   stdout: TextIO | None = None) -> dict[str, ChatAdapter]:
    settings = context.settings
    adapters: dict[str, ChatAdapter] = {}
    if not console and settings.slack_configured:
        from adapters.slack import create as create_slack

        adapters["slack"] = create_slack(context)
    if not console and settings.discord_configured:
        from adapters.discord import create as create_discord

        adapters["discord"] = create_discord(context)
    if console or not adapters:
        from adapters.console import ConsoleAdapter

        if not console:
            log.info("no Slack or Discord credentials set: running the console adapter")
        adapters["console"] = ConsoleAdapter(context.handle, stdin=stdin, stdout=stdout)
    return adapters


def console_finished(adapters: dict[str, ChatAdapter]) -> asyncio.Event | None:
    """Set when the console adapter reached the end of its input (None without a console)."""
    from adapters.console import ConsoleAdapter

    console = adapters.get("console")
    return console.finished if isinstance(console, ConsoleAdapter) else None
