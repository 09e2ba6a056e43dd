"""SLA clocks: the resolution target's deadline, its warning, each target's escalation,
and both service times in business time

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from conversations.schema import UtcDateTime

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, as in 0011 and 0013 (a batch copy would drop what references requests).
def upgrade() -> None:
    op.add_column("requests", sa.Column("first_response_business_seconds", sa.Integer()))
    op.add_column("requests", sa.Column("resolution_business_seconds", sa.Integer()))
    for column in ("resolution_due", "resolution_warned_at", "promise_escalated_at"):
        op.add_column("requests", sa.Column(column, UtcDateTime(), nullable=True))
    op.add_column("requests", sa.Column("resolution_escalated_at", UtcDateTime(), nullable=True))
    # Promises broken before this upgrade were never escalated: mark them as told, so the
    # first check after it does not send managers every old miss at once.
    op.execute(
        "UPDATE requests SET promise_escalated_at = promised_by, "
        "promise_warned_at = COALESCE(promise_warned_at, promised_by) "
        "WHERE promised_by IS NOT NULL AND promised_by < CURRENT_TIMESTAMP"
    )
    # Reports: the targets that came due in a period.
    op.create_index("ix_requests_promised_by", "requests", ["promised_by"])
    op.create_index("ix_requests_resolution_due", "requests", ["resolution_due"])


def downgrade() -> None:
    op.drop_index("ix_requests_resolution_due", "requests")
    op.drop_index("ix_requests_promised_by", "requests")
    for column in (
        "resolution_escalated_at",
        "promise_escalated_at",
        "resolution_warned_at",
        "resolution_due",
    ):
        op.drop_column("requests", column)
    op.drop_column("requests", "resolution_business_seconds")
    op.drop_column("requests", "first_response_business_seconds")
