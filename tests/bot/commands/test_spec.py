"""The declarations: complete, introspectable, and within what Slack and Discord accept."""

from __future__ import annotations

import re

import pytest

from bot.commands.errors import UserError
from bot.commands.spec import (
    COMMANDS,
    GROUPS,
    NEWS,
    NEWS_ADMIN,
    ROOTS,
    ArgKind,
    CommandSpec,
    GroupSpec,
    RootSpec,
    children,
    command,
    find_node,
    root,
)
from bot.commands.tokens import tokenise

DISCORD_NAME = re.compile(r"[a-z0-9_-]{1,32}")  # Discord's rule for command and option names (lower-case)
DISCORD_DESCRIPTION_CHARS = 100

EXPECTED_PATHS = {
    "news pair",
    "news latest",
    "news digest",
    "news topics",
    "news regions",
    "news help",
    "news-admin subscribe",
    "news-admin schedule",
    "news-admin pause",
    "news-admin resume",
    "news-admin unsubscribe",
    "news-admin show",
    "news-admin topic add",
    "news-admin topic remove",
    "news-admin feed add",
    "news-admin feed remove",
    "news-admin feed enable",
    "news-admin feeds",
    "news-admin source exclude",
    "news-admin source include",
}


def test_every_command_of_the_grammar_is_declared_once() -> None:
    paths = [spec.path for spec in COMMANDS]
    assert sorted(paths) == sorted(EXPECTED_PATHS)


def test_admin_commands_are_exactly_those_under_news_admin() -> None:
    for spec in COMMANDS:
        assert spec.admin_only == (spec.root == NEWS_ADMIN)
    assert not root(NEWS).admin_only and root(NEWS_ADMIN).admin_only


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda spec: spec.path)
def test_names_and_descriptions_fit_discord(spec: CommandSpec) -> None:
    for word in (spec.root, *spec.words):
        assert DISCORD_NAME.fullmatch(word)
    assert 0 < len(spec.summary) <= DISCORD_DESCRIPTION_CHARS
    names = [arg.name for arg in spec.args]
    assert len(names) == len(set(names)) <= 25
    for arg in spec.args:
        assert DISCORD_NAME.fullmatch(arg.name)
        assert 0 < len(arg.description) <= DISCORD_DESCRIPTION_CHARS


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda spec: spec.path)
def test_argument_metadata_is_consistent(spec: CommandSpec) -> None:
    positional = spec.positional
    # Required positional arguments come before optional ones, and a rest-of-line argument comes last.
    required = [arg.required for arg in positional]
    assert required == sorted(required, reverse=True)
    assert all(not arg.rest for arg in positional[:-1])
    for arg in spec.args:
        assert arg.value_type is (int if arg.kind is ArgKind.COUNT else str)
        if arg.default is not None:
            assert not arg.required
        if arg.choices and arg.default is not None:
            assert arg.default in arg.choices
        if arg.min_value is not None and arg.max_value is not None:
            assert arg.min_value <= arg.max_value
    for name in spec.needs_one_of:
        assert spec.arg(name).option and not spec.arg(name).required
    assert spec.examples, "every command shows an example in its help"
    for example in spec.examples:
        assert example.startswith(f"/{spec.path}")
        tokenise(example)  # examples are balanced


def test_introspection_of_one_command() -> None:
    subscribe = command("news-admin subscribe")
    items = subscribe.arg("items")
    assert (items.kind, items.value_type, items.min_value, items.max_value, items.default) == (
        ArgKind.COUNT,
        int,
        1,
        20,
        "8",
    )
    assert subscribe.arg("mode").choices == ("full", "headlines")
    assert subscribe.usage.startswith("/news-admin subscribe [countries=KR,JP]")
    assert command("news pair").usage == "/news pair COUNTRY1 COUNTRY2 [SINCE]"
    with pytest.raises(KeyError):
        subscribe.arg("nope")
    with pytest.raises(KeyError):
        command("news nope")


def test_children_list_commands_and_groups_once_in_order() -> None:
    admin_words = [
        child.word if isinstance(child, GroupSpec) else child.words[-1] for child in children(root(NEWS_ADMIN))
    ]
    assert admin_words == [
        "subscribe",
        "schedule",
        "pause",
        "resume",
        "unsubscribe",
        "show",
        "topic",
        "feed",
        "feeds",
        "source",
    ]
    feed = next(group for group in GROUPS if group.word == "feed")
    assert [child.path for child in children(feed)] == [
        "news-admin feed add",
        "news-admin feed remove",
        "news-admin feed enable",
    ]
    assert {spec.name for spec in ROOTS} == {NEWS, NEWS_ADMIN}


def test_render_writes_a_line_the_tokeniser_reads_back() -> None:
    pair = command("news pair")
    assert pair.render({"first": "south korea", "second": "JP", "since": "30d"}) == 'news pair "south korea" JP 30d'
    assert pair.render({"first": "KR", "second": "JP"}) == "news pair KR JP"
    subscribe = command("news-admin subscribe")
    line = subscribe.render({"terms": "chip export, rare earths", "items": "5"})
    assert line == 'news-admin subscribe terms="chip export, rare earths" items=5'


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("", "news"),
        ("pair", "news pair"),
        ("/news pair", "news pair"),
        ("NEWS-ADMIN", "news-admin"),
        ("topic add", "news-admin topic add"),
        ("feeds", "news-admin feeds"),
        ("topic", "news-admin topic"),
        ("news-admin source", "news-admin source"),
        ("Subscribe", "news-admin subscribe"),
    ],
)
def test_find_node(text: str, path: str) -> None:
    node = find_node(text)
    assert isinstance(node, RootSpec | GroupSpec | CommandSpec)
    assert node.path == path


def test_find_node_suggests_for_unknown_names() -> None:
    with pytest.raises(UserError) as caught:
        find_node("pari")
    assert "Did you mean: pair" in caught.value.message
    with pytest.raises(UserError):
        find_node("news pair korea")
