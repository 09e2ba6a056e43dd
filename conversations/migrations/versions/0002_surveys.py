"""surveys and alerts

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "surveys",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column(
            "customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("resolved_by", sa.BigInteger(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("step", sa.String(length=16), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("band", sa.String(length=16), nullable=True),
        sa.Column("scored_at", UtcDateTime(), nullable=True),
        sa.Column("reason_text", sa.Text(), nullable=True),
        sa.Column("reason_at", UtcDateTime(), nullable=True),
        sa.Column("reason_polarity", sa.Float(), nullable=True),
        sa.Column("reason_label", sa.String(length=8), nullable=True),
        sa.Column("reason_language", sa.String(length=8), nullable=True),
        sa.Column("reason_tags", sa.Text(), nullable=True),
        sa.Column("pillar", sa.String(length=24), nullable=True),
        sa.Column("pillar_score", sa.Integer(), nullable=True),
        sa.Column("pillar_at", UtcDateTime(), nullable=True),
        sa.Column("answered_at", UtcDateTime(), nullable=True),
        sa.Column("score_message_id", sa.BigInteger(), nullable=True),
        sa.Column("reason_message_id", sa.BigInteger(), nullable=True),
        sa.Column("pillar_message_id", sa.BigInteger(), nullable=True),
        sa.Column("reason_source_message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_surveys_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_surveys_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_surveys")),
        sa.UniqueConstraint("request_id", name=op.f("uq_surveys_request_id")),
    )
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_surveys_customer_id_sent_at"), ["customer_id", "sent_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_surveys_pillar_at_pillar"), ["pillar_at", "pillar"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_surveys_status_expires_at"), ["status", "expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_surveys_user_id_step"), ["user_id", "step"], unique=False
        )

    op.create_table(
        "alerts",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_alerts_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alerts")),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_alerts_request_id_at"), ["request_id", "at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_alerts_request_id_at"))

    op.drop_table("alerts")
    with op.batch_alter_table("surveys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_surveys_user_id_step"))
        batch_op.drop_index(batch_op.f("ix_surveys_status_expires_at"))
        batch_op.drop_index(batch_op.f("ix_surveys_pillar_at_pillar"))
        batch_op.drop_index(batch_op.f("ix_surveys_customer_id_sent_at"))

    op.drop_table("surveys")
