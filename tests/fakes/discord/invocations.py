"""Turns ``"news pair"`` plus option values into an INTERACTION_CREATE's ``data``, as Discord's client would.

The command must have been registered with the fake (a bulk overwrite or create): its id and option types come
from what was registered, and Discord's client-side rules apply (known options, right value types, required
options present; for autocomplete exactly one focused option that has autocomplete on).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .state import World

JSON = dict[str, Any]
OptionValue = str | int | float | bool

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10


def command_data(world: World, guild_id: int, path: str, options: Mapping[str, OptionValue], *,
                 focused: str | None = None) -> JSON:
    """The interaction ``data`` for invoking (or, with ``focused``, autocompleting) a slash command."""
    parts = path.strip().lstrip("/").split()
    if not parts:
        raise ValueError("command path is empty; expected e.g. 'news pair'")
    command, scope = _registered(world, guild_id, parts[0])
    root: list[JSON] = []
    container, schema = root, list(command.get("options") or [])
    for part in parts[1:]:
        nesting = (SUB_COMMAND, SUB_COMMAND_GROUP)
        found = next((o for o in schema if o.get("name") == part and o.get("type") in nesting), None)
        if found is None:
            raise LookupError(f"/{' '.join(parts)}: no subcommand {part!r}; known: {_names(schema)}")
        nested: JSON = {"type": found["type"], "name": part, "options": []}
        container.append(nested)
        container, schema = nested["options"], list(found.get("options") or [])
    if any(o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP) for o in schema):
        raise ValueError(f"/{' '.join(parts)} needs a subcommand: {_names(schema)}")
    container.extend(_values(schema, options, focused=focused, path=" ".join(parts)))
    data: JSON = {"id": command["id"], "name": parts[0], "type": 1}
    if root:
        data["options"] = root
    if scope is not None:
        data["guild_id"] = str(scope)
    return data


def _registered(world: World, guild_id: int, name: str) -> tuple[JSON, int | None]:
    for scope in (guild_id, None):
        for command in world.commands.get(scope, []):
            if command["name"] == name and command.get("type", 1) == 1:
                return command, scope
    raise LookupError(f"/{name} is not registered globally or for guild {guild_id}; sync the commands first")


def _values(
    schema: list[JSON], given: Mapping[str, OptionValue], *, focused: str | None, path: str
) -> list[JSON]:
    by_name = {o["name"]: o for o in schema}
    unknown = sorted(set(given) - set(by_name))
    if unknown:
        raise ValueError(f"/{path}: unknown options {unknown}; known: {_names(schema)}")
    if focused is not None:
        if focused not in given:
            raise ValueError(f"/{path}: the focused option {focused!r} needs a (partial) value")
        if not by_name[focused].get("autocomplete"):
            raise ValueError(f"/{path}: option {focused!r} was not registered with autocomplete")
    else:
        missing = [o["name"] for o in schema if o.get("required") and o["name"] not in given]
        if missing:
            raise ValueError(f"/{path}: required options missing: {missing}")
    values = []
    for option in schema:  # Discord sends options in declaration order
        name = option["name"]
        if name not in given:
            continue
        entry: JSON = {"type": option["type"], "name": name, "value": given[name]}
        if name == focused:
            entry["value"] = str(given[name])  # partial input is always text while typing
            entry["focused"] = True
        else:
            _check_type(option, given[name], path)
            if option["type"] in (USER, CHANNEL, ROLE, MENTIONABLE):
                entry["value"] = str(given[name])
        values.append(entry)
    return values


def _check_type(option: JSON, value: OptionValue, path: str) -> None:
    kind = option["type"]
    valid = {
        STRING: isinstance(value, str),
        INTEGER: isinstance(value, int) and not isinstance(value, bool),
        BOOLEAN: isinstance(value, bool),
        NUMBER: isinstance(value, int | float) and not isinstance(value, bool),
    }.get(kind, str(value).isdigit())
    if not valid:
        raise ValueError(f"/{path}: option {option['name']!r} (type {kind}) cannot take {value!r}")
    choices = option.get("choices")
    if choices and value not in [choice["value"] for choice in choices]:
        raise ValueError(f"/{path}: {value!r} is not one of the choices of {option['name']!r}")


def _names(schema: list[JSON]) -> list[str]:
    return [str(o.get("name")) for o in schema]
