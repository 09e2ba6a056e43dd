"""the staff-group line of a survey's result, edited as its answers arrive

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both engines (SQLite 3.35+ drops columns too): a batch copy of
# surveys would drop the table that pillar_mentions and others reference.
def upgrade() -> None:
    op.add_column("surveys", sa.Column("staff_line_message_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    op.drop_column("surveys", "staff_line_message_id")
