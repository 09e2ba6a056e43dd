"""The weekly summary as one Telegram HTML message that fits a phone screen: the headline,
the one thing to fix first, service targets, the week's detractors and two verbatims, and
the team; with too little data it says so and leaves out what would mislead."""

from __future__ import annotations

from collections.abc import Mapping

from analytics.catalog import pillar_name, translate
from analytics.lang import Lang
from analytics.nps import SMALL_N, NpsChange, NpsResult
from analytics.render_recovery import person_recovery, recovery_line
from analytics.render_sla import target_figures
from analytics.sla import TargetFigures, share_change
from analytics.summary import Comment, Detractor, WeeklySummary
from analytics.text_format import escape, money, number, percent

_T: dict[str, dict[str, str]] = {
    "it": {
        "title": "📬 <b>Riepilogo settimanale di {brand}</b> · {week} ({first} – {last})",
        "nps": "<b>NPS {v}</b> ±{m} · {n} risposte ({r} dei sondaggi)",
        "nps_one": "<b>NPS {v}</b> ±{m} · 1 risposta ({r} dei sondaggi)",
        "no_answers": "Nessuna risposta al sondaggio questa settimana: niente da misurare.",
        "few": "Con meno di {m} risposte l'NPS dice poco: leggilo come un indizio.",
        "vs_previous": "sulla settimana prima",
        "vs_average": "sulla media di 12 settimane ({v})",
        "beyond": "{d} punti {what}: oltre il rumore (±{m})",
        "within": "{d} punti {what}: nel rumore (±{m})",
        "nothing_to_compare": "nessun confronto {what}: mancano risposte",
        "no_history": "Nessun confronto: le settimane prima non hanno risposte.",
        "focus": "👉 <b>Da sistemare prima</b>: {p}, {s}/100 (n={n}), il pilastro più legato "
        "all'NPS fra i più bassi (ρ {r})",
        "no_focus": "👉 Troppo poche risposte sui pilastri per dire cosa sistemare prima.",
        "over_weeks": " · nelle ultime {w} settimane: questa da sola ne ha troppo poche",
        "targets": "⏱ Promesse mantenute {p} · risoluzione entro l'obiettivo {r}",
        "change": "{c} punti",
        "detractors": "😞 <b>Detrattori</b> ({n}):",
        "more": "… e altri {n}",
        "detractor": "• #{id} {name} ({s}){reason} · 👤 {owner}{state}",
        "nobody": "nessuno",
        "state.open": " · 🩹 da tentare",
        "state.attempted": " · 📞 tentativo fatto",
        "state.won": " · 💚 recuperato",
        "state.lost": " · 💔 non recuperato",
        "state.no_answer": " · ⌛ nessuna risposta",
        "movers": "📉 <b>Ora ad alto rischio di abbandono</b> ({n}):",
        "movers_revenue": "📉 <b>Ora ad alto rischio di abbandono</b> ({n}; valore a rischio {v}):",
        "mover": "• {name} {s}/100: {why}",
        "best": "💬 Il commento migliore: «{t}» ({name}, {s})",
        "worst": "💬 Il peggiore: «{t}» ({name}, {s})",
        "team": "👥 {parts}",
        "hidden": "{name}: risolte {h}, NPS con meno di {m} risposte",
        "member": "{name}: risolte {h}, NPS {v} ({n})",
        "group": "{name}: NPS {v} ({n})",
        "more_team": "… e altri {n} nel report completo",
        "full": "Il report completo, nel gruppo staff: /report {period}",
    },
    "en": {
        "title": "📬 <b>{brand} weekly summary</b> · {week} ({first} – {last})",
        "nps": "<b>NPS {v}</b> ±{m} · {n} answers ({r} of surveys)",
        "nps_one": "<b>NPS {v}</b> ±{m} · 1 answer ({r} of surveys)",
        "no_answers": "No survey answers this week: nothing to measure.",
        "few": "Below {m} answers NPS says little: read it as a hint.",
        "vs_previous": "on the week before",
        "vs_average": "on the 12-week average ({v})",
        "beyond": "{d} points {what}: beyond noise (±{m})",
        "within": "{d} points {what}: within noise (±{m})",
        "nothing_to_compare": "no comparison {what}: too few answers",
        "no_history": "No comparison: the weeks before hold no answers.",
        "focus": "👉 <b>Fix first</b>: {p}, {s}/100 (n={n}), the pillar most tied to NPS "
        "among the lowest (ρ {r})",
        "no_focus": "👉 Too few pillar answers to say what to fix first.",
        "over_weeks": " · over the last {w} weeks: this one alone has too few",
        "targets": "⏱ Promises kept {p} · resolution within target {r}",
        "change": "{c} points",
        "detractors": "😞 <b>Detractors</b> ({n}):",
        "more": "… and {n} more",
        "detractor": "• #{id} {name} ({s}){reason} · 👤 {owner}{state}",
        "nobody": "nobody",
        "state.open": " · 🩹 to try",
        "state.attempted": " · 📞 attempt made",
        "state.won": " · 💚 won back",
        "state.lost": " · 💔 not won back",
        "state.no_answer": " · ⌛ no answer",
        "movers": "📉 <b>Now at high churn risk</b> ({n}):",
        "movers_revenue": "📉 <b>Now at high churn risk</b> ({n}; value at risk {v}):",
        "mover": "• {name} {s}/100: {why}",
        "best": "💬 Best comment: “{t}” ({name}, {s})",
        "worst": "💬 Worst: “{t}” ({name}, {s})",
        "team": "👥 {parts}",
        "hidden": "{name}: {h} resolved, NPS of fewer than {m} answers",
        "member": "{name}: {h} resolved, NPS {v} ({n})",
        "group": "{name}: NPS {v} ({n})",
        "more_team": "… and {n} more in the full report",
        "full": "The full report, in the staff group: /report {period}",
    },
}

MAX_TEAM_LINES = 6  # people and groups shown; the rest are counted (one phone screen)


def _t(lang: Lang, key: str, **values: object) -> str:
    return translate(_T, lang, key, **values)


def change_words(change: NpsChange, what: str, lang: Lang) -> str:
    """A change in plain words: "+8 points on the week before: within noise (±15)"."""
    if change.difference is None or change.margin is None:
        return _t(lang, "nothing_to_compare", what=what)
    key = "beyond" if change.significant else "within"
    d, m = number(change.difference, lang, sign=True), number(change.margin, lang)
    return _t(lang, key, d=d, what=what, m=m)


def _value(result: NpsResult, lang: Lang) -> str:
    return number(result.score, lang, sign=True) if result.score is not None else "—"


def _headline(s: WeeklySummary, lang: Lang) -> list[str]:
    nps = s.report.nps
    c = nps.current
    if c.n == 0 or c.score is None:
        return [_t(lang, "no_answers")]
    rate = percent(nps.response_rate, lang) if nps.response_rate is not None else "—"
    key = "nps_one" if c.n == 1 else "nps"
    lines = [_t(lang, key, v=_value(c, lang), m=number(c.margin or 0, lang), n=c.n, r=rate)]
    if s.average.n == 0:
        lines.append(_t(lang, "no_history"))
    else:
        average = _t(lang, "vs_average", v=_value(s.average, lang))
        lines.append(
            change_words(s.vs_previous, _t(lang, "vs_previous"), lang)
            + " · "
            + change_words(s.vs_average, average, lang)
        )
    if c.indicative:
        lines.append(_t(lang, "few", m=SMALL_N))
    return lines


def _focus(s: WeeklySummary, lang: Lang) -> str:
    f = s.focus
    if f is None or f.score.index is None or f.driver.rho is None:
        return _t(lang, "no_focus")
    text = _t(
        lang,
        "focus",
        p=pillar_name(f.score.pillar, lang),
        s=number(f.score.index, lang),
        n=f.score.n,
        r=number(f.driver.rho, lang, 2),
    )
    return text + (_t(lang, "over_weeks", w=f.weeks) if f.weeks > 1 else "")


def _target(now: TargetFigures, before: TargetFigures, lang: Lang) -> str:
    text = target_figures(now, lang)
    change = share_change(now, before)
    if change is not None:
        text += f", {_t(lang, 'change', c=number(change, lang, sign=True))}"
    return text


def _detractor(d: Detractor, names: Mapping[int, str], lang: Lang) -> str:
    owner = escape(names.get(d.owner_id, str(d.owner_id))) if d.owner_id else _t(lang, "nobody")
    reason = f": «{escape(d.reason)}»" if d.reason else ""
    name = escape(d.customer)
    state = "" if d.recovery == "none" else _t(lang, f"state.{d.recovery}")
    return _t(
        lang,
        "detractor",
        id=d.request_id,
        name=name,
        s=d.score,
        reason=reason,
        owner=owner,
        state=state,
    )


def _movers(s: WeeklySummary, lang: Lang) -> list[str]:
    if not s.movers:
        return []
    n = len(s.movers)
    if s.movers_revenue is None:
        head = _t(lang, "movers", n=n)
    else:
        head = _t(lang, "movers_revenue", n=n, v=money(s.movers_revenue, lang))
    lines = [head]
    for m in s.movers:
        why = escape(m.risk.contributions[0].text(lang)) if m.risk.contributions else "—"
        line = _t(lang, "mover", name=escape(m.name), s=m.risk.score, why=why)
        if m.clv is not None:
            line += f" · CLV {money(m.clv, lang)}"
        lines.append(line)
    return lines


def _comment(key: str, c: Comment, lang: Lang) -> str:
    score = str(c.score) if c.score is not None else "—"
    return _t(lang, key, t=escape(c.text), name=escape(c.customer), s=score)


def _team(s: WeeklySummary, names: Mapping[int, str], lang: Lang) -> str | None:
    team = s.report.team
    parts = []
    for f in team.staff:
        if f.user_id is None:
            continue
        name = escape(names.get(f.user_id, str(f.user_id)))
        if f.nps.n < team.min_answers:
            part = _t(lang, "hidden", name=name, h=f.handled, m=team.min_answers)
        else:
            part = _t(lang, "member", name=name, h=f.handled, v=_value(f.nps, lang), n=f.nps.n)
        won = person_recovery(s.report.recovery, f.user_id, lang)
        parts.append(f"{part} · {won}" if won else part)
    for g in s.report.nps.by_group:  # groups below the minimum are left out
        name = escape(names.get(int(g.key), g.key))
        if g.result.n >= team.min_answers:
            parts.append(_t(lang, "group", name=name, v=_value(g.result, lang), n=g.result.n))
    if not parts:
        return None
    lines = [_t(lang, "team", parts=p) for p in parts[:MAX_TEAM_LINES]]
    if len(parts) > MAX_TEAM_LINES:
        lines.append(_t(lang, "more_team", n=len(parts) - MAX_TEAM_LINES))
    return "\n".join(lines)


def render_summary(
    s: WeeklySummary, brand: str, lang: Lang, names: Mapping[int, str] | None = None
) -> str:
    """The summary as Telegram HTML; `names` names staff members and groups by id."""
    names = names or {}
    r = s.report
    title = _t(
        lang,
        "title",
        brand=escape(brand),
        week=s.week,
        first=r.first_day.strftime("%d/%m"),
        last=r.last_day.strftime("%d/%m"),
    )
    blocks: list[list[str]] = [[title, *_headline(s, lang)]]
    act = [_focus(s, lang)]
    sla = r.sla
    if sla.first_response.due or sla.resolution.due:
        p = _target(sla.first_response, sla.previous_first_response, lang)
        act.append(
            _t(lang, "targets", p=p, r=_target(sla.resolution, sla.previous_resolution, lang))
        )
    blocks.append(act)
    recovered = recovery_line(r.recovery, lang)
    if s.detractor_count:
        lines = [_t(lang, "detractors", n=s.detractor_count)]
        lines += [_detractor(d, names, lang) for d in s.detractors]
        if s.detractor_count > len(s.detractors):
            lines.append(_t(lang, "more", n=s.detractor_count - len(s.detractors)))
        if recovered:
            lines.append(recovered)
        blocks.append(lines)
    elif recovered:  # escalations open recoveries in a week without detractors too
        blocks.append([recovered])
    movers = _movers(s, lang)
    if movers:
        blocks.append(movers)
    words = [_comment(k, c, lang) for k, c in (("best", s.best), ("worst", s.worst)) if c]
    if words:
        blocks.append(words)
    team = _team(s, names, lang)
    tail = [team] if team else []
    tail.append(_t(lang, "full", period=f"{r.first_day.isoformat()}..{r.last_day.isoformat()}"))
    blocks.append(tail)
    return "\n\n".join("\n".join(block) for block in blocks)
