"""The bot caps glibc's malloc arenas and gives freed memory back (bench/memory.py)."""

from __future__ import annotations

import platform

import pytest

from bot import malloc

glibc = platform.system() == "Linux" and platform.libc_ver()[0] == "glibc"


@pytest.mark.skipif(not glibc, reason="glibc's malloc only")
def test_on_glibc_the_arena_cap_is_taken_and_freed_memory_can_be_returned() -> None:
    assert malloc.limit_arenas()
    blocks = [bytearray(512) for _ in range(200_000)]  # ~100 MB in small blocks
    del blocks
    malloc.trim()  # True or False by what is left free: either way it must not fail
    assert isinstance(malloc.trim(), bool)
