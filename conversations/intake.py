"""A new request's category: the customer picks one (or skips) before staff see it, and it
decides which staff group the request goes to (conversations.routing)."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.models import Refusal, Request
from conversations.routing import Category, Routing, StaffGroup
from conversations.store import Database


@dataclass(frozen=True, slots=True)
class Picked:
    """What a category button did."""

    request: Request
    group: StaffGroup  # where the request goes (or went)
    category: Category | None  # the one picked; None when skipped
    changed: bool  # the request's category (and perhaps group) changed now
    late: bool  # the request had reached staff already: nothing moved


class Intake:
    """The category use case."""

    def __init__(self, db: Database, routing: Routing) -> None:
        self.db = db
        self.routing = routing

    async def choose(self, request_id: int, user_id: int, key: str | None) -> Picked | Refusal:
        """The customer picked category `key` (None: skipped) for their request.

        Only the request's own customer may, only a category that exists, and only while
        the request has not reached staff: a topic or card cannot move between groups.
        Pressing again changes nothing."""
        category = self.routing.category(key) if key is not None else None
        if key is not None and category is None:
            return Refusal.UNKNOWN
        async with self.db.transaction() as repo:
            request = await repo.request(request_id)
            if request is None:
                return Refusal.UNKNOWN
            customer = await repo.customer(request.customer_id)
            if customer.telegram_user_id != user_id:
                return Refusal.NOT_YOURS
            current = self.routing.group(request.staff_chat_id) or self.routing.default
            placed = request.topic_thread_id is not None or request.card_message_id is not None
            if placed:
                return Picked(
                    request, current, self.routing.category(request.category), False, True
                )
            if category is None or request.category == category.key:
                return Picked(request, current, category, False, False)
            group = self.routing.route(category.key, customer.language)
            request = await repo.update_request(
                request_id, category=category.key, staff_chat_id=group.chat_id
            )
            return Picked(request, group, category, True, False)
