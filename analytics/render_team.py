"""The report's team lines: per staff member and per saved reply (analytics.team)."""

from __future__ import annotations

from collections.abc import Mapping

from analytics.catalog import translate
from analytics.lang import Lang
from analytics.nps import NpsResult
from analytics.service_times import format_duration
from analytics.team import SavedReplyFigures, StaffFigures, TeamSection
from analytics.text_format import escape, number, percent

_T: dict[str, dict[str, str]] = {
    "it": {
        "team": "Team",
        "team_note": "richieste risolte nel periodo, di chi le aveva assegnate o le ha risolte",
        "nobody": "nessuno",
        "staff_line": "{name}: {n} · 1ª risposta {f} · risoluzione {r} · riaperte {o} · {nps}",
        "saved": "Risposte salvate",
        "saved_note": "usi nel periodo e come sono andate le richieste",
        "saved_line": "«{name}»: {u} in {n} · {nps} · riaperte dopo {o} · "
        "messaggio successivo del cliente {s}",
        "nps_hidden": "NPS nascosto (meno di {m} risposte)",
        "nps": "NPS {v} ±{m} ({n})",
        "sentiment": "sentiment {p} (n={n})",
        "none": "—",
        "requests.1": "1 richiesta",
        "requests.n": "{n} richieste",
        "uses.1": "1 uso",
        "uses.n": "{n} usi",
    },
    "en": {
        "team": "Team",
        "team_note": "requests resolved in the period, by owner, else by who resolved them",
        "nobody": "nobody",
        "staff_line": "{name}: {n} · 1st response {f} · resolution {r} · reopened {o} · {nps}",
        "saved": "Saved replies",
        "saved_note": "uses in the period and how those requests went",
        "saved_line": "“{name}”: {u} in {n} · {nps} · reopened after {o} · "
        "customer's next message {s}",
        "nps_hidden": "NPS hidden (fewer than {m} answers)",
        "nps": "NPS {v} ±{m} ({n})",
        "sentiment": "sentiment {p} (n={n})",
        "none": "—",
        "requests.1": "1 request",
        "requests.n": "{n} requests",
        "uses.1": "1 use",
        "uses.n": "{n} uses",
    },
}


def _t(lang: Lang, key: str, **values: object) -> str:
    return translate(_T, lang, key, **values)


def _count(what: str, n: int, lang: Lang) -> str:
    return _t(lang, f"{what}.1") if n == 1 else _t(lang, f"{what}.n", n=n)


def _nps(result: NpsResult, min_answers: int, lang: Lang) -> str:
    if result.n < min_answers or result.score is None:
        return _t(lang, "nps_hidden", m=min_answers)
    v = number(result.score, lang, sign=True)
    return _t(lang, "nps", v=v, m=number(result.margin or 0, lang), n=result.n)


def _duration(seconds: float | None, lang: Lang) -> str:
    return format_duration(seconds, lang) if seconds is not None else _t(lang, "none")


def _share(share: float | None, lang: Lang) -> str:
    return percent(share, lang) if share is not None else _t(lang, "none")


def _staff_line(f: StaffFigures, names: Mapping[int, str], min_n: int, lang: Lang) -> str:
    name = _t(lang, "nobody") if f.user_id is None else escape(names.get(f.user_id, str(f.user_id)))
    return "• " + _t(
        lang,
        "staff_line",
        name=name,
        n=_count("requests", f.handled, lang),
        f=_duration(f.first_response_median, lang),
        r=_duration(f.resolution_median, lang),
        o=_share(f.reopen_rate, lang),
        nps=_nps(f.nps, min_n, lang),
    )


def _saved_line(f: SavedReplyFigures, min_n: int, lang: Lang) -> str:
    if f.next_polarity is None:
        sentiment = _t(lang, "none")
    else:
        sentiment = _t(lang, "sentiment", p=number(f.next_polarity, lang, 2, sign=True), n=f.next_n)
    return "• " + _t(
        lang,
        "saved_line",
        name=escape(f.key),
        u=_count("uses", f.uses, lang),
        n=_count("requests", f.requests, lang),
        nps=_nps(f.nps, min_n, lang),
        o=_share(f.reopen_rate, lang),
        s=sentiment,
    )


def team_blocks(team: TeamSection, lang: Lang, names: Mapping[int, str]) -> list[list[str]]:
    """The team and saved-reply blocks of a report (none for a period without either)."""
    blocks: list[list[str]] = []
    if team.staff:
        head = f"<b>{_t(lang, 'team')}</b> ({_t(lang, 'team_note')})"
        blocks.append([head] + [_staff_line(f, names, team.min_answers, lang) for f in team.staff])
    if team.saved_replies:
        head = f"<b>{_t(lang, 'saved')}</b> ({_t(lang, 'saved_note')})"
        lines = [_saved_line(f, team.min_answers, lang) for f in team.saved_replies]
        blocks.append([head, *lines])
    return blocks
