"""Service times kept as histograms: the bins, and where each kind of duration lives.

Every value below 100 s is its own bin; above that a bin spans at most 10 % of its values
(1200–1299 s, ...), two significant digits. The daily roll-up (conversations.rollups)
counts durations per bin; a report finds the bin that holds a percentile there, then
reads that bin's exact values (values_reader), so percentiles stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Integer, TextClause, bindparam, text

from conversations.owners import OWNER_SQL
from conversations.schema import UtcDateTime
from conversations.terms import Status

__all__ = [
    "DURATIONS",
    "FIRST_RESPONSE",
    "RESOLUTION",
    "RESOLVED",
    "Durations",
    "bin_bounds",
    "bin_of",
    "bin_sql",
]


def bin_sql(seconds: str) -> str:
    """Return SQL for the histogram bin of a non-negative whole number of seconds."""
    digits = f"CAST({seconds} AS TEXT)"
    return f"(length({digits}) * 100 + CAST(substr({digits}, 1, 2) AS INTEGER))"


def bin_of(seconds: int) -> int:
    """Return the histogram bin of a number of seconds, as bin_sql computes it."""
    digits = str(seconds)
    return len(digits) * 100 + int(digits[:2])


def bin_bounds(bin_id: int) -> tuple[int, int]:
    """Return the seconds [low, high) of a histogram bin (the inverse of bin_of)."""
    digits, lead = divmod(bin_id, 100)
    if digits <= 2:
        return lead, lead + 1
    step = 10 ** (digits - 2)
    return lead * step, (lead + 1) * step


# SQL for a resolved request (`{r}`: the row, as in conversations.rollups).
RESOLVED = f"{{r}}.status = '{Status.RESOLVED}'"


@dataclass(frozen=True, slots=True)
class Durations:
    """One kind of service time on the requests table: the moment that dates a duration,
    its seconds column, and whether only resolved requests count."""

    kind: str  # daily_service_bins.kind
    at: str
    seconds: str
    resolved_only: bool = False

    @property
    def when(self) -> str:
        """SQL for the requests whose duration counts (the roll-up spec's condition)."""
        timed = f"{{r}}.{self.seconds} IS NOT NULL"
        return f"{RESOLVED} AND {timed}" if self.resolved_only else timed

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns the condition and the moment read."""
        return (self.at, *(("status",) if self.resolved_only else ()), self.seconds)

    def values_reader(self, *, by_owner: bool = False) -> TextClause:
        """SQL for the exact values, with their counts, of one bin (:low <= seconds < :high)
        among the durations dated :start <= at < :end, ascending; `by_owner`: per request
        owner (conversations.owners), the owner first."""
        seconds, at = f"requests.{self.seconds}", f"requests.{self.at}"
        # COALESCE hides the moment's index, so the planner walks the duration's (a bin
        # is a sliver of it) rather than a whole period of moments.
        moment = f"COALESCE({at}, {at})"
        picked = [OWNER_SQL.format(r="requests"), seconds] if by_owner else [seconds]
        order = ", ".join(str(i) for i in range(1, len(picked) + 1))
        return text(
            f"SELECT {', '.join(picked)}, COUNT(*) FROM requests "
            f"WHERE {self.when.format(r='requests')} "
            f"AND {seconds} >= :low AND {seconds} < :high "
            f"AND {moment} >= :start AND {moment} < :end "
            f"GROUP BY {order} ORDER BY {order}"
        ).bindparams(
            bindparam("low", type_=Integer()),
            bindparam("high", type_=Integer()),
            bindparam("start", type_=UtcDateTime()),
            bindparam("end", type_=UtcDateTime()),
        )


FIRST_RESPONSE = Durations("first_response", "first_response_at", "first_response_seconds")
RESOLUTION = Durations("resolution", "resolved_at", "resolution_seconds", resolved_only=True)
DURATIONS: tuple[Durations, ...] = (FIRST_RESPONSE, RESOLUTION)
