"""helpdesk core

Revision ID: 0001
Revises:
Create Date: 2026-11-23 07:28:21.585571
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "customers",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("telegram_user_id", sa.BigInteger(), nullable=True),
        sa.Column("external_id", sa.String(length=100), nullable=True),
        sa.Column("first_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("last_name", sa.String(length=200), nullable=True),
        sa.Column("username", sa.String(length=100), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("language_chosen", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("banned", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("blocked_bot_at", UtcDateTime(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_contact_at", UtcDateTime(), nullable=True),
        sa.Column("churned_at", UtcDateTime(), nullable=True),
        sa.Column("churn_source", sa.String(length=20), nullable=True),
        sa.Column("yearly_revenue", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.Column("relationship_start", sa.Date(), nullable=True),
        sa.Column("acquisition_cost", sa.Numeric(precision=14, scale=2), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("external_id", name=op.f("uq_customers_external_id")),
        sa.UniqueConstraint("telegram_user_id", name=op.f("uq_customers_telegram_user_id")),
    )
    op.create_table(
        "requests",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("opened_at", UtcDateTime(), nullable=False),
        sa.Column("first_response_at", UtcDateTime(), nullable=True),
        sa.Column("first_response_seconds", sa.Integer(), nullable=True),
        sa.Column("resolved_at", UtcDateTime(), nullable=True),
        sa.Column("resolution_seconds", sa.Integer(), nullable=True),
        sa.Column("resolved_by", sa.BigInteger(), nullable=True),
        sa.Column("resolution_source", sa.String(length=16), nullable=True),
        sa.Column("reopen_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("last_customer_message_at", UtcDateTime(), nullable=True),
        sa.Column("last_staff_message_at", UtcDateTime(), nullable=True),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("topic_thread_id", sa.BigInteger(), nullable=True),
        sa.Column("card_message_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_requests_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requests")),
    )
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_requests_customer_id_status"), ["customer_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_requests_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_requests_staff_chat_id_topic_thread_id"),
            ["staff_chat_id", "topic_thread_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_requests_status_last_staff_message_at"),
            ["status", "last_staff_message_at"],
            unique=False,
        )

    op.create_table(
        "message_links",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_message_links_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("chat_id", "message_id", name=op.f("pk_message_links")),
    )
    op.create_table(
        "messages",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column(
            "request_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("sender_user_id", sa.BigInteger(), nullable=False),
        sa.Column("sender_name", sa.String(length=200), server_default="", nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("source_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("source_message_id", sa.BigInteger(), nullable=False),
        sa.Column("copy_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("copy_message_id", sa.BigInteger(), nullable=True),
        sa.Column("delivery", sa.String(length=16), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("polarity", sa.Float(), nullable=True),
        sa.Column("subjectivity", sa.Float(), nullable=True),
        sa.Column("sentiment_label", sa.String(length=8), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=True),
        sa.Column("pillar_tags", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_messages_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
        sa.UniqueConstraint(
            "source_chat_id",
            "source_message_id",
            name=op.f("uq_messages_source_chat_id_source_message_id"),
        ),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_messages_created_at"), ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_messages_request_id_created_at"),
            ["request_id", "created_at"],
            unique=False,
        )

    op.create_table(
        "request_events",
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
        sa.Column("actor", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_request_events_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
    )
    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_request_events_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("request_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_request_events_request_id"))

    op.drop_table("request_events")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_messages_request_id_created_at"))
        batch_op.drop_index(batch_op.f("ix_messages_created_at"))

    op.drop_table("messages")
    op.drop_table("message_links")
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_requests_status_last_staff_message_at"))
        batch_op.drop_index(batch_op.f("ix_requests_staff_chat_id_topic_thread_id"))
        batch_op.drop_index(batch_op.f("ix_requests_opened_at"))
        batch_op.drop_index(batch_op.f("ix_requests_customer_id_status"))

    op.drop_table("requests")
    op.drop_table("customers")
