"""The console adapter: the whole bot in a terminal, as user `console` (an admin) in channel `console`."""

from adapters.console.adapter import CONSOLE_ACTOR, CONSOLE_CHANNEL, ConsoleAdapter

__all__ = ["CONSOLE_ACTOR", "CONSOLE_CHANNEL", "ConsoleAdapter"]
