"""The flood window's reserved slots: taken while waiting for room, spent by the send."""

from __future__ import annotations

import asyncio
import time

from bot.flood import Window


async def test_a_reserved_slot_is_spent_by_the_next_send_and_counted_once() -> None:
    window = Window(2, 0.2)
    await window.reserve()
    assert window.use_reserved()  # the send goes without taking a second slot
    assert not window.use_reserved()  # one reservation, one send
    await window.take()
    started = time.monotonic()
    await window.take()  # two sends in the window already: this one waits for room
    assert time.monotonic() - started >= 0.15


async def test_a_reservation_left_unused_past_the_window_is_not_spent() -> None:
    window = Window(1, 0.05)
    await window.reserve()
    await asyncio.sleep(0.15)  # the reserved slot has expired meanwhile
    assert not window.use_reserved()  # the send must take a slot of its own
    started = time.monotonic()
    await window.take()
    assert time.monotonic() - started < 0.05


async def test_reserving_waits_for_room_like_a_send() -> None:
    window = Window(1, 0.2)
    await window.take()
    started = time.monotonic()
    await window.reserve()
    assert time.monotonic() - started >= 0.15
