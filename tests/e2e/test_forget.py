"""/forget: the customer's data is erased after a confirming button, the anonymous facts stay
(the report shows the same NPS and counts before and after), staff hear of it once, the
topic loses the name, the audit log holds no content, and a later message starts afresh."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import insert, select

from analytics.periods import Period
from analytics.report import Report, build_report
from bot.services import get_services
from conversations import schema
from tests.conftest import START
from tests.e2e.harness import HelpDeskWorld
from tests.e2e.test_survey_flow import nps_question


async def _report(world: HelpDeskWorld) -> Report:
    s = get_services(world.apps[-1])
    now = world.clock.now()
    period = Period(start=now - timedelta(days=7), end=now + timedelta(minutes=1), label="7d")
    return await build_report(s.db.engine, period, now=now, tz=s.settings.tz, lang="it")


def _figures(report: Report) -> tuple[object, ...]:
    n, sv = report.nps.current, report.service
    return (n.n, n.score, n.detractors, sv.opened, sv.resolved, sv.first_response_n)


async def test_a_customer_erases_their_data_and_the_figures_stay(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it", username="mariarossi")
    async with forum.bot_running() as app:
        first = await forum.customer_writes(maria, "Il pacco non arriva, sono Maria Rossi")
        thread = await forum.topic_of(1)
        await forum.tg.edit_text(maria, first, "Il pacco 1234 non arriva")
        await forum.staff_sees("1234", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "Arriva domani")
        await forum.customer_sees(maria, "Arriva domani")
        await forum.agent_writes_in_topic(thread, "/note cliente di Milano")
        await forum.agent_writes_in_topic(thread, "/resolve")
        question = await nps_question(forum, maria, "Quanto è probabile che tu consigli")
        await forum.tg.press_button(maria, question, "nps:1:3")
        await forum.customer_sees(maria, "motivo principale")
        await forum.customer_writes(maria, "Troppo lento, Maria")
        await forum.customer_sees(maria, "ne terremo conto")
        before = _figures(await _report(forum))
        db = get_services(app).db
        async with db.engine.begin() as conn:  # two updates kept because they failed
            for who, text in ((maria, "Maria Rossi, via Roma 1"), (forum.agent, "altro")):
                raw = forum.tg.prepare_text(who, text)
                await conn.execute(
                    insert(schema.unprocessed_updates).values(
                        update_id=raw["update_id"], reason="test", raw=json.dumps(raw), at=START
                    )
                )

        asked = await forum.customer_writes(maria, "/forget")
        no = await forum.customer_sees(maria, "Cancellare i tuoi dati?", after=asked.message_id)
        await forum.tg.press_button(maria, no, "fg:no")
        await forum.tg.wait_for(lambda: "non abbiamo cancellato" in (no.text or ""), what="kept")
        asked = await forum.customer_writes(maria, "/forget")
        yes = await forum.customer_sees(maria, "Cancellare i tuoi dati?", after=asked.message_id)
        john = forum.tg.add_user("John", language_code="en")
        foreign = await forum.tg.press_button(john, yes, "fg:yes")  # not his chat
        assert foreign.show_alert
        await forum.tg.press_button(maria, yes, "fg:yes")
        await forum.tg.wait_for(lambda: "Fatto" in (yes.text or ""), what="erased")
        await forum.staff_sees("Il cliente ha cancellato i suoi dati", thread_id=thread)
        await forum.tg.wait_for(
            lambda: all("Maria" not in topic.name for topic in forum.tg.topics(forum.staff)),
            what="the topic without her name",
        )

        async with db.engine.connect() as conn:
            customer = (await conn.execute(select(schema.customers))).one()
            failed = (await conn.execute(select(schema.unprocessed_updates.c.raw))).all()
            owed = (await conn.execute(select(schema.notices))).all()
            texts = (await conn.execute(select(schema.messages.c.text))).scalars().all()
            survey = (await conn.execute(select(schema.surveys))).one()
            edits = (await conn.execute(select(schema.message_edits))).all()
            notes = (await conn.execute(select(schema.customer_notes))).all()
            (audit,) = (await conn.execute(select(schema.erasures))).all()
        assert (customer.first_name, customer.username, customer.telegram_user_id) == (
            "—",
            None,
            None,
        )
        assert not any(text and "Maria" in text for text in texts)
        assert not any(text and "1234" in text for text in texts)
        assert (survey.score, survey.reason_text) == (3, None)  # the score stays, anonymous
        assert edits == [] and notes == [] and owed == []
        assert len(failed) == 1 and "Roma" not in failed[0].raw  # only staff's stays
        assert audit.by_kind == "customer" and "Maria" not in audit.what
        assert json.loads(audit.what)["messages"] >= 1
        assert _figures(await _report(forum)) == before  # the same NPS and counts

        await forum.customer_writes(maria, "Ciao di nuovo")  # a fresh record, a new request
        await forum.topic_of(2)
        async with db.engine.connect() as conn:
            assert len((await conn.execute(select(schema.customers))).all()) == 2


async def test_staff_erase_a_customer_from_the_topic(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", "Smith", language_code="en")
    async with forum.bot_running() as app:
        await forum.customer_writes(john, "Please delete everything you have about me")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "/forget")
        ask = await forum.staff_sees("Cancellare i dati di John Smith", thread_id=thread)
        mine = await forum.customer_sees(john, "#1")  # forged data on a message in his chat
        forged = await forum.tg.press_button(john, mine, "fs:1")
        assert forged.text is not None  # refused: staff buttons act in the staff groups only
        await forum.tg.press_button(forum.agent, ask, "fs:1")
        await forum.tg.wait_for(
            lambda: "Dati del cliente cancellati" in (ask.text or ""), what="done"
        )
        async with get_services(app).db.engine.connect() as conn:
            (audit,) = (await conn.execute(select(schema.erasures))).all()
            texts = (await conn.execute(select(schema.messages.c.text))).scalars().all()
        assert (audit.by_kind, audit.by_id) == ("staff", forum.agent.id)
        assert not any(text and "delete everything" in text for text in texts)
