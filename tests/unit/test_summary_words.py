"""The weekly summary's wording: changes beyond or within the noise, worked by hand, and
the pillar named to fix first."""

from __future__ import annotations

from analytics.nps import compare, nps_from_counts
from analytics.pillars import KeyDriver, pillar_score
from analytics.render_summary import change_words
from analytics.summary import focus_pillar, recovery_state


def test_a_change_beyond_the_margin_is_called_so() -> None:
    # 30/10/10 of 50 is NPS 40, variance 100²·(0.8 − 0.4²)/50 = 128; 20/10/20 is 0,
    # variance 100²·0.8/50 = 160; margin 1.96·√288 = 33.3 < 40.
    now, before = nps_from_counts(30, 10, 10), nps_from_counts(20, 10, 20)
    words = change_words(compare(now, before), "on the week before", "en")
    assert words == "+40 points on the week before: beyond noise (±33)"


def test_a_change_inside_the_margin_is_within_noise() -> None:
    # 25/10/15 is NPS 20, variance 100²·(0.8 − 0.2²)/50 = 152; margin 1.96·√312 = 34.6.
    now, before = nps_from_counts(25, 10, 15), nps_from_counts(20, 10, 20)
    words = change_words(compare(now, before), "sulla settimana prima", "it")
    assert words == "+20 punti sulla settimana prima: nel rumore (±35)"


def test_no_answers_before_means_no_comparison() -> None:
    change = compare(nps_from_counts(3, 0, 0), nps_from_counts(0, 0, 0))
    assert change_words(change, "on the week before", "en") == (
        "no comparison on the week before: too few answers"
    )


def _driver(pillar: str, rho: float | None) -> KeyDriver:
    return KeyDriver(pillar=pillar, rho=rho, n=40, strength="moderate", indicative=False)


def test_the_pillar_to_fix_first_weighs_its_link_by_how_low_it_scores() -> None:
    scores = [
        pillar_score("empathy", [5, 5, 4, 5]),  # 94: high, so little to win
        pillar_score("time_and_effort", [2, 3, 2, 2]),  # 31
        pillar_score("resolution", [1, 1, 2, 1]),  # 6, but not tied to NPS
    ]
    drivers = [
        _driver("empathy", 0.9),
        _driver("time_and_effort", 0.5),
        _driver("resolution", -0.2),
    ]
    found = focus_pillar(scores, drivers)
    # 0.9 × 6.25 = 5.6 against 0.5 × 68.75 = 34.4: time and effort.
    assert found is not None and found.score.pillar == "time_and_effort"
    assert focus_pillar(scores, [_driver("resolution", None)]) is None


def test_a_recovery_state_reads_its_facts() -> None:
    assert recovery_state(False, False, None, None) == "none"
    assert recovery_state(True, False, None, None) == "open"
    assert recovery_state(True, True, None, None) == "attempted"
    assert recovery_state(True, True, "answered", 7) == "won"  # 7 is the threshold
    assert recovery_state(True, True, "answered", 6) == "lost"
    assert recovery_state(True, True, "expired", None) == "no_answer"
    assert recovery_state(True, True, "skipped", None) == "no_answer"
