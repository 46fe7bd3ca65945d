"""Validated values of command arguments: periods, counts, modes, free text, slugs, feed URLs, domains.

Each ``parse_*`` takes the text of one argument and returns a clean value or raises ``UserError``
saying what is wrong and how to write it instead.
"""

from __future__ import annotations

import ipaddress
import re
from datetime import timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from bot.commands.errors import UserError, shown, unsafe_reason

__all__ = [
    "MAX_PERIOD",
    "MAX_URL_CHARS",
    "MIN_PERIOD",
    "DigestMode",
    "clean_text",
    "format_period",
    "parse_count",
    "parse_domain",
    "parse_feed_url",
    "parse_mode",
    "parse_period",
    "parse_phrases",
    "parse_slug",
]

MIN_PERIOD = timedelta(hours=1)
MAX_PERIOD = timedelta(days=365)
MAX_URL_CHARS = 2000
MAX_DOMAIN_CHARS = 253
SLUG_PATTERN = re.compile(r"[a-z0-9-]{2,40}")

_PERIOD = re.compile(r"([0-9]{1,6})([a-z]+)")
_PERIOD_UNITS = {
    "h": timedelta(hours=1), "hr": timedelta(hours=1), "hrs": timedelta(hours=1),
    "hour": timedelta(hours=1), "hours": timedelta(hours=1),
    "d": timedelta(days=1), "day": timedelta(days=1), "days": timedelta(days=1),
    "w": timedelta(weeks=1), "wk": timedelta(weeks=1), "wks": timedelta(weeks=1),
    "week": timedelta(weeks=1), "weeks": timedelta(weeks=1),
}  # fmt: skip
_PERIOD_HINT = "Use a number and h, d or w, e.g. 24h, 7d or 2w (from 1h to 365d)."
_COUNT = re.compile(r"[0-9]{1,6}")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_URL_FORBIDDEN = frozenset('<>"\\^`{|}')


class DigestMode(StrEnum):
    """How a digest is posted: each story with its summary, or the headlines only."""

    FULL = "full"
    HEADLINES = "headlines"


def parse_period(text: str) -> timedelta:
    """``"24h"``, ``"7d"``, ``"2w"`` (also ``"3days"``) as a timedelta from 1 hour to 365 days."""
    match = _PERIOD.fullmatch(text.strip().casefold())
    if match is None:
        raise UserError(f"{shown(text)} is not a period.", _PERIOD_HINT)
    amount, unit = int(match.group(1)), match.group(2)
    if unit in ("m", "mo", "min", "mins", "month", "months"):
        raise UserError(f"{shown(text)} is unclear: m could be minutes or months.", _PERIOD_HINT)
    if unit not in _PERIOD_UNITS:
        raise UserError(f"{shown(text)} is not a period: unknown unit {shown(unit)}.", _PERIOD_HINT)
    period = amount * _PERIOD_UNITS[unit]
    if period < MIN_PERIOD:
        raise UserError(f"The period {shown(text)} is too short: the shortest is 1h.", _PERIOD_HINT)
    if period > MAX_PERIOD:
        raise UserError(f"The period {shown(text)} is too long: the longest is 365d.", _PERIOD_HINT)
    return period


def format_period(period: timedelta) -> str:
    """The shortest text ``parse_period`` reads back as ``period`` (a whole number of hours)."""
    hours = int(period.total_seconds()) // 3600
    if hours % (24 * 7) == 0:
        return f"{hours // (24 * 7)}w"
    if hours % 24 == 0:
        return f"{hours // 24}d"
    return f"{hours}h"


def parse_count(text: str, *, name: str, low: int, high: int) -> int:
    """A whole number from ``low`` to ``high``."""
    hint = f"Give {name} a whole number from {low} to {high}, e.g. {name}={min(max(8, low), high)}."
    value = text.strip()
    if not _COUNT.fullmatch(value):
        raise UserError(f"{name} must be a whole number, not {shown(text)}.", hint)
    number = int(value)
    if not low <= number <= high:
        raise UserError(f"{name}={number} is out of range.", hint)
    return number


def parse_mode(text: str) -> DigestMode:
    """``full`` or ``headlines`` (any case)."""
    try:
        return DigestMode(text.strip().casefold())
    except ValueError:
        choices = ", ".join(mode.value for mode in DigestMode)
        raise UserError(f"Unknown mode {shown(text)}.", f"Use one of: {choices}, e.g. mode=headlines.") from None


def clean_text(text: str, *, what: str, max_chars: int, min_chars: int = 1) -> str:
    """Free text with its whitespace collapsed; refuses mentions, markup, control characters, bad lengths."""
    reason = unsafe_reason(text)
    if reason is not None:
        raise UserError(
            f"The {what} contains {reason}, which I don't accept.",
            "Type plain words only: no @-mentions, channel links or <…> markup.",
        )
    flat = " ".join(text.split())
    if not flat:
        raise UserError(f"The {what} is empty.", f"Type the {what} itself, in plain words.")
    if not any(char.isalnum() for char in flat):
        raise UserError(f"The {what} {shown(flat)} has no letters or digits.", f"Type the {what} in plain words.")
    if len(flat) < min_chars:
        raise UserError(
            f"The {what} {shown(flat)} is too short: at least {min_chars} characters.",
            f"Use a longer {what}.",
        )
    if len(flat) > max_chars:
        raise UserError(f"The {what} is too long: {len(flat)} characters, at most {max_chars}.", f"Shorten the {what}.")
    return flat


def parse_phrases(
    text: str, *, what: str, min_count: int, max_count: int, min_chars: int, max_chars: int
) -> tuple[str, ...]:
    """A comma-separated list of phrases, each cleaned, empty ones dropped, repeats (any case) dropped."""
    phrases: dict[str, str] = {}
    for piece in text.split(","):
        if not piece.strip():
            continue
        phrase = clean_text(piece, what=what, max_chars=max_chars, min_chars=min_chars)
        phrases.setdefault(phrase.casefold(), phrase)
    if len(phrases) < min_count:
        raise UserError(
            f"Give at least {min_count} {what}{'s' if min_count != 1 else ''}.",
            f'Separate {what}s with commas, e.g. "chip export, rare earths".',
        )
    if len(phrases) > max_count:
        raise UserError(
            f"Too many {what}s: {len(phrases)}, at most {max_count}.",
            f"Keep the {max_count} that matter most.",
        )
    return tuple(phrases.values())


def parse_slug(text: str, *, what: str = "topic name") -> str:
    """A short name of lower-case letters, digits and hyphens, 2 to 40 of them (upper case is lowered)."""
    slug = text.strip().lower()
    if not SLUG_PATTERN.fullmatch(slug):
        raise UserError(
            f"{shown(text)} is not a valid {what}.",
            "Use 2 to 40 lower-case letters, digits or hyphens, e.g. chip-exports.",
        )
    return slug


def _valid_hostname(host: str) -> bool:
    if not host or len(host) > MAX_DOMAIN_CHARS or not host.isascii():
        return False
    labels = host.split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return False
    return all(_LABEL.fullmatch(label) for label in labels)


def _ascii_host(host: str) -> str | None:
    """``host`` lower-cased, with international labels in their ASCII (punycode) form; None if impossible."""
    host = host.strip().strip(".").lower()
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def parse_feed_url(text: str) -> str:
    """An absolute http(s) URL with a real host name or IP address, at most 2,000 characters."""
    hint = "Give the feed's full address, starting with https://, e.g. https://example.com/rss.xml"
    value = text.strip()
    if not value:
        raise UserError("The feed address is empty.", hint)
    if len(value) > MAX_URL_CHARS:
        raise UserError(f"The feed address is too long: {len(value)} characters, at most {MAX_URL_CHARS}.", hint)
    if unsafe_reason(value) is not None or any(char.isspace() or char in _URL_FORBIDDEN for char in value):
        raise UserError("The feed address contains characters a web address cannot have.", hint)
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise UserError(f"{shown(value)} is not a web address I can read.", hint) from None
    if parts.scheme.lower() not in ("http", "https"):
        problem = "has no http:// or https:// at the start" if not parts.scheme else "is not an http(s) address"
        raise UserError(f"{shown(value)} {problem}.", hint)
    if parts.username is not None or parts.password is not None:
        raise UserError(
            "The feed address contains a user name or password.", "Give a public feed address without them."
        )
    host = _ascii_host(parts.hostname or "")
    if not host or not (_valid_hostname(host) or host == "localhost" or _is_ip(host)):
        raise UserError(f"{shown(value)} has no valid host name.", hint)
    if port == 0:
        raise UserError(f"{shown(value)} has port 0.", hint)
    return value


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parse_domain(text: str) -> str:
    """A news site's host name (``bbc.co.uk``), lower-case ASCII; a pasted URL or ``www.`` is trimmed."""
    hint = "Give the site's domain, e.g. example.com (a pasted https://www.example.com/news works too)."
    value = text.strip()
    if not value:
        raise UserError("The domain is empty.", hint)
    if len(value) > MAX_URL_CHARS or unsafe_reason(value) is not None:
        raise UserError("That is not a domain.", hint)
    host: str | None = value
    if "/" in value or ":" in value:
        try:
            host = urlsplit(value if "//" in value else f"//{value}").hostname
        except ValueError:
            host = None
    host = _ascii_host(host or "")
    if host is not None:
        host = host.removeprefix("*.").removeprefix("www.")
    if host is None or not _valid_hostname(host):
        raise UserError(f"{shown(value)} is not a domain.", hint)
    return host
