"""A new request's category and staff group, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from conversations.clock import FrozenClock
from conversations.helpdesk import HelpDesk, HelpDeskPolicy
from conversations.intake import Intake, Picked
from conversations.models import Incoming, Refusal, Sender
from conversations.routing import Routing, StaffGroup, parse_categories
from conversations.store import Database

DEFAULT, BILLING, ENGLISH = -100, -200, -300
ROUTING = Routing(
    (
        StaffGroup(DEFAULT, "Front desk"),
        StaffGroup(BILLING, "Billing", categories=frozenset({"billing"})),
        StaffGroup(ENGLISH, "English", languages=frozenset({"en"})),
    ),
    parse_categories("billing=Fatture|Billing; tech=Tecnico|Tech"),
)
MARIA = Sender(111, "Maria", language_code="it")
JOHN = Sender(222, "John", language_code="en")


@pytest.fixture
def desk(db: Database, clock: FrozenClock) -> HelpDesk:
    return HelpDesk(db, clock, HelpDeskPolicy(ROUTING))


def text(who: Sender, message_id: int) -> Incoming:
    return Incoming(who.user_id, message_id, who, "text", "hello")


async def test_a_new_request_goes_to_its_language_group_until_a_pick(
    desk: HelpDesk, db: Database
) -> None:
    maria = await desk.customer_message(text(MARIA, 1))
    john = await desk.customer_message(text(JOHN, 1))
    assert (maria.request.staff_chat_id, john.request.staff_chat_id) == (DEFAULT, ENGLISH)
    intake = Intake(db, ROUTING)
    picked = await intake.choose(john.request.id, JOHN.user_id, "billing")
    assert isinstance(picked, Picked) and picked.changed and not picked.late
    assert (picked.group.name, picked.request.category) == ("Billing", "billing")
    stored = await desk.request(john.request.id)
    assert stored is not None and stored.staff_chat_id == BILLING
    # The same press again, and a skip, change nothing.
    again = await intake.choose(john.request.id, JOHN.user_id, "billing")
    assert isinstance(again, Picked) and not again.changed
    skipped = await intake.choose(maria.request.id, MARIA.user_id, None)
    assert isinstance(skipped, Picked) and skipped.category is None
    assert skipped.request.staff_chat_id == DEFAULT and not skipped.changed


async def test_refusals_and_a_pick_after_the_request_reached_staff(
    desk: HelpDesk, db: Database
) -> None:
    maria = await desk.customer_message(text(MARIA, 1))
    intake = Intake(db, ROUTING)
    assert await intake.choose(maria.request.id, JOHN.user_id, "billing") == Refusal.NOT_YOURS
    assert await intake.choose(maria.request.id, MARIA.user_id, "nope") == Refusal.UNKNOWN
    assert await intake.choose(999, MARIA.user_id, "billing") == Refusal.UNKNOWN
    await desk.set_topic(maria.request.id, 77)  # it reached staff meanwhile
    late = await intake.choose(maria.request.id, MARIA.user_id, "billing")
    assert isinstance(late, Picked) and late.late and not late.changed
    stored = await desk.request(maria.request.id)
    assert stored is not None and (stored.staff_chat_id, stored.category) == (DEFAULT, None)
