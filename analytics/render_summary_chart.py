"""The weekly summary's one chart: twelve weeks of NPS with the 95 % band, and each
pillar's score this week beside the week before (matplotlib without pyplot, as
analytics.render_chart)."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analytics.catalog import pillar_name
from analytics.lang import Lang
from analytics.render_chart import draw_trend
from analytics.summary import WeeklySummary

__all__ = ["render_summary_chart"]

_LABELS: dict[Lang, dict[str, str]] = {
    "it": {
        "title": "Settimana {week}",
        "trend": "NPS, ultime 12 settimane (banda: margine 95%)",
        "pillars": "Pilastri (0–100): questa settimana e la precedente",
        "now": "questa settimana",
        "before": "settimana prima",
        "no_data": "nessun dato",
    },
    "en": {
        "title": "Week {week}",
        "trend": "NPS, last 12 weeks (band: 95% margin)",
        "pillars": "Pillars (0–100): this week and the one before",
        "now": "this week",
        "before": "week before",
        "no_data": "no data",
    },
}

_GREY, _BLUE = "#b0b0b0", "#337ab7"


def render_summary_chart(s: WeeklySummary, lang: Lang, *, dpi: int = 100) -> bytes:
    """A PNG: the NPS trend above, the pillars with their change below."""
    labels = _LABELS[lang]
    fig = Figure(figsize=(8, 7), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    trend, bars = fig.subplots(2, 1)
    fig.suptitle(labels["title"].format(week=s.week))
    draw_trend(trend, s.report.nps.weekly, labels["trend"], labels["no_data"])

    now = s.report.pillars.scores
    before = {p.pillar: p for p in s.previous_pillars}
    ys = list(range(len(now)))
    bars.set_title(labels["pillars"], fontsize=10)
    prior = [before[p.pillar].index if p.pillar in before else None for p in now]
    bars.barh(
        [y + 0.2 for y in ys], [v or 0.0 for v in prior], height=0.4, color=_GREY,
        label=labels["before"],
    )  # fmt: skip
    bars.barh(
        [y - 0.2 for y in ys], [p.index or 0.0 for p in now], height=0.4, color=_BLUE,
        label=labels["now"],
    )  # fmt: skip
    for y, p, old in zip(ys, now, prior, strict=True):
        if p.index is not None and old is not None:
            bars.annotate(f"{p.index - old:+.0f}", (p.index, y - 0.2), xytext=(4, -3),
                          textcoords="offset points", fontsize=7)  # fmt: skip
    bars.set_yticks(ys, [f"{pillar_name(p.pillar, lang)} (n={p.n})" for p in now])
    bars.invert_yaxis()
    bars.set_xlim(0, 100)
    bars.legend(fontsize=7, loc="lower right")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
