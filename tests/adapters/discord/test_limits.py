"""Embeds clipped to Discord's limits and packed into messages inside the per-message totals."""

from __future__ import annotations

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.discord.limits import (
    EMBED_CHARS_PER_MESSAGE,
    EMBEDS_PER_MESSAGE,
    clip,
    embed_chars,
    fit,
    pack,
    split_text,
)


def test_clip_keeps_short_text_and_marks_a_cut() -> None:
    assert clip("short", 10) == "short"
    assert clip("a" * 20, 10) == "a" * 9 + "…"
    assert len(clip("word " * 100, 256)) <= 256


def test_clip_never_leaves_a_dangling_escape() -> None:
    assert clip("abc\\*def", 5) == "abc…"


def test_fit_clips_every_part_and_drops_fields_past_25() -> None:
    embed = discord.Embed(title="t" * 300, description="d" * 5000)
    for _ in range(30):
        embed.add_field(name="n" * 300, value="v" * 2000)
    embed.set_footer(text="f" * 3000)
    embed.set_author(name="a" * 300)
    fit(embed)
    assert len(embed.title or "") == 256 and len(embed.description or "") <= 4096
    assert len(embed.footer.text or "") <= 2048 and len(embed.author.name or "") == 256
    assert len(embed.fields) <= 25
    assert all(len(f.name or "") <= 256 and len(f.value or "") <= 1024 for f in embed.fields)
    assert embed_chars(embed) <= EMBED_CHARS_PER_MESSAGE


def test_fit_fills_empty_field_names_and_values() -> None:
    embed = discord.Embed(title="x")
    embed.add_field(name="", value="")
    fit(embed)
    assert embed.fields[0].name and embed.fields[0].value


def test_pack_starts_a_new_message_at_ten_embeds() -> None:
    embeds = [discord.Embed(title=f"story {n}") for n in range(23)]
    messages = pack(embeds)
    assert [len(m) for m in messages] == [10, 10, 3]
    assert [e.title for m in messages for e in m] == [f"story {n}" for n in range(23)]


def test_pack_starts_a_new_message_before_6000_characters() -> None:
    embeds = [discord.Embed(description=str(n) * 1600) for n in range(1, 6)]  # 4 would be 6,400
    messages = pack(embeds)
    assert [len(m) for m in messages] == [3, 2]
    assert all(sum(embed_chars(e) for e in m) <= EMBED_CHARS_PER_MESSAGE for m in messages)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 300), st.integers(0, 5000), st.integers(0, 30)), max_size=40))
def test_pack_always_keeps_order_and_limits(shapes: list[tuple[int, int, int]]) -> None:
    embeds = []
    for index, (title, description, fields) in enumerate(shapes):
        embed = discord.Embed(title=f"{index}:" + "t" * title, description="d" * description or None)
        for _ in range(fields):
            embed.add_field(name="n", value="v" * 900)
        embeds.append(embed)
    messages = pack(embeds)
    assert [e.title.split(":")[0] for m in messages for e in m if e.title] == [str(i) for i in range(len(shapes))]
    for message in messages:
        assert 1 <= len(message) <= EMBEDS_PER_MESSAGE
        assert sum(embed_chars(e) for e in message) <= EMBED_CHARS_PER_MESSAGE


def test_split_text_cuts_at_line_ends_within_the_limit() -> None:
    lines = [f"line {n} " + "x" * 90 for n in range(60)]
    pieces = split_text("\n".join(lines), 2000)
    assert all(len(p) <= 2000 for p in pieces)
    assert "\n".join(pieces).splitlines() == lines


def test_split_text_cuts_an_over_long_line_hard() -> None:
    pieces = split_text("y" * 4500, 2000)
    assert [len(p) for p in pieces] == [2000, 2000, 500]
