"""Explainable churn-risk score: every point comes from a named signal with a sentence."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from analytics.lang import Lang
from conversations.sentiment.churn import CHURN_PHRASES, find_churn_words
from conversations.terms import DETRACTOR_MAX, PASSIVE_MAX, Band, band_of

__all__ = [
    "CHURN_PHRASES",
    "Contribution",
    "RiskBand",
    "RiskScore",
    "RiskSignals",
    "RiskWeights",
    "SignalKey",
    "SignalValues",
    "find_churn_words",
    "risk_band",
    "risk_total",
    "score_of",
    "score_risk",
]

SignalKey = Literal[
    "nps_level",
    "nps_drop",
    "negative_messages",
    "strong_negative",
    "open_requests",
    "reopened",
    "frequent_contacts",
    "slow_responses",
    "inactivity",
    "churn_words",
]
RiskBand = Literal["low", "medium", "high"]


class RiskSignals(BaseModel):
    """What the store knows about one customer that can hint at churn."""

    model_config = ConfigDict(frozen=True)

    last_nps: int | None = Field(default=None, ge=0, le=10)
    previous_nps: int | None = Field(default=None, ge=0, le=10)
    recent_negative_share: float = Field(default=0.0, ge=0, le=1)
    min_recent_polarity: float | None = Field(default=None, ge=-1, le=1)
    open_requests: int = Field(default=0, ge=0)
    oldest_open_age_hours: float | None = Field(default=None, ge=0)
    reopened_requests: int = Field(default=0, ge=0)
    contacts_last_30d: int = Field(default=0, ge=0)
    slow_first_responses: int = Field(default=0, ge=0)
    days_since_last_contact: float | None = Field(default=None, ge=0)
    churn_words: list[str] = Field(default_factory=list)  # matched explicit churn phrases

    @property
    def has_churn_words(self) -> bool:
        """Return whether any churn phrase was found."""
        return bool(self.churn_words)


class RiskWeights(BaseModel):
    """Relative weight of each signal; the defaults sum to 100 so they read as points."""

    # extra="forbid": a mistyped override in settings fails naming the key.
    model_config = ConfigDict(frozen=True, extra="forbid")

    nps_level: float = Field(default=20, ge=0)
    nps_drop: float = Field(default=10, ge=0)
    negative_messages: float = Field(default=10, ge=0)
    strong_negative: float = Field(default=5, ge=0)
    open_requests: float = Field(default=10, ge=0)
    reopened: float = Field(default=10, ge=0)
    frequent_contacts: float = Field(default=5, ge=0)
    slow_responses: float = Field(default=5, ge=0)
    inactivity: float = Field(default=5, ge=0)
    churn_words: float = Field(default=20, ge=0)

    @model_validator(mode="after")
    def _some_weight(self) -> RiskWeights:
        """Reject all-zero weights (the score would be undefined), and weights so close to
        zero that scaling them to 100 points overflows."""
        if not math.isfinite(self.total) or self.total <= 0 or math.isinf(100.0 / self.total):
            raise ValueError("risk weights must be finite and not all zero")
        return self

    @property
    def total(self) -> float:
        """Return the sum of all weights."""
        return sum(float(v) for v in self.model_dump().values())


class Contribution(BaseModel):
    """Points one signal adds to the score, with the reason in Italian and English."""

    model_config = ConfigDict(frozen=True)

    key: SignalKey
    points: float = Field(gt=0, le=100)  # rounded to 0.01 for display
    text_it: str
    text_en: str

    def text(self, lang: Lang) -> str:
        """Return the explanation in `lang`."""
        return self.text_it if lang == "it" else self.text_en


class RiskScore(BaseModel):
    """Churn risk 0–100 with its band and the contributions behind it, largest first."""

    model_config = ConfigDict(frozen=True)

    score: int = Field(ge=0, le=100)
    band: RiskBand
    contributions: list[Contribution]


# A finding: the signal's severity 0..1 and its explanation (Italian, English).
_Finding = tuple[float, str, str]


def _clip(x: float) -> float:
    """Clamp to 0..1."""
    return min(1.0, max(0.0, x))


def _plural(n: int, one: str, many: str) -> str:
    """Return "1 thing" or "n things"."""
    return f"{n} {one if n == 1 else many}"


def _age(hours: float) -> tuple[str, str]:
    """Return an age in whole hours or days (rounded down, so never overstated)."""
    if hours < 1:
        return "meno di un'ora", "under an hour"
    if hours < 48:
        h = math.floor(hours)
        return _plural(h, "ora", "ore"), _plural(h, "hour", "hours")
    d = math.floor(hours / 24)
    return _plural(d, "giorno", "giorni"), _plural(d, "day", "days")


# Severities alone, without the sentences: score_risk uses them through the findings
# below, and risk_total on their own, so both compute the very same floats.


def _nps_level_severity(last: int | None) -> float | None:
    if last is None or band_of(last) == Band.PROMOTER:
        return None
    if band_of(last) == Band.DETRACTOR:
        return 0.5 + (DETRACTOR_MAX - last) / 12
    return (PASSIVE_MAX + 1 - last) / 10


def _nps_drop_severity(last: int | None, previous: int | None) -> float | None:
    if last is None or previous is None:
        return None
    return _clip((previous - last - 1) / 4)


def _strong_negative_severity(p: float | None) -> float | None:
    return None if p is None else _clip((-p - 0.25) / 0.5)


def _open_requests_severity(n: int, age: float | None) -> float | None:
    if n == 0:
        return None
    return (_clip(n / 3) + (_clip(age / 168) if age is not None else 0.0)) / 2


def _inactivity_severity(days: float | None) -> float | None:
    return None if days is None else _clip((days - 30) / 60)


def _nps_level(s: RiskSignals) -> _Finding | None:
    """Low last NPS: detractors weigh at least half, passives a little, promoters nothing."""
    severity = _nps_level_severity(s.last_nps)
    if severity is None:
        return None
    if s.last_nps is not None and band_of(s.last_nps) == Band.DETRACTOR:
        it, en = "detrattore", "detractor"
    else:
        it, en = "passivo", "passive"
    return severity, f"ultimo NPS {s.last_nps} ({it})", f"last NPS {s.last_nps} ({en})"


def _nps_drop(s: RiskSignals) -> _Finding | None:
    """A drop between the last two NPS answers; one point is noise, five is the maximum."""
    severity = _nps_drop_severity(s.last_nps, s.previous_nps)
    if severity is None:
        return None
    return (
        severity,
        f"sceso da {s.previous_nps} a {s.last_nps}",
        f"dropped from {s.previous_nps} to {s.last_nps}",
    )


def _negative_messages(s: RiskSignals) -> _Finding | None:
    """Share of recent messages whose sentiment was negative."""
    pct = round(s.recent_negative_share * 100)
    return (
        s.recent_negative_share,
        f"{pct}% dei messaggi recenti negativi",
        f"{pct}% of recent messages negative",
    )


def _strong_negative(s: RiskSignals) -> _Finding | None:
    """The most negative recent message; mild negativity (above −0.25) is ignored."""
    p = s.min_recent_polarity
    severity = _strong_negative_severity(p)
    if severity is None:
        return None
    return (
        severity,
        f"un messaggio molto negativo (polarità {p:+.2f})",
        f"a very negative message (polarity {p:+.2f})",
    )


def _open_requests(s: RiskSignals) -> _Finding | None:
    """Open requests: half for how many (3 is the maximum), half for the oldest's age (a week)."""
    n = s.open_requests
    age = s.oldest_open_age_hours
    severity = _open_requests_severity(n, age)
    if severity is None:
        return None
    it = _plural(n, "richiesta aperta", "richieste aperte")
    en = _plural(n, "open request", "open requests")
    if age is not None:
        age_it, age_en = _age(age)
        it += f" da {age_it}" if n == 1 else f", la più vecchia da {age_it}"
        en += f", {age_en} old" if n == 1 else f", oldest {age_en}"
    return severity, it, en


def _reopened(s: RiskSignals) -> _Finding | None:
    """Requests reopened after being called resolved; two is the maximum."""
    n = s.reopened_requests
    return (
        _clip(n / 2),
        _plural(n, "richiesta riaperta", "richieste riaperte"),
        _plural(n, "reopened request", "reopened requests"),
    )


def _frequent_contacts(s: RiskSignals) -> _Finding | None:
    """Many contacts in 30 days signal effort; up to two are normal, eight is the maximum."""
    n = s.contacts_last_30d
    return (
        _clip((n - 2) / 6),
        f"{_plural(n, 'contatto', 'contatti')} negli ultimi 30 giorni",
        f"{_plural(n, 'contact', 'contacts')} in the last 30 days",
    )


def _slow_responses(s: RiskSignals) -> _Finding | None:
    """First responses slower than the target; three is the maximum."""
    n = s.slow_first_responses
    return (
        _clip(n / 3),
        _plural(n, "prima risposta lenta", "prime risposte lente"),
        _plural(n, "slow first response", "slow first responses"),
    )


def _inactivity(s: RiskSignals) -> _Finding | None:
    """Silence after 30 days hints at disengagement; 90 days is the maximum."""
    days = s.days_since_last_contact
    severity = _inactivity_severity(days)
    if days is None or severity is None:
        return None
    d = math.floor(days)
    return (
        severity,
        f"nessun contatto da {_plural(d, 'giorno', 'giorni')}",
        f"no contact for {_plural(d, 'day', 'days')}",
    )


def _churn_words(s: RiskSignals) -> _Finding | None:
    """An explicit churn phrase is the strongest single hint, so it takes the full weight."""
    words = list(dict.fromkeys(s.churn_words))
    if not words:
        return None
    quoted = ", ".join(f"“{w}”" for w in words)  # curly quotes: phrases contain apostrophes
    return 1.0, f"ha scritto {quoted}", f"wrote {quoted}"


_SIGNALS: dict[SignalKey, Callable[[RiskSignals], _Finding | None]] = {
    "nps_level": _nps_level,
    "nps_drop": _nps_drop,
    "negative_messages": _negative_messages,
    "strong_negative": _strong_negative,
    "open_requests": _open_requests,
    "reopened": _reopened,
    "frequent_contacts": _frequent_contacts,
    "slow_responses": _slow_responses,
    "inactivity": _inactivity,
    "churn_words": _churn_words,
}


def risk_band(score: int) -> RiskBand:
    """Return low (< 34), medium (< 67) or high."""
    if score < 34:
        return "low"
    return "medium" if score < 67 else "high"


def score_risk(signals: RiskSignals, weights: RiskWeights | None = None) -> RiskScore:
    """Return the churn risk of one customer with the contribution of every signal."""
    weights = weights or RiskWeights()
    scale = 100.0 / weights.total  # weights are relative; points always total at most 100
    total = 0.0
    contributions: list[Contribution] = []
    # Each severity is non-decreasing in its own signal's worsening and the weights are
    # non-negative, so the sum (and its rounding) is monotone: worse never scores lower.
    for key, finding in _SIGNALS.items():
        result = finding(signals)
        if result is None:
            continue
        severity, text_it, text_en = result
        points = severity * getattr(weights, key) * scale
        total += points
        if round(points, 2) > 0:
            contributions.append(
                Contribution(key=key, points=round(points, 2), text_it=text_it, text_en=text_en)
            )
    score = score_of(total)
    contributions.sort(key=lambda c: -c.points)  # stable: ties keep the fixed signal order
    return RiskScore(score=score, band=risk_band(score), contributions=contributions)


class SignalValues(Protocol):
    """The numbers of RiskSignals, read by risk_total (RiskSignals itself qualifies)."""

    @property
    def last_nps(self) -> int | None: ...
    @property
    def previous_nps(self) -> int | None: ...
    @property
    def recent_negative_share(self) -> float: ...
    @property
    def min_recent_polarity(self) -> float | None: ...
    @property
    def open_requests(self) -> int: ...
    @property
    def oldest_open_age_hours(self) -> float | None: ...
    @property
    def reopened_requests(self) -> int: ...
    @property
    def contacts_last_30d(self) -> int: ...
    @property
    def slow_first_responses(self) -> int: ...
    @property
    def days_since_last_contact(self) -> float | None: ...
    @property
    def has_churn_words(self) -> bool: ...


def risk_total(s: SignalValues, weights: RiskWeights, *, scale: float | None = None) -> float:
    """Return the unrounded points score_risk would add up, without building any model.

    The same severities, weights and order of addition as score_risk, so the same float:
    min(100, max(0, floor(total + 0.5))) is its score. For ranking many customers fast;
    `scale`, if given, must be 100.0 / weights.total (computed once by the caller).
    """
    if scale is None:
        scale = 100.0 / weights.total
    severities = (
        (_nps_level_severity(s.last_nps), weights.nps_level),
        (_nps_drop_severity(s.last_nps, s.previous_nps), weights.nps_drop),
        (s.recent_negative_share, weights.negative_messages),
        (_strong_negative_severity(s.min_recent_polarity), weights.strong_negative),
        (_open_requests_severity(s.open_requests, s.oldest_open_age_hours), weights.open_requests),
        (_clip(s.reopened_requests / 2), weights.reopened),
        (_clip((s.contacts_last_30d - 2) / 6), weights.frequent_contacts),
        (_clip(s.slow_first_responses / 3), weights.slow_responses),
        (_inactivity_severity(s.days_since_last_contact), weights.inactivity),
        (1.0 if s.has_churn_words else None, weights.churn_words),
    )
    total = 0.0
    for severity, weight in severities:
        if severity is not None:
            total += severity * weight * scale
    return total


def score_of(total: float) -> int:
    """Return the 0–100 score of a total of points, as score_risk rounds it."""
    return min(100, max(0, math.floor(total + 0.5)))
