"""CAREBOT_RETENTION_DAYS: what was written before it is erased by the job, scores and times
stay (the report's figures do not move) and the report says from when texts are kept."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from analytics.periods import Period
from analytics.report import build_report
from bot.lifecycle import retention_sweep
from bot.services import get_services
from conversations import schema
from tests.e2e.harness import HelpDeskWorld, settings_for
from tests.e2e.test_survey_flow import nps_question, resolved_request


async def test_old_texts_go_scores_stay(forum: HelpDeskWorld) -> None:
    url = forum.settings.database_url
    forum.settings = settings_for(forum.tg, forum.staff, url, CAREBOT_RETENTION_DAYS="30")
    maria = forum.tg.add_user("Maria", language_code="it")
    async with forum.bot_running() as app:
        s = get_services(app)
        thread = await resolved_request(forum, maria, "Il pacco 1234 non arriva")
        question = await nps_question(forum, maria, "Quanto è probabile che tu consigli")
        await forum.tg.press_button(maria, question, "nps:1:3")
        await forum.customer_sees(maria, "motivo principale")
        await forum.customer_writes(maria, "Troppo lento")
        await forum.customer_sees(maria, "ne terremo conto")
        start = forum.clock.now() - timedelta(days=1)
        period = Period(start=start, end=start + timedelta(days=40), label="40d")

        async def figures() -> tuple[object, ...]:
            r = await build_report(
                s.db.engine, period, now=forum.clock.now(), tz=s.settings.tz, lang="it"
            )
            return (r.nps.current.n, r.nps.current.score, r.service.opened, r.service.resolved)

        before = await figures()
        assert await retention_sweep(app) == 0  # nothing is old yet
        forum.clock.advance(days=31)
        await forum.customer_writes(maria, "Nuova domanda")  # today's: kept
        await forum.staff_sees("Nuova domanda")
        assert await retention_sweep(app) >= 3  # her text, the staff answer, her reason
        assert await retention_sweep(app) == 0  # once
        async with s.db.engine.connect() as conn:
            texts = (await conn.execute(select(schema.messages.c.text))).scalars().all()
            (reason,) = (await conn.execute(select(schema.surveys.c.reason_text))).scalars()
        assert "Il pacco 1234 non arriva" not in texts and "Nuova domanda" in texts
        assert reason is None
        assert await figures() == (*before[:2], before[2] + 1, before[3])  # + today's request
        await forum.agent_writes_in_topic(thread, "/report 7d")
        await forum.staff_sees("Testi dei messaggi conservati dal", thread_id=thread)
        await forum.customer_writes(maria, "/privacy")
        await forum.customer_sees(maria, "per 30 giorni")
