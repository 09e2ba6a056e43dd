"""Per-customer pace: told once per stretch of fast writing, forgotten when idle."""

from __future__ import annotations

from conversations.customer_rate import WINDOW, CustomerRate


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_over_the_rate_is_told_once_then_again_after_slowing_down() -> None:
    clock = Clock()
    rate = CustomerRate(3, clock)
    paces = [rate.note(1) for _ in range(6)]
    assert [p.over for p in paces] == [False, False, False, True, True, True]
    assert [p.notify for p in paces] == [False, False, False, True, False, False]
    assert not rate.note(2).over  # another customer has their own minute
    clock.now += WINDOW + 1  # a quiet minute
    assert not rate.note(1).over
    assert [rate.note(1).notify for _ in range(3)] == [False, False, True]  # a new stretch


def test_held_messages_wait_a_little_and_zero_turns_it_off() -> None:
    clock = Clock()
    rate = CustomerRate(1, clock, hold=2.0, max_hold=5.0)
    rate.note(7)
    over = rate.note(7)
    assert over.over and (over.hold, over.max_hold) == (2.0, 5.0)
    off = CustomerRate(0, clock)
    assert not any(off.note(7).over for _ in range(100))


def test_idle_customers_are_forgotten() -> None:
    clock = Clock()
    rate = CustomerRate(5, clock)
    for user in range(1000):
        rate.note(user)
    clock.now += 2 * WINDOW
    rate.note(5000)
    assert len(rate._seen) == 1
