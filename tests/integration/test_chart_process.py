"""Charts are drawn in a child process (matplotlib never loads into the bot), and the
child's PNG is the one the bot would have drawn itself."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from analytics import chart_process
from analytics.periods import Period
from analytics.report import build_report
from conversations.db import create_engine, migrate
from tests.conftest import START


async def test_the_dashboard_comes_from_a_child_process(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'c.db'}")
    await migrate(engine)
    period = Period(start=START - timedelta(days=7), end=START, label="7d")
    report = await build_report(engine, period, now=START, tz=ZoneInfo("Europe/Rome"), lang="it")
    await engine.dispose()
    with caplog.at_level(logging.WARNING, logger="analytics.chart_process"):
        png = await chart_process.draw("dashboard", report)
    assert png.startswith(b"\x89PNG") and len(png) > 10_000
    fallback = [r for r in caplog.records if r.name == "analytics.chart_process"]
    assert fallback == []  # no fallback: the child drew it


async def test_a_chart_the_child_cannot_draw_is_drawn_here(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with (
        caplog.at_level(logging.WARNING, logger="analytics.chart_process"),
        pytest.raises(ValueError, match="no chart called"),
    ):
        await chart_process.draw("nonsense")
    assert "the child failed" in caplog.text
