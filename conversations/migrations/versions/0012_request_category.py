"""the category a customer picked for a request (routes it to a staff group)

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 14:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both engines, as in 0011: a batch copy of requests would drop the
# table that messages and surveys reference.
def upgrade() -> None:
    op.add_column("requests", sa.Column("category", sa.String(24), nullable=True))


def downgrade() -> None:
    op.drop_column("requests", "category")
