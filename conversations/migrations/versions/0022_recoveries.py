"""detractor recoveries: owner, root cause, attempt and the re-ask some days later

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 15:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import Id, UtcDateTime

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "recoveries",
        sa.Column("request_id", Id, nullable=False),
        sa.Column("customer_id", Id, nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("owner_id", sa.BigInteger()),
        sa.Column("root_cause", sa.String(16)),
        sa.Column("cause_by", sa.BigInteger()),
        sa.Column("attempted_at", UtcDateTime()),
        sa.Column("attempted_by", sa.BigInteger()),
        sa.Column("reask_due", UtcDateTime()),
        sa.Column("reask_sent_at", UtcDateTime()),
        sa.Column("reask_message_id", sa.BigInteger()),
        sa.Column("reask_score", sa.Integer()),
        sa.Column("reask_at", UtcDateTime()),
        sa.Column("reask_outcome", sa.String(16)),
        sa.Column("card_chat_id", sa.BigInteger()),
        sa.Column("card_message_id", sa.BigInteger()),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_recoveries_request_id_requests")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_recoveries_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_recoveries")),
    )
    op.create_index(op.f("ix_recoveries_opened_at"), "recoveries", ["opened_at"])
    op.create_index(op.f("ix_recoveries_reask_due"), "recoveries", ["reask_due"])


def downgrade() -> None:
    op.drop_index(op.f("ix_recoveries_reask_due"), table_name="recoveries")
    op.drop_index(op.f("ix_recoveries_opened_at"), table_name="recoveries")
    op.drop_table("recoveries")
