"""The report as one PNG dashboard: NPS trend with its margin, score distribution, pillars.

matplotlib.figure.Figure is used directly with the Agg canvas: no pyplot, so no global
figure registry that leaks memory in a long-running bot or clashes between threads.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from analytics.catalog import pillar_name
from analytics.lang import Lang
from analytics.report import Report, WeekNps

__all__ = ["draw_trend", "render_dashboard"]

_LABELS: dict[Lang, dict[str, str]] = {
    "it": {
        "title": "Report {period}",
        "trend": "NPS per settimana (banda: margine 95%)",
        "distribution": "Punteggi NPS (0–10)",
        "pillars": "Pilastri (indice 0–100)",
        "answers": "risposte",
        "no_data": "nessun dato",
    },
    "en": {
        "title": "Report {period}",
        "trend": "Weekly NPS (band: 95% margin)",
        "distribution": "NPS scores (0–10)",
        "pillars": "Pillars (index 0–100)",
        "answers": "responses",
        "no_data": "no data",
    },
}

_RED, _GREY, _GREEN, _BLUE = "#d9534f", "#b0b0b0", "#5cb85c", "#337ab7"


def _no_data(ax: Axes, text: str) -> None:
    """Write "no data" in the middle of an empty panel."""
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="grey")


def draw_trend(ax: Axes, weeks: Sequence[WeekNps], title: str, no_data: str) -> None:
    """Weekly NPS with the 95 % band; weeks without answers leave gaps, not zeros."""
    xs = list(range(len(weeks)))
    ax.set_title(title, fontsize=10)
    ax.axhline(0, color=_GREY, linewidth=0.8)
    ax.set_ylim(-100, 100)
    ax.set_xticks(xs, [w.label[-3:] for w in weeks], fontsize=8)
    points = [(x, w.result) for x, w in zip(xs, weeks, strict=True) if w.result.score is not None]
    if not points:
        _no_data(ax, no_data)
        return
    px = [x for x, _ in points]
    ax.fill_between(
        px,
        [r.low if r.low is not None else r.score or 0.0 for _, r in points],
        [r.high if r.high is not None else r.score or 0.0 for _, r in points],
        color=_BLUE,
        alpha=0.15,
        linewidth=0,
    )
    ax.plot(px, [r.score or 0.0 for _, r in points], marker="o", color=_BLUE)
    for x, r in points:
        ax.annotate(
            f"{r.score:+.0f}", (x, r.score or 0.0), textcoords="offset points",
            xytext=(0, 6), ha="center", fontsize=7,
        )  # fmt: skip


def render_dashboard(report: Report, lang: Lang | None = None, *, dpi: int = 100) -> bytes:
    """Return a PNG with the weekly NPS trend, the 0–10 distribution and the pillar scores."""
    lang = lang or report.lang
    labels = _LABELS[lang]
    fig = Figure(figsize=(10, 8), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    grid = fig.add_gridspec(2, 2)
    trend = fig.add_subplot(grid[0, :])
    distribution = fig.add_subplot(grid[1, 0])
    pillars = fig.add_subplot(grid[1, 1])
    first, last = report.first_day.isoformat(), report.last_day.isoformat()
    fig.suptitle(labels["title"].format(period=first if first == last else f"{first} – {last}"))

    draw_trend(trend, report.nps.weekly, labels["trend"], labels["no_data"])

    # Distribution of 0–10 answers coloured by band.
    counts = report.nps.distribution
    colours = [_RED] * 7 + [_GREY] * 2 + [_GREEN] * 2
    distribution.set_title(labels["distribution"], fontsize=10)
    distribution.bar(range(11), counts, color=colours)
    distribution.set_xticks(range(11))
    distribution.set_ylabel(labels["answers"])
    if not any(counts):
        distribution.set_ylim(0, 1)
        _no_data(distribution, labels["no_data"])

    # Pillar indices with their margins; unanswered pillars are named but have no bar.
    scores = report.pillars.scores
    pillars.set_title(labels["pillars"], fontsize=10)
    ys = list(range(len(scores)))
    pillars.barh(
        ys,
        [s.index or 0.0 for s in scores],
        xerr=[s.margin or 0.0 for s in scores],
        color=[_BLUE if s.index is not None else _GREY for s in scores],
        error_kw={"elinewidth": 0.8, "capsize": 2},
    )
    pillars.set_yticks(ys, [f"{pillar_name(s.pillar, lang)} (n={s.n})" for s in scores])
    pillars.invert_yaxis()
    pillars.set_xlim(0, 100)
    if all(s.index is None for s in scores):
        _no_data(pillars, labels["no_data"])

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
