"""Languages the read side writes explanations and units in."""

from __future__ import annotations

from typing import Literal

__all__ = ["LANGS", "Lang", "as_lang"]

Lang = Literal["it", "en"]
LANGS: tuple[Lang, ...] = ("it", "en")


def as_lang(code: str, default: Lang) -> Lang:
    """`code` if the read side writes in it, else `default`."""
    for lang in LANGS:
        if code == lang:
            return lang
    return default
