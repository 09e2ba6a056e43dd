"""Fixtures for end-to-end tests."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from conversations.clock import FrozenClock
from tests.e2e.harness import HelpDeskWorld, helpdesk_world


@pytest.fixture
async def forum(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[HelpDeskWorld]:
    """A staff supergroup with topics."""
    async with helpdesk_world(tmp_path, clock, forum=True) as world:
        yield world


@pytest.fixture
async def plain(tmp_path: Path, clock: FrozenClock) -> AsyncIterator[HelpDeskWorld]:
    """A staff supergroup without topics (ticket cards and replies)."""
    async with helpdesk_world(tmp_path, clock, forum=False) as world:
        yield world
