"""when staff were warned that a request's promised first answer is about to be late

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("requests", sa.Column("promise_warned_at", UtcDateTime(), nullable=True))


def downgrade() -> None:
    op.drop_column("requests", "promise_warned_at")
