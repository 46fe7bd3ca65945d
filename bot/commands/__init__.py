"""The bot's command grammar: declared once (``spec``), parsed into typed commands (``parse``), explained
from the same declarations (``help``). Every mistake in what a user typed is a ``UserError``."""

from bot.commands.errors import UserError
from bot.commands.help import help_text
from bot.commands.parse import parse_command, parse_line
from bot.commands.results import (
    DigestCommand,
    FeedAddCommand,
    FeedEnableCommand,
    FeedRemoveCommand,
    FeedsCommand,
    HelpCommand,
    LatestCommand,
    LatestKind,
    PairCommand,
    ParsedCommand,
    PauseCommand,
    RegionsCommand,
    ResumeCommand,
    ScheduleCommand,
    ShowCommand,
    SourceExcludeCommand,
    SourceIncludeCommand,
    SubscribeCommand,
    TopicAddCommand,
    TopicRemoveCommand,
    TopicsCommand,
    UnsubscribeCommand,
)
from bot.commands.schedule import Schedule
from bot.commands.spec import COMMANDS, GROUPS, NEWS, NEWS_ADMIN, ROOTS, ArgKind, ArgSpec, CommandSpec
from bot.commands.values import DigestMode

__all__ = [
    "COMMANDS",
    "GROUPS",
    "NEWS",
    "NEWS_ADMIN",
    "ROOTS",
    "ArgKind",
    "ArgSpec",
    "CommandSpec",
    "DigestCommand",
    "DigestMode",
    "FeedAddCommand",
    "FeedEnableCommand",
    "FeedRemoveCommand",
    "FeedsCommand",
    "HelpCommand",
    "LatestCommand",
    "LatestKind",
    "PairCommand",
    "ParsedCommand",
    "PauseCommand",
    "RegionsCommand",
    "ResumeCommand",
    "Schedule",
    "ScheduleCommand",
    "ShowCommand",
    "SourceExcludeCommand",
    "SourceIncludeCommand",
    "SubscribeCommand",
    "TopicAddCommand",
    "TopicRemoveCommand",
    "TopicsCommand",
    "UnsubscribeCommand",
    "UserError",
    "help_text",
    "parse_command",
    "parse_line",
]
