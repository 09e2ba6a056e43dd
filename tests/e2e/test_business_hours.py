"""Outside business hours the "request received" answer says when the team is back; inside
it promises a first answer; staff are warned before a target breaks and managers hear
once when it does."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.lifecycle import sla_checks
from tests.e2e.harness import HelpDeskWorld
from tests.e2e.test_weekly import with_managers

ROME = ZoneInfo("Europe/Rome")
HOURS = "mon-fri 09:00-13:00 14:00-18:00; sat 09:00-12:00"


def _at(world: HelpDeskWorld, *when: int) -> None:
    world.clock.set(datetime(*when, tzinfo=ROME).astimezone(UTC))  # type: ignore[misc]


async def test_away_line_on_the_received_answer(forum: HelpDeskWorld) -> None:
    forum.settings = forum.settings.model_copy(
        update={"business_hours": HOURS, "holidays": "2026-12-07"}
    )
    maria = forum.tg.add_user("Maria", language_code="it")
    john = forum.tg.add_user("John", language_code="en")
    anna = forum.tg.add_user("Anna", language_code="it")
    async with forum.bot_running():
        _at(forum, 2026, 12, 5, 20, 30)  # Saturday evening; Monday the 7th is a holiday
        await forum.customer_writes(maria, "Il mio ordine non è arrivato")
        got = await forum.customer_sees(maria, "Abbiamo ricevuto la tua richiesta")
        assert "torniamo martedì alle 09:00" in (got.text or "")
        await forum.customer_writes(john, "Where is my order?")
        got = await forum.customer_sees(john, "We received your request")
        assert "we're back on Tuesday at 09:00" in (got.text or "")
        # The request still reaches staff at once: only the customer is told to wait.
        await forum.topic_of(1)
        # Follow-ups: the away line again once per request per day, on its first message.
        await forum.customer_writes(maria, "Ci siete?")
        _at(forum, 2026, 12, 6, 10, 0)  # Sunday morning
        await forum.customer_writes(maria, "Buongiorno, novità?")
        again = await forum.customer_sees(
            maria, "torniamo martedì alle 09:00", after=got.message_id
        )
        await forum.customer_writes(maria, "Aspetto")
        await forum.customer_writes(maria, "Grazie")
        await forum.staff_sees("Grazie")  # all handled: the bot said nothing more to her
        away = [m for m in forum.tg.bot_messages(maria) if "fuori orario" in (m.text or "")]
        assert [m.message_id for m in away] == [got.message_id, again.message_id]

        _at(forum, 2026, 12, 8, 13, 15)  # Tuesday, lunch break
        await forum.customer_writes(anna, "Ho bisogno di aiuto")
        got = await forum.customer_sees(anna, "Abbiamo ricevuto la tua richiesta")
        assert "torniamo oggi alle 14:00" in (got.text or "")

        _at(forum, 2026, 12, 8, 15, 0)  # open: no away line
        carla = forum.tg.add_user("Carla", language_code="it")
        await forum.customer_writes(carla, "Una domanda")
        got = await forum.customer_sees(carla, "Abbiamo ricevuto la tua richiesta")
        assert "fuori orario" not in (got.text or "")


async def test_the_received_answer_promises_a_first_answer(forum: HelpDeskWorld) -> None:
    forum.settings = forum.settings.model_copy(
        update={
            "business_hours": HOURS,
            "holidays": "2026-12-07",
            "sla_first_response_minutes": 30,
        }
    )
    maria = forum.tg.add_user("Maria", language_code="it")
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        _at(forum, 2026, 12, 8, 9, 10)  # Tuesday, open
        await forum.customer_writes(maria, "Il mio ordine non è arrivato")
        got = await forum.customer_sees(maria, "Abbiamo ricevuto la tua richiesta")
        assert "⏱ Ti rispondiamo entro oggi alle 09:40." in (got.text or "")
        assert "fuori orario" not in (got.text or "")
        thread = await forum.topic_of(1)
        _at(forum, 2026, 12, 8, 9, 25)
        await forum.agent_writes_in_topic(thread, "/open")
        listing = await forum.staff_sees("Richieste aperte", thread_id=thread)
        assert "⏱ promessa tra 15 min" in (listing.text or "")
        _at(forum, 2026, 12, 8, 9, 50)
        asked = await forum.agent_writes_in_topic(thread, "/open")
        listing = await forum.staff_sees(
            "Richieste aperte", thread_id=thread, after=asked.message_id
        )
        assert "🔥 promessa scaduta da 10 min" in (listing.text or "")
        _at(forum, 2026, 12, 5, 11, 50)  # Saturday: 10 minutes left, then Tuesday
        await forum.customer_writes(john, "Where is my order?")
        got = await forum.customer_sees(john, "We received your request")
        assert "⏱ We'll answer by on Tuesday at 09:20." not in (got.text or "")
        assert "⏱ We'll answer by Tuesday at 09:20." in (got.text or "")


async def test_staff_are_warned_once_before_a_promise_breaks(forum: HelpDeskWorld) -> None:
    forum.settings = forum.settings.model_copy(
        update={"business_hours": HOURS, "sla_first_response_minutes": 30}
    )
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running() as app:
        _at(forum, 2026, 12, 8, 9, 10)  # promised by 09:40
        await forum.customer_writes(maria, "Il mio ordine non è arrivato")
        first = await forum.topic_of(1)
        await forum.customer_writes(john, "Where is my order?")
        second = await forum.topic_of(2)
        await forum.agent_writes_in_topic(second, "/claim")
        await forum.staff_sees("ha preso la richiesta #2", thread_id=second)

        _at(forum, 2026, 12, 8, 9, 30)  # ten of thirty minutes left: not yet
        assert await sla_checks(app) == (0, 0)
        _at(forum, 2026, 12, 8, 9, 35)  # five left: both are warned
        assert await sla_checks(app) == (2, 0)
        warned = await forum.staff_sees("⏰ #1 (Maria Rossi)", thread_id=first)
        assert "scade tra 5 min" in (warned.text or "")
        assert "Nessuno ha preso la richiesta: /claim" in (warned.text or "")
        owner = await forum.staff_sees("⏰ #2", thread_id=second)
        assert f'<a href="tg://user?id={forum.agent.id}">Bob Staff</a>' in (owner.text or "")
        _at(forum, 2026, 12, 8, 9, 50)  # late now: escalated, but each is warned once
        assert await sla_checks(app) == (0, 2)
        assert await sla_checks(app) == (0, 0)


async def test_a_broken_target_is_escalated_to_managers_once(forum: HelpDeskWorld) -> None:
    anna = forum.tg.add_user("Anna", "Manager", language_code="it")
    with_managers(forum, anna)
    forum.settings = forum.settings.model_copy(
        update={
            "business_hours": HOURS,
            "sla_first_response_minutes": 30,
            "sla_resolution_minutes": 240,
        }
    )
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    john = forum.tg.add_user("John", "<b>Doe</b>", language_code="en")
    async with forum.bot_running() as app:
        _at(forum, 2026, 12, 8, 9, 10)  # Tuesday: first answers by 09:40, resolutions by 14:10
        await forum.customer_writes(maria, "Il mio ordine non è arrivato")
        first = await forum.topic_of(1)
        await forum.customer_writes(john, "Where is my order?")
        second = await forum.topic_of(2)
        await forum.agent_writes_in_topic(first, "/claim")
        await forum.agent_writes_in_topic(first, "Controllo subito")  # first answer kept
        await forum.customer_sees(maria, "Controllo subito")

        _at(forum, 2026, 12, 8, 9, 41)  # John's promise broke unwarned: warned late, escalated
        assert await sla_checks(app) == (1, 1)
        late = await forum.staff_sees("🔥 #2", thread_id=second)
        assert "è in ritardo" in (late.text or "")
        told = await forum.tg.wait_for_bot_message(anna, contains="obiettivo di servizio mancato")
        assert "#2 John &lt;b&gt;Doe&lt;/b&gt;: prima risposta promessa per le 09:40" in (
            told.text or ""
        )
        line = await forum.staff_sees("#2 John")
        assert line.thread_id is None  # the general topic's digest
        assert await sla_checks(app) == (0, 0)

        # Resolution: four business hours, lunch excluded (13:00-14:00): due 14:10.
        _at(forum, 2026, 12, 8, 11, 30)  # 100 minutes left: not yet
        assert await sla_checks(app) == (0, 0)
        _at(forum, 2026, 12, 8, 13, 30)  # lunch: 10 business minutes left, warned (last 20 %)
        assert await sla_checks(app) == (2, 0)
        warned = await forum.staff_sees("⏰ #1 (Maria Rossi)", thread_id=first)
        assert "la risoluzione prevista per le 14:10 scade tra 10 min" in (warned.text or "")
        asked = await forum.agent_writes_in_topic(first, "/open")
        listing = await forum.staff_sees(
            "Richieste aperte", thread_id=first, after=asked.message_id
        )
        maria_line, john_line = (listing.text or "").splitlines()[1:3]
        assert "#1" in maria_line and "🏁 da risolvere entro 40 min" in maria_line
        assert "#2" in john_line and "🔥 promessa scaduta da 3 h 50 min" in john_line
        await forum.agent_writes_in_topic(first, "/resolve")
        await forum.customer_sees(maria, "risolta")
        _at(forum, 2026, 12, 8, 14, 11)  # Maria's met; John's broke
        assert await sla_checks(app) == (0, 1)
        again = await forum.tg.wait_for_bot_message(
            anna, contains="risoluzione prevista per le 14:10", after=told.message_id
        )
        assert "#1" not in (again.text or "") and "#2" in (again.text or "")
        assert len([m for m in forum.tg.bot_messages(anna) if "🚨" in (m.text or "")]) == 2
