"""Block Kit limits as Slack enforces them, for messages and views.

Each check yields a ``Problem`` with a JSON pointer, the way Slack lists them in
``response_metadata.messages``, e.g.
"[ERROR] must be less than 3001 characters [json-pointer:/blocks/0/text/text]".
The fake answers ``invalid_blocks`` (messages) or ``invalid_arguments`` (views) when any problem is found.
Only the blocks and elements a news bot uses are checked field by field; other element types are checked
for the common ``type`` / ``action_id`` rules only.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
MESSAGE_TEXT_MAX = 40_000
SECTION_TEXT_MAX = 3_000
SECTION_FIELDS_MAX = 10
FIELD_TEXT_MAX = 2_000
HEADER_TEXT_MAX = 150
CONTEXT_ELEMENTS_MAX = 10
ACTIONS_ELEMENTS_MAX = 25
MARKDOWN_BLOCK_MAX = 12_000
BLOCK_ID_MAX = 255
ACTION_ID_MAX = 255
BUTTON_TEXT_MAX = 75
BUTTON_VALUE_MAX = 2_000
URL_MAX = 3_000
ALT_TEXT_MAX = 2_000
IMAGE_TITLE_MAX = 2_000
INPUT_LABEL_MAX = 2_000
VIEW_TITLE_MAX = 24
VIEW_BUTTON_MAX = 24
PRIVATE_METADATA_MAX = 3_000
CALLBACK_ID_MAX = 255
# Slack rejects long block messages well below 50 x 3,000 characters ("msg_blocks_too_long"); the limit is
# undocumented and was reported near 13,200 characters, so the fake is a little stricter than that.
DEFAULT_MAX_BLOCK_TEXT_TOTAL = 13_000

MESSAGE_BLOCK_TYPES = frozenset(
    {"section", "header", "divider", "context", "actions", "image", "rich_text", "markdown", "video", "file"}
)
VIEW_BLOCK_TYPES = (MESSAGE_BLOCK_TYPES - {"markdown"}) | {"input"}
TEXT_TYPES = frozenset({"plain_text", "mrkdwn"})

# Properties Slack accepts per block type; anything else is "invalid additional property".
_BLOCK_PROPERTIES: dict[str, frozenset[str]] = {
    "section": frozenset({"type", "block_id", "text", "fields", "accessory", "expand"}),
    "header": frozenset({"type", "block_id", "text"}),
    "divider": frozenset({"type", "block_id"}),
    "context": frozenset({"type", "block_id", "elements"}),
    "actions": frozenset({"type", "block_id", "elements"}),
    "image": frozenset({"type", "block_id", "image_url", "slack_file", "alt_text", "title"}),
    "markdown": frozenset({"type", "block_id", "text"}),
    "rich_text": frozenset({"type", "block_id", "elements"}),
    "input": frozenset({"type", "block_id", "label", "element", "dispatch_action", "hint", "optional"}),
}


@dataclass(frozen=True)
class Problem:
    """One violation of a Block Kit rule, located by a JSON pointer."""

    pointer: str
    message: str

    def as_slack_message(self) -> str:
        """The line Slack puts in ``response_metadata.messages``."""
        return f"[ERROR] {self.message} [json-pointer:{self.pointer}]"


def message_block_problems(blocks: object, *, pointer: str = "/blocks") -> list[Problem]:
    """Problems of a message's ``blocks`` value (at most 50 blocks)."""
    return list(_blocks(blocks, pointer, MESSAGE_MAX_BLOCKS, MESSAGE_BLOCK_TYPES))


def view_problems(view: object) -> list[Problem]:
    """Problems of a ``view`` (modal or home tab) for views.open / push / update / publish."""
    if not isinstance(view, Mapping):
        return [Problem("/view", "must be an object")]
    problems: list[Problem] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        problems.append(Problem("/view/type", "must be one of modal, home"))
    if kind == "modal":
        problems.extend(_text_object(view.get("title"), "/view/title", VIEW_TITLE_MAX, plain_only=True))
        for button in ("submit", "close"):
            if button in view:
                problems.extend(
                    _text_object(view[button], f"/view/{button}", VIEW_BUTTON_MAX, plain_only=True)
                )
        blocks = view.get("blocks")
        has_input = isinstance(blocks, list) and any(
            isinstance(b, Mapping) and b.get("type") == "input" for b in blocks
        )
        if has_input and "submit" not in view:
            problems.append(Problem("/view", "submit is required when the view has input blocks"))
    problems.extend(_max_len(view.get("private_metadata"), "/view/private_metadata", PRIVATE_METADATA_MAX))
    problems.extend(_max_len(view.get("callback_id"), "/view/callback_id", CALLBACK_ID_MAX))
    problems.extend(_max_len(view.get("external_id"), "/view/external_id", CALLBACK_ID_MAX))
    problems.extend(_blocks(view.get("blocks"), "/view/blocks", VIEW_MAX_BLOCKS, VIEW_BLOCK_TYPES))
    return problems


def block_text_total(blocks: object) -> int:
    """Characters of all text objects in ``blocks`` (for the message-wide size limit)."""
    return sum(len(text) for text in _texts(blocks))


def _texts(value: object) -> Iterator[str]:
    if isinstance(value, Mapping):
        if value.get("type") in TEXT_TYPES | {"markdown"} and isinstance(value.get("text"), str):
            yield value["text"]
        for child in value.values():
            if isinstance(child, Mapping | list):
                yield from _texts(child)
    elif isinstance(value, list):
        for child in value:
            yield from _texts(child)


def _blocks(blocks: object, pointer: str, max_blocks: int, allowed: frozenset[str]) -> Iterator[Problem]:
    if not isinstance(blocks, list):
        yield Problem(pointer, "must be an array")
        return
    if len(blocks) > max_blocks:
        yield Problem(pointer, f"no more than {max_blocks} items allowed")
    seen_ids: set[str] = set()
    for index, block in enumerate(blocks):
        at = f"{pointer}/{index}"
        if not isinstance(block, Mapping):
            yield Problem(at, "must be an object")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            if not isinstance(block_id, str) or len(block_id) > BLOCK_ID_MAX:
                yield Problem(f"{at}/block_id", f"must be a string of at most {BLOCK_ID_MAX} characters")
            elif block_id in seen_ids:
                yield Problem(f"{at}/block_id", "duplicate block_id")
            else:
                seen_ids.add(block_id)
        yield from _block(block, at, allowed)


def _block(block: Mapping[str, Any], at: str, allowed: frozenset[str]) -> Iterator[Problem]:
    kind = block.get("type")
    if kind not in allowed:
        yield Problem(f"{at}/type", f"unsupported type: {kind!r}")
        return
    known = _BLOCK_PROPERTIES.get(str(kind))
    if known is not None:
        for name in block:
            if name not in known:
                yield Problem(f"{at}/{name}", f"invalid additional property: {name}")
    if kind == "section":
        yield from _section(block, at)
    elif kind == "header":
        yield from _text_object(block.get("text"), f"{at}/text", HEADER_TEXT_MAX, plain_only=True)
    elif kind == "context":
        yield from _context(block.get("elements"), f"{at}/elements")
    elif kind == "actions":
        yield from _actions(block.get("elements"), f"{at}/elements")
    elif kind == "image":
        yield from _image(block, at, block_level=True)
    elif kind == "markdown":
        text = block.get("text")
        if not isinstance(text, str) or not text:
            yield Problem(f"{at}/text", "must be a non-empty string")
        elif len(text) > MARKDOWN_BLOCK_MAX:
            yield Problem(f"{at}/text", f"must be less than {MARKDOWN_BLOCK_MAX + 1} characters")
    elif kind == "rich_text":
        if not isinstance(block.get("elements"), list):
            yield Problem(f"{at}/elements", "must be an array")
    elif kind == "input":
        yield from _text_object(block.get("label"), f"{at}/label", INPUT_LABEL_MAX, plain_only=True)
        if not isinstance(block.get("element"), Mapping):
            yield Problem(f"{at}/element", "must be an object")
        else:
            yield from _element(block["element"], f"{at}/element")


def _section(block: Mapping[str, Any], at: str) -> Iterator[Problem]:
    if "text" not in block and "fields" not in block:
        yield Problem(at, "must provide text or fields")
    if "text" in block:
        yield from _text_object(block["text"], f"{at}/text", SECTION_TEXT_MAX)
    if "fields" in block:
        fields = block["fields"]
        if not isinstance(fields, list) or not fields:
            yield Problem(f"{at}/fields", "must be a non-empty array")
        else:
            if len(fields) > SECTION_FIELDS_MAX:
                yield Problem(f"{at}/fields", f"no more than {SECTION_FIELDS_MAX} items allowed")
            for index, field in enumerate(fields):
                yield from _text_object(field, f"{at}/fields/{index}", FIELD_TEXT_MAX)
    if "accessory" in block:
        yield from _element(block["accessory"], f"{at}/accessory")


def _context(elements: object, at: str) -> Iterator[Problem]:
    if not isinstance(elements, list) or not elements:
        yield Problem(at, "must be a non-empty array")
        return
    if len(elements) > CONTEXT_ELEMENTS_MAX:
        yield Problem(at, f"no more than {CONTEXT_ELEMENTS_MAX} items allowed")
    for index, element in enumerate(elements):
        where = f"{at}/{index}"
        if isinstance(element, Mapping) and element.get("type") == "image":
            yield from _image(element, where, block_level=False)
        else:
            yield from _text_object(element, where, SECTION_TEXT_MAX)


def _actions(elements: object, at: str) -> Iterator[Problem]:
    if not isinstance(elements, list) or not elements:
        yield Problem(at, "must be a non-empty array")
        return
    if len(elements) > ACTIONS_ELEMENTS_MAX:
        yield Problem(at, f"no more than {ACTIONS_ELEMENTS_MAX} items allowed")
    for index, element in enumerate(elements):
        yield from _element(element, f"{at}/{index}")


def _element(element: object, at: str) -> Iterator[Problem]:
    if not isinstance(element, Mapping) or not isinstance(element.get("type"), str):
        yield Problem(at, "must be an element object with a type")
        return
    yield from _max_len(element.get("action_id"), f"{at}/action_id", ACTION_ID_MAX)
    kind = element["type"]
    if kind == "button":
        yield from _text_object(element.get("text"), f"{at}/text", BUTTON_TEXT_MAX, plain_only=True)
        yield from _max_len(element.get("value"), f"{at}/value", BUTTON_VALUE_MAX)
        yield from _max_len(element.get("url"), f"{at}/url", URL_MAX)
        style = element.get("style")
        if style is not None and style not in ("primary", "danger"):
            yield Problem(f"{at}/style", "must be one of primary, danger")
    elif kind == "image":
        yield from _image(element, at, block_level=False)


def _image(image: Mapping[str, Any], at: str, *, block_level: bool) -> Iterator[Problem]:
    if "image_url" not in image and "slack_file" not in image:
        yield Problem(at, "must provide image_url or slack_file")
    yield from _max_len(image.get("image_url"), f"{at}/image_url", URL_MAX)
    alt = image.get("alt_text")
    if not isinstance(alt, str) or not alt:
        yield Problem(f"{at}/alt_text", "must be a non-empty string")
    else:
        yield from _max_len(alt, f"{at}/alt_text", ALT_TEXT_MAX)
    if block_level and "title" in image:
        yield from _text_object(image["title"], f"{at}/title", IMAGE_TITLE_MAX, plain_only=True)


def _text_object(value: object, at: str, max_chars: int, *, plain_only: bool = False) -> Iterator[Problem]:
    if not isinstance(value, Mapping):
        yield Problem(at, "must be a text object")
        return
    kind = value.get("type")
    if plain_only and kind != "plain_text":
        yield Problem(f"{at}/type", "must be plain_text")
    elif kind not in TEXT_TYPES:
        yield Problem(f"{at}/type", "must be one of plain_text, mrkdwn")
    text = value.get("text")
    if not isinstance(text, str) or not text:
        yield Problem(f"{at}/text", "must be a non-empty string")
    elif len(text) > max_chars:
        yield Problem(f"{at}/text", f"must be less than {max_chars + 1} characters")


def _max_len(value: object, at: str, max_chars: int) -> Iterator[Problem]:
    if value is None:
        return
    if not isinstance(value, str):
        yield Problem(at, "must be a string")
    elif len(value) > max_chars:
        yield Problem(at, f"must be less than {max_chars + 1} characters")


def slack_messages(problems: Sequence[Problem]) -> list[str]:
    """The ``response_metadata.messages`` lines for ``problems``."""
    return [problem.as_slack_message() for problem in problems]
