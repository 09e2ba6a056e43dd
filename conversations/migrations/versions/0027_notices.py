"""notices: what the bot owes a customer, stored with the change that made it owed

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import Id, UtcDateTime

revision: str = "0027"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("id", Id, primary_key=True, autoincrement=True),
        sa.Column("request_id", Id, nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(24), nullable=False),
        sa.Column("source_id", Id, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime()),
        sa.Column("message_id", sa.BigInteger()),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_notices_request_id_requests")
        ),
        sa.UniqueConstraint("kind", "source_id", name=op.f("uq_notices_kind_source_id")),
    )
    op.create_index(op.f("ix_notices_sent_at_at"), "notices", ["sent_at", "at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_notices_sent_at_at"), "notices")
    op.drop_table("notices")
