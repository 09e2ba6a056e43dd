"""pillar mentions table (backfilled from the JSON tags) and covering report indexes

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

Id = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

# (table, name, columns): indexes 0006 replaces with covering ones, and the new ones.
REPLACED: tuple[tuple[str, str, list[str]], ...] = (
    (
        "requests",
        "ix_requests_resolved_at_status_resolution_seconds",
        ["resolved_at", "status", "resolution_seconds"],
    ),
    ("surveys", "ix_surveys_pillar_at_pillar", ["pillar_at", "pillar"]),
    ("surveys", "ix_surveys_scored_at", ["scored_at"]),
    ("surveys", "ix_surveys_sent_at", ["sent_at"]),
)
ADDED: tuple[tuple[str, str, list[str]], ...] = (
    (
        "requests",
        "ix_requests_resolved_report",
        ["status", "resolved_at", "resolution_seconds", "reopen_count", "resolution_source"],
    ),
    (
        "surveys",
        "ix_surveys_pillar_at_pillar_pillar_score_score",
        ["pillar_at", "pillar", "pillar_score", "score"],
    ),
    (
        "surveys",
        "ix_surveys_scored_at_score_language_resolved_by",
        ["scored_at", "score", "language", "resolved_by"],
    ),
    ("surveys", "ix_surveys_sent_at_score", ["sent_at", "score"]),
)

# Backfill: one row per tag of every inbound message and every scored survey reason,
# as analytics.queries counted them before (a tag without a pillar is not a mention).
_SQLITE_BACKFILL = (
    """
    INSERT INTO pillar_mentions (message_id, survey_id, customer_id, at, pillar, polarity)
    SELECT m.id, NULL, r.customer_id, m.created_at,
           json_extract(tag.value, '$.pillar'), CAST(json_extract(tag.value, '$.polarity') AS FLOAT)
    FROM messages AS m JOIN requests AS r ON r.id = m.request_id, json_each(m.pillar_tags) AS tag
    WHERE m.direction = 'in' AND m.pillar_tags IS NOT NULL AND m.pillar_tags != '[]'
      AND json_extract(tag.value, '$.pillar') IS NOT NULL
    ORDER BY m.id
    """,
    """
    INSERT INTO pillar_mentions (message_id, survey_id, customer_id, at, pillar, polarity)
    SELECT NULL, s.id, s.customer_id, s.scored_at,
           json_extract(tag.value, '$.pillar'), CAST(json_extract(tag.value, '$.polarity') AS FLOAT)
    FROM surveys AS s, json_each(s.reason_tags) AS tag
    WHERE s.scored_at IS NOT NULL AND s.reason_tags IS NOT NULL AND s.reason_tags != '[]'
      AND json_extract(tag.value, '$.pillar') IS NOT NULL
    ORDER BY s.id
    """,
)
_POSTGRES_BACKFILL = (
    """
    INSERT INTO pillar_mentions (message_id, survey_id, customer_id, at, pillar, polarity)
    SELECT m.id, NULL, r.customer_id, m.created_at,
           tag.value ->> 'pillar', CAST(tag.value ->> 'polarity' AS FLOAT)
    FROM messages AS m JOIN requests AS r ON r.id = m.request_id,
         jsonb_array_elements(CAST(m.pillar_tags AS JSONB)) AS tag(value)
    WHERE m.direction = 'in' AND m.pillar_tags IS NOT NULL AND m.pillar_tags != '[]'
      AND tag.value ->> 'pillar' IS NOT NULL
    ORDER BY m.id
    """,
    """
    INSERT INTO pillar_mentions (message_id, survey_id, customer_id, at, pillar, polarity)
    SELECT NULL, s.id, s.customer_id, s.scored_at,
           tag.value ->> 'pillar', CAST(tag.value ->> 'polarity' AS FLOAT)
    FROM surveys AS s, jsonb_array_elements(CAST(s.reason_tags AS JSONB)) AS tag(value)
    WHERE s.scored_at IS NOT NULL AND s.reason_tags IS NOT NULL AND s.reason_tags != '[]'
      AND tag.value ->> 'pillar' IS NOT NULL
    ORDER BY s.id
    """,
)


def upgrade() -> None:
    op.create_table(
        "pillar_mentions",
        sa.Column("id", Id, autoincrement=True, nullable=False),
        sa.Column("message_id", Id, nullable=True),
        sa.Column("survey_id", Id, nullable=True),
        sa.Column("customer_id", Id, nullable=False),
        sa.Column("at", UtcDateTime(), nullable=False),
        sa.Column("pillar", sa.String(length=24), nullable=False),
        sa.Column("polarity", sa.Float(), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_pillar_mentions_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_pillar_mentions_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name=op.f("fk_pillar_mentions_survey_id_surveys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pillar_mentions")),
    )
    postgres = op.get_bind().dialect.name == "postgresql"
    for statement in _POSTGRES_BACKFILL if postgres else _SQLITE_BACKFILL:
        op.execute(statement)
    # Indexes after the backfill: one sort each instead of row-by-row index updates.
    for name, columns in (
        ("ix_pillar_mentions_at_pillar_polarity", ["at", "pillar", "polarity"]),
        ("ix_pillar_mentions_message_id", ["message_id"]),
        ("ix_pillar_mentions_survey_id", ["survey_id"]),
    ):
        op.create_index(op.f(name), "pillar_mentions", columns, unique=False)
    for table, name, _ in REPLACED:
        op.drop_index(op.f(name), table_name=table)
    for table, name, columns in ADDED:
        op.create_index(op.f(name), table, columns, unique=False)


def downgrade() -> None:
    for table, name, _ in reversed(ADDED):
        op.drop_index(op.f(name), table_name=table)
    for table, name, columns in reversed(REPLACED):
        op.create_index(op.f(name), table, columns, unique=False)
    op.drop_table("pillar_mentions")
