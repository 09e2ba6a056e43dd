"""request tags (/tag, /untag; /report tag:x)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import Id

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "request_tags",
        sa.Column("request_id", Id, nullable=False),
        sa.Column("tag", sa.String(32), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["requests.id"], name=op.f("fk_request_tags_request_id_requests")
        ),
        sa.PrimaryKeyConstraint("request_id", "tag", name=op.f("pk_request_tags")),
    )
    op.create_index(
        op.f("ix_request_tags_tag_request_id"), "request_tags", ["tag", "request_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_request_tags_tag_request_id"), table_name="request_tags")
    op.drop_table("request_tags")
