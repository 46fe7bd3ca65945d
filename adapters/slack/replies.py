"""Answering through a response_url (Bolt's ``respond``): ephemeral by default, checked, at most four posts.

A response_url takes five posts in 30 minutes; replies use at most four, keeping one for the share
button's confirmation. A post Slack refuses for its blocks is sent again as text, so the user always
gets an answer.
"""

from __future__ import annotations

import logging

from slack_bolt.context.respond.async_respond import AsyncRespond

from adapters.slack.render import render_reply
from bot.chat import Reply

log = logging.getLogger(__name__)

RESPONSE_URL_MESSAGES = 4
BLOCK_REFUSALS = frozenset({"invalid_blocks", "msg_blocks_too_long", "invalid_blocks_format"})


async def send_reply(respond: AsyncRespond, reply: Reply, *, share_value: str | None = None,
                     in_channel: bool = False, shared_by: str | None = None) -> bool:
    """Post ``reply``; False when Slack refused a part (logged)."""
    response_type = "in_channel" if in_channel else "ephemeral"
    messages = render_reply(reply, share_value=share_value, shared_by=shared_by,
                            max_messages=RESPONSE_URL_MESSAGES)
    for message in messages:
        answer = await respond(text=message.text, blocks=message.blocks, response_type=response_type,
                               replace_original=False)
        if answer.status_code == 200:
            continue
        log.warning("Slack refused a reply (%s): %s", answer.status_code, str(answer.body)[:200])
        if answer.body not in BLOCK_REFUSALS:
            return False
        answer = await respond(text=message.text, response_type=response_type, replace_original=False)
        if answer.status_code != 200:
            return False
    return True
