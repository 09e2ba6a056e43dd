"""The short keys staff type after a command: saved replies' keys and tags."""

from __future__ import annotations

import re

# Lower case, digits, - or _, up to 32 characters: fits callback data and a Telegram line.
KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")


def normal_key(key: str) -> str | None:
    """The key as stored (trimmed, lower case, a leading # dropped), or None if it cannot
    be one."""
    key = key.strip().removeprefix("#").lower()
    return key if KEY.fullmatch(key) else None
