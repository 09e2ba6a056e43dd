"""Explicit churn phrases ("disdetta", "cancel my subscription") in customer texts.

Found when a customer message is stored or edited, and kept on the message (JSON list in
messages.churn_words), so reports read the flagged messages by index instead of scanning
every recent text; analytics.churn_risk re-exports the list and the matcher.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from typing import Literal

__all__ = [
    "CHURN_LANGS",
    "CHURN_PHRASES",
    "churn_words_json",
    "find_all_churn_words",
    "find_churn_words",
    "fold",
]

ChurnLang = Literal["it", "en"]
CHURN_LANGS: tuple[ChurnLang, ...] = ("it", "en")

# Listed with accents as people write them; matching folds case and accents away.
CHURN_PHRASES: dict[ChurnLang, list[str]] = {
    "it": [
        "disdetta",
        "disdire",
        "disdico",
        "disdirò",
        "recesso",
        "recedere",
        "chiudere il conto",
        "chiudo il conto",
        "chiudere l'account",
        "chiudo l'account",
        "cancellare l'abbonamento",
        "annullare l'abbonamento",
        "passo a un altro",
        "passo a un'altra",
        "passo alla concorrenza",
        "cambio fornitore",
        "cambiare fornitore",
        "cambio gestore",
        "non rinnoverò",
        "non rinnovo",
    ],
    "en": [
        "cancel my subscription",
        "cancelling my subscription",
        "canceling my subscription",
        "cancel my account",
        "close my account",
        "closing my account",
        "delete my account",
        "switching to",
        "switch to another provider",
        "moving to a competitor",
        "terminate my contract",
        "end my contract",
        "not renewing",
        "won't renew",
        "will not renew",
        "take my business elsewhere",
    ],
}

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})


def fold(text: str) -> str:
    """Lower-case, unify apostrophes and strip accents so "Disdirò" matches "disdiro"."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def _patterns(lang: ChurnLang) -> list[tuple[str, re.Pattern[str]]]:
    """Compile each phrase of `lang` once, bounded by non-word characters."""
    compiled = []
    for phrase in CHURN_PHRASES[lang]:
        words = [re.escape(w) for w in fold(phrase).split()]
        # Any run of spaces between words; "l'account" also matches "l' account".
        body = r"\s+".join(words).replace("'", r"'\s*")
        compiled.append((phrase, re.compile(rf"(?<!\w){body}(?!\w)")))
    return compiled


def find_churn_words(text: str, lang: ChurnLang) -> list[str]:
    """Return the churn phrases of `lang` found in `text`, as listed in CHURN_PHRASES."""
    if lang not in CHURN_PHRASES:
        raise ValueError(f"unsupported language {lang!r}")
    folded = fold(text)
    return [phrase for phrase, pattern in _patterns(lang) if pattern.search(folded)]


@cache
def _needles() -> tuple[str, ...]:
    """Return the longest run of plain letters of each phrase, which any match contains.

    A match is the folded phrase with its words intact, so a folded text without any of
    these fragments ("disdir" for "disdirò") matches no phrase: a cheap exact pre-check.
    """
    return tuple(
        sorted(
            {
                max(re.findall(r"[a-z]+", p.lower()), key=len)
                for ps in CHURN_PHRASES.values()
                for p in ps
            }
        )
    )


def find_all_churn_words(text: str | None) -> list[str]:
    """Return the churn phrases of every language in `text`, Italian first, list order."""
    if not text:
        return []
    folded = fold(text)
    if not any(needle in folded for needle in _needles()):
        return []
    return [
        phrase
        for lang in CHURN_LANGS
        for phrase, pattern in _patterns(lang)
        if pattern.search(folded)
    ]


def churn_words_json(text: str | None) -> str | None:
    """Return what messages.churn_words stores for a customer text: JSON list, or None."""
    found = find_all_churn_words(text)
    return json.dumps(found, ensure_ascii=False) if found else None
