"""The App Home tab: this workspace's channel digests (paused ones with the reason) and feed health.

Admins get a button per channel opening the settings modal, and one to set up a new channel; everyone
else sees the same facts read-only. Slack allows 100 blocks in a view, so long lists are cut short.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from adapters.slack.limits import MAX_VIEW_BLOCKS, SECTION_TEXT
from adapters.slack.mrkdwn import escape, mention_channel, shorten
from bot.store.feeds import FeedState
from bot.subscriptions import Subscription
from digests.compose import describe_query

NEW_ACTION_ID = "home_new_channel_digest"
EDIT_ACTION_ID = "home_edit_channel_digest"
CHANNELS_SHOWN = 40
FAILING_FEEDS_SHOWN = 8


def home_view(subscriptions: Sequence[Subscription], feeds: Sequence[FeedState], *, is_admin: bool,
              leaving_after: datetime | None = None) -> dict[str, Any]:
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "newsbot"}},
        _section("News digests for your channels, and `/news` for the latest between countries, on topics "
                 "and regions. Type `/news help` in any channel."),
    ]
    if leaving_after is not None:
        blocks.append(_section(f":warning: newsbot was removed from this workspace; its settings are deleted "
                               f"after {leaving_after:%Y-%m-%d} unless it is installed again."))
    if is_admin:
        blocks.append({"type": "actions", "elements": [_button("Set up a channel digest", NEW_ACTION_ID, "new",
                                                              primary=True)]})
    else:
        blocks.append(_context("Only workspace admins can change the digests (or `/news-admin` in a channel)."))
    blocks += [{"type": "divider"}, _section(f"*Channel digests* ({len(subscriptions)})")]
    if not subscriptions:
        blocks.append(_context("No channel has a digest yet."))
    for subscription in subscriptions[:CHANNELS_SHOWN]:
        block = _section(_subscription_text(subscription))
        if is_admin:
            block["accessory"] = _button("Edit", EDIT_ACTION_ID, subscription.channel.channel)
        blocks.append(block)
    if len(subscriptions) > CHANNELS_SHOWN:
        blocks.append(_context(f"… and {len(subscriptions) - CHANNELS_SHOWN} more channels."))
    blocks += [{"type": "divider"}, _section(_feeds_text(feeds))]
    assert len(blocks) <= MAX_VIEW_BLOCKS, "the lists above are capped to fit"
    return {"type": "home", "blocks": blocks}


def _subscription_text(subscription: Subscription) -> str:
    lines = [f"{mention_channel(subscription.channel.channel)}: {escape(describe_query(subscription.query))}"]
    details = f"{subscription.items} stories, {subscription.mode.value}"
    schedule = subscription.schedule
    if schedule is None:
        details += " · not scheduled"
    else:
        details += f" · {escape(schedule.days_text)} at {schedule.time:%H:%M} {escape(schedule.timezone)}"
    lines.append(details)
    if subscription.paused:
        why = f": {escape(subscription.paused_reason)}" if subscription.paused_reason else ""
        lines.append(f":double_vertical_bar: *Paused*{why}")
    return shorten("\n".join(lines), SECTION_TEXT)


def _feeds_text(feeds: Sequence[FeedState]) -> str:
    if not feeds:
        return "*Feeds*: none registered (`/news-admin feed add URL`)."
    disabled = [f for f in feeds if f.disabled]
    failing = [f for f in feeds if not f.disabled and f.consecutive_failures]
    healthy = len(feeds) - len(disabled) - len(failing)
    lines = [f"*Feeds*: {len(feeds)} — {healthy} healthy, {len(failing)} failing, {len(disabled)} disabled"]
    for feed in (disabled + failing)[:FAILING_FEEDS_SHOWN]:
        name = escape(feed.publisher or feed.title or feed.url)
        state = "disabled" if feed.disabled else f"failing ({feed.consecutive_failures}×)"
        error = f": {escape(shorten(feed.last_error, 120))}" if feed.last_error else ""
        lines.append(f"• {name} — {state}{error}")
    return shorten("\n".join(lines), SECTION_TEXT)


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _button(text: str, action_id: str, value: str, *, primary: bool = False) -> dict[str, Any]:
    button: dict[str, Any] = {"type": "button", "text": {"type": "plain_text", "text": text},
                              "action_id": action_id, "value": value}
    if primary:
        button["style"] = "primary"
    return button
