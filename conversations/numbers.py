"""Numbers typed by people or carried in button data, parsed without surprises.

`str.isdigit()` accepts "²" and "٣", which `int()` then refuses or reads as another digit;
and a number past 64 bits overflows SQLite's INTEGER. Both reach us from commands and
from forged buttons, so every such number is parsed here.
"""

from __future__ import annotations

import re

INT64_MAX = 2**63 - 1

_ASCII_INT = re.compile(r"-?[0-9]+")


def parse_int(text: str, *, low: int = -INT64_MAX, high: int = INT64_MAX) -> int | None:
    """The integer that `text` spells in ASCII digits (optional minus), within low..high;
    None for anything else (other scripts' digits, superscripts, overflow, empty)."""
    if not _ASCII_INT.fullmatch(text) or len(text) > 20:
        return None
    value = int(text)
    return value if low <= value <= high else None
