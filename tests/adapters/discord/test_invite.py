"""The invite link asks for exactly the permissions the bot uses, and README.md says the same."""

from __future__ import annotations

from pathlib import Path

from adapters.discord.invite import invite_url, needed_permissions

README = Path(__file__).resolve().parents[3] / "adapters" / "discord" / "README.md"


def test_the_permission_integer_is_view_send_embed_attach() -> None:
    assert needed_permissions().value == 1024 + 2048 + 16384 + 32768 == 52224
    assert needed_permissions(threads=True).value == 52224 + (1 << 35) + (1 << 38)


def test_the_invite_link_has_both_scopes_and_the_permissions() -> None:
    url = invite_url(1234)
    assert url == "https://discord.com/oauth2/authorize?client_id=1234&scope=bot+applications.commands&permissions=52224"


def test_readme_gives_the_same_numbers() -> None:
    text = README.read_text(encoding="utf-8")
    assert "permissions=52224" in text
    assert f"permissions={needed_permissions(threads=True).value}" in text
