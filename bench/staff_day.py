"""An ordinary day at the help desk: what it costs the staff group's message budget.

The real bot runs against the fake Bot API on 127.0.0.1 (forum topics, carebot's flood
limiter at Telegram's limits, nothing waiting for the budget: the day is not a burst).
`--customers` customers each open a request and write one or two follow-ups; staff take
half of the requests with the card's button and answer each once; 60 % are resolved by
staff (/resolve), the rest by the customer's ✅; every customer answers the survey (half
promoters, a quarter passives, a quarter detractors, each with a reason and the pillar
answer). Printed: every message the bot posted into the staff group, by
kind, per relayed customer message and per customer text (survey reasons included);
edits and topic creations apart.

    .venv/bin/python bench/staff_day.py [--customers 30]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bot.app import build_application
from bot.fake_bot_api import FakeTelegram, Message, User
from bot.fake_bot_api.core import SEND_METHODS
from bot.lifecycle import running
from bot.services import get_services
from bot.settings import load_settings

TOKEN = "1:BENCH-staff-day"
SCORES = (10, 9, 8, 3, 9, 10, 7, 5)  # half promoters, a quarter passives, a quarter detractors
REASONS = {
    10: "gentilissimi",
    9: "veloci",
    8: "abbastanza bene",
    7: "ok ma lento",
    5: "confuso",
    3: "tre giorni di attesa",
}


def kind_of(message: Message) -> str:
    """What a bot message in the staff group is, by how it starts."""
    text = re.sub(r"<[^>]+>", "", message.text or "")
    if message.thread_id is None:
        return "general-topic line (alerts)"
    if message.buttons and text.startswith("🎫"):
        return "ticket card (with the first texts)"
    for mark, name in (
        ("✅", "resolved line"),
        ("↩️", "reopened line"),
        ("📊", "survey result line"),
        ("🩹", "recovery card"),
        ("⚠️", "warning"),
    ):
        if text.startswith(mark):
            return name
    return "copy of a customer message"


async def day(customers: int, db: Path) -> tuple[Counter[str], int, int, int, int]:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    try:
        agent = tg.add_user("Agent", "Smith", language_code="it")
        staff = tg.add_group("Support", forum=True, members=[agent])
        env = {
            "CAREBOT_BOT_TOKEN": TOKEN,
            "CAREBOT_STAFF_CHAT_ID": str(staff.id),
            "CAREBOT_TELEGRAM_API_URL": tg.api_root,
            "CAREBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        }
        # No limiter: an ordinary day never waits for the budget, so nothing folds.
        app = build_application(load_settings(env), job_intervals=False, rate_limit=False)
        relayed = texts = 0
        async with running(app, poll_timeout=1):
            outbox = get_services(app).outbox
            for i in range(customers):
                who: User = tg.add_user(f"Cliente{i:03d}", language_code="it")
                await tg.send_text(who, f"Buongiorno, il mio ordine {i} non è arrivato")
                card = await tg.wait_for_bot_message(staff, contains=f"ordine {i} ", timeout=30)
                thread = card.thread_id
                relayed += 1
                if i % 2 == 0:
                    await tg.press_button(agent, card, f"tk:{i + 1}")
                for n in range(1 + i % 2):
                    await outbox.settled()
                    await tg.send_text(who, f"Aggiungo un dettaglio {n} sull'ordine {i}")
                    relayed += 1
                await outbox.settled()
                await tg.send_text(agent, f"Spedito oggi, ordine {i}", chat=staff, thread_id=thread)
                answer = await tg.wait_for_bot_message(who, contains=f"ordine {i}", timeout=30)
                if i % 5 < 3:
                    await tg.send_text(agent, "/resolve", chat=staff, thread_id=thread)
                else:
                    await tg.press_button(who, answer, f"sv:{i + 1}")
                question = await tg.wait_for_bot_message(who, contains="consigli", timeout=30)
                score = SCORES[i % len(SCORES)]
                await tg.press_button(who, question, f"nps:{i + 1}:{score}")
                await tg.wait_for_bot_message(who, contains="Scrivi la risposta", timeout=30)
                await tg.send_text(who, REASONS[score])
                pillar = await tg.wait_for_bot_message(who, contains="1 = per niente", timeout=30)
                await tg.press_button(who, pillar, f"pl:{i + 1}:3")
                await tg.wait_for_bot_message(who, contains="Grazie per il tuo tempo", timeout=30)
                await outbox.settled()
            texts = relayed + customers  # and a survey reason each
            await asyncio.sleep(65)  # the general topic's alert digest goes out once a minute
        ids = str(staff.id)
        kinds = Counter(kind_of(m) for m in tg.bot_messages(staff) if not m.service)
        edits = sum(
            1
            for method, params in tg.calls
            if method in ("editmessagetext", "editforumtopic") and str(params.get("chat_id")) == ids
        )
        topics = sum(1 for method, _ in tg.calls if method == "createforumtopic")
        sends = sum(
            1 for method, p in tg.calls if method in SEND_METHODS and str(p.get("chat_id")) == ids
        )
        assert sends == sum(kinds.values()), (sends, kinds)
        return kinds, relayed, texts, edits, topics
    finally:
        await tg.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=30)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        kinds, relayed, texts, edits, topics = await day(args.customers, Path(tmp) / "d.db")
    total = sum(kinds.values())
    print(
        f"{args.customers} customers, {relayed} customer messages relayed, {texts} customer "
        f"texts with the survey reasons\n"
    )
    print("| staff-group message | count | per relayed customer message |")
    print("|---|---:|---:|")
    for kind, count in kinds.most_common():
        print(f"| {kind} | {count} | {count / relayed:.2f} |")
    print(f"| **all** | **{total}** | **{total / relayed:.2f}** |")
    print(f"\nper customer text (survey reasons included): {total / texts:.2f}")
    print(f"edits in the staff group (cards, titles, survey lines): {edits}; topics: {topics}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
