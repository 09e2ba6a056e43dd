"""recoveries opened by escalations too: what opened one, its signals, the copy it marks

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-04 18:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("recoveries") as batch:
        batch.add_column(
            sa.Column("trigger", sa.String(16), nullable=False, server_default="detractor")
        )
        batch.add_column(sa.Column("reason", sa.String(200)))
        batch.add_column(sa.Column("copy_row_id", sa.BigInteger()))
        batch.alter_column("score", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM recoveries WHERE score IS NULL")
    with op.batch_alter_table("recoveries") as batch:
        batch.alter_column("score", existing_type=sa.Integer(), nullable=False)
        batch.drop_column("copy_row_id")
        batch.drop_column("reason")
        batch.drop_column("trigger")
