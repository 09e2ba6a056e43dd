"""A busy morning: a burst of new customers against the staff group's message budget.

The real bot runs against the fake Bot API on 127.0.0.1 with Telegram's flood limits
enforced (20 messages a minute into one group, 30 a second overall) and PTB's rate
limiter set as `carebot run` sets it. Both windows are shortened by --time-scale so a run
takes seconds instead of minutes; times that depend on the limits are reported multiplied
back (what they would be at Telegram's real limits), and are marked so.

`--customers` new customers send `--messages` texts in all within one (scaled) minute: a
first message each, then follow-ups. Meanwhile a customer outside the burst, whose request
staff are already working on, gets a staff answer and presses its ✅ button. Printed:
Telegram's 429 answers, messages the bot sent into the staff group per customer message
(topic creations and edits counted apart), the time until staff could read every text,
texts lost, and how long the outside customer waited for the answer and for the button.

With `--groups 3` the requests are spread over three staff groups: each customer picks
one of three categories (CAREBOT_CATEGORIES) with the button of their first answer, and
each category has its group (CAREBOT_STAFF_GROUPS); every group has its own budget.

    .venv/bin/python bench/staff_burst.py [--customers 60] [--messages 300] [--time-scale 6]
    ... --groups 3      # three staff groups, routed by the customers' category pick
    ... --ptb-limiter   # PTB's AIORateLimiter instead of carebot's (bot.flood)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.app import build_application
from bot.fake_bot_api import Chat, FakeTelegram
from bot.fake_bot_api.core import SEND_METHODS
from bot.flood import FloodLimiter
from bot.lifecycle import running
from bot.settings import load_settings

TOKEN = "1:BENCH-staff-burst"
MINUTE = 60.0


@dataclass(frozen=True)
class Result:
    refusals: int  # 429 answers from the fake
    customer_messages: int
    staff_sends: int  # messages the bot posted into the staff group
    topics: int  # createForumTopic calls
    edits: int  # edits of staff-group messages (cards, topic titles)
    all_visible_s: float  # at Telegram's real limits
    lost: int
    answer_s: float  # wall clock: staff answer to the outside customer
    button_s: float  # wall clock: the outside customer's button answered


def _lines(tg: FakeTelegram, groups: list[Chat]) -> list[str]:
    texts = [
        re.sub(r"<[^>]+>", "", m.text or "") for staff in groups for m in tg.bot_messages(staff)
    ]
    return [line for text in texts for line in text.split("\n")]


def _in_staff(tg: FakeTelegram, groups: list[Chat], methods: Set[str]) -> int:
    ids = {str(staff.id) for staff in groups}
    return sum(
        1 for method, params in tg.calls if method in methods and str(params.get("chat_id")) in ids
    )


async def one_run(
    customers: int, messages: int, scale: float, db: Path, ptb_limiter: bool, n_groups: int = 1
) -> Result:
    tg = FakeTelegram(TOKEN)
    await tg.start()
    try:
        agent = tg.add_user("Agent", language_code="it")
        groups = [tg.add_group(f"staff {k}", forum=True, members=[agent]) for k in range(n_groups)]
        staff = groups[0]
        tg.enforce_flood_limits = True
        tg.flood_per_group = (20, MINUTE / scale)
        tg.flood_overall = (30, 1.0 / scale)
        env = {
            "CAREBOT_BOT_TOKEN": TOKEN,
            "CAREBOT_STAFF_CHAT_ID": str(staff.id),
            "CAREBOT_TELEGRAM_API_URL": tg.api_root,
            "CAREBOT_DATABASE_URL": f"sqlite+aiosqlite:///{db}",
        }
        if n_groups > 1:  # category k goes to group k
            env["CAREBOT_CATEGORIES"] = "; ".join(f"c{k}=Area {k}" for k in range(n_groups))
            env["CAREBOT_STAFF_GROUPS"] = "; ".join(
                f"{g.id}:Desk {k}:c{k}" for k, g in enumerate(groups)
            )
        limiter: BaseRateLimiter[Any]
        if ptb_limiter:  # PTB's leaky bucket, as carebot used before bot.flood
            limiter = AIORateLimiter(
                overall_max_rate=30,
                overall_time_period=1.0 / scale,
                group_max_rate=20,
                group_time_period=MINUTE / scale,
                max_retries=2,
            )
        else:
            limiter = FloodLimiter(group=(20, MINUTE / scale), overall=(30, 1.0 / scale))
        app = build_application(load_settings(env), job_intervals=False, rate_limiter=limiter)
        async with running(app, poll_timeout=1):
            # Before the burst: a customer whose request staff are already working on.
            anna = tg.add_user("Anna", language_code="it")
            await tg.send_text(anna, "il mio ordine 55 è in ritardo")
            if n_groups > 1:  # she picks the first group's category
                question = await tg.wait_for_bot_message(anna, contains="", timeout=60)
                await tg.press_button(anna, question, "cat:1:c0", timeout=60)
            copy = await tg.wait_for_bot_message(staff, contains="ordine 55", timeout=60)
            await asyncio.sleep(MINUTE / scale)  # the group's window is empty again
            base_sends = _in_staff(tg, groups, SEND_METHODS)
            base_topics = _in_staff(tg, groups, {"createforumtopic"})
            base_edits = _in_staff(tg, groups, {"editmessagetext", "editforumtopic"})
            base_refusals = tg.flood_refusals

            users = [tg.add_user(f"Cliente{i:03d}", language_code="it") for i in range(customers)]
            texts = [
                f"{users[i % customers].first_name} n{i // customers}" for i in range(messages)
            ]
            gap = MINUTE / scale / messages  # every text within one (scaled) minute
            started = time.monotonic()

            async def pick(k: int) -> None:
                """Customer k presses category k % groups on the bot's first answer."""
                question = await tg.wait_for_bot_message(users[k], contains="", timeout=600)
                request = (question.buttons[0][0][1] or "").split(":")[1]
                await tg.press_button(
                    users[k], question, f"cat:{request}:c{k % n_groups}", timeout=600
                )

            picks: list[asyncio.Task[None]] = []

            async def burst() -> None:
                for i, text in enumerate(texts):
                    await tg.send_text(users[i % customers], text)
                    if n_groups > 1 and i < customers:
                        picks.append(asyncio.create_task(pick(i)))
                    await asyncio.sleep(gap)

            sending = asyncio.create_task(burst())
            await asyncio.sleep(MINUTE / scale / 4)  # a quarter into the burst
            asked = time.monotonic()
            await tg.send_text(agent, "in consegna oggi", chat=staff, thread_id=copy.thread_id)
            answer = await tg.wait_for_bot_message(anna, contains="in consegna oggi", timeout=600)
            answer_s = time.monotonic() - asked
            pressed = time.monotonic()
            await tg.press_button(anna, answer, "sv:1", timeout=600)
            button_s = time.monotonic() - pressed
            await sending
            await asyncio.gather(*picks)

            wanted = set(texts)

            def visible() -> bool:
                return wanted <= set(_lines(tg, groups))

            with contextlib.suppress(TimeoutError):  # what is missing then counts as lost
                await tg.wait_for(visible, timeout=3600 / scale, what="every text")
            all_visible = (time.monotonic() - started) * scale
            lost = len(wanted - set(_lines(tg, groups)))
            return Result(
                refusals=tg.flood_refusals - base_refusals,
                customer_messages=messages,
                staff_sends=_in_staff(tg, groups, SEND_METHODS) - base_sends,
                topics=_in_staff(tg, groups, {"createforumtopic"}) - base_topics,
                edits=_in_staff(tg, groups, {"editmessagetext", "editforumtopic"}) - base_edits,
                all_visible_s=all_visible,
                lost=lost,
                answer_s=answer_s,
                button_s=button_s,
            )
    finally:
        await tg.stop()


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=60)
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--time-scale", type=float, default=6.0)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--groups", type=int, default=1, help="staff groups (1-9)")
    parser.add_argument("--ptb-limiter", action="store_true", help="PTB's AIORateLimiter")
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    results = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            results.append(
                await one_run(
                    args.customers,
                    args.messages,
                    args.time_scale,
                    Path(tmp) / "b.db",
                    args.ptb_limiter,
                    args.groups,
                )
            )

    def median(values: list[float]) -> float:
        return statistics.median(values)

    r = results
    n = r[0].customer_messages
    routed = ", routed by the category each customer picks" if args.groups > 1 else ""
    print(
        f"{args.customers} new customers, {n} texts within one minute, {args.groups} staff "
        f"group(s) (forum topics{routed}); limits shortened {args.time_scale:g}×, "
        f"{args.runs} run(s), medians; "
        f"{'PTB' if args.ptb_limiter else 'carebot'} rate limiter\n"
    )
    print("| figure | value |")
    print("|---|---:|")
    print(f"| 429 answers from Telegram | {median([x.refusals for x in r]):.0f} |")
    sends = median([x.staff_sends for x in r])
    print(f"| staff-group messages per customer text | {sends / n:.2f} ({sends:.0f} for {n}) |")
    print(f"| topics created | {median([x.topics for x in r]):.0f} |")
    print(f"| edits in the staff group (cards, titles) | {median([x.edits for x in r]):.0f} |")
    print(
        f"| seconds until staff can read every text (at real limits) "
        f"| {median([x.all_visible_s for x in r]):.0f} |"
    )
    print(f"| texts lost | {max(x.lost for x in r)} |")
    print(
        f"| seconds until a staff answer reaches a customer outside the burst "
        f"| {median([x.answer_s for x in r]):.2f} |"
    )
    button = median([x.button_s for x in r])
    print(f"| seconds until that customer's ✅ is answered | {button:.2f} |")
    return 1 if any(x.lost for x in r) else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
