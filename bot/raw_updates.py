"""Updates as Telegram sends them, before PTB parses them: set aside what PTB cannot read.

Bot.get_updates parses the whole batch at once, so one update PTB cannot read fails the
call and, since the batch is never confirmed, every later call too (and again after every
restart). The getUpdates connection here sets such updates aside for the poller to keep
and confirm; the webhook checks each call the same way.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.request import HTTPXRequest

Raw = dict[str, Any]


@dataclass
class Skipped:
    """An update PTB could not parse."""

    update_id: int
    raw: Raw
    reason: str


def unparsable(raw: object) -> str | None:
    """Why PTB cannot turn this JSON into an Update (None when it can)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("update_id"), int):
        return "not an update object"
    try:
        Update.de_json(raw, None)
    except Exception as exc:  # PTB raises whatever the constructors raise
        return f"{type(exc).__name__}: {exc}"
    return None


def update_id_of(raw: object) -> int:
    """The update_id of raw update JSON; -1 when it has none."""
    value = raw.get("update_id") if isinstance(raw, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else -1


class UpdatesRequest(HTTPXRequest):
    """The getUpdates connection: drops updates PTB cannot parse before PTB sees them."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._skipped: list[Skipped] = []

    # PTB's documented hook for decoding answers; called on the instance, because the
    # set-aside updates belong to this connection.
    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:  # type: ignore[override]
        """Decode Telegram's answer and set unparsable updates aside. Unlike PTB's own, a
        body that is not JSON is not logged: it may hold customer text."""
        try:
            data = json.loads(payload.decode("utf-8", "replace"))
        except ValueError as exc:
            raise TelegramError("Invalid server response") from exc
        if not isinstance(data, dict):
            raise TelegramError("Invalid server response")
        result = data.get("result")
        if not isinstance(result, list):
            return data
        kept = []
        for raw in result:
            problem = unparsable(raw)
            if problem is None:
                kept.append(raw)
            else:
                self._skipped.append(Skipped(update_id_of(raw), raw, problem))
        return {**data, "result": kept}

    def take_skipped(self) -> list[Skipped]:
        """The updates set aside since the last call."""
        taken, self._skipped = self._skipped, []
        return taken
