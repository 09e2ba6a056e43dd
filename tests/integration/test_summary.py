"""The weekly summary on SQLite and PostgreSQL: built on the week's report, with the
12 weeks before pooled, the week's detractors and its two verbatims."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.periods import iso_week
from analytics.render_summary import render_summary
from analytics.report import build_report
from analytics.summary import MAX_DETRACTORS, build_summary
from conversations.store import Database
from tests.integration.test_report_queries import BOB, NOW, ROME, Rows

WEEK = iso_week("2026-W47", ROME)  # 16–22 November; NOW is the Monday after


@pytest.fixture
async def conn(db: Database) -> AsyncIterator[AsyncConnection]:
    async with db.engine.begin() as connection:
        yield connection


async def test_summary_of_a_week(conn: AsyncConnection) -> None:
    rows = Rows(conn)
    maria = await rows.customer(first_name="Maria", last_name="<Rossi>")
    in_week = WEEK.start + timedelta(days=2)
    for score in (10, 10, 9):
        await rows.survey(maria, score, sent_at=in_week)
    comments = [(2, "Rimborso mai arrivato, pessimo", -0.8), (9, "Velocissimi, grazie", 0.7)]
    for score, text, polarity in comments:
        await rows.survey(
            maria,
            score,
            sent_at=in_week,
            reason_text=text,
            reason_polarity=polarity,
            reason_at=in_week + timedelta(minutes=6),
        )
    for score in (6, 5, 4, 3, 1):
        await rows.survey(maria, score, sent_at=in_week + timedelta(hours=score))
    # The twelve weeks before: ten promoters, ten detractors (NPS 0).
    for k in range(20):
        await rows.survey(maria, 10 if k % 2 else 0, sent_at=WEEK.start - timedelta(days=3 + k))
    await rows.survey(maria, 0, sent_at=WEEK.start - timedelta(weeks=13))  # too old to count

    report = await build_report(conn, WEEK, now=NOW, tz=ROME, lang="it")
    s = await build_summary(conn, report)
    assert s.week == "2026-W47"
    assert (s.average.n, s.average.score) == (20, 0)
    assert s.report.nps.current.n == 10  # one builder: the report's figures
    assert s.detractor_count == 6
    assert [d.score for d in s.detractors] == [1, 2, 3, 4, 5][:MAX_DETRACTORS]
    assert s.detractors[1].reason == "Rimborso mai arrivato, pessimo"
    assert s.best is not None and s.best.text == "Velocissimi, grazie"
    assert s.worst is not None and s.worst.score == 2

    text = render_summary(s, "Acme & Co", "it", {BOB: "Bob"})
    assert text.startswith("📬 <b>Riepilogo settimanale di Acme &amp; Co</b> · 2026-W47")
    assert "Maria &lt;Rossi&gt;" in text and "<Rossi>" not in text
    assert "… e altri 1" in text
    assert "sulla media di 12 settimane (0)" in text
    assert "«Velocissimi, grazie»" in text and "«Rimborso mai arrivato, pessimo»" in text
    assert len(text) < 4096 and len(text.splitlines()) <= 25  # one phone screen


async def test_an_empty_week_says_so(conn: AsyncConnection) -> None:
    report = await build_report(conn, WEEK, now=NOW, tz=ROME, lang="en")
    text = render_summary(await build_summary(conn, report), "Acme", "en")
    assert "No survey answers this week: nothing to measure." in text
    assert "Detractors" not in text and "—" not in text


async def test_customers_who_moved_into_high_risk_during_the_week(conn: AsyncConnection) -> None:
    rows = Rows(conn)
    today = NOW.astimezone(ROME).date()
    money = {
        "yearly_revenue": Decimal(500),
        "relationship_start": date(today.year - 10, today.month, today.day),
        "acquisition_cost": Decimal(1000),
    }
    mid_week = WEEK.start + timedelta(days=3)
    # Lia was fine when the week began; during it she answered 1 and asked to cancel.
    lia = await rows.customer(first_name="Lia", **money)
    await rows.survey(lia, 9, sent_at=WEEK.start - timedelta(days=50))
    await rows.survey(lia, 1, sent_at=mid_week)
    request = await rows.request(lia, status="open", opened_at=mid_week)
    await rows.message(
        request, text="voglio la disdetta, cambio fornitore", polarity=-0.9,
        sentiment_label="negative", created_at=mid_week,
    )  # fmt: skip
    # Ugo was already at high risk before the week: not news.
    ugo = await rows.customer(first_name="Ugo")
    before = WEEK.start - timedelta(days=2)
    await rows.survey(ugo, 0, sent_at=before)
    request = await rows.request(ugo, status="open", opened_at=before)
    await rows.message(
        request, text="recesso subito", polarity=-0.8, sentiment_label="negative",
        created_at=before,
    )  # fmt: skip
    for _ in range(2):
        await rows.request(ugo, opened_at=before - timedelta(days=1), reopen_count=1)

    report = await build_report(conn, WEEK, now=NOW, tz=ROME, lang="it")
    s = await build_summary(conn, report)
    assert [m.name for m in s.movers] == ["Lia"]
    assert s.movers[0].risk.band == "high"
    assert s.movers_revenue == Decimal("4000.00")
    text = render_summary(s, "Acme", "it")
    assert "📉 <b>Ora ad alto rischio di abbandono</b> (1; valore a rischio 4.000 €):" in text
    assert "• Lia 68/100: ha scritto “disdetta”, “cambio fornitore” · CLV 4.000 €" in text


async def test_a_thin_week_names_the_pillar_to_fix_from_the_quarter(conn: AsyncConnection) -> None:
    rows = Rows(conn)
    maria = await rows.customer()
    await rows.survey(maria, 9, sent_at=WEEK.start + timedelta(days=1))  # one answer: no ranking
    for k, score in enumerate([0, 2, 4, 6, 7, 8, 9, 10] * 2):
        at = WEEK.start - timedelta(days=2 + 4 * k)
        # Time and effort follows NPS and scores low; empathy is high whatever the score.
        slow = {"pillar": "time_and_effort", "pillar_score": 1 + score // 3, "pillar_at": at}
        kind = {"pillar": "empathy", "pillar_score": 5, "pillar_at": at}
        await rows.survey(maria, score, sent_at=at, **(slow if k % 2 == 0 else kind))
    report = await build_report(conn, WEEK, now=NOW, tz=ROME, lang="en")
    s = await build_summary(conn, report)
    assert s.focus is not None
    assert (s.focus.score.pillar, s.focus.weeks) == ("time_and_effort", 13)
    text = render_summary(s, "Acme", "en")
    assert "<b>Fix first</b>: Time and effort" in text
    assert "over the last 13 weeks: this one alone has too few" in text
