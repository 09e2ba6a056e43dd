"""The survey use cases over real storage: every test runs on SQLite and PostgreSQL.

Each step builds a fresh Surveys object on purpose: all survey state must live in the
database, so a restart between two taps loses nothing.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import Row, func, select, update

from conversations import schema
from conversations.clock import FrozenClock
from conversations.helpdesk import HelpDesk, HelpDeskPolicy
from conversations.models import Incoming, RequestResolved, Sender
from conversations.routing import Routing
from conversations.sentiment.escalation import ANGER, LEAVING, NEGATIVE, REPEAT
from conversations.store import Database
from conversations.survey_models import Outcome
from conversations.surveys import SurveyPolicy, Surveys
from conversations.terms import Actor, Band, Pillar, SurveyStatus, SurveyStep, band_of

STAFF = -1001234567890
BOB = Sender(900, "Bob", "Staff")
MARIA = Sender(111, "Maria", "Rossi", "mariar", "it")
JOHN = Sender(222, "John", "Smith", None, "en")


def fake_analyzer(text: str, language: str | None) -> dict[str, Any]:
    """Marks texts with 'bad' strongly negative, so the test can see sentiment being stored."""
    polarity = -0.8 if "bad" in text else 0.3
    return {
        "polarity": polarity,
        "subjectivity": 0.5,
        "label": "negative" if polarity < 0 else "positive",
        "language": language,
        "tags": [{"pillar": "time_and_effort", "polarity": polarity, "matched": "slow"}],
    }


class LastChoice(random.Random):
    """A Random whose choice is always the last candidate, to see how ties are broken."""

    def choice(self, seq: Any) -> Any:
        return seq[-1]


@pytest.fixture
def desk(db: Database, clock: FrozenClock) -> HelpDesk:
    return HelpDesk(db, clock, HelpDeskPolicy(Routing.single(STAFF)))


@pytest.fixture
def surveys(db: Database, clock: FrozenClock) -> Callable[..., Surveys]:
    """Build a fresh Surveys (as after a restart), with policy overrides."""

    def build(rng: random.Random | None = None, **policy: Any) -> Surveys:
        return Surveys(db, clock, SurveyPolicy(**policy), fake_analyzer, rng or random.Random(7))

    return build


async def resolved(desk: HelpDesk, who: Sender, message_id: int = 1) -> RequestResolved:
    """The customer writes, staff resolve: return the resolution event."""
    msg = Incoming(chat_id=who.user_id, message_id=message_id, sender=who, kind="text", text="hi")
    outcome = await desk.customer_message(msg)
    change = await desk.resolve(outcome.request.id, Actor.STAFF, BOB.user_id)
    return change.events[0]


async def survey_rows(db: Database) -> list[Row[Any]]:
    async with db.transaction() as repo:
        q = select(schema.surveys).order_by(schema.surveys.c.id)
        return list((await repo.conn.execute(q)).all())


async def survey_row(db: Database, survey_id: int) -> Row[Any]:
    async with db.transaction() as repo:
        q = select(schema.surveys).where(schema.surveys.c.id == survey_id)
        return (await repo.conn.execute(q)).one()


async def alert_count(db: Database) -> int:
    async with db.transaction() as repo:
        q = select(func.count()).select_from(schema.alerts)
        return int((await repo.conn.execute(q)).scalar_one())


async def started(surveys: Callable[..., Surveys], event: RequestResolved) -> int:
    result = await surveys().start(event)
    assert result is not None
    return result.survey_id


# sending ---------------------------------------------------------------------------------


async def test_start_stores_the_survey_and_its_message(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database, clock: FrozenClock
) -> None:
    event = await resolved(desk, MARIA)
    result = await surveys().start(event)
    assert result is not None
    assert (result.customer_user_id, result.language) == (MARIA.user_id, "it")
    assert result.expires_at == clock.now() + timedelta(hours=72)
    await surveys().attach_message(result.survey_id, 4242)
    row = await survey_row(db, result.survey_id)
    assert (row.request_id, row.customer_id, row.resolved_by) == (
        event.request_id,
        event.customer_id,
        BOB.user_id,
    )
    assert (row.status, row.step, row.language) == ("sent", "score", "it")
    assert row.sent_at == clock.now() and row.score_message_id == 4242


async def test_one_survey_per_request_even_after_reopening(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    event = await resolved(desk, MARIA)
    assert await surveys().start(event) is not None
    assert await surveys().start(event) is None
    await desk.reopen(event.request_id, Actor.STAFF, BOB.user_id)
    again = await desk.resolve(event.request_id, Actor.STAFF, BOB.user_id)
    assert await surveys().start(again.events[0]) is None
    assert len(await survey_rows(db)) == 1


async def test_concurrent_starts_of_one_event_make_one_survey(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    event = await resolved(desk, MARIA)
    results = await asyncio.gather(*(surveys().start(event) for _ in range(3)))
    assert sum(r is not None for r in results) == 1
    assert len(await survey_rows(db)) == 1


async def test_request_reopened_before_the_survey_is_not_asked_yet(
    desk: HelpDesk, surveys: Callable[..., Surveys]
) -> None:
    event = await resolved(desk, MARIA)
    await desk.reopen(event.request_id, Actor.CUSTOMER, MARIA.user_id)
    assert await surveys().start(event) is None
    final = await desk.resolve(event.request_id, Actor.STAFF, BOB.user_id)
    assert await surveys().start(final.events[0]) is not None


async def test_cooldown_suppresses_surveys_for_its_days(
    desk: HelpDesk, surveys: Callable[..., Surveys], clock: FrozenClock
) -> None:
    assert await surveys(cooldown_days=30).start(await resolved(desk, MARIA, 1)) is not None
    clock.advance(days=29, hours=23)  # past the reopen grace: a new request opens
    assert await surveys(cooldown_days=30).start(await resolved(desk, MARIA, 2)) is None
    # another customer is not affected by Maria's cooldown
    assert await surveys(cooldown_days=30).start(await resolved(desk, JOHN, 1)) is not None
    clock.advance(hours=1)  # 30 days on: Maria's message reopens request 2, resolved again
    assert await surveys(cooldown_days=30).start(await resolved(desk, MARIA, 3)) is not None


async def test_without_cooldown_every_resolution_is_surveyed(
    desk: HelpDesk, surveys: Callable[..., Surveys], clock: FrozenClock
) -> None:
    assert await surveys().start(await resolved(desk, MARIA, 1)) is not None
    clock.advance(days=2)
    assert await surveys().start(await resolved(desk, MARIA, 2)) is not None


async def test_banned_blocked_and_anonymous_customers_are_not_surveyed(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database, clock: FrozenClock
) -> None:
    banned = await resolved(desk, MARIA)
    blocked = await resolved(desk, JOHN)
    imported = await resolved(desk, Sender(333, "Ada"))
    async with db.transaction() as repo:
        customers = schema.customers
        await repo.conn.execute(
            update(customers).where(customers.c.id == banned.customer_id).values(banned=True)
        )
        # a customer imported from a file, never seen on Telegram
        await repo.conn.execute(
            update(customers)
            .where(customers.c.id == imported.customer_id)
            .values(telegram_user_id=None)
        )
    await desk.mark_blocked(blocked.customer_id)
    for event in (banned, blocked, imported):
        assert await surveys().start(event) is None
    assert await survey_rows(db) == []


# score -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0, Band.DETRACTOR),
        (6, Band.DETRACTOR),
        (7, Band.PASSIVE),
        (8, Band.PASSIVE),
        (9, Band.PROMOTER),
        (10, Band.PROMOTER),
    ],
)
async def test_score_is_stored_with_its_band(
    score: int,
    band: Band,
    desk: HelpDesk,
    surveys: Callable[..., Surveys],
    db: Database,
    clock: FrozenClock,
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    clock.advance(minutes=3)
    result = await surveys().record_score(survey_id, MARIA.user_id, score)
    assert (result.kind, result.score, result.band) == (Outcome.OK, score, band)
    assert result.alert_due == (band == Band.DETRACTOR)
    row = await survey_row(db, survey_id)
    assert (row.score, row.band, row.step, row.scored_at) == (score, band, "reason", clock.now())


def test_band_of_refuses_scores_outside_the_scale() -> None:
    with pytest.raises(ValueError):
        band_of(11)


async def test_double_tap_is_idempotent(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    assert (await surveys().record_score(survey_id, MARIA.user_id, 9)).kind == Outcome.OK
    again = await surveys().record_score(survey_id, MARIA.user_id, 2)
    assert (again.kind, again.score, again.band) == (Outcome.ALREADY, 9, Band.PROMOTER)
    assert not again.alert_due
    assert (await survey_row(db, survey_id)).score == 9
    assert await alert_count(db) == 0


async def test_concurrent_taps_store_one_score(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    results = await asyncio.gather(
        *(surveys().record_score(survey_id, MARIA.user_id, s) for s in (3, 4, 5))
    )
    assert sorted(r.kind for r in results) == [Outcome.ALREADY, Outcome.ALREADY, Outcome.OK]
    winner = next(r for r in results if r.kind == Outcome.OK)
    assert (await survey_row(db, survey_id)).score == winner.score
    assert await alert_count(db) == 1


async def test_foreign_user_is_refused_at_every_step(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    assert (await surveys().record_score(survey_id, JOHN.user_id, 10)).kind == Outcome.FOREIGN
    assert await surveys().record_reason(JOHN.user_id, "great") is None
    await surveys().record_score(survey_id, MARIA.user_id, 10)
    assert (await surveys().skip_reason(survey_id, JOHN.user_id)).kind == Outcome.FOREIGN
    assert await surveys().record_reason(JOHN.user_id, "great") is None
    await surveys().skip_reason(survey_id, MARIA.user_id)
    assert (await surveys().record_pillar(survey_id, JOHN.user_id, 5)).kind == Outcome.FOREIGN
    assert (await surveys().skip_pillar(survey_id, JOHN.user_id)).kind == Outcome.FOREIGN
    row = await survey_row(db, survey_id)
    assert (row.step, row.pillar_score, row.reason_text) == ("pillar", None, None)


async def test_out_of_range_and_tampered_values_are_refused(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    for bad in (-1, 11, 100):
        assert (await surveys().record_score(survey_id, MARIA.user_id, bad)).kind == Outcome.INVALID
    assert (await surveys().record_score(survey_id + 99, MARIA.user_id, 5)).kind == (
        Outcome.NOT_FOUND
    )
    row = await survey_row(db, survey_id)
    assert (row.score, row.step) == (None, "score")
    # the pillar answer before its question, then out of range
    assert (await surveys().record_pillar(survey_id, MARIA.user_id, 3)).kind == (Outcome.WRONG_STEP)
    assert (await surveys().skip_reason(survey_id, MARIA.user_id)).kind == Outcome.WRONG_STEP
    await surveys().record_score(survey_id, MARIA.user_id, 8)
    assert (await surveys().skip_pillar(survey_id, MARIA.user_id)).kind == Outcome.WRONG_STEP
    await surveys().skip_reason(survey_id, MARIA.user_id)
    for bad in (0, 6, -3):
        assert (await surveys().record_pillar(survey_id, MARIA.user_id, bad)).kind == (
            Outcome.INVALID
        )
    row = await survey_row(db, survey_id)
    assert (row.status, row.step, row.pillar_score) == ("sent", "pillar", None)


# expiry ----------------------------------------------------------------------------------


async def test_late_answer_is_refused_and_nothing_is_stored(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database, clock: FrozenClock
) -> None:
    on_time = await started(surveys, await resolved(desk, MARIA))
    late = await started(surveys, await resolved(desk, JOHN))
    clock.advance(hours=72, seconds=-1)
    assert (await surveys().record_score(on_time, MARIA.user_id, 3)).kind == Outcome.OK
    clock.advance(seconds=1)
    result = await surveys().record_score(late, JOHN.user_id, 3)
    assert result.kind == Outcome.EXPIRED and not result.alert_due
    row = await survey_row(db, late)
    assert (row.status, row.score, row.scored_at) == ("expired", None, None)
    # the reason window closed with the survey
    assert await surveys().record_reason(MARIA.user_id, "too slow") is None
    assert (await surveys().skip_reason(on_time, MARIA.user_id)).kind == Outcome.EXPIRED
    assert (await survey_row(db, on_time)).reason_at is None


async def test_expire_due_keeps_answers_and_completed_surveys(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database, clock: FrozenClock
) -> None:
    scored = await started(surveys, await resolved(desk, MARIA))
    silent = await started(surveys, await resolved(desk, JOHN))
    done = await started(surveys, await resolved(desk, Sender(333, "Ada")))
    await surveys().record_score(scored, MARIA.user_id, 7)
    await surveys().record_score(done, 333, 10)
    await surveys().skip_reason(done, 333)
    await surveys().record_pillar(done, 333, 5)
    clock.advance(hours=71)
    assert await surveys().expire_due() == 0
    clock.advance(hours=1)
    assert await surveys().expire_due() == 2
    assert await surveys().expire_due() == 0
    rows = {r.id: r for r in await survey_rows(db)}
    assert (rows[scored].status, rows[scored].score, rows[scored].step) == ("expired", 7, "reason")
    assert (rows[silent].status, rows[silent].score) == ("expired", None)
    assert (rows[done].status, rows[done].pillar_score) == ("completed", 5)


# reason ----------------------------------------------------------------------------------


async def test_reason_is_captured_only_at_the_reason_step(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database, clock: FrozenClock
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    assert await surveys().record_reason(MARIA.user_id, "before the score") is None
    await surveys().record_score(survey_id, MARIA.user_id, 8)
    assert await surveys().record_reason(MARIA.user_id, "   ") is None
    clock.advance(minutes=1)
    result = await surveys().record_reason(MARIA.user_id, "a bit slow", message_id=77)
    assert result is not None
    assert (result.kind, result.band, result.language) == (Outcome.OK, Band.PASSIVE, "it")
    assert result.pillar in set(Pillar) and not result.skipped
    row = await survey_row(db, survey_id)
    assert (row.reason_text, row.reason_at, row.step) == ("a bit slow", clock.now(), "pillar")
    assert (row.reason_polarity, row.reason_label, row.reason_language) == (
        pytest.approx(0.3),
        "positive",
        "it",
    )
    assert json.loads(row.reason_tags)[0]["pillar"] == "time_and_effort"
    assert row.pillar == result.pillar
    # the same Telegram message re-delivered is recognised; a new text is a plain message
    again = await surveys().record_reason(MARIA.user_id, "a bit slow", message_id=77)
    assert again is not None and (again.kind, again.pillar) == (Outcome.ALREADY, result.pillar)
    assert await surveys().record_reason(MARIA.user_id, "thanks!", message_id=78) is None
    assert (await survey_row(db, survey_id)).reason_text == "a bit slow"


async def test_a_message_stored_before_the_question_is_no_reason(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    # Delivered again in a batch held behind another chat, a text the helpdesk stored
    # before the NPS tap must stay an ordinary message, not become the survey's reason.
    survey_id = await started(surveys, await resolved(desk, MARIA, message_id=5))
    await surveys().record_score(survey_id, MARIA.user_id, 9)
    assert await surveys().record_reason(MARIA.user_id, "hi", message_id=5) is None
    assert (await survey_row(db, survey_id)).step == "reason"


async def test_skipping_the_reason_moves_to_the_pillar(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    await surveys().record_score(survey_id, MARIA.user_id, 10)
    skipped = await surveys().skip_reason(survey_id, MARIA.user_id)
    assert skipped.kind == Outcome.OK and skipped.skipped and skipped.pillar is not None
    again = await surveys().skip_reason(survey_id, MARIA.user_id)
    assert (again.kind, again.pillar, again.skipped) == (Outcome.ALREADY, skipped.pillar, True)
    assert await surveys().record_reason(MARIA.user_id, "late reason") is None
    row = await survey_row(db, survey_id)
    assert (row.step, row.reason_text, row.pillar) == ("pillar", None, skipped.pillar)


# pillar ----------------------------------------------------------------------------------


async def test_pillar_answer_completes_the_survey_once(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database, clock: FrozenClock
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    await surveys().record_score(survey_id, MARIA.user_id, 9)
    reason = await surveys().record_reason(MARIA.user_id, "kind people")
    assert reason is not None
    clock.advance(minutes=2)
    done = await surveys().record_pillar(survey_id, MARIA.user_id, 4)
    assert (done.kind, done.pillar, done.pillar_score, done.completed) == (
        Outcome.OK,
        reason.pillar,
        4,
        True,
    )
    again = await surveys().record_pillar(survey_id, MARIA.user_id, 1)
    assert (again.kind, again.pillar_score) == (Outcome.ALREADY, 4)
    assert (await surveys().skip_pillar(survey_id, MARIA.user_id)).kind == Outcome.ALREADY
    row = await survey_row(db, survey_id)
    assert (row.status, row.step, row.pillar_score) == ("completed", "done", 4)
    assert row.answered_at == clock.now() == row.pillar_at


async def test_skipping_the_pillar_completes_without_an_answer(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    await surveys().record_score(survey_id, MARIA.user_id, 5)
    await surveys().skip_reason(survey_id, MARIA.user_id)
    result = await surveys().skip_pillar(survey_id, MARIA.user_id)
    assert (result.kind, result.completed, result.pillar_score) == (Outcome.OK, True, None)
    row = await survey_row(db, survey_id)
    assert (row.status, row.pillar_score, row.pillar_at) == ("completed", None, None)
    assert row.answered_at is not None


async def complete(
    surveys: Callable[..., Surveys], desk: HelpDesk, who: Sender, answer: bool = True
) -> Pillar:
    """Run one customer through the whole survey; return the pillar asked."""
    survey_id = await started(surveys, await resolved(desk, who))
    await surveys().record_score(survey_id, who.user_id, 8)
    reason = await surveys().skip_reason(survey_id, who.user_id)
    assert reason.pillar is not None
    if answer:
        await surveys().record_pillar(survey_id, who.user_id, 3)
    else:
        await surveys().skip_pillar(survey_id, who.user_id)
    return reason.pillar


async def test_rotation_covers_all_six_pillars_over_six_surveys(
    desk: HelpDesk, surveys: Callable[..., Surveys]
) -> None:
    customers = [Sender(1000 + i, f"C{i}") for i in range(6)]
    asked = [await complete(surveys, desk, who) for who in customers]
    assert sorted(asked) == sorted(Pillar)


async def test_rotation_picks_the_least_answered_pillar(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database, clock: FrozenClock
) -> None:
    for i in range(5):
        await complete(surveys, desk, Sender(2000 + i, f"C{i}"))
    async with db.transaction() as repo:
        rows = (await repo.conn.execute(select(schema.surveys.c.pillar))).scalars().all()
    (missing,) = set(Pillar) - set(rows)
    # a skipped pillar question is no answer: the missing pillar stays the least answered
    assert await complete(surveys, desk, Sender(3000, "Skip"), answer=False) == missing
    assert await complete(surveys, desk, Sender(3001, "Next")) == missing


async def test_rotation_ties_use_the_injected_random_and_forget_old_answers(
    desk: HelpDesk, surveys: Callable[..., Surveys], clock: FrozenClock
) -> None:
    def build(**policy: Any) -> Surveys:
        return surveys(rng=LastChoice(), **policy)

    assert await complete(build, desk, Sender(4000, "A")) == list(Pillar)[-1]
    assert await complete(build, desk, Sender(4001, "B")) == list(Pillar)[-2]
    clock.advance(days=30, seconds=1)  # both answers leave the 30-day window
    assert await complete(build, desk, Sender(4002, "C")) == list(Pillar)[-1]


# alerts and staff ------------------------------------------------------------------------


async def test_alert_is_raised_once_per_request_per_hour(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database, clock: FrozenClock
) -> None:
    event = await resolved(desk, MARIA)
    other = await resolved(desk, JOHN)
    survey_id = await started(surveys, event)
    assert (await surveys().record_score(survey_id, MARIA.user_id, 2)).alert_due
    reason = await surveys().record_reason(MARIA.user_id, "bad and slow")
    assert reason is not None and not reason.alert_due  # the detractor alert was just raised
    clock.advance(minutes=59)
    late = "Third time I write and nobody answers"
    assert await surveys().alert_for_message(event.request_id, -0.9, late) is None  # this hour
    leaving = "I'm switching to another provider"
    assert await surveys().alert_for_message(other.request_id, 0.0, leaving) is not None
    clock.advance(minutes=1)
    routine = "I was charged twice, could you check?"  # a complaint, however negative
    assert await surveys().alert_for_message(event.request_id, -0.9, routine) is None
    assert await surveys().alert_for_message(event.request_id, None, None) is None
    found = await surveys().alert_for_message(event.request_id, -0.9, "UNACCEPTABLE. " + late)
    assert found is not None and found.reasons == (ANGER, REPEAT, NEGATIVE)
    assert await surveys().alert_for_message(event.request_id, -1.0, "unacceptable") is None
    async with db.transaction() as repo:
        a = schema.alerts.c
        q = select(a.request_id, a.kind, a.reason).order_by(a.id)
        alerts = [tuple(r) for r in (await repo.conn.execute(q)).all()]
    assert alerts == [
        (event.request_id, "detractor", "NPS 2"),
        (other.request_id, "message", LEAVING),
        (event.request_id, "message", ", ".join(found.reasons)),
    ]


async def test_negative_reason_of_a_passive_raises_an_alert(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    assert not (await surveys().record_score(survey_id, MARIA.user_id, 7)).alert_due
    calm = await surveys().record_reason(MARIA.user_id, "bad wait")  # negative, no more
    assert calm is not None and not calm.alert_due
    survey_id = await started(surveys, await resolved(desk, JOHN))
    assert not (await surveys().record_score(survey_id, JOHN.user_id, 8)).alert_due
    reason = await surveys().record_reason(JOHN.user_id, "bad: I had to call three times")
    assert reason is not None and reason.alert_due
    assert await alert_count(db) == 1  # John's, a repeat contact


async def test_summary_for_staff_points_at_the_request_topic(
    desk: HelpDesk, surveys: Callable[..., Surveys]
) -> None:
    event = await resolved(desk, MARIA)
    await desk.set_topic(event.request_id, 77)
    survey_id = await started(surveys, event)
    await surveys().record_score(survey_id, MARIA.user_id, 3)
    reason = await surveys().record_reason(MARIA.user_id, "too slow, bad")
    assert reason is not None and reason.pillar is not None
    await surveys().record_pillar(survey_id, MARIA.user_id, 2)
    summary = await surveys().summary_for_staff(survey_id)
    assert (summary.score, summary.band, summary.reason_text) == (
        3,
        Band.DETRACTOR,
        "too slow, bad",
    )
    assert (summary.pillar, summary.pillar_score, summary.status) == (
        reason.pillar,
        2,
        SurveyStatus.COMPLETED,
    )
    assert (summary.request_id, summary.staff_chat_id, summary.topic_thread_id) == (
        event.request_id,
        STAFF,
        77,
    )
    assert summary.resolved_by == BOB.user_id and summary.reason_polarity == pytest.approx(-0.8)
    with pytest.raises(LookupError):
        await surveys().summary_for_staff(survey_id + 1)


async def test_attach_message_per_step(
    desk: HelpDesk, surveys: Callable[..., Surveys], db: Database
) -> None:
    survey_id = await started(surveys, await resolved(desk, MARIA))
    await surveys().attach_message(survey_id, 10)
    await surveys().attach_message(survey_id, 11, SurveyStep.REASON)
    await surveys().attach_message(survey_id, 12, SurveyStep.PILLAR)
    row = await survey_row(db, survey_id)
    assert (row.score_message_id, row.reason_message_id, row.pillar_message_id) == (10, 11, 12)
