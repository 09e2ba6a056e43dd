"""How every text is looked up: catalogs per language, Italian as the fallback, and the
display names of the pillars (shared by the bot's messages and the reports)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from conversations.terms import Pillar, RootCause

__all__ = [
    "FALLBACK",
    "PILLAR_NAMES",
    "ROOT_CAUSE_NAMES",
    "Catalogs",
    "pillar_name",
    "root_cause_name",
    "translate",
]

Catalogs = Mapping[str, Mapping[str, str]]

FALLBACK = "it"

PILLAR_NAMES: dict[str, dict[Pillar, str]] = {
    "it": {
        Pillar.PERSONALISATION: "Personalizzazione",
        Pillar.INTEGRITY: "Integrità",
        Pillar.EXPECTATIONS: "Aspettative",
        Pillar.RESOLUTION: "Risoluzione",
        Pillar.TIME_AND_EFFORT: "Tempo e impegno",
        Pillar.EMPATHY: "Empatia",
    },
    "en": {
        Pillar.PERSONALISATION: "Personalisation",
        Pillar.INTEGRITY: "Integrity",
        Pillar.EXPECTATIONS: "Expectations",
        Pillar.RESOLUTION: "Resolution",
        Pillar.TIME_AND_EFFORT: "Time and effort",
        Pillar.EMPATHY: "Empathy",
    },
}


ROOT_CAUSE_NAMES: dict[str, dict[RootCause, str]] = {
    "it": {
        RootCause.PRODUCT: "Prodotto",
        RootCause.DELIVERY: "Consegna",
        RootCause.BILLING: "Fatturazione",
        RootCause.STAFF: "Personale",
        RootCause.PROCESS: "Procedura",
        RootCause.OTHER: "Altro",
    },
    "en": {
        RootCause.PRODUCT: "Product",
        RootCause.DELIVERY: "Delivery",
        RootCause.BILLING: "Billing",
        RootCause.STAFF: "Staff",
        RootCause.PROCESS: "Process",
        RootCause.OTHER: "Other",
    },
}


def root_cause_name(cause: RootCause | str, lang: str) -> str:
    """A recovery root cause's display name (shared by the staff card and the reports)."""
    names = ROOT_CAUSE_NAMES.get(lang, ROOT_CAUSE_NAMES[FALLBACK])
    try:
        return names[RootCause(cause)]
    except ValueError:
        return str(cause)


def translate(catalogs: Catalogs, lang: str, key: str, /, **values: Any) -> str:
    """The text of `key` in `lang` (else in Italian), with the values filled in."""
    catalog = catalogs.get(lang, catalogs[FALLBACK])
    text = catalog.get(key)
    if text is None:
        text = catalogs[FALLBACK][key]
    return text.format(**values)


def pillar_name(pillar: Pillar | str, lang: str) -> str:
    """A pillar's display name; an unknown name (data from elsewhere) is shown as it is."""
    names = PILLAR_NAMES.get(lang, PILLAR_NAMES[FALLBACK])
    try:
        return names[Pillar(pillar)]
    except ValueError:
        return str(pillar)
