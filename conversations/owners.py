"""Whom a request counts for in the team's figures: its owner (the assignee), else the staff
member who resolved it. One rule, in Python for use cases and in SQL for the roll-ups."""

from __future__ import annotations

from conversations.terms import Actor

__all__ = ["OWNER_COLUMNS", "OWNER_SQL", "owner_of"]


def owner_of(assignee_id: int | None, resolved_by: int | None, source: str | None) -> int | None:
    """Whom a request counts for: its owner, else the staff member who resolved it (the
    resolved_by of a customer's own "Solved" is the customer's id, so it is not kept)."""
    if assignee_id is not None:
        return int(assignee_id)
    return int(resolved_by) if resolved_by is not None and source == Actor.STAFF else None


# The same for a request row `{r}` (conversations.rollups); 0: nobody on the staff.
OWNER_SQL = (
    "COALESCE({r}.assignee_id, "
    f"CASE WHEN {{r}}.resolution_source = '{Actor.STAFF}' THEN {{r}}.resolved_by END, 0)"
)
OWNER_COLUMNS = ("assignee_id", "resolution_source", "resolved_by")  # what OWNER_SQL reads
