"""Promises kept: of the first answers promised to customers ("we'll answer by 10:30")
that came due in a period, the share given in time. Reports show it beside the
Expectations and Integrity pillars: what we tell customers against what they feel."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from analytics.catalog import translate
from analytics.lang import Lang
from analytics.periods import Period
from analytics.text_format import percent
from conversations import schema as tables


class PromiseFigures(BaseModel):
    """Promises due in a period (their time passed by the end of it, or by now)."""

    model_config = ConfigDict(frozen=True)

    due: int = Field(ge=0)
    kept: int = Field(ge=0)  # first answer at or before the promised time

    @property
    def share(self) -> float | None:
        """Kept ÷ due (None without promises)."""
        return self.kept / self.due if self.due else None


async def build_promises(conn: AsyncConnection, period: Period, *, now: datetime) -> PromiseFigures:
    """The promises that came due in `period`."""
    r = tables.requests.c
    kept = case(
        (and_(r.first_response_at.is_not(None), r.first_response_at <= r.promised_by), 1),
        else_=0,
    )
    q = select(func.count(), func.coalesce(func.sum(kept), 0)).where(
        r.promised_by >= period.start, r.promised_by < min(period.end, now)
    )
    due, kept_n = (await conn.execute(q)).one()
    return PromiseFigures(due=int(due), kept=int(kept_n))


_T = {
    "it": {
        "line": "Promesse mantenute (prima risposta entro l'ora detta al cliente): {s} "
        "({k} su {d}); da leggere accanto ad Aspettative e Integrità",
    },
    "en": {
        "line": "Promises kept (first answer by the time the customer was told): {s} "
        "({k} of {d}); read it beside Expectations and Integrity",
    },
}


def promise_lines(figures: PromiseFigures, lang: Lang) -> list[str]:
    """The report's promise line (none without promises in the period)."""
    if figures.share is None:
        return []
    s = percent(figures.share, lang)
    return [translate(_T, lang, "line", s=s, k=figures.kept, d=figures.due)]
