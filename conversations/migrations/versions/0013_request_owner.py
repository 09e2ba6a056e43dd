"""who owns a request: requests.assignee_id, the staff members seen, assignment events

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 18:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE on both engines, as in 0011: a batch copy of requests would drop the
# table that messages and surveys reference.
def upgrade() -> None:
    op.add_column("requests", sa.Column("assignee_id", sa.BigInteger(), nullable=True))
    op.add_column("request_events", sa.Column("subject_id", sa.BigInteger(), nullable=True))
    op.create_table(
        "staff_members",
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("first_name", sa.String(200), server_default="", nullable=False),
        sa.Column("last_name", sa.String(200), nullable=True),
        sa.Column("username", sa.String(100), nullable=True),
        sa.Column("last_seen_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_staff_members")),
    )
    op.create_index(op.f("ix_staff_members_username"), "staff_members", ["username"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_staff_members_username"), table_name="staff_members")
    op.drop_table("staff_members")
    op.drop_column("request_events", "subject_id")
    op.drop_column("requests", "assignee_id")
