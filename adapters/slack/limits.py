"""Block Kit limits the renderer keeps to, and a check that lists every way a message breaks them.

Slack documents 50 blocks per message, 3,000 characters per section text, 150 per header, 10 fields of
2,000, 10 context elements; it also refuses block messages whose text adds up past roughly 13,000
characters (``msg_blocks_too_long``, undocumented), so the renderer keeps under ``MESSAGE_TEXT_BUDGET``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

MAX_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
SECTION_TEXT = 3_000
HEADER_TEXT = 150
MAX_FIELDS = 10
FIELD_TEXT = 2_000
CONTEXT_ELEMENTS = 10
BUTTON_TEXT = 75
BUTTON_VALUE = 2_000
MESSAGE_TEXT_BUDGET = 12_000  # under Slack's ~13k total, with room for the blocks' other strings
FALLBACK_TEXT = 3_000  # the plain ``text`` beside blocks: notifications and screen readers read it

Block = dict[str, Any]


def text_chars(blocks: Sequence[Mapping[str, Any]]) -> int:
    """Characters of every text object in ``blocks`` (what Slack's total limit counts)."""
    return sum(len(text) for text in _texts(blocks))


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, Mapping):
        if value.get("type") in ("plain_text", "mrkdwn") and isinstance(value.get("text"), str):
            yield value["text"]
        for child in value.values():
            yield from _texts(child)
    elif isinstance(value, list | tuple):
        for child in value:
            yield from _texts(child)


def message_problems(blocks: Sequence[Mapping[str, Any]], text: str = "") -> list[str]:
    """Every limit ``blocks`` (and the fallback ``text``) break; empty when the message is fine."""
    problems: list[str] = []
    if not text.strip():
        problems.append("no plain text fallback")
    if len(text) > FALLBACK_TEXT:
        problems.append(f"fallback text has {len(text)} characters (max {FALLBACK_TEXT})")
    if len(blocks) > MAX_BLOCKS:
        problems.append(f"{len(blocks)} blocks (max {MAX_BLOCKS})")
    total = text_chars(blocks)
    if total > MESSAGE_TEXT_BUDGET:
        problems.append(f"{total} characters of block text (budget {MESSAGE_TEXT_BUDGET})")
    for index, block in enumerate(blocks):
        problems.extend(f"block {index}: {p}" for p in _block_problems(block))
    return problems


def _block_problems(block: Mapping[str, Any]) -> Iterator[str]:
    kind = block.get("type")
    if kind == "header":
        yield from _text_problems(block.get("text"), HEADER_TEXT, plain_only=True)
    elif kind == "section":
        if "text" not in block and "fields" not in block:
            yield "a section needs text or fields"
        if "text" in block:
            yield from _text_problems(block["text"], SECTION_TEXT)
        fields = block.get("fields", [])
        if len(fields) > MAX_FIELDS:
            yield f"{len(fields)} fields (max {MAX_FIELDS})"
        for field in fields:
            yield from _text_problems(field, FIELD_TEXT)
    elif kind == "context":
        elements = block.get("elements", [])
        if not elements or len(elements) > CONTEXT_ELEMENTS:
            yield f"{len(elements)} context elements (1 to {CONTEXT_ELEMENTS})"
        for element in elements:
            yield from _text_problems(element, SECTION_TEXT)
    elif kind == "actions":
        for element in block.get("elements", []):
            yield from _text_problems(element.get("text"), BUTTON_TEXT, plain_only=True)
            if len(str(element.get("value", ""))) > BUTTON_VALUE:
                yield f"a button value over {BUTTON_VALUE} characters"
    elif kind != "divider":
        yield f"unexpected block type {kind!r}"


def _text_problems(value: object, limit: int, *, plain_only: bool = False) -> Iterator[str]:
    if not isinstance(value, Mapping) or not isinstance(value.get("text"), str) or not value["text"]:
        yield "an empty or missing text object"
        return
    if plain_only and value.get("type") != "plain_text":
        yield "text must be plain_text here"
    if len(value["text"]) > limit:
        yield f"text of {len(value['text'])} characters (max {limit})"
