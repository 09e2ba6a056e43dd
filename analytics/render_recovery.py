"""The report's recovery lines (analytics.recovery), and the weekly summary's
one line of them."""

from __future__ import annotations

from collections.abc import Mapping

from analytics.catalog import root_cause_name, translate
from analytics.lang import Lang
from analytics.recovery import RecoveryFigures, RecoverySection
from analytics.service_times import format_duration
from analytics.text_format import escape, percent

_T: dict[str, dict[str, str]] = {
    "it": {
        "title": "Recupero clienti",
        "note": "recuperi aperti nel periodo, da detrattori e da escalation",
        "figures": "Recuperi {o}{esc} · con tentativo {a} ({s}){wait} · richiesti di nuovo {k}, "
        "risposte {r} ({rr}) · recuperati {w} ({wr} delle risposte)",
        "wait": " in mediana {d}",
        "causes": "Cause: {parts}",
        "esc": " (da escalation {e})",
        "staff": "• {name}: recuperi {o} · tentativi {a} · recuperati {w} su {r}",
        "nobody": "nessuno",
        "short": "🩹 Recupero: aperti {o}{esc}, con tentativo {a}, recuperati {w} su {r} risposte",
        "mine": "recuperati {w} su {r}",
        "none": "—",
    },
    "en": {
        "title": "Winning customers back",
        "note": "recoveries opened in the period, by detractors and escalations",
        "figures": "Recoveries {o}{esc} · attempted {a} ({s}){wait} · asked again {k}, "
        "answers {r} ({rr}) · won back {w} ({wr} of answers)",
        "wait": ", median {d} after",
        "causes": "Causes: {parts}",
        "esc": " ({e} from escalations)",
        "staff": "• {name}: recoveries {o} · attempts {a} · won back {w} of {r}",
        "nobody": "nobody",
        "short": "🩹 Recovery: opened {o}{esc}, attempted {a}, won back {w} of {r} answers",
        "mine": "won back {w} of {r}",
        "none": "—",
    },
}


def _t(lang: Lang, key: str, **values: object) -> str:
    return translate(_T, lang, key, **values)


def _share(value: float | None, lang: Lang) -> str:
    return percent(value, lang) if value is not None else _t(lang, "none")


def _escalations(f: RecoveryFigures, lang: Lang) -> str:
    return _t(lang, "esc", e=f.escalations) if f.escalations else ""


def _figures(f: RecoveryFigures, lang: Lang) -> str:
    wait = ""
    if f.attempt_median is not None:
        wait = _t(lang, "wait", d=format_duration(f.attempt_median, lang))
    return _t(
        lang,
        "figures",
        o=f.opened,
        esc=_escalations(f, lang),
        a=f.attempted,
        s=_share(f.attempt_share, lang),
        wait=wait,
        k=f.asked,
        r=f.answered,
        rr=_share(f.answer_rate, lang),
        w=f.won,
        wr=_share(f.recovery_rate, lang),
    )


def recovery_block(section: RecoverySection, lang: Lang, names: Mapping[int, str]) -> list[str]:
    """The report's recovery lines (none without a recovery in the period)."""
    total = section.total
    if not total.opened:
        return []
    lines = [f"<b>{_t(lang, 'title')}</b> ({_t(lang, 'note')})", _figures(total, lang)]
    if section.causes:
        parts = " · ".join(f"{root_cause_name(c, lang)} {n}" for c, n in section.causes)
        lines.append(_t(lang, "causes", parts=parts))
    if any(owner is not None for owner, _ in section.by_staff):
        for owner, f in section.by_staff:
            name = escape(names.get(owner, str(owner))) if owner else _t(lang, "nobody")
            lines.append(
                _t(lang, "staff", name=name, o=f.opened, a=f.attempted, w=f.won, r=f.answered)
            )
    return lines


def recovery_line(section: RecoverySection, lang: Lang) -> str | None:
    """The weekly summary's one line (None without recoveries)."""
    t = section.total
    if not t.opened:
        return None
    esc = _escalations(t, lang)
    return _t(lang, "short", a=t.attempted, o=t.opened, esc=esc, w=t.won, r=t.answered)


def person_recovery(section: RecoverySection, user_id: int, lang: Lang) -> str | None:
    """A staff member's recoveries in the weekly summary's team line ("won back 2 of 3"),
    None when no re-ask of theirs was answered."""
    for owner, f in section.by_staff:
        if owner == user_id and f.answered:
            return _t(lang, "mine", w=f.won, r=f.answered)
    return None
