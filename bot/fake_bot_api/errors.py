"""Telegram's error envelope, raised inside method handlers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class ApiError(Exception):
    """A Bot API error: HTTP status equals error_code, as Telegram answers."""

    error_code: int
    description: str
    retry_after: int | None = None

    def body(self) -> dict[str, Any]:
        """The JSON Telegram sends back."""
        data: dict[str, Any] = {
            "ok": False,
            "error_code": self.error_code,
            "description": self.description,
        }
        if self.retry_after is not None:
            data["parameters"] = {"retry_after": self.retry_after}
        return data


def bad_request(what: str) -> ApiError:
    """400 Bad Request: <what>."""
    return ApiError(400, f"Bad Request: {what}")


def blocked() -> ApiError:
    """403: the user blocked the bot."""
    return ApiError(403, "Forbidden: bot was blocked by the user")


def too_many(retry_after: int) -> ApiError:
    """429 flood control."""
    return ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)


@dataclass
class Fault:
    """An error to answer instead of running the next matching calls; with error None, the
    connection is dropped without an answer (a network failure)."""

    method: str
    error: ApiError | None
    times: int = 1
    chat_id: int | None = None  # only calls into this chat (None: any)
