"""Telegram HTML of the report: escaping, both languages, wording, splitting under 4096."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from analytics.churn_risk import RiskSignals, score_risk
from analytics.html_split import LIMIT, split_html
from analytics.lang import Lang
from analytics.render_text import (
    render_churn,
    render_nps,
    render_pillars,
    render_report,
    render_report_html,
    render_whois_extras,
)
from analytics.report import NpsPoint, WhoisExtras

from .report_samples import NOW, ROME, sample_report

TAG = re.compile(r"<(/?)(\w+)[^>]*>")


def balanced(chunk: str) -> bool:
    """Return whether every tag opened in the chunk is closed in it, in order."""
    stack: list[str] = []
    for closing, name in TAG.findall(chunk):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return False
    return not stack


def test_user_text_is_escaped() -> None:
    text = render_report_html(sample_report(name="<script>alert(1)</script> & Co"))
    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co 0" in text
    assert "@user&lt;x&gt;" in text
    # Only our own markup remains as tags.
    assert set(TAG.findall(text)) <= {("", "b"), ("/", "b")}


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "en",
            [
                "<b>NPS: +20</b> ±46 (10 responses; indicative: fewer than 30 responses)",
                "Promoters 5 · Passives 2 · Detractors 3",
                "Against the previous period: ↑ +90 (significant)",
                "Response rate: 91% (10 of 11 surveys)",
                "Resolution: 75 ±28 (n=3, indicative)",
                "First response: median 7 min 30 s · p90 45 min (n=4)",
                "Churn rate 26% (3 lost of 11.7 customers on average)",
                "average €2,200 over 2 of 4 customers (total €4,400)",
                "Revenue at risk: €4,000 (1 of 2 high-risk customers with known CLV)",
                "• wrote “disdetta” (+20)",
            ],
        ),
        (
            "it",
            [
                "<b>NPS: +20</b> ±46 (10 risposte; indicativo: meno di 30 risposte)",
                "Promotori 5 · Passivi 2 · Detrattori 3",
                "Rispetto al periodo precedente: ↑ +90 (significativo)",
                "Tasso di risposta: 91% (10 su 11 sondaggi)",
                "Risoluzione: 75 ±28 (n=3, indicativo)",
                "Prima risposta: mediana 7 min 30 s · p90 45 min (n=4)",
                "Tasso di abbandono 26% (3 persi su 11,7 clienti in media)",
                "media 2.200 € su 2 di 4 clienti (totale 4.400 €)",
                "Ricavi a rischio: 4.000 € (1 di 2 clienti ad alto rischio con CLV noto)",
                "• ha scritto “disdetta” (+20)",
            ],
        ),
    ],
)
def test_report_reads_in_both_languages(lang: Lang, expected: list[str]) -> None:
    text = render_report_html(sample_report(lang=lang))
    for line in expected:
        assert line in text
    assert text.startswith("<b>📊 Report 2026-10-24 – 2026-11-23</b> (Europe/Rome)")


def test_language_can_be_overridden_per_reader() -> None:
    report = sample_report(lang="en")
    assert "Promotori 5" in render_report_html(report, "it")


def test_no_indicative_note_from_30_responses() -> None:
    text = render_report_html(sample_report(n=30))
    assert "<b>NPS: +20</b>" in text
    assert "indicative: fewer than 30" not in text


def test_a_change_within_the_margin_is_not_called_a_trend() -> None:
    report = sample_report()
    noise = {"significant": False, "arrow": "▶", "margin": 95.0}
    nps = report.nps.model_copy(update={"change": report.nps.change.model_copy(update=noise)})
    text = render_report_html(report.model_copy(update={"nps": nps}))
    assert "Against the previous period: → +90 (within the ±95 margin)" in text


@pytest.mark.parametrize(("lang", "wording"), [("en", "No data"), ("it", "Nessun dato")])
def test_empty_report_says_no_data(lang: Lang, wording: str) -> None:
    chunks = render_report(sample_report(empty=True, lang=lang))
    assert len(chunks) == 1
    assert wording in chunks[0]
    assert "None" not in chunks[0] and "nan" not in chunks[0]


def test_staff_names_replace_ids_and_are_escaped() -> None:
    text = render_report_html(sample_report(), staff_names={900: "Bob <admin>"})
    assert "By staff member: Bob &lt;admin&gt; +100 (5)" in text


def test_long_report_is_split_under_the_limit_with_balanced_tags() -> None:
    report = sample_report(at_risk=80)
    whole = render_report_html(report)
    assert len(whole) > LIMIT
    chunks = render_report(report)
    assert len(chunks) > 1
    assert all(len(c) <= LIMIT for c in chunks)
    assert all(balanced(c) for c in chunks)
    # Nothing lost: the lines of the chunks are the lines of the whole, in order.
    assert [line for c in chunks for line in c.split("\n") if line] == [
        line for line in whole.split("\n") if line
    ]


def test_split_cuts_an_over_long_line_outside_tags_and_entities() -> None:
    line = "<b>" + "caffè &amp; cornetto " * 60 + "</b>"
    chunks = split_html(line, limit=200)
    assert all(len(c) <= 200 for c in chunks)
    assert all(balanced(c) for c in chunks)
    assert all(c.startswith("<b>") and c.endswith("</b>") for c in chunks)
    for chunk in chunks:  # no entity cut in half
        assert re.search(r"&(?!amp;)", chunk) is None
    text = "".join(re.sub(r"</?b>", "", c) for c in chunks)
    assert text == "caffè &amp; cornetto " * 60


def test_split_prefers_blank_lines() -> None:
    blocks = ["\n".join(f"block {b} line {i}" for i in range(5)) for b in range(30)]
    chunks = split_html("\n\n".join(blocks), limit=300)
    assert all(len(c) <= 300 for c in chunks)
    assert all(c.startswith("block") and c.split("\n")[0].endswith("line 0") for c in chunks)


def test_split_keeps_lines_whole_and_cuts_a_word_longer_than_a_message() -> None:
    text = "\n".join(f"line {i} " + "x" * 90 for i in range(200))
    parts = split_html(text)
    assert len(parts) > 1 and all(len(p) <= 4096 for p in parts)
    assert "\n".join(parts) == text
    parts = split_html("y" * 9000)
    assert all(len(p) <= 4096 for p in parts) and "".join(parts) == "y" * 9000


def test_split_of_nothing_is_nothing() -> None:
    assert split_html("") == []
    assert split_html("short") == ["short"]


@pytest.mark.parametrize("lang", ["it", "en"])
def test_short_answers_for_nps_pillars_and_churn(lang: Lang) -> None:
    report = sample_report(lang=lang)
    (nps,) = render_nps(report.nps, report.period, ROME, lang, staff_names={900: "Bob"})
    assert nps.startswith("<b>NPS 2026-10-24 – 2026-11-23</b>")
    assert "+20" in nps and "Bob" in nps
    (pillars,) = render_pillars(report.pillars, report.period, ROME, lang)
    assert ("Risoluzione: 75" if lang == "it" else "Resolution: 75") in pillars
    assert "<b>NPS:" not in pillars
    (churn,) = render_churn(report.risk, report.churn, lang, clv=report.clv)
    assert "Maria &lt;b&gt;&amp; 1" in churn
    assert ("Tasso di abbandono 26%" if lang == "it" else "Churn rate 26%") in churn


def test_whois_extras_in_both_languages() -> None:
    risk = score_risk(RiskSignals(last_nps=3, churn_words=["disdetta"]))
    extras = WhoisExtras(
        history=[NpsPoint(at=NOW, score=3), NpsPoint(at=NOW.replace(month=6), score=9)],
        risk=risk,
        clv=Decimal("4000"),
    )
    it = render_whois_extras(extras, "it", ROME)
    assert "NPS recenti: 3 (2026-11-23), 9 (2026-06-23)" in it
    assert f"Rischio di abbandono: {risk.score}/100" in it
    assert "CLV: 4.000 €" in it
    nothing = render_whois_extras(WhoisExtras(history=[], risk=None, clv=None), "en", ROME)
    assert nothing == "Recent NPS: —\nCLV: not available"
