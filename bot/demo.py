"""`carebot demo`: a scripted day at the help desk, run by the real bot against the fake Telegram.

Nothing leaves 127.0.0.1 and no token is needed: the fake Bot API server plays customers and
staff, the real Application answers over HTTP, and the transcript shows what each side saw.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bot.app import build_application
from bot.demo_past import seed_past
from bot.demo_transcript import Transcript
from bot.fake_bot_api import Chat, FakeTelegram, Message, User
from bot.lifecycle import (
    auto_resolve,
    recovery_reasks,
    running,
    sla_checks,
    weekly_summaries,
)
from bot.services import get_services
from bot.settings import load_settings
from conversations.clock import FrozenClock

TOKEN = "123456:DEMO-TOKEN"


async def _settle(tg: FakeTelegram) -> None:
    """Wait until the bot has taken every update and gone quiet."""
    await tg.wait_for(lambda: tg.pending_updates() == 0, timeout=10, what="bot to catch up")
    while True:
        before = len(tg.calls)
        await asyncio.sleep(0.3)
        if len(tg.calls) == before:
            return


async def _survey(
    tg: FakeTelegram, out: Transcript, who: User, *, score: int, reason: str, pillar: int
) -> None:
    """The customer answers the three survey steps."""
    question = await tg.wait_for_bot_message(who, contains="0 = ")
    survey_id = (question.buttons[0][0][1] or "").split(":")[1]
    await tg.press_button(who, question, f"nps:{survey_id}:{score}")
    await tg.wait_for_bot_message(who, contains="?", after=question.message_id)
    await _settle(tg)
    out.flush()
    await tg.send_text(who, reason)
    pillar_q = await tg.wait_for_bot_message(who, contains="1 = ", after=question.message_id)
    await _settle(tg)
    out.flush()
    await tg.press_button(who, pillar_q, f"pl:{survey_id}:{pillar}")
    await _settle(tg)


# The team's saved replies, one text per language ({name}, {request}, {agent} filled in).
SAVED_REPLIES = (
    "/reply add refund it Ciao {name}, il rimborso per la richiesta {request} è partito: "
    "lo vedrai entro 5 giorni lavorativi. {agent}",
    "/reply add refund en Hi {name}, the refund for request {request} is on its way: "
    "you will see it within 5 working days. {agent}",
    "/reply add sorry it Ci scusiamo per l'attesa, {name}: sono {agent} e seguo io "
    "la richiesta {request} da adesso.",
    "/reply add sorry en We are sorry you had to wait, {name}: I am {agent} and I am "
    "on request {request} from now on.",
)

GIULIA_BURST = (
    "Ordine 5521",
    "pagato con carta",
    "doveva arrivare lunedì",
    "oggi è giovedì",
    "il tracking non si aggiorna",
    "ho un compleanno sabato",
    "mi serve entro venerdì",
    "fatemi sapere",
)


async def play(pause: float = 0.0) -> None:
    """Run the scripted day and print the transcript."""
    tg = FakeTelegram(TOKEN)
    await tg.start()
    bob = tg.add_user("Bob", "Bianchi", language_code="it", username="bob_support")
    carla = tg.add_user("Carla", "Neri", language_code="it", username="carla_conti")
    luca = tg.add_user("Luca", "Galli", language_code="it", username="luca_support")
    staff = tg.add_group("Acme · Assistenza clienti", forum=True, members=[bob, luca])
    billing = tg.add_group("Acme · Amministrazione", forum=True, members=[carla])
    maria = tg.add_user("Maria", "Rossi", language_code="it", username="mariarossi")
    anna = tg.add_user("Anna", "Conti", language_code="it")  # the manager
    john = tg.add_user("John", "Smith", language_code="en")
    clock = FrozenClock(datetime.now(UTC))
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(
            {
                "CAREBOT_BOT_TOKEN": TOKEN,
                "CAREBOT_STAFF_CHAT_ID": str(staff.id),
                "CAREBOT_TELEGRAM_API_URL": tg.api_root,
                "CAREBOT_DATABASE_URL": f"sqlite+aiosqlite:///{Path(tmp) / 'demo.db'}",
                "CAREBOT_BRAND_NAME": "Acme",
                "CAREBOT_MANAGER_IDS": str(anna.id),
                "CAREBOT_CUSTOMER_RATE": "5",  # a small shop's staff read one chat at a time
                "CAREBOT_BUSINESS_HOURS": "mon-fri 09:00-13:00 14:00-18:00; sat 09:00-12:00",
                "CAREBOT_SLA_FIRST_RESPONSE_MINUTES": "30",
                "CAREBOT_SLA_RESOLUTION_MINUTES": "1440",  # three working days
                # Billing questions go to the accounts team's own group.
                "CAREBOT_STAFF_GROUPS": f"{billing.id}:Amministrazione:billing",
                "CAREBOT_CATEGORIES": (
                    "shipping=Ordini e spedizioni|Orders and shipping; "
                    "billing=Pagamenti e fatture|Billing and payments"
                ),
            }
        )
        # The scripted day is played in seconds: Telegram's 20 messages per minute per group
        # would stretch it to minutes, so the demo runs without the rate limiter.
        app = build_application(
            settings, clock=clock, job_intervals=False, rate_limit=False, rng=random.Random(1)
        )
        # The day runs in seconds: a fast writer's messages are held 3 s, not 10 s (long
        # enough for Giulia's burst to fold into one message on a busy machine too), and
        get_services(app).customer_rate.hold = 3.0
        get_services(app).survey_flow.digest.every = 1.0  # alert digests: a second, not a minute
        out = Transcript(tg, {"staff group": staff, "billing group": billing})
        print(
            f"Fake Telegram Bot API on {tg.api_root}; two staff groups with forum topics "
            "(customer care, and accounts for billing questions)."
        )
        # The story's clock: this week's Monday, each scene at the time its title says.
        today = datetime.now(settings.tz).date()
        monday = today - timedelta(days=today.weekday())

        # The team's past: a year of requests and surveys up to Sunday night.
        start = datetime.combine(monday, time(0), tzinfo=settings.tz)
        people = [(bob, 45), (luca, 35), (carla, 20)]
        first = await seed_past(get_services(app).db, people, staff.id, start)
        print(
            f"The team's past is in the database: {first - 1} requests of the year before "
            "this Monday, answered by Bob, Luca and Carla; today's start at "
            f"#{first}."
        )

        def scene(title: str) -> None:
            hours, minutes = int(title[:2]), int(title[3:5])
            clock.set(datetime.combine(monday, time(hours, minutes), tzinfo=settings.tz))
            out.step(title)

        async with running(app, poll_timeout=1):

            def no(n: int) -> int:
                """The id of the day's n-th request (the history holds the ones before)."""
                return first + n - 1

            async def topic(n: int, group: Chat = staff) -> int:
                found: int = await tg.wait_for(
                    lambda: next(
                        (t.thread_id for t in tg.topics(group) if f"#{no(n)} ·" in t.name),
                        None,
                    ),
                    what=f"topic #{no(n)}",
                )
                return found

            async def pick(who: User, category: str) -> None:
                def picker() -> Message | None:
                    return next(
                        (
                            m
                            for m in reversed(tg.bot_messages(who))
                            if m.buttons and (m.buttons[0][0][1] or "").startswith("cat:")
                        ),
                        None,
                    )

                question: Message = await tg.wait_for(picker, what="category picker")
                await _settle(tg)
                out.flush()  # the question with its buttons, before the pick edits it
                request_id = (question.buttons[0][0][1] or "").split(":")[1]
                await tg.press_button(who, question, f"cat:{request_id}:{category}")

            scene(
                "08:55 Bob saves the team's replies in both languages in the general topic "
                "(nothing there reaches a customer)"
            )
            for command in SAVED_REPLIES:
                await tg.send_text(bob, command, chat=staff)
            await _settle(tg)

            scene(
                "09:00 Maria opens the chat and writes (Italian): she is promised an answer by "
                "09:30; she picks what it is about, and only then does her request reach staff"
            )
            await tg.send_text(maria, "/start")
            await tg.send_text(maria, "Buongiorno, il mio ordine 1234 non è ancora arrivato 😟")
            await tg.send_media(maria, "photo", b"\x89PNG demo", caption="La ricevuta")
            await _settle(tg)
            await pick(maria, "shipping")
            await _settle(tg)
            maria_topic = await topic(1)

            scene(
                "09:02 Luca says good morning in the staff group; Bob presses 🙋 Take it on "
                "Maria's card: the card and the topic title show him as owner (edits only)"
            )
            await tg.send_text(luca, "Buongiorno a tutti, oggi sono in turno anch'io", chat=staff)
            card = await tg.wait_for_bot_message(
                staff, contains=f"Richiesta #{no(1)}", thread_id=maria_topic
            )
            await _settle(tg)
            await tg.press_button(bob, card, f"tk:{no(1)}")
            await _settle(tg)

            scene("09:05 John writes (English) about a payment: it goes to the accounts group")
            await tg.send_text(john, "Hi, I was charged twice for my subscription")
            await _settle(tg)
            await pick(john, "billing")
            await _settle(tg)
            john_topic = await topic(2, billing)

            scene(
                "09:12 Bob answers Maria in her topic; in the accounts group Carla leaves an "
                "internal note for John, answers him with the saved reply /r refund (he gets "
                "the English text) and tags the request (/tag refund: the card shows it)"
            )
            await tg.send_text(
                bob,
                "Ciao Maria, il pacco parte oggi: ecco il tracking AC123",
                chat=staff,
                thread_id=maria_topic,
            )
            await tg.send_text(
                carla, "#note doppio addebito confermato", chat=billing, thread_id=john_topic
            )
            await tg.send_text(carla, "/r refund", chat=billing, thread_id=john_topic)
            await tg.send_text(carla, "/tag refund", chat=billing, thread_id=john_topic)
            await _settle(tg)

            scene("09:20 Maria presses ✅ Risolto; Carla resolves John's request with /resolve")
            answer = next(m for m in tg.bot_messages(maria) if "tracking" in (m.text or ""))
            await tg.press_button(maria, answer, f"sv:{no(1)}")
            await tg.send_text(carla, "/resolve", chat=billing, thread_id=john_topic)
            await _settle(tg)

            scene("09:21 Both get the survey: Maria answers 9 in Italian, John 4 in English")
            await _survey(
                tg, out, maria, score=9, reason="Gentilissimi e veloci, grazie!", pillar=5
            )
            await _survey(
                tg, out, john, score=4, reason="It took three days and I had to ask twice", pillar=2
            )
            await _settle(tg)

            scene(
                "09:25 John's 4 opened a recovery: its card in his topic is the alert. Carla "
                "records the cause (billing), writes to John, and marks the attempt made"
            )
            card = await tg.wait_for_bot_message(billing, contains="🩹", thread_id=john_topic)
            await tg.press_button(carla, card, f"rv:{no(2)}:billing")
            await tg.send_text(
                carla,
                "John, I'm sorry: I've refunded the double charge and added a month free.",
                chat=billing,
                thread_id=john_topic,
            )
            await _settle(tg)
            await tg.press_button(carla, card, f"rv:{no(2)}:attempt")
            await _settle(tg)

            scene(
                "10:30 Giulia writes an angry message and skips the question: staff get a "
                "close-the-loop alert, Bob hands her request to Luca with /assign, and Luca "
                "sends the saved apology (/r sorry, in Italian)"
            )
            giulia = tg.add_user("Giulia", "Verdi", language_code="it")
            await tg.send_text(giulia, "Vergognoso! Terza volta che scrivo e nessuno risponde mai")
            await _settle(tg)
            await pick(giulia, "-")
            await _settle(tg)
            giulia_topic = await topic(3)
            await tg.send_text(bob, "/assign @luca_support", chat=staff, thread_id=giulia_topic)
            await _settle(tg)
            await tg.send_text(luca, "/r sorry", chat=staff, thread_id=giulia_topic)
            await _settle(tg)

            scene(
                "10:32 Giulia fires off eight more messages: past five a minute she is told once "
                "that everything arrived, and staff get the rest grouped in one message"
            )
            for text in GIULIA_BURST:
                await tg.send_text(giulia, text)
            await tg.wait_for_bot_message(staff, contains=GIULIA_BURST[-1], timeout=30)
            await _settle(tg)

            scene(
                "11:00 Maria writes again: the request is reopened in the same topic, still "
                "Bob's; he keeps a note on her (/note) and reads her card and the request's "
                "history (/whois), searches every message for «pacco» (/find); /open shows "
                "who owns what, Luca's /mine his own"
            )
            await tg.send_text(maria, "Scusate, nel pacco manca il cavo")
            await _settle(tg)
            await tg.send_text(
                bob, "Te lo spediamo subito, scusa!", chat=staff, thread_id=maria_topic
            )
            await tg.send_text(
                bob,
                "/note Secondo pacco incompleto: controllare l'imballo dei suoi ordini",
                chat=staff,
                thread_id=maria_topic,
            )
            await tg.send_text(bob, "/whois", chat=staff, thread_id=maria_topic)
            await tg.send_text(bob, "/find pacco", chat=staff)
            await tg.send_text(bob, "/open", chat=staff)
            await tg.send_text(luca, "/mine", chat=staff)
            await _settle(tg)

            scene(
                "20:30 Paolo writes after hours: the acknowledgement says the team is back "
                "tomorrow at 09:00 and promises an answer by 09:30; his request waits in the "
                "staff group for the morning (nobody answers it: a promise broken)"
            )
            paolo = tg.add_user("Paolo", "Neri", language_code="it")
            await tg.send_text(paolo, "Salve, vorrei cambiare l'indirizzo di consegna")
            await _settle(tg)
            await pick(paolo, "shipping")
            await _settle(tg)

            out.step(
                "Tuesday 09:25: nobody has taken Paolo's request yet; five minutes before the "
                "09:30 promised to him, its topic gets one warning asking someone to /claim it"
            )
            tuesday = monday + timedelta(days=1)
            clock.set(datetime.combine(tuesday, time(9, 25), tzinfo=settings.tz))
            await sla_checks(app)
            await _settle(tg)

            out.step(
                "Tuesday 09:31: the promise broke; Anna, the manager, hears of it once in "
                "private, and the staff group's general topic gets one digest line"
            )
            clock.set(datetime.combine(tuesday, time(9, 31), tzinfo=settings.tz))
            await sla_checks(app)
            await _settle(tg)

            out.step(
                "Two days later: Maria's request is resolved automatically after 48 h of silence"
            )
            clock.advance(hours=49)
            await auto_resolve(app)
            await _settle(tg)

            out.step("Bob asks for the report of the last 7 days: text and dashboard")
            await tg.send_text(bob, "/report 7d", chat=staff)
            await tg.wait_for_bot_message(staff, kind="photo", timeout=30)
            await _settle(tg)

            out.step(
                "Paolo asks what is kept about him (/privacy) and has it erased (/forget, "
                "confirmed with its button): his topic loses his name, staff are told once, "
                "and Bob's report a moment later shows the same figures"
            )
            await tg.send_text(paolo, "/privacy")
            await _settle(tg)
            asked = await tg.send_text(paolo, "/forget")
            question = await tg.wait_for_bot_message(paolo, contains="🧹", after=asked.message_id)
            await _settle(tg)
            out.flush()  # the question with its buttons, before the press edits it
            await tg.press_button(paolo, question, "fg:yes")
            await _settle(tg)
            again = await tg.send_text(bob, "/report 7d", chat=staff)
            await tg.wait_for_bot_message(staff, kind="photo", after=again.message_id, timeout=30)
            await _settle(tg)

            local = clock.now().astimezone(settings.tz)
            monday = local.date() + timedelta(days=7 - local.weekday())
            out.step(
                "Next Monday 09:30: a week after Carla's attempt John is asked once \"Are we "
                'OK now?"; he answers 8, and the card in his topic says won back'
            )
            clock.set(datetime.combine(monday, time(9, 30), tzinfo=settings.tz))
            await recovery_reasks(app)
            asked = await tg.wait_for_bot_message(john, contains="Are we OK now?")
            await _settle(tg)
            await tg.press_button(john, asked, f"ra:{no(2)}:8")
            await _settle(tg)

            out.step("Next Monday 10:00: Anna, the manager, gets the weekly summary (once)")
            clock.set(datetime.combine(monday, time(10, 0), tzinfo=settings.tz))
            await weekly_summaries(app)
            await weekly_summaries(app)  # the half-hourly check again: nothing more
            await tg.wait_for_bot_message(anna, kind="photo", timeout=30)
            await _settle(tg)
            await asyncio.sleep(pause)
        out.flush()
    await tg.stop()
    print("\nDemo finished: the bot ran against the fake Telegram; no network was used.")


def main(fast: bool = False) -> int:
    """Run the demo; return the exit code."""
    asyncio.run(play(0.0 if fast else 0.2))
    return 0
