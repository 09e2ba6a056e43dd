"""Reports as Telegram HTML text in Italian and English, split under 4096 characters.

Every string that comes from a user (names, usernames, churn phrases quoted from
messages, staff names) goes through html.escape; the markup is our own.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from zoneinfo import ZoneInfo

from analytics.catalog import pillar_name, translate
from analytics.html_split import split_html
from analytics.lang import Lang
from analytics.nps import NpsChange, NpsResult
from analytics.periods import Period
from analytics.render_recovery import recovery_block
from analytics.render_sla import promise_lines, sla_block
from analytics.render_team import team_blocks
from analytics.report import (
    AtRisk,
    ChurnSection,
    ClvSection,
    NpsSection,
    PillarsSection,
    Report,
    RiskSection,
    WhoisExtras,
)
from analytics.service_times import ServiceTimes, format_duration
from analytics.text_format import escape, money, number, percent

__all__ = [
    "period_title",
    "render_churn",
    "render_nps",
    "render_pillars",
    "render_report",
    "render_report_html",
    "render_whois_extras",
]


_T: dict[str, dict[str, str]] = {
    "it": {
        "report": "📊 Report",
        "no_data": "Nessun dato per questo periodo.",
        "texts_since": "Testi dei messaggi conservati dal {d}: i più vecchi sono cancellati, "
        "voti e tempi restano.",
        "nps": "NPS",
        "no_answers": "nessuna risposta",
        "answers": "{n} risposte",
        "answer": "1 risposta",
        "indicative": "indicativo: meno di 30 risposte",
        "indicative_short": "indicativo",
        "bands": "Promotori {p} · Passivi {m} · Detrattori {d}",
        "response_rate": "Tasso di risposta: {rate} ({a} su {s} sondaggi)",
        "response_rate_none": "Tasso di risposta: nessun sondaggio inviato",
        "vs_previous": "Rispetto al periodo precedente",
        "significant": "significativo",
        "not_significant": "entro il margine ±{m}",
        "not_comparable": "non confrontabile",
        "trend": "Andamento settimanale (12 settimane)",
        "by_language": "Per lingua",
        "by_staff": "Per operatore",
        "by_group": "Per gruppo",
        "by_customer": "cliente/auto",
        "pillars": "Pilastri",
        "pillars_note": "risposte 1–5 su scala 0–100",
        "mentions": "menzioni {n}, sentiment {p}",
        "no_mentions": "nessuna menzione",
        "drivers": "Cosa muove l'NPS",
        "no_drivers": "troppe poche risposte per dirlo",
        "strength.strong": "forte",
        "strength.moderate": "moderato",
        "strength.weak": "debole",
        "strength.none": "nessun legame",
        "service": "Servizio",
        "requests": "Richieste aperte {o} · risolte {r} · in attesa ora {b}",
        "first_response": "Prima risposta",
        "resolution": "Risoluzione",
        "median_p90": "mediana {m} · p90 {p} (n={n})",
        "no_times": "nessun dato",
        "reopen_auto": "Riaperte {r} · risolte automaticamente {a}",
        "churn": "Abbandono",
        "churn_note": "12 mesi; perso dopo {d} giorni di silenzio",
        "churn_rate": "Tasso di abbandono {rate} ({lost} persi su {avg} clienti in media)",
        "churn_none": "Tasso di abbandono: nessun cliente",
        "clv": "Valore del cliente (CLV): media {avg} su {k} di {c} clienti (totale {t})",
        "clv_none": "Valore del cliente (CLV): non disponibile (ricavi e costi non importati)",
        "at_risk": "Clienti a rischio",
        "risk_as_of": "(calcolato alle {t})",
        "no_risk": "nessun cliente a rischio",
        "band.low": "basso",
        "band.medium": "medio",
        "band.high": "alto",
        "revenue_at_risk": "Ricavi a rischio: {v} "
        "({k} di {h} clienti ad alto rischio con CLV noto)",
        "revenue_unknown": "Ricavi a rischio: non noti per {h} clienti ad alto rischio",
        "whois_nps": "NPS recenti",
        "whois_risk": "Rischio di abbandono",
        "whois_clv": "CLV",
        "not_available": "non disponibile",
    },
    "en": {
        "report": "📊 Report",
        "no_data": "No data for this period.",
        "texts_since": "Message texts kept since {d}: older ones are erased, scores and "
        "times stay.",
        "nps": "NPS",
        "no_answers": "no responses",
        "answers": "{n} responses",
        "answer": "1 response",
        "indicative": "indicative: fewer than 30 responses",
        "indicative_short": "indicative",
        "bands": "Promoters {p} · Passives {m} · Detractors {d}",
        "response_rate": "Response rate: {rate} ({a} of {s} surveys)",
        "response_rate_none": "Response rate: no survey sent",
        "vs_previous": "Against the previous period",
        "significant": "significant",
        "not_significant": "within the ±{m} margin",
        "not_comparable": "not comparable",
        "trend": "Weekly trend (12 weeks)",
        "by_language": "By language",
        "by_staff": "By staff member",
        "by_group": "By staff group",
        "by_customer": "customer/auto",
        "pillars": "Pillars",
        "pillars_note": "1–5 answers on a 0–100 scale",
        "mentions": "mentions {n}, sentiment {p}",
        "no_mentions": "no mentions",
        "drivers": "What moves NPS",
        "no_drivers": "too few answers to tell",
        "strength.strong": "strong",
        "strength.moderate": "moderate",
        "strength.weak": "weak",
        "strength.none": "no link",
        "service": "Service",
        "requests": "Requests opened {o} · resolved {r} · waiting now {b}",
        "first_response": "First response",
        "resolution": "Resolution",
        "median_p90": "median {m} · p90 {p} (n={n})",
        "no_times": "no data",
        "reopen_auto": "Reopened {r} · auto-resolved {a}",
        "churn": "Churn",
        "churn_note": "12 months; lost after {d} days of silence",
        "churn_rate": "Churn rate {rate} ({lost} lost of {avg} customers on average)",
        "churn_none": "Churn rate: no customers",
        "clv": "Customer lifetime value (CLV): average {avg} over {k} of {c} customers (total {t})",
        "clv_none": "Customer lifetime value (CLV): not available (revenue and costs not imported)",
        "at_risk": "Customers at risk",
        "risk_as_of": "(scored at {t})",
        "no_risk": "no customer at risk",
        "band.low": "low",
        "band.medium": "medium",
        "band.high": "high",
        "revenue_at_risk": "Revenue at risk: {v} ({k} of {h} high-risk customers with known CLV)",
        "revenue_unknown": "Revenue at risk: unknown for {h} high-risk customers",
        "whois_nps": "Recent NPS",
        "whois_risk": "Churn risk",
        "whois_clv": "CLV",
        "not_available": "not available",
    },
}

_ARROWS = {"▲": "↑", "▼": "↓", "▶": "→"}


def _t(lang: Lang, key: str, **values: object) -> str:
    return translate(_T, lang, key, **values)


_e = escape
_number = number
_percent = percent


def period_title(period: Period, tz: ZoneInfo) -> str:
    """Return the local days a period covers, such as 2026-10-24 – 2026-11-23."""
    first = period.start.astimezone(tz).date()
    last = (period.end - timedelta(microseconds=1)).astimezone(tz).date()
    return first.isoformat() if first == last else f"{first.isoformat()} – {last.isoformat()}"


def _nps_value(result: NpsResult, lang: Lang) -> str:
    if result.score is None:
        return "—"
    return _number(result.score, lang, sign=True)


def nps_line(result: NpsResult, lang: Lang) -> str:
    if result.score is None:
        return f"<b>{_t(lang, 'nps')}</b>: — ({_t(lang, 'no_answers')})"
    margin = f" ±{_number(result.margin or 0, lang)}"
    note = _t(lang, "answer") if result.n == 1 else _t(lang, "answers", n=result.n)
    if result.indicative:
        note += f"; {_t(lang, 'indicative')}"
    return f"<b>{_t(lang, 'nps')}: {_nps_value(result, lang)}</b>{margin} ({note})"


def _change_line(change: NpsChange, lang: Lang) -> str:
    label = _t(lang, "vs_previous")
    if change.difference is None:
        return f"{label}: → {_t(lang, 'not_comparable')}"
    arrow = _ARROWS[change.arrow]
    diff = _number(change.difference, lang, sign=True)
    verdict = (
        _t(lang, "significant")
        if change.significant
        else _t(lang, "not_significant", m=_number(change.margin or 0, lang))
    )
    return f"{label}: {arrow} {diff} ({verdict})"


def _nps_block(
    nps: NpsSection, lang: Lang, staff_names: Mapping[int, str] | None = None
) -> list[str]:
    """The NPS lines; `staff_names` names Telegram ids: staff members (positive) and
    staff groups (negative chat ids)."""
    c = nps.current
    lines = [nps_line(c, lang)]
    if c.n:
        lines.append(_t(lang, "bands", p=c.promoters, m=c.passives, d=c.detractors))
    lines.append(_change_line(nps.change, lang))
    if nps.response_rate is None:
        lines.append(_t(lang, "response_rate_none"))
    else:
        rate = _percent(nps.response_rate, lang)
        lines.append(_t(lang, "response_rate", rate=rate, a=nps.answered, s=nps.sent))
    if any(w.result.n for w in nps.weekly):
        points = " · ".join(
            f"{w.label[-3:]} {_nps_value(w.result, lang)}"
            + (f" ({w.result.n})" if w.result.n else "")
            for w in nps.weekly
        )
        lines.append(f"{_t(lang, 'trend')}: {points}")
    if len(nps.by_language) > 1:
        parts = " · ".join(
            f"{_e(b.key)} {_nps_value(b.result, lang)} ({b.result.n})" for b in nps.by_language
        )
        lines.append(f"{_t(lang, 'by_language')}: {parts}")
    if nps.by_staff and any(b.key for b in nps.by_staff):
        names = staff_names or {}
        parts = " · ".join(
            f"{_e(names.get(int(b.key), b.key)) if b.key else _t(lang, 'by_customer')} "
            f"{_nps_value(b.result, lang)} ({b.result.n})"
            for b in nps.by_staff
        )
        lines.append(f"{_t(lang, 'by_staff')}: {parts}")
    if len(nps.by_group) > 1:
        names = staff_names or {}
        parts = " · ".join(
            f"{_e(names.get(int(b.key), b.key))} {_nps_value(b.result, lang)} ({b.result.n})"
            for b in nps.by_group
        )
        lines.append(f"{_t(lang, 'by_group')}: {parts}")
    return lines


def _pillar_block(pillars: PillarsSection, lang: Lang) -> list[str]:
    mentions = {m.pillar: m for m in pillars.mentions}
    lines = [f"<b>{_t(lang, 'pillars')}</b> ({_t(lang, 'pillars_note')})"]
    for score in pillars.scores:
        name = _e(pillar_name(score.pillar, lang))
        if score.index is None:
            value = "—"
        else:
            value = _number(score.index, lang)
            if score.margin is not None:
                value += f" ±{_number(score.margin, lang)}"
            note = f", {_t(lang, 'indicative_short')}" if score.indicative else ""
            value += f" (n={score.n}{note})"
        m = mentions.get(score.pillar)
        if m is not None and m.mentions and m.polarity is not None:
            talk = _t(lang, "mentions", n=m.mentions, p=_number(m.polarity, lang, 2, sign=True))
        else:
            talk = _t(lang, "no_mentions")
        lines.append(f"• {name}: {value} · {talk}")
    drivers = [d for d in pillars.drivers if d.rho is not None]
    if drivers:
        parts = " · ".join(
            f"{_e(pillar_name(d.pillar, lang))} {_t(lang, f'strength.{d.strength}')} "
            f"(ρ {_number(d.rho or 0, lang, 2, sign=True)}, n={d.n})"
            for d in drivers[:3]
        )
        lines.append(f"{_t(lang, 'drivers')}: {parts}")
    else:
        lines.append(f"{_t(lang, 'drivers')}: {_t(lang, 'no_drivers')}")
    return lines


def _times(median: float | None, p90: float | None, n: int, lang: Lang) -> str:
    if median is None or p90 is None:
        return _t(lang, "no_times")
    return _t(
        lang,
        "median_p90",
        m=format_duration(median, lang),
        p=format_duration(p90, lang),
        n=n,
    )


def service_block(service: ServiceTimes, lang: Lang) -> list[str]:
    s = service
    lines = [
        f"<b>{_t(lang, 'service')}</b>",
        _t(lang, "requests", o=s.opened, r=s.resolved, b=s.backlog),
        f"{_t(lang, 'first_response')}: "
        + _times(s.first_response_median, s.first_response_p90, s.first_response_n, lang),
        f"{_t(lang, 'resolution')}: "
        + _times(s.resolution_median, s.resolution_p90, s.resolution_n, lang),
    ]
    if s.reopen_rate is not None and s.auto_resolved_share is not None:
        lines.append(
            _t(
                lang,
                "reopen_auto",
                r=_percent(s.reopen_rate, lang),
                a=_percent(s.auto_resolved_share, lang),
            )
        )
    return lines


def _churn_block(churn: ChurnSection, clv: ClvSection | None, lang: Lang) -> list[str]:
    lines = [f"<b>{_t(lang, 'churn')}</b> ({_t(lang, 'churn_note', d=churn.inactivity_days)})"]
    if churn.rate is None or churn.average_customers is None:
        lines.append(_t(lang, "churn_none"))
    else:
        lines.append(
            _t(
                lang,
                "churn_rate",
                rate=_percent(churn.rate, lang),
                lost=churn.lost,
                avg=_number(churn.average_customers, lang, 1),
            )
        )
    if clv is not None:
        if clv.average is None or clv.total is None:
            lines.append(_t(lang, "clv_none"))
        else:
            lines.append(
                _t(
                    lang,
                    "clv",
                    avg=money(clv.average, lang),
                    k=clv.known,
                    c=clv.customers,
                    t=money(clv.total, lang),
                )
            )
    return lines


def _customer(at_risk: AtRisk, rank: int, lang: Lang) -> list[str]:
    who = _e(at_risk.name)
    if at_risk.username:
        who += f" (@{_e(at_risk.username)})"
    band = _t(lang, f"band.{at_risk.risk.band}")
    head = f"{rank}. <b>{who}</b> — {at_risk.risk.score}/100 {band}"
    if at_risk.clv is not None:
        head += f" · CLV {money(at_risk.clv, lang)}"
    reasons = [
        f"   • {_e(c.text(lang))} (+{_number(c.points, lang)})"
        for c in at_risk.risk.contributions[:4]
    ]
    return [head, *reasons]


def _risk_block(risk: RiskSection, lang: Lang, tz: ZoneInfo | None = None) -> list[str]:
    lines = [f"<b>{_t(lang, 'at_risk')}</b>"]
    if risk.as_of is not None:  # read from the background snapshot: say how recent
        local = risk.as_of.astimezone(tz) if tz is not None else risk.as_of
        lines[0] += " " + _t(lang, "risk_as_of", t=f"{local:%H:%M}")
    if not risk.top:
        lines.append(_t(lang, "no_risk"))
    for rank, at_risk in enumerate(risk.top, start=1):
        lines.extend(_customer(at_risk, rank, lang))
    if risk.high:
        if risk.revenue_at_risk is None:
            lines.append(_t(lang, "revenue_unknown", h=risk.high))
        else:
            value = money(risk.revenue_at_risk, lang)
            lines.append(_t(lang, "revenue_at_risk", v=value, k=risk.revenue_known, h=risk.high))
    return lines


def _title(text: str, period: str, tz: str) -> str:
    return f"<b>{text} {_e(period)}</b> ({_e(tz)})"


def render_report_html(
    report: Report, lang: Lang | None = None, *, staff_names: Mapping[int, str] | None = None
) -> str:
    """Return the whole report as one Telegram HTML text (split it with split_html)."""
    lang = lang or report.lang
    first, last = report.first_day.isoformat(), report.last_day.isoformat()
    period = first if first == last else f"{first} – {last}"
    blocks: list[list[str]] = [[_title(_t(lang, "report"), period, report.timezone)]]
    if report.empty:
        blocks[0].append(_t(lang, "no_data"))
    if report.texts_since is not None:
        since = report.texts_since.astimezone(ZoneInfo(report.timezone)).strftime("%d/%m/%Y")
        blocks[0].append(_t(lang, "texts_since", d=since))
    blocks += [
        _nps_block(report.nps, lang, staff_names),
        _pillar_block(report.pillars, lang) + promise_lines(report.sla, lang),
        service_block(report.service, lang),
        sla_block(report.sla, lang, staff_names or {}),
        _churn_block(report.churn, report.clv, lang),
        _risk_block(report.risk, lang, ZoneInfo(report.timezone)),
        *team_blocks(report.team, lang, staff_names or {}),
        recovery_block(report.recovery, lang, staff_names or {}),
    ]
    return "\n\n".join("\n".join(block) for block in blocks if block)


def render_report(
    report: Report, lang: Lang | None = None, *, staff_names: Mapping[int, str] | None = None
) -> list[str]:
    """Return the whole report as Telegram HTML messages, each under 4096 characters."""
    return split_html(render_report_html(report, lang, staff_names=staff_names))


def render_nps(
    nps: NpsSection,
    period: Period,
    tz: ZoneInfo,
    lang: Lang,
    *,
    staff_names: Mapping[int, str] | None = None,
) -> list[str]:
    """Return the /nps answer: NPS, change, response rate, trend and breakdowns."""
    lines = [_title("NPS", period_title(period, tz), tz.key), *_nps_block(nps, lang, staff_names)]
    return split_html("\n".join(lines))


def render_pillars(pillars: PillarsSection, period: Period, tz: ZoneInfo, lang: Lang) -> list[str]:
    """Return the /pillars answer: the six pillars and what moves NPS."""
    lines = [_title("🧭", period_title(period, tz), tz.key), *_pillar_block(pillars, lang)]
    return split_html("\n".join(lines))


def render_churn(
    risk: RiskSection, churn: ChurnSection, lang: Lang, *, clv: ClvSection | None = None
) -> list[str]:
    """Return the /churn N answer: churn rate, CLV and the customers most at risk."""
    blocks = [_churn_block(churn, clv, lang), _risk_block(risk, lang)]
    return split_html("\n\n".join("\n".join(block) for block in blocks))


def render_whois_extras(extras: WhoisExtras, lang: Lang, tz: ZoneInfo) -> str:
    """Return the lines /whois adds: recent NPS answers, churn risk with reasons, CLV."""
    if extras.history:
        answers = ", ".join(
            f"{p.score} ({p.at.astimezone(tz).date().isoformat()})" for p in extras.history
        )
    else:
        answers = "—"
    lines = [f"{_t(lang, 'whois_nps')}: {answers}"]
    if extras.risk is not None:
        band = _t(lang, f"band.{extras.risk.band}")
        lines.append(f"{_t(lang, 'whois_risk')}: {extras.risk.score}/100 {band}")
        lines += [
            f"   • {_e(c.text(lang))} (+{_number(c.points, lang)})"
            for c in extras.risk.contributions
        ]
    clv = money(extras.clv, lang) if extras.clv is not None else _t(lang, "not_available")
    lines.append(f"{_t(lang, 'whois_clv')}: {clv}")
    return "\n".join(lines)
