"""saved replies, and the key a saved-reply event names (request_events.detail)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 11:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("request_events", sa.Column("detail", sa.String(64), nullable=True))
    op.create_table(
        "saved_replies",
        sa.Column("key", sa.String(32), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", "language", name=op.f("pk_saved_replies")),
    )


def downgrade() -> None:
    op.drop_table("saved_replies")
    op.drop_column("request_events", "detail")
