"""Keep Slack tokens out of the log: a filter that masks anything shaped like one.

slack_sdk logs full API responses at DEBUG, and oauth.v2.access answers with the new bot token; the
adapter gives its Web API clients and its Bolt app a logger carrying this filter, so no level of
logging prints a token.
"""

from __future__ import annotations

import logging
import re

TOKEN = re.compile(r"\b(xox[abposre]|xapp)-[A-Za-z0-9-]+")
MASK = r"\1-(redacted)"
SDK_LOGGER_NAME = "adapters.slack.sdk"


def mask_tokens(text: str) -> str:
    return TOKEN.sub(MASK, text)


class TokenFilter(logging.Filter):
    """Rewrites each record's message with every token masked (the record is formatted once, here)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a record whose arguments do not fit its format: leave it alone
            return True
        masked = mask_tokens(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        return True


def sdk_logger() -> logging.Logger:
    """The logger for slack_sdk clients and the Bolt app, with the token filter attached once."""
    logger = logging.getLogger(SDK_LOGGER_NAME)
    if not any(isinstance(f, TokenFilter) for f in logger.filters):
        logger.addFilter(TokenFilter())
    return logger
