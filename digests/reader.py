"""Read articles from files: JSONL records, plain-text articles in the seed format, and folders of both.

Every problem is reported as a ``ReadError`` naming the file and line, and reading goes on with the rest.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from digests.countries import split_dateline
from digests.dates import DateFormatError, parse_date
from digests.ingest.urls import canonical_url
from digests.model import Article

MAX_LINE_BYTES = 5_000_000  # one JSONL record; longer lines are skipped, not loaded
MAX_TEXT_FILE_BYTES = 5_000_000
JSONL_SUFFIXES = {".jsonl", ".ndjson"}
TEXT_SUFFIXES = {".txt", ".text", ".md"}


@dataclass(frozen=True, slots=True)
class ReadError:
    """One article (or file) that could not be read, with where and why."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ReadWarning:
    """Something odd that did not stop the article from being read (e.g. an unreadable date)."""

    source: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line is not None else self.source
        return f"{where}: warning: {self.message}"


ReadItem = Article | ReadError | ReadWarning


def article_id(url: str | None, title: str, text: str) -> str:
    """Stable id: from the canonical URL when there is one, else from a hash of title and text."""
    if url:
        return "u-" + hashlib.sha256(canonical_url(url).encode()).hexdigest()[:20]
    return "h-" + hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()[:20]


# ---------------------------------------------------------------------------------------------------
# Paragraphs and the parts of a plain-text article


_INDENTED_BREAK = re.compile(r"\n[ \t]{2,}")
_SPACES = re.compile(r"[ \t\u00a0]+")
# Agency sign-offs at the end of a body: "– Agencies", "- AFP", "(Reuters)", "Reuter".
_SIGN_OFF = re.compile(
    r"\s*(?:[-–—]+\s*(?:Agencies|AFP|AP|Reuters|Xinhua|Yonhap|Kyodo|PTI|IANS|ANI|dpa|Bloomberg|UPI|[A-Z]{2,6})"
    r"|\((?:Reuters|AFP|AP|Agencies)\)|\bReuter)\s*(?:&#3;)?\s*$"
)
_BYLINE_WORD = re.compile(r"^(?:[A-Z][\w'’.-]*|al-\w+|el-\w+|de|da|van|von|der|bin|ibn|and|&)$")
_END_PUNCT = ".!?\"'”’:;)…"


def paragraphs_of(text: str) -> list[str]:
    """Body paragraphs: blank-line breaks, and indented line starts as wire copy uses them; re-flowed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("&#3;", "")
    blocks: list[str] = []
    for block in re.split(r"\n\s*\n", text):
        blocks.extend(_INDENTED_BREAK.split("\n" + block))
    paragraphs = []
    for block in blocks:
        flowed = _SPACES.sub(" ", block.replace("\n", " ")).strip()
        if flowed:
            paragraphs.append(flowed)
    return paragraphs


def strip_sign_off(paragraph: str) -> str:
    """Drop a trailing agency sign-off, keeping the sentence it ends."""
    return _SIGN_OFF.sub("", paragraph).rstrip()


def _word_count(text: str) -> int:
    return len(text.split())


def looks_like_byline(line: str) -> bool:
    """An author line: "By Jane Doe" or a short run of capitalised name words, no sentence punctuation."""
    line = line.strip()
    if line.lower().startswith("by "):
        return 2 <= _word_count(line) <= 8
    words = line.replace(",", " ").split()
    return (
        1 <= len(words) <= 5
        and not any(ch.isdigit() for ch in line)
        and line[-1] not in _END_PUNCT
        and all(_BYLINE_WORD.match(w) for w in words)
    )


def looks_like_heading(block: str) -> bool:
    """A section heading: a short single line that does not end like a sentence."""
    block = block.strip()
    return (
        "\n" not in block
        and 0 < _word_count(block) <= 12
        and block[-1] not in _END_PUNCT
        and block[0].isupper()
    )


def _looks_like_standfirst(block: str) -> bool:
    block = block.strip()
    return "\n" not in block and _word_count(block) >= 5 and block[-1] not in ".?\"”"


_META_LINE = re.compile(r"^(?P<key>Date|Published|URL|Source|Id|Dateline):\s*(?P<value>.+)$", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _TextParts:
    title: str
    byline: str | None
    standfirst: str | None
    headings: tuple[str, ...]
    paragraphs: tuple[str, ...]
    dateline: str | None
    meta: dict[str, str]


def parse_plain_article(text: str) -> _TextParts:
    """Recognise the parts of a plain-text article in the seed format.

    Layout: optional ``Key: value`` metadata lines, an optional author line, the headline, an optional
    standfirst, then paragraphs with short section headings between them, ending with an optional agency
    sign-off. Each part is told apart by its shape, not by its position alone.
    """
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))]
    blocks = [b for b in blocks if b]
    meta: dict[str, str] = {}
    while blocks:
        lines = blocks[0].split("\n")
        matches = [_META_LINE.match(line.strip()) for line in lines]
        if not all(matches):
            break
        for match in matches:
            assert match is not None
            meta[match["key"].lower()] = match["value"].strip()
        blocks.pop(0)
    if not blocks:
        raise ValueError("no text after the metadata lines")

    byline = None
    if len(blocks) > 2 and looks_like_byline(blocks[0]):
        byline = blocks.pop(0)
    title = _SPACES.sub(" ", blocks.pop(0).replace("\n", " ")).strip()
    standfirst = None
    if len(blocks) > 1 and _looks_like_standfirst(blocks[0]):
        standfirst = blocks.pop(0)

    headings: list[str] = []
    paragraphs: list[str] = []
    for index, block in enumerate(blocks):
        if looks_like_heading(block) and index < len(blocks) - 1:
            headings.append(block)
        else:
            paragraphs.extend(paragraphs_of(block))
    if paragraphs:
        paragraphs[-1] = strip_sign_off(paragraphs[-1])
        if not paragraphs[-1]:
            paragraphs.pop()
    dateline = meta.get("dateline")
    if paragraphs and dateline is None:
        dateline, lead = split_dateline(paragraphs[0])
        paragraphs[0] = lead
    return _TextParts(title, byline, standfirst, tuple(headings), tuple(paragraphs), dateline, meta)


# ---------------------------------------------------------------------------------------------------
# Records to articles


def _text_field(record: dict[str, Any], *names: str) -> str | None:
    for name in names:
        value = record.get(name)
        if isinstance(value, str) and value.strip():
            return value
    return None


def article_from_record(record: dict[str, Any], *, now: datetime) -> tuple[Article, list[str]]:
    """An Article from a JSON record; raises ValueError saying what is missing. Returns warnings too."""
    warnings: list[str] = []
    body = _text_field(record, "body", "text")
    if body is None:
        raise ValueError('record has no text: give it a non-empty "body" or "text" field')
    title = (_text_field(record, "title") or "").strip()
    url = _text_field(record, "url")
    paragraphs = [strip_sign_off(p) for p in paragraphs_of(body)]
    paragraphs = [p for p in paragraphs if p]
    if not paragraphs:
        raise ValueError('record has no text: its "body"/"text" is only whitespace or a sign-off')
    dateline = _text_field(record, "dateline")
    if dateline:
        dateline = dateline.strip().rstrip("-–— ").strip()
    else:
        dateline, paragraphs[0] = split_dateline(paragraphs[0])
    published = now
    raw_date = record.get("date") or record.get("published")
    if isinstance(raw_date, str) and raw_date.strip():
        try:
            published = parse_date(raw_date)
        except DateFormatError as exc:
            warnings.append(f"{exc}; using the time of reading")
    raw_id = record.get("id")
    text = "\n\n".join(paragraphs)
    identifier = str(raw_id).strip() if isinstance(raw_id, (str, int)) and str(raw_id).strip() else None
    article = Article(
        id=identifier or article_id(url, title, text),
        title=title or paragraphs[0][:120],
        text=text,
        published_at=published,
        url=url,
        source=_text_field(record, "source"),
        dateline=dateline,
        paragraphs=tuple(paragraphs),
        language=_text_field(record, "language", "lang"),
    )
    return article, warnings


def article_from_text(text: str, *, name: str, now: datetime) -> tuple[Article, list[str]]:
    """An Article from a plain-text file in the seed format."""
    warnings: list[str] = []
    parts = parse_plain_article(text)
    if not parts.paragraphs:
        raise ValueError("no body text: the file has a headline but no paragraphs")
    published = now
    raw_date = parts.meta.get("date") or parts.meta.get("published")
    if raw_date:
        try:
            published = parse_date(raw_date)
        except DateFormatError as exc:
            warnings.append(f"{exc}; using the time of reading")
    url = parts.meta.get("url")
    body = "\n\n".join(parts.paragraphs)
    article = Article(
        id=parts.meta.get("id") or article_id(url, parts.title, body),
        title=parts.title,
        text=body,
        published_at=published,
        url=url,
        source=parts.meta.get("source") or parts.byline or name,
        dateline=parts.dateline,
        standfirst=parts.standfirst,
        byline=parts.byline,
        paragraphs=parts.paragraphs,
        headings=parts.headings,
    )
    return article, warnings


# ---------------------------------------------------------------------------------------------------
# Files and folders


def _read_line(handle: IO[bytes]) -> tuple[bytes, bool]:
    """One line of at most MAX_LINE_BYTES; (b"", False) at the end; too-long lines are skipped to their end."""
    line = handle.readline(MAX_LINE_BYTES + 1)
    if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
        return line, False
    while True:  # drain the rest of the over-long line in bounded chunks
        rest = handle.readline(1 << 20)
        if not rest or rest.endswith(b"\n"):
            return b"", True


def read_jsonl(path: Path, *, now: datetime) -> Iterator[ReadItem]:
    """Articles from a JSONL file, one record per line; bad lines become ReadErrors."""
    source = str(path)
    seen_any = False
    with path.open("rb") as handle:
        number = 0
        while True:
            number += 1
            raw, too_long = _read_line(handle)
            if too_long:
                seen_any = True
                yield ReadError(source, number, f"line is longer than {MAX_LINE_BYTES // 1_000_000} MB; skipped")
                continue
            if not raw:
                break
            if not raw.strip():
                continue
            seen_any = True
            try:
                record = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError:
                yield ReadError(source, number, "not UTF-8 text; save the file as UTF-8")
                continue
            except json.JSONDecodeError as exc:
                yield ReadError(source, number, f"invalid JSON: {exc.msg} (column {exc.colno})")
                continue
            if not isinstance(record, dict):
                yield ReadError(source, number, "a JSON object per line is expected, found "
                                f"{type(record).__name__}")
                continue
            try:
                article, warnings = article_from_record(record, now=now)
            except ValueError as exc:
                yield ReadError(source, number, str(exc))
                continue
            for warning in warnings:
                yield ReadWarning(source, number, warning)
            yield article
    if not seen_any:
        yield ReadError(source, None, "empty file: no records")


def _looks_binary(data: bytes) -> bool:
    return b"\x00" in data[:8192]


def read_text_file(path: Path, *, now: datetime) -> Iterator[ReadItem]:
    """One article from a plain-text file in the seed format."""
    source = str(path)
    size = path.stat().st_size
    if size == 0:
        yield ReadError(source, None, "empty file")
        return
    if size > MAX_TEXT_FILE_BYTES:
        yield ReadError(source, None, f"file is larger than {MAX_TEXT_FILE_BYTES // 1_000_000} MB; "
                        "an article file is expected")
        return
    data = path.read_bytes()
    if _looks_binary(data):
        yield ReadError(source, None, "binary file, not a text article")
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield ReadError(source, None, f"not UTF-8 text (bad byte at offset {exc.start}); save it as UTF-8")
        return
    if not text.strip():
        yield ReadError(source, None, "empty file: only whitespace")
        return
    try:
        article, warnings = article_from_text(text, name=path.stem, now=now)
    except ValueError as exc:
        yield ReadError(source, None, str(exc))
        return
    for warning in warnings:
        yield ReadWarning(source, None, warning)
    yield article


def read_path(path: Path, *, now: datetime | None = None) -> Iterator[ReadItem]:
    """Articles from a file or a folder (recursively, in name order); problems become ReadErrors."""
    now = now or datetime.now(UTC)
    if path.is_dir():
        for child in sorted(path.rglob("*")):
            if child.is_file() and not child.name.startswith(".") and (
                child.suffix.lower() in JSONL_SUFFIXES | TEXT_SUFFIXES
            ):
                yield from read_path(child, now=now)
        return
    if not path.exists():
        yield ReadError(str(path), None, "no such file or folder")
        return
    suffix = path.suffix.lower()
    try:
        if suffix in JSONL_SUFFIXES or suffix == ".json":
            yield from read_jsonl(path, now=now)
        elif suffix in TEXT_SUFFIXES or suffix == "":
            yield from read_text_file(path, now=now)
        else:
            yield ReadError(str(path), None, f"unsupported file type {suffix!r}: use .jsonl records or .txt articles")
    except OSError as exc:
        yield ReadError(str(path), None, f"cannot read: {exc.strerror or exc}")


def read_paths(paths: Iterable[Path], *, now: datetime | None = None) -> Iterator[ReadItem]:
    """Articles from several files and folders, in the order given."""
    now = now or datetime.now(UTC)
    for path in paths:
        yield from read_path(path, now=now)
