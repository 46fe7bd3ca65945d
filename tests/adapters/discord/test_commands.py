"""The slash commands generated from the grammar, and option values written back as command text."""

from __future__ import annotations

from typing import Any

import discord
import pytest
from discord import app_commands
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.commands import build_groups, request_text
from bot.commands.parse import parse_command
from bot.commands.results import PairCommand, SubscribeCommand
from bot.commands.spec import COMMANDS, command
from bot.commands.tokens import tokenise
from bot.commands.values import DigestMode


async def _unused(interaction: discord.Interaction[Any], spec: Any, values: dict[str, str]) -> None:
    raise AssertionError("not invoked in these tests")


def _declared() -> dict[str, dict[str, Any]]:
    client = discord.Client(intents=discord.Intents.none())
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    for group in build_groups(_unused):
        tree.add_command(group)
    return {c.name: c.to_dict(tree) for c in tree.get_commands()}


def _find(declared: dict[str, dict[str, Any]], path: str) -> dict[str, Any]:
    root, *words = path.split()
    node = declared[root]
    for word in words:
        node = next(o for o in node["options"] if o["name"] == word)
    return node


def test_every_command_of_the_grammar_is_declared_with_its_summary() -> None:
    declared = _declared()
    assert sorted(declared) == ["news", "news-admin"]
    for spec in COMMANDS:
        node = _find(declared, spec.path)
        assert node["type"] == 1 and node["description"] == spec.summary
        assert [o["name"] for o in node["options"]] == [
            a.name for a in sorted(spec.args, key=lambda a: not a.required)]
        for option, arg in zip(node["options"], sorted(spec.args, key=lambda a: not a.required), strict=True):
            assert option["required"] == arg.required
            assert option["description"] == arg.description[:100]


def test_news_admin_is_hidden_from_members_without_manage_server_and_not_in_dms() -> None:
    declared = _declared()
    assert declared["news-admin"]["default_member_permissions"] == 32  # MANAGE_GUILD
    assert declared["news-admin"]["dm_permission"] is False
    assert declared["news"]["default_member_permissions"] is None


def test_options_carry_types_bounds_choices_and_autocomplete() -> None:
    declared = _declared()
    pair = _find(declared, "news pair")
    assert [(o["name"], o["type"], o.get("autocomplete", False)) for o in pair["options"]] == [
        ("first", 3, True), ("second", 3, True), ("since", 3, False)]
    assert pair["options"][0]["max_length"] == 60
    subscribe = {o["name"]: o for o in _find(declared, "news-admin subscribe")["options"]}
    assert (subscribe["items"]["type"], subscribe["items"]["min_value"], subscribe["items"]["max_value"]) == (4, 1, 20)
    assert [c["value"] for c in subscribe["mode"]["choices"]] == ["full", "headlines"]
    assert subscribe["countries"]["autocomplete"] is True
    assert "max_length" not in subscribe["countries"]  # bounds of lists are per item: the parser checks them
    schedule = {o["name"]: o for o in _find(declared, "news-admin schedule")["options"]}
    assert schedule["timezone"]["autocomplete"] is True
    topic_add = _find(declared, "news-admin topic add")
    assert topic_add["options"][0]["min_length"] == 2


def test_option_values_become_text_the_parser_reads_back() -> None:
    text = request_text(command("news pair"), {"first": "south korea", "second": "JP"})
    assert text == 'pair "south korea" JP'
    parsed = parse_command("news", text)
    assert isinstance(parsed, PairCommand) and (parsed.first.code, parsed.second.code) == ("KR", "JP")


def test_options_after_a_skipped_optional_one_and_counts_are_written_as_name_value() -> None:
    values = {"countries": "south korea, JP", "items": "5", "mode": "headlines"}
    text = request_text(command("news-admin subscribe"), values)
    parsed = parse_command("news-admin", text)
    assert isinstance(parsed, SubscribeCommand)
    assert [c.code for c in parsed.countries] == ["KR", "JP"]
    assert (parsed.items, parsed.mode) == (5, DigestMode.HEADLINES)


def test_a_value_with_both_kinds_of_quotes_raises_value_error() -> None:
    with pytest.raises(ValueError):
        request_text(command("news-admin feed add"), {"url": "\" ' "})


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=40))
def test_any_single_value_reads_back_unchanged(value: str) -> None:
    spec = command("news-admin feed add")
    try:
        text = request_text(spec, {"url": value})
    except ValueError:
        return  # refused with a clear reply by the responder

    tokens = tokenise(text)
    if value.strip():
        assert [t.value for t in tokens[2:]] == [value]
