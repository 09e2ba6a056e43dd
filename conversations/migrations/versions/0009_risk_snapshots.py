"""churn-risk snapshots that reports read while fresh

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "risk_snapshots",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("computed_at", UtcDateTime(), nullable=False),
        sa.Column("weights", sa.Text(), nullable=False),
        sa.Column("section", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_risk_snapshots_computed_at", "risk_snapshots", ["computed_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_risk_snapshots_computed_at", table_name="risk_snapshots")
    op.drop_table("risk_snapshots")
