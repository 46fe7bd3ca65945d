"""The slash commands, generated from the command grammar (bot/commands/spec.py).

``/news`` and ``/news-admin`` become top-level groups, the grammar's groups (``topic``, ``feed``,
``source``) nested groups, and each command a subcommand whose options come from its arguments:
type (integer counts, text otherwise), description, bounds, choices and autocomplete. ``/news-admin``
carries ``default_permissions(manage_guild=True)`` so Discord hides it from members without Manage
Server; the dispatcher checks again at run time, because server admins can override it.

Options are only collected here: ``request_text`` writes them back as the text a user would type, and
the dispatcher parses and validates that, so there is one validation path for every platform.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

import discord
from discord import app_commands

from adapters.discord.autocomplete import SUGGESTERS
from bot.commands.spec import COMMANDS, GROUPS, ROOTS, ArgKind, ArgSpec, CommandSpec

DESCRIPTION_MAX = 100  # Discord's limit for command and option descriptions
ADMIN_PERMISSIONS = discord.Permissions(manage_guild=True)

CommandRunner = Callable[[discord.Interaction[Any], CommandSpec, dict[str, str]], Awaitable[None]]
"""Runs one invoked command: the interaction, its declaration and the given option values as text."""


def _description(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1].rstrip() + "…"


def option_type(arg: ArgSpec) -> Any:
    """The annotation discord.py turns into the option: an integer range for counts, a string with
    length bounds for single values, a plain string for lists (their bounds are per item)."""
    if arg.value_type is int:
        if arg.min_value is not None or arg.max_value is not None:
            return app_commands.Range[int, arg.min_value, arg.max_value]
        return int
    if not arg.many and not arg.choices and (arg.min_length is not None or arg.max_length is not None):
        return app_commands.Range[str, arg.min_length, arg.max_length]
    return str


def _callback(spec: CommandSpec, run: CommandRunner) -> Callable[..., Coroutine[Any, Any, None]]:
    """A callback whose signature lists the command's options, so discord.py declares them."""

    async def invoked(interaction: discord.Interaction[Any], **values: Any) -> None:
        given = {name: str(value) for name, value in values.items() if value is not None}
        await run(interaction, spec, given)

    parameters = [inspect.Parameter("interaction", inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                    annotation=discord.Interaction)]
    # Discord wants required options first; the grammar's order is kept otherwise.
    for arg in sorted(spec.args, key=lambda a: not a.required):
        parameters.append(inspect.Parameter(
            arg.name, inspect.Parameter.KEYWORD_ONLY, annotation=option_type(arg),
            default=inspect.Parameter.empty if arg.required else None))
    # discord.py reads the options from inspect.signature, which honours __signature__.
    invoked.__dict__["__signature__"] = inspect.Signature(parameters)
    invoked.__qualname__ = invoked.__name__ = "news_" + "_".join((spec.root, *spec.words)).replace("-", "_")
    app_commands.describe(**{arg.name: _description(arg.description) for arg in spec.args})(invoked)
    choices = {arg.name: [app_commands.Choice(name=choice, value=choice) for choice in arg.choices]
               for arg in spec.args if arg.choices}
    if choices:
        app_commands.choices(**choices)(invoked)
    return invoked


def _autocompleter(kind: ArgKind) -> Callable[[discord.Interaction[Any], str],
                                              Coroutine[Any, Any, list[app_commands.Choice[str]]]]:
    suggest = SUGGESTERS[kind]

    async def complete(interaction: discord.Interaction[Any], current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=name, value=value) for name, value in suggest(current or "")]

    return complete


def build_command(spec: CommandSpec, run: CommandRunner,
                  parent: app_commands.Group) -> app_commands.Command[Any, ..., None]:
    command: app_commands.Command[Any, ..., None] = app_commands.Command(
        name=spec.words[-1], description=_description(spec.summary), callback=_callback(spec, run),
        parent=parent)
    for arg in spec.args:
        if arg.kind in SUGGESTERS and not arg.choices:
            command.autocomplete(arg.name)(_autocompleter(arg.kind))
    return command


def build_groups(run: CommandRunner) -> list[app_commands.Group]:
    """``/news`` and ``/news-admin`` with every command of the grammar under them."""
    tops: dict[str, app_commands.Group] = {}
    for root in ROOTS:
        if root.admin_only:
            tops[root.name] = app_commands.Group(name=root.name, description=_description(root.summary),
                                                 guild_only=True, default_permissions=ADMIN_PERMISSIONS)
        else:
            tops[root.name] = app_commands.Group(name=root.name, description=_description(root.summary))
    nested: dict[tuple[str, str], app_commands.Group] = {}
    for spec in COMMANDS:  # in the grammar's order, which is the order Discord lists them in
        parent = tops[spec.root]
        if len(spec.words) > 1:
            key = (spec.root, spec.words[0])
            if key not in nested:
                group = next(g for g in GROUPS if (g.root, g.word) == key)
                # A Group made with a parent adds itself to it.
                nested[key] = app_commands.Group(name=group.word, description=_description(group.summary),
                                                 parent=parent)
            parent = nested[key]
        parent.add_command(build_command(spec, run, parent))
    return [tops[root.name] for root in ROOTS]


def request_text(spec: CommandSpec, values: dict[str, str]) -> str:
    """The text after the root that the dispatcher parses, e.g. ``pair korea "south africa"``.

    Raises ``ValueError`` for a value no quoting can carry (quotes of both kinds inside it).
    """
    rendered = spec.render(values)
    return rendered[len(spec.root):].strip()
