"""churn phrases found at write time on customer messages, covering risk-report indexes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.sentiment.churn import churn_words_json

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Customer texts read per backfill batch: bounded memory and short statements.
BATCH = 20_000

_SELECT = sa.text(
    "SELECT id, text FROM messages WHERE direction = 'in' AND text IS NOT NULL AND id > :last "
    "ORDER BY id LIMIT :batch"
)
_UPDATE = sa.text("UPDATE messages SET churn_words = :words WHERE id = :id")
_FLAGGED = "churn_words IS NOT NULL"


def upgrade() -> None:
    op.add_column("messages", sa.Column("churn_words", sa.Text(), nullable=True))
    # Backfill in id order, a batch at a time: the phrases are matched in Python (the
    # same matcher as the write path), and only the few texts with one are updated.
    bind = op.get_bind()
    last = 0
    while True:
        rows = bind.execute(_SELECT, {"last": last, "batch": BATCH}).all()
        if not rows:
            break
        last = int(rows[-1][0])
        found = [
            {"id": int(row_id), "words": words}
            for row_id, text in rows
            if (words := churn_words_json(text)) is not None
        ]
        if found:
            bind.execute(_UPDATE, found)
    # Indexes after the backfill: one sort each instead of row-by-row index updates.
    op.create_index(
        "ix_messages_sentiment_report",
        "messages",
        ["direction", "created_at", "request_id", "polarity", "sentiment_label"],
        unique=False,
    )
    op.create_index(
        "ix_messages_churn_words",
        "messages",
        ["direction", "created_at", "request_id", "churn_words"],
        unique=False,
        sqlite_where=sa.text(_FLAGGED),
        postgresql_where=sa.text(_FLAGGED),
    )


def downgrade() -> None:
    op.drop_index("ix_messages_churn_words", table_name="messages")
    op.drop_index("ix_messages_sentiment_report", table_name="messages")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("churn_words")
