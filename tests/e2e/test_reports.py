"""Staff reports through the fake Bot API: text, the PNG dashboard, CSV exports, usage texts."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.fake_bot_api import Message
from bot.services import get_services
from tests.e2e.harness import HelpDeskWorld

ROME = ZoneInfo("Europe/Rome")


async def surveyed_customer(world: HelpDeskWorld) -> int:
    """One request answered, resolved and surveyed (NPS 3, with a reason); return its thread."""
    maria = world.tg.add_user("Maria", "Rossi", language_code="it", username="mariar")
    await world.customer_writes(maria, "Come faccio il reso?")
    thread = await world.topic_of(1)
    await world.agent_writes_in_topic(thread, "Dal sito, sezione ordini")
    await world.customer_sees(maria, "Dal sito")
    await world.agent_writes_in_topic(thread, "/resolve")
    question = await world.customer_sees(maria, "Quanto è probabile")
    await world.tg.press_button(maria, question, "nps:1:3")
    await world.customer_sees(maria, "motivo principale")
    await world.customer_writes(maria, "Ho aspettato troppo, voglio la disdetta")
    await world.customer_sees(maria, "1 = per niente")
    world.clock.advance(minutes=5)  # periods end at "now": step past the answers
    return thread


def _file(world: HelpDeskWorld, msg: Message) -> bytes:
    file_id = msg.file_id()
    assert file_id is not None
    return world.tg.world.files[file_id].data


async def test_report_sends_text_and_dashboard_in_the_same_topic(forum: HelpDeskWorld) -> None:
    async with forum.bot_running():
        thread = await surveyed_customer(forum)
        before = forum.tg.last_message_id(forum.staff)
        await forum.agent_writes_in_topic(thread, "/report 7d")
        text = await forum.staff_sees("NPS", thread_id=thread, after=before)
        body = text.text or ""
        assert "NPS: −100" in body  # one detractor
        assert "Maria Rossi" in body  # among the customers at risk
        assert "Bob Staff" in body  # NPS by staff member, by name
        photo = await forum.tg.wait_for_bot_message(
            forum.staff, kind="photo", thread_id=thread, after=before
        )
        assert _file(forum, photo).startswith(b"\x89PNG")


async def test_bad_arguments_get_the_usage_text(forum: HelpDeskWorld) -> None:
    async with forum.bot_running():
        before = forum.tg.last_message_id(forum.staff)
        await forum.tg.send_text(forum.agent, "/report ieri", chat=forum.staff)
        await forum.staff_sees("Uso: /report [periodo]", after=before)
        await forum.tg.send_text(forum.agent, "/churn tanti", chat=forum.staff)
        await forum.staff_sees("Uso: /churn [N]", after=before)
        await forum.tg.send_text(forum.agent, "/churned", chat=forum.staff)
        await forum.staff_sees("Uso: /churned", after=before)
        # An empty database still answers.
        await forum.tg.send_text(forum.agent, "/nps 30d", chat=forum.staff)
        await forum.staff_sees("NPS", after=before)


async def test_export_sends_three_csv_documents(forum: HelpDeskWorld) -> None:
    async with forum.bot_running():
        thread = await surveyed_customer(forum)
        before = forum.tg.last_message_id(forum.staff)
        await forum.agent_writes_in_topic(thread, "/export 7d")

        def documents() -> list[Message]:
            return [
                m
                for m in forum.tg.bot_messages(forum.staff, thread_id=thread)
                if m.kind == "document" and m.message_id > before
            ]

        await forum.tg.wait_for(lambda: len(documents()) == 3, what="three CSV files")
        files = {
            m.content["document"]["file_name"].split("_")[0]: _file(forum, m) for m in documents()
        }
        assert set(files) == {"requests", "surveys", "messages"}
        surveys = files["surveys"].decode("utf-8").splitlines()
        assert surveys[0].startswith("id,") and len(surveys) == 2
        assert "Ho aspettato troppo" in files["surveys"].decode("utf-8")


async def test_whois_shows_nps_history_and_churned_marks_the_customer(
    forum: HelpDeskWorld,
) -> None:
    async with forum.bot_running():
        thread = await surveyed_customer(forum)
        before = forum.tg.last_message_id(forum.staff)
        await forum.agent_writes_in_topic(thread, "/whois")
        card = await forum.staff_sees("Maria Rossi", thread_id=thread, after=before)
        assert "3 (" in (card.text or "")  # the NPS answer with its date
        await forum.tg.send_text(forum.agent, "/churned @mariar", chat=forum.staff)
        await forum.staff_sees("segnato come cliente perso", after=before)
        await forum.tg.send_text(forum.agent, "/churned @mariar", chat=forum.staff)
        await forum.staff_sees("era già segnato come perso", after=before)


async def test_report_reads_the_background_risk_scoring_and_churn_scores_live(
    forum: HelpDeskWorld,
) -> None:
    async with forum.bot_running() as app:
        thread = await surveyed_customer(forum)
        # What the risk-snapshot job does every CAREBOT_RISK_REFRESH_MINUTES (10).
        await get_services(app).reports.refresh_risk_snapshot()
        forum.clock.advance(minutes=3)
        before = forum.tg.last_message_id(forum.staff)
        await forum.agent_writes_in_topic(thread, "/report 7d")
        text = await forum.staff_sees("Clienti a rischio", thread_id=thread, after=before)
        scored_at = forum.clock.now() - timedelta(minutes=3)
        assert f"(calcolato alle {scored_at.astimezone(ROME):%H:%M})" in (text.text or "")
        assert "Maria Rossi" in (text.text or "")
        before = forum.tg.last_message_id(forum.staff)
        await forum.agent_writes_in_topic(thread, "/churn 5")
        live = await forum.staff_sees("Maria Rossi", thread_id=thread, after=before)
        assert "calcolato alle" not in (live.text or "")
        # Marking her churned drops the snapshot: the next report no longer lists her.
        await get_services(app).reports.refresh_risk_snapshot()
        before = forum.tg.last_message_id(forum.staff)
        await forum.agent_writes_in_topic(thread, "/churned @mariar")
        await forum.staff_sees("segnato come cliente perso", thread_id=thread, after=before)
        before = forum.tg.last_message_id(forum.staff)
        await forum.agent_writes_in_topic(thread, "/report 7d")
        text = await forum.staff_sees("Clienti a rischio", thread_id=thread, after=before)
        assert "nessun cliente a rischio" in (text.text or "")
        assert "calcolato alle" not in (text.text or "")
        # Twenty minutes on, the snapshot is too old: the report scores live.
        forum.clock.advance(minutes=20)
        before = forum.tg.last_message_id(forum.staff)
        await forum.agent_writes_in_topic(thread, "/report 7d")
        text = await forum.staff_sees("Clienti a rischio", thread_id=thread, after=before)
        assert "calcolato alle" not in (text.text or "")
