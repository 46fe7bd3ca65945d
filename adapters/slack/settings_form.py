"""The modal in which an admin edits a channel's digest, and what its submission becomes.

The form is a front for the commands: a submission is written as ``/news-admin subscribe …`` and
``/news-admin schedule …`` command text and run through the same dispatcher (same parser, same
validation, same permission check). Before that, each field is parsed on its own with the same grammar
so that a mistake is shown under the field that has it, and nothing is saved while any field is wrong.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from adapters.slack.mrkdwn import mention_channel, shorten
from bot.commands.errors import UserError
from bot.commands.parse import parse_command
from bot.commands.spec import NEWS_ADMIN, CommandSpec, command
from bot.subscriptions import DEFAULT_ITEMS, Subscription

CALLBACK_ID = "newsbot_channel_digest"
ACTION_ID = "value"
CHANNEL_BLOCK = "channel"
MODE_BLOCK = "mode"
QUERY_FIELDS = ("countries", "regions", "topics", "terms")
SCHEDULE_FIELDS = ("days", "time", "timezone")
SUBSCRIBE = command(f"{NEWS_ADMIN} subscribe")
SCHEDULE = command(f"{NEWS_ADMIN} schedule")
ERROR_CHARS = 300
# A stand-in for the fields a check of one field needs beside it (the grammar wants all three).
SCHEDULE_STAND_INS = {"days": "daily", "time": "08:00", "timezone": "UTC"}

_LABELS = {
    "countries": ("Countries", "KR, JP or south korea, japan"),
    "regions": ("Regions", "east-asia (see /news regions)"),
    "topics": ("Topics", "diplomacy, defence (see /news topics)"),
    "terms": ("Words or phrases", "chip export, semiconductors"),
    "items": ("Stories per digest", "1 to 20"),
    "days": ("Days", "daily, weekdays, weekends or mon,wed,fri"),
    "time": ("Time (24-hour)", "08:00"),
    "timezone": ("Time zone", "Asia/Seoul"),
}


@dataclass(frozen=True, slots=True)
class SettingsForm:
    """A submitted form: the channel, the filled-in text fields (stripped), and the mode."""

    channel_id: str | None
    values: Mapping[str, str] = field(default_factory=dict)
    mode: str = "full"


def settings_modal(channel_id: str | None, subscription: Subscription | None) -> dict[str, Any]:
    """The modal for ``channel_id`` (None: the admin picks the channel) filled with its settings."""
    current = _current_values(subscription)
    blocks: list[dict[str, Any]] = []
    if channel_id:
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                       "text": f"The digest of {mention_channel(channel_id)}. Leave a field empty for “any”."}})
    else:
        blocks.append({"type": "input", "block_id": CHANNEL_BLOCK,
                       "label": {"type": "plain_text", "text": "Channel"},
                       "element": {"type": "conversations_select", "action_id": ACTION_ID,
                                   "filter": {"include": ["public", "private"], "exclude_bot_users": True}}})
    for name in (*QUERY_FIELDS, "items"):
        blocks.append(_text_input(name, current.get(name)))
    blocks.append(_mode_input(subscription.mode.value if subscription is not None else "full"))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text":
                   "*Schedule*: fill in all three, or leave them empty to keep it unscheduled."}]})
    for name in SCHEDULE_FIELDS:
        blocks.append(_text_input(name, current.get(name)))
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "private_metadata": json.dumps({"channel": channel_id}) if channel_id else "",
        "title": {"type": "plain_text", "text": "Channel digest"},
        "submit": {"type": "plain_text", "text": "Save"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _current_values(subscription: Subscription | None) -> dict[str, str]:
    if subscription is None:
        return {"items": str(DEFAULT_ITEMS)}
    query = subscription.query
    values = {
        "countries": ",".join(sorted(query.countries)), "regions": ",".join(sorted(query.regions)),
        "topics": ",".join(sorted(query.topics)), "terms": query.text, "items": str(subscription.items),
    }
    if subscription.schedule is not None:
        schedule = subscription.schedule
        values |= {"days": schedule.days_text, "time": f"{schedule.time:%H:%M}", "timezone": schedule.timezone}
    return {name: value for name, value in values.items() if value}


def _text_input(name: str, initial: str | None) -> dict[str, Any]:
    label, placeholder = _LABELS[name]
    element: dict[str, Any] = {"type": "plain_text_input", "action_id": ACTION_ID, "max_length": 600,
                               "placeholder": {"type": "plain_text", "text": placeholder}}
    if initial:
        element["initial_value"] = initial[:600]
    return {"type": "input", "block_id": name, "optional": True, "label": {"type": "plain_text", "text": label},
            "element": element}


def _mode_input(mode: str) -> dict[str, Any]:
    options = [_option("full", "Stories with summaries"), _option("headlines", "Headlines only")]
    chosen = next((o for o in options if o["value"] == mode), options[0])
    return {"type": "input", "block_id": MODE_BLOCK, "label": {"type": "plain_text", "text": "Mode"},
            "element": {"type": "static_select", "action_id": ACTION_ID, "options": options,
                        "initial_option": chosen}}


def _option(value: str, text: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": text}, "value": value}


# -- submissions ---------------------------------------------------------------------------------


def read_form(view: Mapping[str, Any]) -> SettingsForm:
    """The form from a view_submission's ``view`` (state values and private metadata)."""
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        meta = {}
    state = (view.get("state") or {}).get("values") or {}
    channel = meta.get("channel") if isinstance(meta, dict) else None
    if not channel:
        picked = (state.get(CHANNEL_BLOCK) or {}).get(ACTION_ID) or {}
        channel = picked.get("selected_conversation") or picked.get("selected_channel")
    values: dict[str, str] = {}
    for name in (*QUERY_FIELDS, "items", *SCHEDULE_FIELDS):
        value = ((state.get(name) or {}).get(ACTION_ID) or {}).get("value")
        if isinstance(value, str) and value.strip():
            values[name] = value.strip()
    selected = (((state.get(MODE_BLOCK) or {}).get(ACTION_ID) or {}).get("selected_option") or {}).get("value")
    return SettingsForm(str(channel) if channel else None, values, str(selected or "full"))


def form_errors(form: SettingsForm, *, custom_topics: Collection[str] = ()) -> dict[str, str]:
    """Errors by block id, in the grammar's words; empty when the commands will parse."""
    errors: dict[str, str] = {}
    if not form.channel_id:
        errors[CHANNEL_BLOCK] = "Choose the channel whose digest this is."
    values = form.values
    valid_query: str | None = None
    for name in QUERY_FIELDS:
        if name in values:
            problem = _problem(SUBSCRIBE, {name: values[name]}, custom_topics)
            if problem:
                errors[name] = problem
            elif valid_query is None:
                valid_query = name
    if not any(name in values for name in QUERY_FIELDS):
        errors["countries"] = "Give at least one of countries, regions, topics or words."
    if "items" in values and valid_query is not None:
        problem = _problem(SUBSCRIBE, {"items": values["items"], valid_query: values[valid_query]}, custom_topics)
        if problem:
            errors["items"] = problem
    given = [name for name in SCHEDULE_FIELDS if name in values]
    if given:
        for name in SCHEDULE_FIELDS:
            if name not in values:
                errors[name] = "Give days, time and time zone together, or leave all three empty."
            else:
                problem = _problem(SCHEDULE, {**SCHEDULE_STAND_INS, name: values[name]}, custom_topics)
                if problem:
                    errors[name] = problem
    if not errors:  # each field reads alone; check them together too (e.g. the list lengths)
        for spec, block, arguments in _commands(form):
            problem = _problem(spec, arguments, custom_topics)
            if problem:
                errors[block] = problem
                break
    return {block: shorten(text, ERROR_CHARS) for block, text in errors.items()}


def form_commands(form: SettingsForm) -> list[tuple[str, str, str]]:
    """``(root, text, block id for its errors)`` of the commands the form stands for, in order."""
    return [(NEWS_ADMIN, command_text(spec, arguments), block) for spec, block, arguments in _commands(form)]


def _commands(form: SettingsForm) -> list[tuple[CommandSpec, str, dict[str, str]]]:
    subscribe = {name: form.values[name] for name in (*QUERY_FIELDS, "items") if name in form.values}
    subscribe["mode"] = form.mode if form.mode in ("full", "headlines") else "full"
    first = next((name for name in QUERY_FIELDS if name in form.values), "countries")
    found = [(SUBSCRIBE, first, subscribe)]
    if all(name in form.values for name in SCHEDULE_FIELDS):
        found.append((SCHEDULE, "days", {name: form.values[name] for name in SCHEDULE_FIELDS}))
    return found


def command_text(spec: CommandSpec, arguments: Mapping[str, str]) -> str:
    """The text after ``/news-admin`` that parses to ``arguments``; ValueError when none can."""
    return spec.render(arguments).removeprefix(spec.root).strip()


def _problem(spec: CommandSpec, arguments: Mapping[str, str], custom_topics: Collection[str]) -> str | None:
    try:
        parse_command(spec.root, command_text(spec, arguments), custom_topics=custom_topics)
    except UserError as error:
        return error.text
    except ValueError:  # no quoting carries it: both kinds of quotes in one value
        return "This cannot be written as a command: use only one kind of quotes."
    return None
