"""Who owns a request, on SQLite and PostgreSQL: claims race, hand-overs, releases."""

from __future__ import annotations

import asyncio

import pytest

from conversations.clock import FrozenClock
from conversations.helpdesk import HelpDesk, HelpDeskPolicy
from conversations.models import Incoming, Refusal, Sender
from conversations.ownership import OwnerChange, Ownership, Taken
from conversations.routing import Routing
from conversations.staff_views import UNASSIGNED
from conversations.store import Database
from conversations.terms import Actor

STAFF = -100
MARIA = Sender(111, "Maria", language_code="it")
STAFFERS = [Sender(900 + i, f"Agent{i}", username=f"agent{i}") for i in range(8)]


@pytest.fixture
def desk(db: Database, clock: FrozenClock) -> HelpDesk:
    return HelpDesk(db, clock, HelpDeskPolicy(Routing.single(STAFF)))


async def _request(desk: HelpDesk, message_id: int = 1) -> int:
    outcome = await desk.customer_message(
        Incoming(MARIA.user_id, message_id, MARIA, "text", "help")
    )
    return outcome.request.id


async def test_of_eight_simultaneous_claims_exactly_one_wins(
    desk: HelpDesk, db: Database, clock: FrozenClock
) -> None:
    request_id = await _request(desk)
    team = Ownership(db, clock)
    results = await asyncio.gather(*(team.claim(request_id, who) for who in STAFFERS))
    winners = [r for r in results if isinstance(r, OwnerChange) and r.changed]
    losers = [r for r in results if isinstance(r, Taken)]
    assert len(winners) == 1 and len(losers) == 7
    owner = winners[0].owner
    assert owner is not None and all(r.owner == owner for r in losers)
    stored = await desk.request(request_id)
    assert stored is not None and stored.assignee_id == owner.user_id
    async with db.read() as repo:
        events = await repo.events(request_id)
    assert [e.kind for e in events].count("claimed") == 1


async def test_hand_over_release_and_refusals(
    desk: HelpDesk, db: Database, clock: FrozenClock
) -> None:
    request_id = await _request(desk)
    team = Ownership(db, clock)
    bob, carla = STAFFERS[0], STAFFERS[1]
    assert await team.by_username("@AGENT1") is None  # never seen yet
    first = await team.claim(request_id, bob)
    assert isinstance(first, OwnerChange) and first.changed
    again = await team.claim(request_id, bob)
    assert isinstance(again, OwnerChange) and not again.changed
    handed = await team.assign(request_id, carla, by=bob)
    assert isinstance(handed, OwnerChange) and handed.changed
    assert handed.owner is not None and handed.owner.user_id == carla.user_id
    assert handed.previous is not None and handed.previous.user_id == bob.user_id
    found = await team.by_username("@AGENT1")
    assert found is not None and found.user_id == carla.user_id

    mine = await desk.open_requests(STAFF, carla.user_id)
    assert [line.request.id for line in mine] == [request_id]
    assert mine[0].owner is not None and mine[0].owner.first_name == "Agent1"
    assert await desk.open_requests(STAFF, bob.user_id) == []
    assert await desk.open_requests(STAFF, UNASSIGNED) == []

    released = await team.unclaim(request_id, bob)
    assert isinstance(released, OwnerChange) and released.changed and released.owner is None
    assert len(await desk.open_requests(STAFF, UNASSIGNED)) == 1
    twice = await team.unclaim(request_id, bob)
    assert isinstance(twice, OwnerChange) and not twice.changed

    await desk.resolve(request_id, Actor.STAFF, bob.user_id)
    assert await team.claim(request_id, bob) == Refusal.RESOLVED
    assert await team.assign(request_id, carla, by=bob) == Refusal.RESOLVED
    assert await team.claim(999, bob) == Refusal.UNKNOWN

    async with db.read() as repo:
        events = await repo.events(request_id)
    kinds = [(e.kind, e.actor_id) for e in events]
    assert kinds[1:4] == [
        ("claimed", bob.user_id),
        ("assigned", bob.user_id),
        ("unclaimed", bob.user_id),
    ]


async def test_staff_names_come_from_the_staff_seen(
    desk: HelpDesk, db: Database, clock: FrozenClock
) -> None:
    team = Ownership(db, clock)
    await team.seen(Sender(42, "Luca", "Bianchi", "luca"))
    await team.seen(Sender(42, "Luca", "Neri", "luca_n"))  # renamed since
    assert await desk.staff_names([42, 43]) == {42: "Luca Neri"}
    assert await team.by_username("luca") is None and await team.by_username("luca_n")
