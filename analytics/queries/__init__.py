"""Aggregate queries of the read side: SQLAlchemy Core over the conversation tables.

Every query counts, sums and groups in the database and hands back a handful of rows;
nothing here loads a whole table into Python. The same statements run on SQLite and on
PostgreSQL; the one place where the dialects differ (expanding the JSON pillar tags) says
why. Every function takes an engine or an open connection, so a report can run all of
its queries on one connection, and so on one snapshot. One module per figure family.
"""

from analytics.queries.customers import (
    ChurnFigures,
    ClvFigures,
    churn_figures,
    clv_figures,
    customer_clv,
    months_before,
)
from analytics.queries.nps import (
    BandCounts,
    NpsFigures,
    band_counts_by_period,
    customer_nps_history,
    nps_by_group,
    nps_figures,
)
from analytics.queries.pillars import PillarFigures, pillar_figures
from analytics.queries.risk import (
    RECENT_SIGNALS,
    CustomerRisk,
    RiskRanking,
    reads_everyone,
    risk_ranking,
    risk_signals,
)
from analytics.queries.service_times import service_figures
from analytics.queries.split import Source, connect

__all__ = [
    "RECENT_SIGNALS",
    "BandCounts",
    "ChurnFigures",
    "ClvFigures",
    "CustomerRisk",
    "NpsFigures",
    "PillarFigures",
    "RiskRanking",
    "Source",
    "band_counts_by_period",
    "churn_figures",
    "clv_figures",
    "connect",
    "customer_clv",
    "customer_nps_history",
    "months_before",
    "nps_by_group",
    "nps_figures",
    "pillar_figures",
    "reads_everyone",
    "risk_ranking",
    "risk_signals",
    "service_figures",
]
