"""Churn-risk scoring: known answers, explanations, monotonicity, churn phrases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from analytics.churn_risk import (
    CHURN_PHRASES,
    Contribution,
    RiskSignals,
    RiskWeights,
    find_churn_words,
    risk_band,
    risk_total,
    score_of,
    score_risk,
)

WEIGHT_KEYS = list(RiskWeights.model_fields)


def only(key: str) -> RiskWeights:
    return RiskWeights(**{k: (1.0 if k == key else 0.0) for k in WEIGHT_KEYS})


def test_default_weights_sum_to_100() -> None:
    assert RiskWeights().total == 100


def test_no_signals_no_risk() -> None:
    risk = score_risk(RiskSignals())
    assert (risk.score, risk.band, risk.contributions) == (0, "low", [])


def test_detractor_who_dropped_and_wrote_disdetta() -> None:
    # NPS 3: 0.5 + (6 − 3)/12 = 0.75 of 20 = 15. Drop 9 → 3 = 6 ≥ 5: full 10.
    # An explicit churn phrase: full 20. Total 45 → medium.
    risk = score_risk(RiskSignals(last_nps=3, previous_nps=9, churn_words=["disdetta"]))
    assert (risk.score, risk.band) == (45, "medium")
    assert [(c.key, c.points) for c in risk.contributions] == [
        ("churn_words", 20.0),
        ("nps_level", 15.0),
        ("nps_drop", 10.0),
    ]
    assert [c.text("en") for c in risk.contributions] == [
        "wrote “disdetta”",
        "last NPS 3 (detractor)",
        "dropped from 9 to 3",
    ]
    assert [c.text("it") for c in risk.contributions] == [
        "ha scritto “disdetta”",
        "ultimo NPS 3 (detrattore)",
        "sceso da 9 a 3",
    ]


@pytest.mark.parametrize(
    ("signals", "key", "points", "en", "it"),
    [
        # Passive 8: (9 − 8)/10 = 0.1 of 20.
        ({"last_nps": 8}, "nps_level", 2.0, "last NPS 8 (passive)", "ultimo NPS 8 (passivo)"),
        # Detractor 0: 0.5 + 6/12 = 1 of 20.
        ({"last_nps": 0}, "nps_level", 20.0, "last NPS 0 (detractor)", "ultimo NPS 0 (detrattore)"),
        # Drop of 3: (3 − 1)/4 = 0.5 of 10 (plus the level signal, not checked here).
        (
            {"last_nps": 7, "previous_nps": 10},
            "nps_drop",
            5.0,
            "dropped from 10 to 7",
            "sceso da 10 a 7",
        ),
        (
            {"recent_negative_share": 0.6},
            "negative_messages",
            6.0,
            "60% of recent messages negative",
            "60% dei messaggi recenti negativi",
        ),
        # Polarity −0.5: (0.5 − 0.25)/0.5 = 0.5 of 5.
        (
            {"min_recent_polarity": -0.5},
            "strong_negative",
            2.5,
            "a very negative message (polarity -0.50)",
            "un messaggio molto negativo (polarità -0.50)",
        ),
        # 2 open (2/3) and 75 h old (75/168): (0.666667 + 0.446429)/2 of 10 = 5.57.
        (
            {"open_requests": 2, "oldest_open_age_hours": 75},
            "open_requests",
            5.57,
            "2 open requests, oldest 3 days",
            "2 richieste aperte, la più vecchia da 3 giorni",
        ),
        # 1 open (1/3) and 5.5 h (5.5/168): (0.333333 + 0.032738)/2 of 10 = 1.83.
        (
            {"open_requests": 1, "oldest_open_age_hours": 5.5},
            "open_requests",
            1.83,
            "1 open request, 5 hours old",
            "1 richiesta aperta da 5 ore",
        ),
        ({"reopened_requests": 1}, "reopened", 5.0, "1 reopened request", "1 richiesta riaperta"),
        # 5 contacts: (5 − 2)/6 = 0.5 of 5.
        (
            {"contacts_last_30d": 5},
            "frequent_contacts",
            2.5,
            "5 contacts in the last 30 days",
            "5 contatti negli ultimi 30 giorni",
        ),
        # 2 slow: 2/3 of 5 = 3.33.
        (
            {"slow_first_responses": 2},
            "slow_responses",
            3.33,
            "2 slow first responses",
            "2 prime risposte lente",
        ),
        # 45.7 days: (45.7 − 30)/60 of 5 = 1.31.
        (
            {"days_since_last_contact": 45.7},
            "inactivity",
            1.31,
            "no contact for 45 days",
            "nessun contatto da 45 giorni",
        ),
    ],
)
def test_each_signal_by_hand(
    signals: dict[str, Any], key: str, points: float, en: str, it: str
) -> None:
    risk = score_risk(RiskSignals(**signals))
    found: dict[str, Contribution] = {c.key: c for c in risk.contributions}
    assert found[key].points == pytest.approx(points)
    assert (found[key].text_en, found[key].text_it) == (en, it)


@pytest.mark.parametrize(
    "signals",
    [
        {"last_nps": 9},
        {"last_nps": 10, "previous_nps": 10},
        {"last_nps": 9, "previous_nps": 10},  # a one-point drop is noise
        {"min_recent_polarity": -0.2},
        {"contacts_last_30d": 2},
        {"days_since_last_contact": 30},
        {"oldest_open_age_hours": 500},  # an age without open requests is ignored
    ],
)
def test_harmless_signals_add_nothing(signals: dict[str, Any]) -> None:
    assert score_risk(RiskSignals(**signals)).contributions == []


WORST = RiskSignals(
    last_nps=0,
    previous_nps=10,
    recent_negative_share=1,
    min_recent_polarity=-1,
    open_requests=5,
    oldest_open_age_hours=1000,
    reopened_requests=3,
    contacts_last_30d=20,
    slow_first_responses=5,
    days_since_last_contact=120,
    churn_words=["recesso", "cambio fornitore"],
)


def test_worst_customer_scores_100() -> None:
    risk = score_risk(WORST)
    assert (risk.score, risk.band) == (100, "high")
    assert len(risk.contributions) == len(WEIGHT_KEYS)
    # Ties keep the fixed signal order: the NPS level comes before the churn words.
    assert [c.key for c in risk.contributions[:2]] == ["nps_level", "churn_words"]
    assert risk.contributions[1].text("en") == "wrote “recesso”, “cambio fornitore”"


@pytest.mark.parametrize(
    ("score", "band"), [(0, "low"), (33, "low"), (34, "medium"), (66, "medium"), (67, "high")]
)
def test_bands(score: int, band: str) -> None:
    assert risk_band(score) == band


def test_weights_are_relative() -> None:
    risk = score_risk(RiskSignals(churn_words=["recesso"], last_nps=0), only("churn_words"))
    assert risk.score == 100
    assert [c.key for c in risk.contributions] == ["churn_words"]
    doubled = RiskWeights(**{k: 2 * v for k, v in RiskWeights().model_dump().items()})
    assert score_risk(WORST, doubled) == score_risk(WORST)


def test_bad_weights_are_rejected_naming_the_key() -> None:
    with pytest.raises(ValidationError, match="churn_wrods"):
        RiskWeights(churn_wrods=5)  # type: ignore[call-arg]
    with pytest.raises(ValidationError, match="nps_level"):
        RiskWeights(nps_level=-1)
    with pytest.raises(ValidationError, match="not all zero"):
        RiskWeights(**dict.fromkeys(WEIGHT_KEYS, 0))
    with pytest.raises(ValidationError, match="not all zero"):  # 100 / 5e-324 overflows
        RiskWeights(**dict.fromkeys(WEIGHT_KEYS, 0) | {"churn_words": 5e-324})


def test_signals_are_validated() -> None:
    with pytest.raises(ValidationError, match="last_nps"):
        RiskSignals(last_nps=11)
    with pytest.raises(ValidationError, match="recent_negative_share"):
        RiskSignals(recent_negative_share=1.5)


PHRASES = [p for lang in ("it", "en") for p in CHURN_PHRASES[lang]]
ages = st.floats(min_value=0, max_value=10_000)

signals_st = st.builds(
    RiskSignals,
    last_nps=st.none() | st.integers(0, 10),
    previous_nps=st.none() | st.integers(0, 10),
    recent_negative_share=st.floats(0, 1),
    min_recent_polarity=st.none() | st.floats(-1, 1),
    open_requests=st.integers(0, 10),
    oldest_open_age_hours=st.none() | ages,
    reopened_requests=st.integers(0, 5),
    contacts_last_30d=st.integers(0, 30),
    slow_first_responses=st.integers(0, 5),
    days_since_last_contact=st.none() | ages,
    churn_words=st.lists(st.sampled_from(PHRASES), max_size=2),
)
# All-zero weights are refused (a test below): draw the numbers, keep sets with some weight.
weights_st = (
    st.fixed_dictionaries({k: st.floats(0, 100) for k in WEIGHT_KEYS})
    .filter(lambda w: sum(w.values()) >= 1e-300)
    .map(lambda w: RiskWeights(**w))
)


def _more(top: int) -> Callable[[int], st.SearchStrategy[int]]:
    return lambda v: st.integers(v, v + top)


def _higher(v: float | None) -> st.SearchStrategy[float]:
    return ages if v is None else st.floats(v, v + 10_000)


# For each signal, values at least as bad as the current one. A higher previous NPS
# is "worse" because that signal only counts through the drop to the last answer.
WORSEN: dict[str, Callable[[Any], st.SearchStrategy[Any]]] = {
    "last_nps": lambda v: st.integers(0, 10 if v is None else v),
    "previous_nps": lambda v: st.integers(0 if v is None else v, 10),
    "recent_negative_share": lambda v: st.floats(v, 1),
    "min_recent_polarity": lambda v: st.floats(-1, 1 if v is None else v),
    "open_requests": _more(10),
    "oldest_open_age_hours": _higher,
    "reopened_requests": _more(5),
    "contacts_last_30d": _more(30),
    "slow_first_responses": _more(5),
    "days_since_last_contact": _higher,
    "churn_words": lambda v: st.lists(st.sampled_from(PHRASES), max_size=2).map(
        lambda extra: [*v, *extra]
    ),
}


def test_every_signal_has_a_worsening_rule() -> None:
    assert set(WORSEN) == set(RiskSignals.model_fields)


@given(signals_st, st.none() | weights_st, st.data())
def test_worsening_any_signal_never_lowers_the_score(
    base: RiskSignals, weights: RiskWeights | None, data: st.DataObject
) -> None:
    field = data.draw(st.sampled_from(sorted(WORSEN)))
    worse_value = data.draw(WORSEN[field](getattr(base, field)))
    worse = RiskSignals(**{**base.model_dump(), field: worse_value})
    assert score_risk(worse, weights).score >= score_risk(base, weights).score


@given(signals_st, st.none() | weights_st)
def test_score_is_bounded_and_explained(signals: RiskSignals, weights: RiskWeights | None) -> None:
    risk = score_risk(signals, weights)
    assert 0 <= risk.score <= 100
    assert risk.band == risk_band(risk.score)
    points = [c.points for c in risk.contributions]
    assert points == sorted(points, reverse=True)
    assert all(p > 0 for p in points)
    assert len({c.key for c in risk.contributions}) == len(points)
    # Shown points add up to the score, give or take rounding.
    assert abs(sum(points) - risk.score) <= 0.5 + 0.01 * len(points)


@pytest.mark.parametrize(
    ("text", "lang", "found"),
    [
        ("Vorrei inviare la DISDETTA del contratto", "it", ["disdetta"]),
        ("NON RINNOVERO, passo a un'altra compagnia", "it", ["passo a un'altra", "non rinnoverò"]),
        ("voglio chiudere l’account", "it", ["chiudere l'account"]),
        ("voglio chiudere l' account", "it", ["chiudere l'account"]),
        ("chiedo il recèsso", "it", ["recesso"]),  # accents fold both ways
        ("la disdettazione non esiste", "it", []),  # whole words only
        ("I'm switching to another bank", "en", ["switching to"]),
        ("Please CANCEL   my\nsubscription.", "en", ["cancel my subscription"]),
        ("I won’t renew", "en", ["won't renew"]),
        ("switching tools is hard", "en", []),
        ("voglio la disdetta", "en", []),  # only the given language's phrases
        ("", "it", []),
    ],
)
def test_find_churn_words(text: str, lang: str, found: list[str]) -> None:
    assert find_churn_words(text, lang) == found  # type: ignore[arg-type]


def test_find_churn_words_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="language"):
        find_churn_words("cancel my subscription", "de")  # type: ignore[arg-type]


LANG_PHRASES = [(lang, p) for lang in ("it", "en") for p in CHURN_PHRASES[lang]]
filler = st.text(alphabet="abcdefghij ", max_size=15)


@given(
    st.sampled_from(LANG_PHRASES),
    filler,
    filler,
    st.sampled_from([str.upper, str.lower, str.title, str.capitalize]),
)
def test_every_phrase_is_found_whatever_case_and_surroundings(
    lang_phrase: tuple[str, str], before: str, after: str, case: Callable[[str], str]
) -> None:
    lang, phrase = lang_phrase
    text = case(f"{before} {phrase}. {after}")
    assert phrase in find_churn_words(text, lang)  # type: ignore[arg-type]


@pytest.mark.parametrize(("lang", "phrase"), LANG_PHRASES)
def test_no_phrase_matches_inside_a_longer_word(lang: str, phrase: str) -> None:
    assert phrase not in find_churn_words(f"x{phrase}", lang)  # type: ignore[arg-type]
    assert phrase not in find_churn_words(f"{phrase}x", lang)  # type: ignore[arg-type]


some_weights_st = (
    st.fixed_dictionaries({k: st.just(0.0) | st.floats(0.01, 100) for k in WEIGHT_KEYS})
    .filter(lambda w: sum(w.values()) >= 0.01)
    .map(lambda w: RiskWeights(**w))
)


@given(signals_st, some_weights_st | st.just(RiskWeights()))
def test_risk_total_is_exactly_the_score_risk_total(signals: RiskSignals, w: RiskWeights) -> None:
    # The report ranks thousands of customers with risk_total and builds score_risk only
    # for those it shows: both must agree to the last bit, or a tie could flip.
    risk = score_risk(signals, w)
    assert score_of(risk_total(signals, w)) == risk.score
    points = sum(c.points for c in risk.contributions)
    # Each shown contribution is rounded to 0.01 and ones that round to 0 are not shown,
    # so the sum may differ by up to half a hundredth per signal (ten signals).
    assert risk_total(signals, w) == pytest.approx(points, abs=0.005 * 10 + 1e-9)
