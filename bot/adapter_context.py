"""What the bot hands a chat adapter when it starts it: settings, the command handler, the store, HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from bot.chat import CommandRequest, Reply
from bot.http import HttpServer
from bot.settings import Settings
from bot.store.store import Store

CommandHandler = Callable[[CommandRequest], Awaitable[Reply]]


@dataclass(frozen=True, slots=True)
class AdapterContext:
    """``handle`` runs a command (the dispatcher); ``http`` is the bot's server, for Slack's HTTP mode."""

    settings: Settings
    handle: CommandHandler
    store: Store
    http: HttpServer | None
    clock: Callable[[], datetime]
    data_dir: Path
