"""indexes for the report queries

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 18:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, columns): each report window filters on the first column. The service-time
# ones also cover the percentile queries (ordered by the seconds, no table look-ups);
# (customer_id, scored_at) serves the churn-risk list's last NPS answers per customer.
INDEXES: tuple[tuple[str, list[str]], ...] = (
    ("surveys", ["scored_at"]),
    ("surveys", ["sent_at"]),
    ("surveys", ["customer_id", "scored_at"]),
    ("requests", ["resolved_at", "status", "resolution_seconds"]),
    ("requests", ["first_response_at", "first_response_seconds"]),
)


def _name(table: str, columns: list[str]) -> str:
    return f"ix_{table}_{'_'.join(columns)}"


def upgrade() -> None:
    for table, columns in INDEXES:
        op.create_index(op.f(_name(table, columns)), table, columns, unique=False)


def downgrade() -> None:
    for table, columns in reversed(INDEXES):
        op.drop_index(op.f(_name(table, columns)), table_name=table)
