"""Languages the read side writes explanations and units in."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "Lang"]

Lang = Literal["it", "en"]
LANGS: tuple[Lang, ...] = ("it", "en")
