"""Slack's mrkdwn: escaping user-controlled text, links, and shortening without breaking an escape.

Slack reads ``<…>`` as mentions, channel links and URLs, and ``&`` as the start of an entity, so every
string the bot did not write itself (article titles, summaries, source names, what a user typed) goes
through ``escape``: an article titled ``<!channel>`` or ``<@U123>`` shows those characters and pings no one.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

ELLIPSIS = "…"
_PARTIAL_ENTITY = re.compile(r"&[a-z]{0,3}$")
_SENTENCE_END = re.compile(r"[.!?…][\"”’)]?\s")
# Characters that would end or split a <url|label> link, or that Slack would read as markup.
_URL_UNSAFE = " <>|\"`\n\r\t"
_SLACK_ID = re.compile(r"[A-Z0-9]{2,40}")


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as Slack's entities (the only three Slack asks for)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def safe_url(url: str | None) -> str | None:
    """An http(s) URL fit to put inside ``<…>``, or None when it is not one."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or len(url) > 2000:
        return None
    return "".join(quote(char, safe="") if char in _URL_UNSAFE else char for char in url)


def link(url: str | None, label: str) -> str:
    """``<url|label>`` with the label escaped; just the escaped label when there is no usable URL."""
    target = safe_url(url)
    shown = escape(label.replace("\n", " ").strip()) or (target or "")
    return f"<{target}|{shown}>" if target else shown


def mention_user(user_id: str) -> str:
    """``<@U123>`` for a Slack user id the bot received from Slack; anything else is escaped text."""
    return f"<@{user_id}>" if _SLACK_ID.fullmatch(user_id) else escape(user_id)


def mention_channel(channel_id: str) -> str:
    """``<#C123>`` for a channel id; anything else is escaped text."""
    return f"<#{channel_id}>" if _SLACK_ID.fullmatch(channel_id) else escape(channel_id)


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, at a sentence or word end when one is near, with "…".

    Safe on escaped text: an entity such as ``&amp;`` is never cut in half.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if len(text) <= limit:
        return text
    room = limit - len(ELLIPSIS)
    cut = text[:room]
    sentence_ends = [m.end() for m in _SENTENCE_END.finditer(cut + " ")]
    if sentence_ends and sentence_ends[-1] >= room * 0.6:
        return text[:sentence_ends[-1]].rstrip()
    space = cut.rfind(" ")
    if space >= room * 0.6:
        cut = cut[:space]
    cut = _PARTIAL_ENTITY.sub("", cut).rstrip()
    return cut + ELLIPSIS


def plain(text: str, limit: int) -> str:
    """Text for a ``plain_text`` object (Slack shows it as typed): single-line, cut to ``limit``."""
    return shorten(" ".join(text.split()), limit) or "-"
