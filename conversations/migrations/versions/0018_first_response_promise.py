"""the first answer promised to the customer: requests.promised_by

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 13:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, as in 0011 and 0013 (a batch copy would drop what references requests).
def upgrade() -> None:
    op.add_column("requests", sa.Column("promised_by", UtcDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("requests", "promised_by")
