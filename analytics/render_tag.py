"""/report PERIOD tag:x as Telegram HTML: the NPS, service and team lines of the tagged
requests (the same lines as the whole report)."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from analytics.catalog import translate
from analytics.html_split import split_html
from analytics.render_team import team_blocks
from analytics.render_text import nps_line, period_title, service_block
from analytics.tag_report import TagReport
from analytics.text_format import escape

_T = {
    "it": {
        "title": "📊 Report {period} ({tz}) · tag #{tag}",
        "note": "Solo le richieste con questo tag; pilastri, abbandono e rischio nel /report "
        "completo.",
        "empty": "Nessuna richiesta con il tag #{tag} in questo periodo.",
    },
    "en": {
        "title": "📊 Report {period} ({tz}) · tag #{tag}",
        "note": "Only the requests with this tag; pillars, churn and risk are in the whole "
        "/report.",
        "empty": "No request tagged #{tag} in this period.",
    },
}


def render_tag_report(report: TagReport, names: Mapping[int, str]) -> list[str]:
    """The tag report as Telegram HTML messages, each under 4096 characters."""
    lang, tag = report.lang, escape(report.tag)
    period = period_title(report.period, ZoneInfo(report.timezone))
    head = [
        "<b>"
        + translate(_T, lang, "title", period=escape(period), tz=report.timezone, tag=tag)
        + "</b>",
        translate(_T, lang, "note"),
    ]
    s = report.service
    if report.nps.n == 0 and s.opened == 0 and s.resolved == 0 and s.backlog == 0:
        head.append(translate(_T, lang, "empty", tag=tag))
        return split_html("\n".join(head))
    blocks = [head, [nps_line(report.nps, lang)], service_block(s, lang)]
    blocks += team_blocks(report.team, lang, names)
    return split_html("\n\n".join("\n".join(b) for b in blocks))
