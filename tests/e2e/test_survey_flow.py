"""The survey after a resolved request, seen from the customer's chat and the staff group."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import select

from bot.fake_bot_api import Message, User
from bot.services import get_services
from conversations import schema
from conversations.terms import Actor
from tests.e2e.harness import HelpDeskWorld


async def resolved_request(world: HelpDeskWorld, who: User, text: str) -> int:
    """The customer writes, staff answer in the topic and resolve; return the thread id."""
    await world.customer_writes(who, text)
    thread = await world.topic_of(1)
    await world.agent_writes_in_topic(thread, "Fatto, ora dovrebbe funzionare")
    await world.customer_sees(who, "Fatto, ora dovrebbe funzionare")
    await world.agent_writes_in_topic(thread, "/resolve")
    return thread


async def survey_row(world: HelpDeskWorld, survey_id: int = 1) -> Any:
    db = get_services(world.apps[-1]).db
    async with db.engine.connect() as conn:
        q = select(schema.surveys).where(schema.surveys.c.id == survey_id)
        return (await conn.execute(q)).first()


async def nps_question(
    world: HelpDeskWorld, who: User, contains: str, survey_id: int = 1
) -> Message:
    question = await world.customer_sees(who, contains)
    assert [[d for _, d in row] for row in question.buttons] == [
        [f"nps:{survey_id}:{n}" for n in range(0, 6)],
        [f"nps:{survey_id}:{n}" for n in range(6, 11)],
    ]
    return question


async def test_detractor_in_italian_full_survey(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    async with forum.bot_running():
        thread = await resolved_request(forum, maria, "Come cambio l'indirizzo di consegna?")
        question = await nps_question(forum, maria, "Quanto è probabile che tu consigli")
        assert "Acme" in (question.text or "")  # the brand from CAREBOT_BRAND_NAME

        answer = await forum.tg.press_button(maria, question, "nps:1:3")
        assert answer.text == "Grazie!"
        chosen = "Il tuo voto: <b>3</b>"
        await forum.tg.wait_for(lambda: chosen in (question.text or ""), what="edit")
        assert question.buttons == []
        reason_q = await forum.customer_sees(maria, "Qual è il motivo principale")
        assert reason_q.button_texts == ["Salta ⏭"]
        # In the topic the alert is the recovery card (tests/e2e/test_recovery.py).
        alert = await forum.staff_sees("🩹 <b>Da recuperare</b>", thread_id=thread)
        assert "ha dato 3 su 10" in (alert.text or "")
        await forum.tg.wait_for(
            lambda: any(
                "Cliente insoddisfatto" in (m.text or "") for m in forum.general_messages()
            ),
            what="alert line in the general topic",
        )

        await forum.customer_writes(maria, "troppo lento, nessuno ha risposto per due giorni")
        await forum.customer_sees(maria, "Grazie, ne terremo conto")
        summary = await forum.staff_sees("NPS 3 (detrattore)", thread_id=thread)
        assert "«troppo lento, nessuno ha risposto per due giorni»" in (summary.text or "")
        await forum.tg.wait_for(lambda: reason_q.buttons == [], what="Skip removed")
        pillar_q = await forum.customer_sees(maria, "1 = per niente, 5 = del tutto")
        assert pillar_q.buttons[0] == [(str(n), f"pl:1:{n}") for n in range(1, 6)]

        await forum.tg.press_button(maria, pillar_q, "pl:1:2")
        await forum.customer_sees(maria, "Grazie per il tuo tempo")
        await forum.tg.wait_for(
            lambda: "2</b>/5" in (pillar_q.text or "") or "2/5" in (pillar_q.text or ""),
            what="pillar edit",
        )
        # One staff line per resolution: the survey's result is edited into the line that
        # says who resolved it, the pillar answer too (no message of its own).
        await forum.tg.wait_for(lambda: " 2/5" in (summary.text or ""), what="line edited")
        results = [
            m
            for m in forum.tg.bot_messages(forum.staff, thread_id=thread)
            if "NPS" in (m.text or "") or "risolta da" in (m.text or "")
        ]
        assert results == [summary]
        assert (summary.text or "").startswith("✅ Richiesta #1 risolta da Bob Staff.\n📊")

        row = await survey_row(forum)
        assert (row.score, row.band, row.status, row.pillar_score) == (
            3,
            "detractor",
            "completed",
            2,
        )
        assert row.reason_text == "troppo lento, nessuno ha risposto per due giorni"
        assert row.reason_polarity is not None and row.reason_polarity < 0
        assert row.resolved_by == forum.agent.id
    # The reason was not relayed as a new customer message nor opened a request.
    assert len(forum.tg.topics(forum.staff)) == 1
    copies = [m.text for m in forum.tg.bot_messages(forum.staff, thread_id=thread)]
    assert "troppo lento, nessuno ha risposto per due giorni" not in copies


async def test_promoter_in_english_skips_both_questions(plain: HelpDeskWorld) -> None:
    john = plain.tg.add_user("John", "Smith", language_code="en")
    async with plain.bot_running():
        await plain.customer_writes(john, "How do I change my plan?")
        card = await plain.staff_sees("Richiesta #1")
        copy = await plain.staff_sees("How do I change my plan?")
        await plain.agent_replies(copy, "Settings → Plan")
        answer = await plain.customer_sees(john, "Settings → Plan")
        await plain.tg.press_button(john, answer, "sv:1")
        question = await nps_question(plain, john, "How likely are you to recommend")
        await plain.tg.press_button(john, question, "nps:1:10")
        reason_q = await plain.customer_sees(john, "What did you like most?")
        skipped = await plain.tg.press_button(john, reason_q, "rsk:1")
        assert skipped.text == "Thank you!"
        await plain.tg.wait_for(lambda: "Question skipped" in (reason_q.text or ""), what="edit")
        pillar_q = await plain.customer_sees(john, "1 = not at all, 5 = completely")
        await plain.tg.press_button(john, pillar_q, "psk:1")
        await plain.customer_sees(john, "Thank you for your time")
        summary = await plain.staff_sees("NPS 10 (promotore)")
        assert "nessun motivo indicato" in (summary.text or "")
        await plain.tg.wait_for(lambda: "saltata" in (summary.text or ""), what="line edited")
        assert [m for m in plain.tg.bot_messages(plain.staff) if "📊" in (m.text or "")] == [
            summary
        ]
        assert summary.reply_to is not None and summary.reply_to.message_id == card.message_id
        row = await survey_row(plain)
        assert (row.score, row.reason_text, row.pillar_score, row.status) == (
            10,
            None,
            None,
            "completed",
        )
        assert row.resolved_by is None  # resolved by the customer, not by staff
    assert not any("🚨" in (m.text or "") for m in plain.tg.bot_messages(plain.staff))


async def test_passive_gets_the_passive_wording_after_auto_resolution(
    forum: HelpDeskWorld,
) -> None:
    anna = forum.tg.add_user("Anna", language_code="en")
    async with forum.bot_running():
        await forum.customer_writes(anna, "My invoice is wrong")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "Fixed it")
        await forum.customer_sees(anna, "Fixed it")
        forum.clock.advance(hours=49)
        assert await forum.auto_resolve() == 1
        question = await nps_question(forum, anna, "How likely")
        await forum.tg.press_button(anna, question, "nps:1:8")
        await forum.customer_sees(anna, "What would have made it a 10?")
        await forum.customer_writes(anna, "A quicker first answer")
        await forum.customer_sees(anna, "Thank you, we'll take it on board")
        await forum.staff_sees("NPS 8 (passivo): «A quicker first answer»", thread_id=thread)
        pillar_q = await forum.customer_sees(anna, "1 = not at all")
        # A double tap: the second press is recognised, nothing changes.
        await forum.tg.press_button(anna, pillar_q, "pl:1:4")
        again = await forum.tg.press_button(anna, pillar_q, "pl:1:1")
        assert again.text == "You already answered, thank you!"
        assert (await survey_row(forum)).pillar_score == 4


async def test_expired_survey_refuses_late_answers(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await resolved_request(forum, maria, "aiuto")
        question = await nps_question(forum, maria, "Quanto è probabile")
        forum.clock.advance(hours=73)
        late = await forum.tg.press_button(maria, question, "nps:1:9")
        assert late.text == "Questo sondaggio è scaduto."
        row = await survey_row(forum)
        assert (row.score, row.status) == (None, "expired")


async def test_tampered_foreign_and_double_taps_are_refused(forum: HelpDeskWorld) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    eve = forum.tg.add_user("Eve", language_code="en")
    async with forum.bot_running():
        await resolved_request(forum, maria, "aiuto")
        question = await nps_question(forum, maria, "Quanto è probabile")
        foreign = await forum.tg.press_button(eve, question, "nps:1:0")
        assert foreign.text == "This button is not for you." and foreign.show_alert
        for data in ("nps:1:11", "nps:999:5", "nps:1", "nps:x:1", "pl:1:9", "psk:1:2"):
            refused = await forum.tg.press_button(maria, question, data)
            assert refused.text in (
                "Questo pulsante non è più valido.",
                "Rispondi prima alla domanda precedente.",
            ), data
        assert (await survey_row(forum)).score is None
        await forum.tg.press_button(maria, question, "nps:1:9")
        again = await forum.tg.press_button(maria, question, "nps:1:0")
        assert again.text == "Hai già risposto, grazie!"
        row = await survey_row(forum)
        assert (row.score, row.band) == (9, "promoter")
        reasons = [m for m in forum.tg.bot_messages(maria) if "piaciuto di più" in (m.text or "")]
        assert len(reasons) == 1


async def test_new_request_instead_of_answering_keeps_the_survey_open(
    forum: HelpDeskWorld,
) -> None:
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running():
        await resolved_request(forum, maria, "aiuto")
        question = await nps_question(forum, maria, "Quanto è probabile")
        forum.clock.advance(hours=30)  # past the reopen grace: a new request
        await forum.customer_writes(maria, "ho un altro problema")
        await forum.topic_of(2)
        ok = await forum.tg.press_button(maria, question, "nps:1:7")
        assert ok.text == "Grazie!"
        await forum.customer_sees(maria, "Che cosa avrebbe reso")


async def test_restart_between_steps_loses_nothing(forum: HelpDeskWorld) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running():
        await resolved_request(forum, john, "help")
        question = await nps_question(forum, john, "How likely")
        await forum.tg.press_button(john, question, "nps:1:6")
        await forum.customer_sees(john, "main reason for your score")
    await forum.customer_writes(john, "It took a week")  # the bot is down
    async with forum.bot_running():
        await forum.customer_sees(john, "Thank you, we'll take it on board")
        await forum.customer_sees(john, "1 = not at all")
    row = await survey_row(forum)
    assert (row.score, row.reason_text, row.step) == (6, "It took a week", "pillar")
    assert len(forum.tg.topics(forum.staff)) == 1  # the reason opened no request


async def test_resolution_while_the_survey_could_not_start_is_caught_up(
    forum: HelpDeskWorld,
) -> None:
    john = forum.tg.add_user("John", language_code="en")
    async with forum.bot_running() as app:
        await forum.customer_writes(john, "help")
        await forum.topic_of(1)
        # Resolved in the database, then the bot died before announcing or surveying.
        await get_services(app).helpdesk.resolve(1, Actor.STAFF, forum.agent.id)
        forum.clock.advance(minutes=5)
        await forum.survey_sweep()
        await nps_question(forum, john, "How likely")
        await forum.survey_sweep()  # asked once, not again
        asked = [m for m in forum.tg.bot_messages(john) if "How likely" in (m.text or "")]
        assert len(asked) == 1


async def test_a_survey_that_cannot_be_asked_now_does_not_hold_up_the_others(
    forum: HelpDeskWorld,
) -> None:
    john = forum.tg.add_user("John", language_code="en")
    ada = forum.tg.add_user("Ada", language_code="en")
    async with forum.bot_running() as app:
        for who in (john, ada):
            await forum.customer_writes(who, "help")
        await forum.topic_of(2)
        desk = get_services(app).helpdesk
        for request_id in (1, 2):  # resolved, then the bot died before surveying
            await desk.resolve(request_id, Actor.STAFF, forum.agent.id)
        forum.clock.advance(minutes=5)
        forum.tg.inject_fault("sendMessage", 500, "Internal Server Error", chat=john)
        await forum.survey_sweep()
        await forum.customer_sees(ada, "How likely")  # in the same sweep
        assert not any("How likely" in (m.text or "") for m in forum.tg.bot_messages(john))
        forum.clock.advance(minutes=3)
        await forum.survey_sweep()
        await forum.customer_sees(john, "How likely")


async def test_escalations_raise_one_alert_per_hour_and_complaints_none(
    forum: HelpDeskWorld,
) -> None:
    maria = forum.tg.add_user("Maria", "Rossi", language_code="it")
    async with forum.bot_running():
        await forum.customer_writes(maria, "Mi avete addebitato due volte l'abbonamento")
        thread = await forum.topic_of(1)
        await forum.customer_writes(maria, "Siete pessimi, vergognoso! Nessuno risponde mai")
        # The copy itself is marked: an edit, no second message in the topic.
        alert = await forum.staff_sees("Da scalare", thread_id=thread)
        assert "Siete pessimi" in (alert.text or "") and "/whois #1" in (alert.text or "")
        assert "arrabbiato" in (alert.text or "") and "ha già scritto" in (alert.text or "")
        shown = [m for m in forum.tg.bot_messages(forum.staff, thread_id=thread) if not m.service]
        card, copy = shown  # no second message in the topic
        assert copy.message_id == alert.message_id
        assert "Da scalare" not in (card.text or "")  # the routine complaint raised none
        (everyone,) = await forum.tg.wait_for(
            lambda: [m for m in forum.general_messages() if "Da scalare" in (m.text or "")],
            what="the line for everyone",
        )
        assert "Maria Rossi" in (everyone.text or "")
        await forum.customer_writes(maria, "È uno schifo, servizio pessimo")
        await forum.staff_sees("È uno schifo", thread_id=thread)
        forum.clock.advance(minutes=61)
        await forum.customer_writes(maria, "Ancora niente, vergognoso e pessimo")
        await forum.staff_sees("Ancora niente", thread_id=thread)

        def alerts() -> list[Message]:
            return [
                m
                for m in forum.tg.bot_messages(forum.staff, thread_id=thread)
                if "Da scalare" in (m.text or "")
            ]

        await forum.tg.wait_for(lambda: len(alerts()) == 2, what="second alert")

        def general() -> list[Message]:
            return [m for m in forum.general_messages() if "Da scalare" in (m.text or "")]

        await forum.tg.wait_for(lambda: len(general()) == 2, what="both lines for everyone")
        await asyncio.sleep(0.3)
        assert len(general()) == 2


async def test_banned_customer_gets_no_survey_until_unbanned(forum: HelpDeskWorld) -> None:
    troll = forum.tg.add_user("Troll", language_code="en", username="troll")
    async with forum.bot_running():
        await forum.customer_writes(troll, "You are all useless idiots, worst service ever")
        thread = await forum.topic_of(1)
        await forum.agent_writes_in_topic(thread, "/ban")
        await forum.staff_sees("è bloccato", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "/whois")
        await forum.staff_sees("Bloccato: nessun sondaggio", thread_id=thread)
        await forum.agent_writes_in_topic(thread, "/resolve")
        await forum.customer_sees(troll, "has been marked as resolved")
        await forum.survey_sweep()
        assert not any("How likely" in (m.text or "") for m in forum.tg.bot_messages(troll))
        assert await survey_row(forum) is None

        await forum.tg.send_text(forum.agent, "/unban @troll", chat=forum.staff)
        await forum.staff_sees("non è più bloccato")
        forum.clock.advance(hours=30)
        await forum.customer_writes(troll, "One more question")
        thread2 = await forum.topic_of(2)
        await forum.agent_writes_in_topic(thread2, "/resolve")
        await nps_question(forum, troll, "How likely", survey_id=1)


async def test_alert_lines_for_everyone_come_at_most_once_a_minute(forum: HelpDeskWorld) -> None:
    angry = [forum.tg.add_user(name, language_code="en") for name in ("Ann", "Ben", "Cal")]
    async with forum.bot_running() as app:
        digest = get_services(app).survey_flow.digest
        digest.every = 3.0  # seconds standing in for the minute
        for user in angry:
            await forum.tg.send_text(user, "Third time I write, this is unacceptable")
        for n in (1, 2, 3):  # each request's own place still gets its alert at once
            await forum.staff_sees("Da scalare", thread_id=await forum.topic_of(n))

        def lines() -> list[str]:
            return [m.text or "" for m in forum.general_messages() if "🚨" in (m.text or "")]

        await forum.tg.wait_for(lambda: len(lines()) == 1, what="the first line at once")
        assert lines()[0].count("Da scalare") == 1
        await forum.tg.wait_for(lambda: len(lines()) == 2, timeout=10, what="the digest")
        assert "2 segnalazioni" in lines()[1] and lines()[1].count("Da scalare") == 2
