"""Discord's message limits, checked the way the API does: every breach collected into one error tree.

The tree mirrors the request body (``{"embeds": {"0": {"title": {"_errors": [...]}}}}``) as in Discord's
"Invalid Form Body" answers; ``message_errors`` returns ``None`` when the body is acceptable.
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TOTAL_MAX = 6000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELDS_MAX = 25
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FOOTER_MAX = 2048
AUTHOR_MAX = 256
AUTOCOMPLETE_CHOICES_MAX = 25


class ErrorTree:
    """Collects field errors at nested paths; empty means valid."""

    def __init__(self) -> None:
        self.tree: JSON = {}

    def add(self, path: list[str], code: str, message: str) -> None:
        node = self.tree
        for key in path:
            node = node.setdefault(key, {})
        node.setdefault("_errors", []).append({"code": code, "message": message})

    def too_long(self, path: list[str], limit: int) -> None:
        self.add(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")

    def required(self, path: list[str]) -> None:
        self.add(path, "BASE_TYPE_REQUIRED", "This field is required")

    def wrong_type(self, path: list[str], expected: str) -> None:
        self.add(path, f"BASE_TYPE_{expected.upper()}", f"Must be a valid {expected}.")

    def __bool__(self) -> bool:
        return bool(self.tree)


def message_errors(body: JSON, *, prefix: list[str] | None = None) -> JSON | None:
    """The error tree for a message body (create, edit, interaction data), or ``None`` when it is valid."""
    errors = ErrorTree()
    path = prefix or []
    content = body.get("content")
    if content is not None:
        if not isinstance(content, str):
            errors.wrong_type([*path, "content"], "string")
        elif len(content) > CONTENT_MAX:
            errors.too_long([*path, "content"], CONTENT_MAX)
    embeds = body.get("embeds")
    if embeds is not None:
        _check_embeds(embeds, [*path, "embeds"], errors)
    return errors.tree or None


def is_empty_message(body: JSON, *, file_count: int) -> bool:
    """Discord refuses (code 50006) a message with nothing to show."""
    showable = ("content", "embeds", "components", "sticker_ids", "poll")
    return file_count == 0 and not any(body.get(key) for key in showable)


def _check_embeds(embeds: Any, path: list[str], errors: ErrorTree) -> None:
    if not isinstance(embeds, list):
        errors.wrong_type(path, "array")
        return
    if len(embeds) > EMBEDS_MAX:
        errors.too_long(path, EMBEDS_MAX)
    total = 0
    for index, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            errors.wrong_type([*path, str(index)], "object")
            continue
        total += _check_embed(embed, [*path, str(index)], errors)
    if total > EMBED_TOTAL_MAX:
        errors.add(path, "MAX_EMBED_SIZE_EXCEEDED", f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}")


def _check_embed(embed: JSON, path: list[str], errors: ErrorTree) -> int:
    """Checks one embed and returns the characters it counts towards the 6,000 total."""
    counted = 0
    counted += _text(embed.get("title"), [*path, "title"], TITLE_MAX, errors)
    counted += _text(embed.get("description"), [*path, "description"], DESCRIPTION_MAX, errors)
    footer = embed.get("footer")
    if isinstance(footer, dict):
        counted += _text(footer.get("text"), [*path, "footer", "text"], FOOTER_MAX, errors, required=True)
    author = embed.get("author")
    if isinstance(author, dict):
        counted += _text(author.get("name"), [*path, "author", "name"], AUTHOR_MAX, errors, required=True)
    fields = embed.get("fields")
    if fields is None:
        return counted
    if not isinstance(fields, list):
        errors.wrong_type([*path, "fields"], "array")
        return counted
    if len(fields) > FIELDS_MAX:
        errors.too_long([*path, "fields"], FIELDS_MAX)
    for index, field in enumerate(fields):
        field_path = [*path, "fields", str(index)]
        if not isinstance(field, dict):
            errors.wrong_type(field_path, "object")
            continue
        counted += _text(field.get("name"), [*field_path, "name"], FIELD_NAME_MAX, errors, required=True)
        counted += _text(field.get("value"), [*field_path, "value"], FIELD_VALUE_MAX, errors, required=True)
    return counted


def _text(value: Any, path: list[str], limit: int, errors: ErrorTree, *, required: bool = False) -> int:
    if value is None or value == "":
        if required:
            errors.required(path)
        return 0
    if not isinstance(value, str):
        errors.wrong_type(path, "string")
        return 0
    if len(value) > limit:
        errors.too_long(path, limit)
    return len(value)


def autocomplete_errors(data: Any) -> JSON | None:
    """Checks an autocomplete result (callback type 8): at most 25 choices, each with a name and a value."""
    errors = ErrorTree()
    if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
        errors.required(["data", "choices"])
        return errors.tree
    choices = data["choices"]
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        errors.too_long(["data", "choices"], AUTOCOMPLETE_CHOICES_MAX)
    for index, choice in enumerate(choices):
        choice_path = ["data", "choices", str(index)]
        if not isinstance(choice, dict) or "name" not in choice or "value" not in choice:
            errors.required(choice_path)
        elif isinstance(choice["name"], str) and len(choice["name"]) > 100:
            errors.too_long([*choice_path, "name"], 100)
    return errors.tree or None
