from __future__ import annotations

import logging

import pytest

from adapters.slack.redact import mask_tokens, sdk_logger


def test_tokens_of_every_kind_are_masked() -> None:
    text = "bot xoxb-123-456-abcDEF user xoxp-9-9 app xapp-1-A0-123-xyz refresh xoxe-1-abc other xoxo"

    assert mask_tokens(text) == ("bot xoxb-(redacted) user xoxp-(redacted) app xapp-(redacted) "
                                 "refresh xoxe-(redacted) other xoxo")


def test_the_sdk_logger_masks_tokens_in_messages_and_arguments(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    logger = sdk_logger()

    logger.debug("Received the following response: %s", {"access_token": "xoxb-T1-secret"})
    logger.info("plain %d", 3)

    assert "xoxb-T1-secret" not in caplog.text
    assert "xoxb-(redacted)" in caplog.text and "plain 3" in caplog.text
    assert sdk_logger() is logger and len(logger.filters) == 1
