"""The report's SLA lines: promises kept (beside the pillars), targets met overall, per
staff member and per staff group with the change against the period before, and the
service times in business hours (analytics.sla)."""

from __future__ import annotations

from collections.abc import Mapping

from analytics.catalog import translate
from analytics.lang import Lang
from analytics.service_times import format_duration
from analytics.sla import SlaBreakdown, SlaSection, TargetFigures, share_change
from analytics.text_format import escape, number, percent

_T: dict[str, dict[str, str]] = {
    "it": {
        "promises": "Promesse mantenute (prima risposta entro l'ora detta al cliente): {s} "
        "({k} su {d}); da leggere accanto ad Aspettative e Integrità",
        "sla": "SLA",
        "sla_note": "obiettivi in orario di lavoro, contati quando scadono",
        "first": "Prima risposta entro l'obiettivo",
        "resolution": "Risoluzione entro l'obiettivo",
        "figures": "{s} ({m} su {d})",
        "change": "{c} punti sul periodo prima ({s})",
        "before": "periodo prima {s}",
        "none": "—",
        "staff": "Per persona",
        "group": "Per gruppo",
        "nobody": "nessuno",
        "slice": "{name}: 1ª risposta {f} · risoluzione {r}",
        "business": "In orario di lavoro: 1ª risposta {f} · risoluzione {r}",
        "times": "mediana {m} (p90 {p}, n={n})",
    },
    "en": {
        "promises": "Promises kept (first answer by the time the customer was told): {s} "
        "({k} of {d}); read it beside Expectations and Integrity",
        "sla": "SLA",
        "sla_note": "targets in business hours, counted when they fall due",
        "first": "First response within target",
        "resolution": "Resolution within target",
        "figures": "{s} ({m} of {d})",
        "change": "{c} points on the period before ({s})",
        "before": "period before {s}",
        "none": "—",
        "staff": "Per person",
        "group": "Per group",
        "nobody": "nobody",
        "slice": "{name}: 1st response {f} · resolution {r}",
        "business": "In business hours: 1st response {f} · resolution {r}",
        "times": "median {m} (p90 {p}, n={n})",
    },
}


def _t(lang: Lang, key: str, **values: object) -> str:
    return translate(_T, lang, key, **values)


def promise_lines(sla: SlaSection, lang: Lang) -> list[str]:
    """The promise line read beside the pillars (none without promises in the period)."""
    f = sla.first_response
    if f.share is None:
        return []
    return [_t(lang, "promises", s=percent(f.share, lang), k=f.met, d=f.due)]


def target_figures(f: TargetFigures, lang: Lang) -> str:
    if f.share is None:
        return _t(lang, "none")
    return _t(lang, "figures", s=percent(f.share, lang), m=f.met, d=f.due)


def _line(name: str, now: TargetFigures, before: TargetFigures, lang: Lang) -> str | None:
    if not now.due and not before.due:
        return None
    text = f"{_t(lang, name)}: {target_figures(now, lang)}"
    change = share_change(now, before)
    if change is not None and before.share is not None:
        c = number(change, lang, sign=True)
        text += f", {_t(lang, 'change', c=c, s=percent(before.share, lang))}"
    elif before.share is not None:
        text += f", {_t(lang, 'before', s=percent(before.share, lang))}"
    return text


def _slice(b: SlaBreakdown, names: Mapping[int, str], lang: Lang) -> str:
    name = escape(names.get(int(b.key), b.key)) if b.key else _t(lang, "nobody")
    f, r = target_figures(b.first_response, lang), target_figures(b.resolution, lang)
    return "• " + _t(lang, "slice", name=name, f=f, r=r)


def _times(median: float | None, p90: float | None, n: int, lang: Lang) -> str:
    if median is None or p90 is None:
        return _t(lang, "none")
    m, p = format_duration(median, lang), format_duration(p90, lang)
    return _t(lang, "times", m=m, p=p, n=n)


def sla_block(sla: SlaSection, lang: Lang, names: Mapping[int, str]) -> list[str]:
    """The SLA lines (none when no target came due now or in the period before, and the
    team keeps no hours). `names` names staff members and staff groups by Telegram id."""
    lines: list[str] = []
    if sla.any:
        found = (
            _line("first", sla.first_response, sla.previous_first_response, lang),
            _line("resolution", sla.resolution, sla.previous_resolution, lang),
        )
        lines += [line for line in found if line]
        if sla.by_staff and any(b.key for b in sla.by_staff):
            lines.append(f"{_t(lang, 'staff')}:")
            lines += [_slice(b, names, lang) for b in sla.by_staff]
        if sla.by_group:
            lines.append(f"{_t(lang, 'group')}:")
            lines += [_slice(b, names, lang) for b in sla.by_group]
    b = sla.business
    if b is not None and (b.first_response_n or b.resolution_n):
        f = _times(b.first_response_median, b.first_response_p90, b.first_response_n, lang)
        r = _times(b.resolution_median, b.resolution_p90, b.resolution_n, lang)
        lines.append(_t(lang, "business", f=f, r=r))
    if not lines:
        return []
    return [f"<b>{_t(lang, 'sla')}</b> ({_t(lang, 'sla_note')})", *lines]
