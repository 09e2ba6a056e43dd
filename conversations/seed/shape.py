"""The shape of the generated history: its staff, its year, its lifecycle timings."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.helpdesk import HelpDeskPolicy
from conversations.routing import Routing
from conversations.surveys import SurveyPolicy

STAFF_CHAT_ID = -1001234567890
# (Telegram user id, name, weight): who answers and resolves, some more than others.
STAFF: tuple[tuple[int, str, int], ...] = (
    (7100000001, "Giulia Rossi", 30),
    (7100000002, "Marco Bianchi", 25),
    (7100000003, "Sara Conti", 20),
    (7100000004, "Luca Ferrari", 12),
    (7100000005, "Emma Clarke", 8),
    (7100000006, "James Walker", 5),
)


@dataclass(frozen=True, slots=True)
class History:
    """Who the generated history's staff are and where they work, a pillar customers rate
    lower than the rest, and whether anything is left open at `now` (the demo's past)."""

    staff: tuple[tuple[int, str, int], ...] = STAFF
    staff_chat_id: int = STAFF_CHAT_ID
    weak_pillar: str | None = None  # its answers one point lower (1 stays 1)
    settled: bool = False  # every request resolved by `now`


DAY = 86_400
YEAR = 365 * DAY
# The lifecycle of the generated history follows the default policies, in seconds.
AUTO_RESOLVE = int(HelpDeskPolicy(Routing.single(0)).auto_resolve_after.total_seconds())
REOPEN_GRACE = int(HelpDeskPolicy(Routing.single(0)).reopen_grace.total_seconds())
SURVEY_EXPIRY = int(SurveyPolicy().expiry_hours * 3600)
PG_MAX_PARAMS = 32_767
REQUESTS_PER_BATCH = 20_000
BATCHES_PER_TRANSACTION = 10
