"""service-time bin indexes that also hold the request's owner: the team's exact medians
read one bin's values per owner from the index alone

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-04 19:40:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNER = ["assignee_id", "resolution_source", "resolved_by"]  # conversations.owners
BINS = {
    "ix_requests_first_response_bin": ["first_response_seconds", "first_response_at"],
    "ix_requests_resolution_bin": ["status", "resolution_seconds", "resolved_at"],
}


def upgrade() -> None:
    for name, columns in BINS.items():
        op.drop_index(name, table_name="requests")
        op.create_index(name, "requests", [*columns, *OWNER], unique=False)


def downgrade() -> None:
    for name, columns in BINS.items():
        op.drop_index(name, table_name="requests")
        op.create_index(name, "requests", columns, unique=False)
