"""daily roll-up tables of the report figures, kept exact by triggers; service-time indexes

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.migrations.frozen_sql import run_section

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, name, columns): exact values of one service-time histogram bin, whatever the
# period; and the customer dates churn and CLV read for every customer (covering).
INDEXES: tuple[tuple[str, str, list[str]], ...] = (
    ("requests", "ix_requests_first_response_bin", ["first_response_seconds", "first_response_at"]),
    ("requests", "ix_requests_resolution_bin", ["status", "resolution_seconds", "resolved_at"]),
    ("customers", "ix_customers_lifecycle", ["created_at", "last_contact_at", "churned_at"]),
)


# The backfill, the triggers and their removal, as this migration ran them: the SQL sits
# beside this file, one per engine (generated from conversations/rollups.py when it was
# written, and frozen: later spec changes are later migrations).
_SQL_FILE = "0008_daily_rollups.{dialect}.sql"


def _run(section: str) -> None:
    """Execute one section (backfill, triggers, downgrade) of the frozen SQL."""
    run_section(__file__, _SQL_FILE, section)


# SQLite: tables clustered on their key (day first), so a range of days is one scan.
CLUSTERED = {"sqlite_with_rowid": False}


def _day() -> sa.Column[object]:
    return sa.Column("day", sa.Date(), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "daily_nps",
        _day(),
        sa.Column("language", sa.String(8), primary_key=True),
        sa.Column("staff", sa.BigInteger(), primary_key=True),
        sa.Column("score", sa.Integer(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
        **CLUSTERED,
    )
    op.create_table(
        "daily_surveys",
        _day(),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        **CLUSTERED,
    )
    op.create_table(
        "daily_pillar_answers",
        _day(),
        sa.Column("pillar", sa.String(24), primary_key=True),
        sa.Column("answer", sa.Integer(), primary_key=True),
        sa.Column("score", sa.Integer(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
        **CLUSTERED,
    )
    op.create_table(
        "daily_mentions",
        _day(),
        sa.Column("pillar", sa.String(24), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.Column("polarity_sum", sa.Float(), nullable=False),
        **CLUSTERED,
    )
    op.create_table(
        "daily_requests",
        _day(),
        *(
            sa.Column(name, sa.Integer(), nullable=False)
            for name in ("opened", "resolved", "reopened", "auto", "timed")
        ),
        **CLUSTERED,
    )
    op.create_table(
        "daily_service_bins",
        _day(),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("bin", sa.Integer(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
        **CLUSTERED,
    )
    # Backfill first, in grouped statements, then the triggers take over row by row.
    _run("backfill")
    _run("triggers")
    for table, name, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in INDEXES:
        op.drop_index(name, table_name=table)
    _run("downgrade")
    for table in (
        "daily_service_bins",
        "daily_requests",
        "daily_mentions",
        "daily_pillar_answers",
        "daily_surveys",
        "daily_nps",
    ):
        op.drop_table(table)
