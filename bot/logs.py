"""Logging for `carebot run`: secrets never reach a log line, whatever logs them.

PTB prints the API URL (token included) at DEBUG, httpx and httpcore print request URLs,
and exceptions quote them, so the token and the webhook secret are cut out of every
formatted line, tracebacks included, at every level. Customer texts and names appear only
at DEBUG (raw updates, API parameters); INFO and above carry ids and reasons, not content.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

REDACTED = "[redacted]"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class RedactingFormatter(logging.Formatter):
    """A formatter that replaces each secret in the finished line (message and traceback)."""

    def __init__(self, secrets: Iterable[str], fmt: str = FORMAT) -> None:
        super().__init__(fmt)
        # Longest first, so that a secret containing another is cut whole.
        self.secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def format(self, record: logging.LogRecord) -> str:
        """Format the record, then cut out every secret."""
        return self.redact(super().format(record))

    def redact(self, text: str) -> str:
        """The text with every secret replaced."""
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def secret_parts(token: str) -> list[str]:
    """What of a bot token must never be shown: the whole token and its secret half (the
    numeric bot id before the colon is public)."""
    _, _, secret = token.partition(":")
    return [token, secret] if len(secret) >= 8 else [token]


def setup(level: str, secrets: Iterable[str]) -> RedactingFormatter:
    """Log to stderr at `level` through a redacting formatter; return the formatter."""
    formatter = RedactingFormatter(secrets)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # httpx logs every request at INFO (its URL holds the token; redacted anyway, but noisy).
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    return formatter
