"""message edits

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "message_edits",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("edited_at", UtcDateTime(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("previous_text", sa.Text(), nullable=True),
        sa.Column("received_at", UtcDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_edits_message_id_messages")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_edits")),
    )
    with op.batch_alter_table("message_edits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_edits_message_id_edited_at"),
            ["message_id", "edited_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("message_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_edits_message_id_edited_at"))
    op.drop_table("message_edits")
