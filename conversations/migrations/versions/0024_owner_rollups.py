"""the team's figures from roll-ups: requests by owner, their service-time histograms by
owner; survey answers count for the request's owner; indexes for the saved replies of a
period and for the partial days at a report's edges

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.migrations.frozen_sql import run_section

revision: str = "0024"
down_revision: str | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The backfill and the requests triggers as this migration ran them, one file per engine
# (generated from conversations/rollups.py when it was written, and frozen).
_SQL_FILE = "0024_owner_rollups.{dialect}.sql"
CLUSTERED = {"sqlite_with_rowid": False}

# A request's owner (its assignee) now takes its survey's answer, as in the team's figures;
# the surveys' own triggers move the answers in daily_nps.
_ATTRIBUTE = (
    "UPDATE surveys SET resolved_by = "
    "(SELECT r.assignee_id FROM requests r WHERE r.id = surveys.request_id) "
    "WHERE EXISTS (SELECT 1 FROM requests r WHERE r.id = surveys.request_id "
    "AND r.assignee_id IS NOT NULL "
    "AND (surveys.resolved_by IS NULL OR surveys.resolved_by <> r.assignee_id))"
)


def _run(section: str) -> None:
    """Execute one section (backfill, triggers, downgrade) of the frozen SQL."""
    run_section(__file__, _SQL_FILE, section)


def upgrade() -> None:
    op.create_table(
        "daily_owners",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("owner", sa.BigInteger(), primary_key=True),
        sa.Column("handled", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Integer(), nullable=False),
        **CLUSTERED,
    )
    op.create_table(
        "daily_owner_bins",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("owner", sa.BigInteger(), primary_key=True),
        sa.Column("kind", sa.String(16), primary_key=True),
        sa.Column("bin", sa.Integer(), primary_key=True),
        sa.Column("n", sa.Integer(), nullable=False),
        **CLUSTERED,
    )
    op.execute(_ATTRIBUTE)
    _run("backfill")
    _run("triggers")
    op.create_index(
        op.f("ix_request_events_kind_at"), "request_events", ["kind", "at"], unique=False
    )
    op.create_index("ix_requests_resolved_at", "requests", ["resolved_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_requests_resolved_at", table_name="requests")
    op.drop_index(op.f("ix_request_events_kind_at"), table_name="request_events")
    _run("downgrade")
    op.drop_table("daily_owner_bins")
    op.drop_table("daily_owners")
