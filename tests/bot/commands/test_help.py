"""Help text comes from the declarations; admins alone see the admin commands."""

from __future__ import annotations

import pytest

from bot.commands.errors import UserError, is_unsafe
from bot.commands.help import help_text
from bot.commands.spec import COMMANDS, NEWS, NEWS_ADMIN, CommandSpec

NEWS_COMMANDS = [spec for spec in COMMANDS if spec.root == NEWS]
ADMIN_COMMANDS = [spec for spec in COMMANDS if spec.root == NEWS_ADMIN]


def test_overview_lists_every_public_command_with_its_usage_and_summary() -> None:
    text = help_text(None, is_admin=False)
    for spec in NEWS_COMMANDS:
        assert f"`{spec.usage}`: {spec.summary}" in text
    assert "/news help COMMAND" in text


def test_non_admins_do_not_see_admin_commands_listed() -> None:
    text = help_text(None, is_admin=False)
    for spec in ADMIN_COMMANDS:
        assert spec.usage not in text
        assert f"/{spec.path}" not in text
    assert "`/news-admin`" in text  # where admins find the rest


def test_admins_see_every_command() -> None:
    text = help_text(None, is_admin=True)
    for spec in COMMANDS:
        assert f"`{spec.usage}`: {spec.summary}" in text
    assert help_text("news", is_admin=True) == text


def test_help_news_admin_tells_a_non_admin_it_needs_admin_rights() -> None:
    text = help_text("news-admin", is_admin=False)
    assert "needs admin rights" in text
    assert "subscribe" not in text
    assert "needs admin rights" in help_text("subscribe", is_admin=False)
    assert "needs admin rights" in help_text("news-admin feed", is_admin=False)


def test_help_news_admin_for_an_admin_lists_the_admin_commands() -> None:
    text = help_text("/news-admin", is_admin=True)
    for spec in ADMIN_COMMANDS:
        assert spec.usage in text


@pytest.mark.parametrize("spec", COMMANDS, ids=lambda spec: spec.path)
def test_command_help_has_usage_description_arguments_and_example(spec: CommandSpec) -> None:
    text = help_text(spec.path, is_admin=True)
    assert text.startswith(f"`{spec.usage}`\n{spec.summary}")
    for arg in spec.args:
        assert arg.description in text
        if arg.default is not None:
            assert f"default {arg.default}" in text
        assert ("required" if arg.required else "optional") in text
    for example in spec.examples:
        assert f"`{example}`" in text
    assert not is_unsafe(" ".join(text.split()))


def test_command_help_shows_bounds_and_choices() -> None:
    text = help_text("subscribe", is_admin=True)
    assert "`items=` (optional, 1 to 20, default 8)" in text
    assert "full or headlines, default full" in text
    assert "`SINCE` (optional, default 7d)" in help_text("pair", is_admin=False)


@pytest.mark.parametrize("name", ["pair", "PAIR", "/news pair", "news pair"])
def test_command_names_are_found_in_any_spelling(name: str) -> None:
    assert help_text(name, is_admin=False).startswith("`/news pair COUNTRY1 COUNTRY2 [SINCE]`")


def test_group_help_lists_its_sub_commands() -> None:
    text = help_text("topic", is_admin=True)
    assert "/news-admin topic add NAME" in text and "/news-admin topic remove NAME" in text
    assert "feed add" not in text


def test_unknown_command_help_is_a_user_error_with_a_suggestion() -> None:
    with pytest.raises(UserError) as caught:
        help_text("lates", is_admin=False)
    assert "Did you mean: latest" in caught.value.message
    assert "/news help" in caught.value.hint


def test_help_fits_one_slack_section() -> None:
    assert len(help_text(None, is_admin=True)) <= 3000
