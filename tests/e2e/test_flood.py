"""Flood limits: a burst of customer messages reaches the staff group whole and in order."""

from __future__ import annotations

import time

from telegram.ext import AIORateLimiter

from bot.flood import FloodLimiter
from bot.services import get_services
from tests.e2e.harness import HelpDeskWorld

CUSTOMERS = ("Anna", "Bruno", "Carla", "Dario", "Elena")
PER_CUSTOMER = 6
# Telegram allows about 20 messages a minute into one group; the fake enforces that limit
# over 2 s instead of 60 so the test stays short. PTB's limiter is told 20 per second: our
# estimate of Telegram's limits is off, and the 429s that follow must cost nothing.
GROUP_LIMIT = (20, 2.0)
TRIES = FloodLimiter().retries + 1  # a 429 on every try: the send fails for now


def customer_texts(world: HelpDeskWorld, prefixes: tuple[str, ...]) -> list[str]:
    """The customer texts staff can read, in order (copied or folded)."""
    return [line for line in world.staff_lines() if line.startswith(prefixes)]


async def test_a_burst_arrives_whole_and_in_order(plain: HelpDeskWorld) -> None:
    tg = plain.tg
    tg.enforce_flood_limits = True
    tg.flood_per_group = GROUP_LIMIT
    users = [tg.add_user(name, language_code="it") for name in CUSTOMERS]
    limiter = AIORateLimiter(group_max_rate=20, group_time_period=1.0, max_retries=2)
    started = time.monotonic()
    async with plain.bot_running(rate_limiter=limiter):
        for i in range(PER_CUSTOMER):  # interleaved, as a busy morning looks
            for user in users:
                await tg.send_text(user, f"{user.first_name} #{i}")

        def texts_seen() -> list[str]:
            return customer_texts(plain, CUSTOMERS)

        total = len(CUSTOMERS) * PER_CUSTOMER
        await tg.wait_for(lambda: len(texts_seen()) >= total, timeout=25, what="every text")
    elapsed = time.monotonic() - started

    seen = texts_seen()
    assert len(seen) == total  # none lost, none doubled
    for user in users:
        mine = [text for text in seen if text.startswith(f"{user.first_name} #")]
        assert mine == [f"{user.first_name} #{i}" for i in range(PER_CUSTOMER)]
    staff_messages = tg.bot_messages(plain.staff)
    cards = [m for m in staff_messages if "Richiesta #" in (m.text or "")]
    assert len(cards) == len(CUSTOMERS)
    # The texts that waited for the group's budget went out folded: fewer messages than texts.
    assert len(staff_messages) - len(cards) < total
    assert any("messaggi in coda" in (m.text or "") for m in staff_messages)
    assert elapsed < 25


async def test_the_bots_own_limits_meet_no_429(plain: HelpDeskWorld) -> None:
    """carebot's limiter keeps every group within Telegram's window: a burst of new
    requests and follow-ups arrives whole, in order, without one 429."""
    tg = plain.tg
    tg.enforce_flood_limits = True
    tg.flood_per_group = GROUP_LIMIT
    users = [tg.add_user(name, language_code="it") for name in CUSTOMERS]
    limiter = FloodLimiter(group=GROUP_LIMIT)
    async with plain.bot_running(rate_limiter=limiter):
        for i in range(PER_CUSTOMER):
            for user in users:
                await tg.send_text(user, f"{user.first_name} #{i}")
        total = len(CUSTOMERS) * PER_CUSTOMER
        await tg.wait_for(
            lambda: len(customer_texts(plain, CUSTOMERS)) >= total, timeout=25, what="every text"
        )
    seen = customer_texts(plain, CUSTOMERS)
    assert len(seen) == total
    for user in users:
        mine = [text for text in seen if text.startswith(f"{user.first_name} #")]
        assert mine == [f"{user.first_name} #{i}" for i in range(PER_CUSTOMER)]
    assert tg.flood_refusals == 0


async def test_staff_answers_and_buttons_do_not_wait_for_the_staff_group(
    plain: HelpDeskWorld,
) -> None:
    """While new customers' messages queue for the group's budget, a staff answer reaches
    its customer and a customer's button is answered at once."""
    tg = plain.tg
    tg.enforce_flood_limits = True
    tg.flood_per_group = (20, 60.0)  # Telegram's real window: the burst waits for minutes
    anna = tg.add_user("Anna", language_code="it")
    limiter = AIORateLimiter(max_retries=2)
    async with plain.bot_running(rate_limiter=limiter):
        await tg.send_text(anna, "help with my order")
        copy = await plain.staff_sees("help with my order")
        burst = [tg.add_user(f"Cliente{i}", language_code="it") for i in range(20)]
        for user in burst:  # 20 new requests: two to three group messages each
            await tg.send_text(user, f"ciao da {user.first_name}")
        await tg.wait_for(lambda: tg.pending_updates() == 0, what="burst processed")
        started = time.monotonic()
        await plain.agent_replies(copy, "on its way")
        answer = await plain.customer_sees(anna, "on its way")
        assert time.monotonic() - started < 2
        started = time.monotonic()
        pressed = await tg.press_button(anna, answer, "sv:1", timeout=2)
        assert time.monotonic() - started < 2 and pressed.text
        # Every burst customer got their acknowledgement without waiting for the group.
        for user in burst:
            assert any("ricevuto" in (m.text or "") for m in tg.bot_messages(user))


async def test_an_update_waiting_for_the_group_does_not_make_the_bot_deaf(
    plain: HelpDeskWorld,
) -> None:
    """A button whose staff notice must wait for the group's budget does not stop the bot
    from hearing everyone else: the next customer is answered at once."""
    tg = plain.tg
    tg.enforce_flood_limits = True
    tg.flood_per_group = (20, 60.0)  # Telegram's real window
    anna = tg.add_user("Anna", language_code="it")
    async with plain.bot_running(rate_limiter=FloodLimiter(group=(20, 60.0))):
        await tg.send_text(anna, "help with my order")
        copy = await plain.staff_sees("help with my order")
        await plain.agent_replies(copy, "on its way")
        answer = await plain.customer_sees(anna, "on its way")
        for i in range(19):  # nineteen new requests: the group's minute is spent
            await tg.send_text(tg.add_user(f"Cliente{i}", language_code="it"), "ciao")
        await tg.wait_for(lambda: len(tg.bot_messages(plain.staff)) >= 20, what="window full")
        # Resolving says so in the group: that notice waits most of a minute.
        await tg.press_button(anna, answer, "sv:1", timeout=2)
        started = time.monotonic()
        bruno = tg.add_user("Bruno", language_code="it")
        await tg.send_text(bruno, "il pacco è arrivato rotto")
        await plain.customer_sees(bruno, "ricevuto")
        assert time.monotonic() - started < 2
        await plain.agent_replies(copy, "one more thing")
        await plain.customer_sees(anna, "one more thing")
        assert time.monotonic() - started < 4
        assert not any("risolta" in (m.text or "") for m in tg.bot_messages(plain.staff))


async def test_a_relay_that_fails_for_good_is_sent_first_next_time(plain: HelpDeskWorld) -> None:
    tg = plain.tg
    anna = tg.add_user("Anna", language_code="it")

    def copies() -> list[str]:
        return customer_texts(plain, ("Anna #",))

    sent = [f"Anna #{i}" for i in range(4)]
    async with plain.bot_running() as app:
        await tg.send_text(anna, "hello")  # opens the request: its card quotes this
        await plain.staff_sees("Richiesta #1")
        await tg.send_text(anna, sent[0])
        # More 429s than the rate limiter retries: the copy of #0 fails for now.
        tg.inject_fault("copyMessage", 429, retry_after=1, times=TRIES)
        await tg.wait_for(lambda: tg.call_count("copymessage") >= TRIES, timeout=10)
        await tg.send_text(anna, sent[1])  # relays #0 first, then #1 (in one message)
        await tg.wait_for(lambda: copies() == sent[:2], what="#0 then #1")

        tg.inject_fault("copyMessage", 429, retry_after=1, times=TRIES)
        await tg.send_text(anna, sent[2])  # the last message fails: no next one to carry it
        await tg.wait_for(lambda: tg.call_count("copymessage") >= 2 * TRIES, timeout=10)
        await tg.wait_for(lambda: tg.pending_updates() == 0, what="update processed")
        assert copies() == sent[:2]
        plain.clock.advance(seconds=61)  # the sweeper takes messages pending for a minute
        assert await get_services(app).outbox.sweep() == 1
        assert copies() == sent[:3]
        await tg.send_text(anna, sent[3])
        await tg.wait_for(lambda: copies() == sent, what="#3")
        assert await get_services(app).outbox.sweep() == 0


async def test_open_shows_what_waits_for_the_staff_group(forum: HelpDeskWorld) -> None:
    """While the group's window is used up, /open says which requests have messages
    waiting to reach staff, how many and since when; then they arrive, folded."""
    tg = forum.tg
    tg.enforce_flood_limits = True
    tg.flood_per_group = (1, 6.0)
    maria = tg.add_user("Maria", language_code="it")
    async with forum.bot_running(rate_limiter=FloodLimiter(group=(1, 6.0))):
        await forum.customer_writes(maria, "primo")
        thread = await forum.topic_of(1)  # the card took the window's one send
        for text in ("secondo", "terzo", "quarto"):
            await forum.customer_writes(maria, text)
        await tg.wait_for(lambda: tg.pending_updates() == 0, what="texts stored")
        after = tg.last_message_id(forum.staff)
        await tg.send_text(forum.agent, "/open", chat=forum.staff, thread_id=thread)
        listing = await tg.wait_for_bot_message(
            forum.staff, contains="Richieste aperte", after=after, timeout=20
        )
        assert "#1 · Maria" in (listing.text or "")
        assert "📨 3 in coda per il gruppo da" in (listing.text or "")
        await tg.wait_for(
            lambda: {"secondo", "terzo", "quarto"} <= set(forum.staff_lines()),
            timeout=20,
            what="the queued texts",
        )
        assert tg.flood_refusals == 0


async def test_a_customer_writing_too_fast_is_told_once_and_reaches_staff_grouped(
    forum: HelpDeskWorld,
) -> None:
    forum.settings = forum.settings.model_copy(update={"customer_rate": 3})
    tg = forum.tg
    anna = tg.add_user("Anna", language_code="en")
    async with forum.bot_running() as app:
        get_services(app).customer_rate.hold = 1.0  # seconds; Telegram-time is not at stake
        await forum.customer_writes(anna, "fast 0")
        await forum.staff_sees("fast 0")
        for i in range(1, 9):
            await tg.send_text(anna, f"fast {i}")
        told = await forum.customer_sees(anna, "You're writing faster than we can read")
        await forum.tg.wait_for(
            lambda: (
                [line for line in forum.staff_lines() if line.startswith("fast ")]
                == [f"fast {i}" for i in range(9)]
            ),
            timeout=15,
            what="every text, in order",
        )
        notices = [m for m in tg.bot_messages(anna) if "faster than we can read" in (m.text or "")]
        assert notices == [told]  # once for the whole stretch
        # Three a minute: fast 0-2 went as they came; the 6 after them waited and went out
        # as one message (staff read Italian here).
        staff = [m.text or "" for m in tg.bot_messages(forum.staff)]
        assert any("6 messaggi in coda" in text and "fast 3" in text for text in staff)
        assert len([t for t in staff if "fast " in t]) == 4  # card, 2 copies, one folded
