"""Service times (Chatwoot-style): first response, resolution, backlog, and their formatting."""

from __future__ import annotations

import math
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from analytics.lang import Lang

__all__ = [
    "ServiceTimes",
    "format_duration",
    "median",
    "percentile",
    "service_times",
]

_DAY, _HOUR, _MINUTE = 86_400, 3_600, 60
# Each step shows a unit and the next smaller one: "3 d 4 h", "2 h 5 min", "1 min 30 s".
_STEPS = ((_DAY, _HOUR), (_HOUR, _MINUTE), (_MINUTE, 1))
_UNITS: dict[Lang, dict[int, str]] = {
    "en": {_DAY: "d", _HOUR: "h", _MINUTE: "min", 1: "s"},
    "it": {_DAY: "g", _HOUR: "h", _MINUTE: "min", 1: "s"},
}


class ServiceTimes(BaseModel):
    """Request counts and response/resolution times (seconds) for one period."""

    model_config = ConfigDict(frozen=True)

    opened: int = Field(ge=0)
    resolved: int = Field(ge=0)
    backlog: int = Field(ge=0)  # open at the end of the period
    first_response_n: int = Field(ge=0)
    first_response_median: float | None = Field(ge=0)
    first_response_p90: float | None = Field(ge=0)
    resolution_n: int = Field(ge=0)
    resolution_median: float | None = Field(ge=0)
    resolution_p90: float | None = Field(ge=0)
    reopen_rate: float | None = Field(ge=0, le=1)  # reopened ÷ resolved
    auto_resolved_share: float | None = Field(ge=0, le=1)  # auto-resolved ÷ resolved


def percentile(values: Iterable[float], q: float) -> float | None:
    """Return the q-th percentile (0..100) by linear interpolation; None when empty."""
    if not 0 <= q <= 100:
        raise ValueError(f"q is a percentage 0..100, got {q}")
    # Sorting here (linear on already sorted input) makes row order irrelevant.
    ordered = sorted(values)
    if not ordered:
        return None
    if any(math.isnan(v) for v in ordered):
        raise ValueError("NaN has no place in a percentile")
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    fraction = position - below
    low, high = ordered[below], ordered[above]
    # low + (high − low)·f can overshoot high by one ulp; clamp keeps the result in range.
    return min(max(low + (high - low) * fraction, low), high)


def median(values: Iterable[float]) -> float | None:
    """Return the median; None when empty."""
    return percentile(values, 50)


def _share(part: int, whole: int) -> float | None:
    """Return part ÷ whole, None when whole is 0."""
    if part < 0 or part > whole:
        raise ValueError(f"need 0 <= {part} <= {whole}")
    return part / whole if whole else None


def service_times(
    *,
    opened: int,
    resolved: int,
    backlog: int,
    first_response_seconds: Iterable[float],
    resolution_seconds: Iterable[float],
    reopened: int,
    auto_resolved: int,
) -> ServiceTimes:
    """Build ServiceTimes from counts and the raw per-request durations."""
    first = sorted(first_response_seconds)
    resolution = sorted(resolution_seconds)
    if any(v < 0 for v in (*first, *resolution)):
        raise ValueError("durations cannot be negative")
    return ServiceTimes(
        opened=opened,
        resolved=resolved,
        backlog=backlog,
        first_response_n=len(first),
        first_response_median=median(first),
        first_response_p90=percentile(first, 90),
        resolution_n=len(resolution),
        resolution_median=median(resolution),
        resolution_p90=percentile(resolution, 90),
        reopen_rate=_share(reopened, resolved),
        auto_resolved_share=_share(auto_resolved, resolved),
    )


def format_duration(seconds: float, lang: Lang = "en") -> str:
    """Format a duration with its two largest units: "3 d 4 h", "2 h 5 min", "45 s"."""
    if not math.isfinite(seconds) or seconds < 0:
        raise ValueError(f"a duration is a finite number of seconds >= 0, got {seconds}")
    if lang not in _UNITS:
        raise ValueError(f"unsupported language {lang!r}")
    units = _UNITS[lang]
    total = math.floor(seconds + 0.5)  # half up: 0.5 s shows as 1 s, not banker's 0 s
    for big, small in _STEPS:
        if total >= big:
            # Round to the smaller unit shown; 59 min 59.6 s becomes "1 h", not "60 min".
            rounded = (total + small // 2) // small * small
            if rounded != total:
                return format_duration(rounded, lang)
            whole, rest = divmod(rounded, big)
            parts = [f"{whole} {units[big]}"]
            if rest:
                parts.append(f"{rest // small} {units[small]}")
            return " ".join(parts)
    return f"{total} {units[1]}"
