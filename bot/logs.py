"""Logging rules of the gateway: no conversation id, secret or personal data in the logs.

A conversation id is the widget's credential for its conversation, and uvicorn's access log
prints request paths: this filter masks the id in them.
"""

from __future__ import annotations

import logging
import re

CONVERSATION_PATH = re.compile(r"(/conversations/)[^/?\s]+")


class RedactConversationIds(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                CONVERSATION_PATH.sub(r"\1…", arg) if isinstance(arg, str) else arg
                for arg in record.args
            )
        if isinstance(record.msg, str):
            record.msg = CONVERSATION_PATH.sub(r"\1…", record.msg)
        return True


def install() -> None:
    redact = RedactConversationIds()
    for name in ("uvicorn.access", "uvicorn.error", "bot"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactConversationIds) for f in logger.filters):
            logger.addFilter(redact)
