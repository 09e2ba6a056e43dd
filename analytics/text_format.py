"""Numbers and user text as the reports write them (shared by every report renderer)."""

from __future__ import annotations

import html
from decimal import Decimal

from analytics.lang import Lang


def escape(text: str) -> str:
    """Escape user text for Telegram HTML."""
    return html.escape(text, quote=True)


def number(value: float, lang: Lang, digits: int = 0, *, sign: bool = False) -> str:
    """Format a number, with a decimal comma in Italian and a real minus sign."""
    text = f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"
    if text.lstrip("+-").strip("0.") == "":  # "-0" and "+0.0" read as 0
        text = f"{0:.{digits}f}"
    text = text.replace("-", "−")
    return text.replace(".", ",") if lang == "it" else text


def percent(share: float, lang: Lang) -> str:
    """A share as a percentage: one decimal below 10 % (but not for 0)."""
    return number(share * 100, lang, 0 if share * 100 >= 10 or share == 0 else 1) + "%"


def money(value: Decimal, lang: Lang) -> str:
    """Whole euros with thousands separators: "4.000 €" / "€4,000"."""
    whole = f"{value.quantize(Decimal(1)):,}"
    if lang == "it":
        return whole.replace(",", ".").replace("-", "−") + " €"
    return ("−€" + whole[1:]) if whole.startswith("-") else "€" + whole
