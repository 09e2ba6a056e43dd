"""Give memory back to the system after the bot's big allocations (glibc only).

glibc's malloc gives threads that allocate their own arena, up to eight per core: the
churn-risk scoring in its worker thread, aiosqlite's threads and the event loop each keep
one, and what they free stays in the process. With two arenas, and a trim after the work
that allocates most (a report, the background scoring), the bot's resident memory follows
what it holds (bench/memory.py). Elsewhere (musl, macOS) both calls do nothing.
"""

from __future__ import annotations

import ctypes
import sys
from functools import cache

M_ARENA_MAX = -8  # mallopt's parameter number in glibc's malloc.h
ARENAS = 2


@cache
def _glibc() -> ctypes.CDLL | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018 -- absent outside glibc (musl)
    except (OSError, AttributeError):
        return None
    return libc


def limit_arenas(arenas: int = ARENAS) -> bool:
    """Cap malloc's arenas (call before threads start); True when glibc took it."""
    libc = _glibc()
    return bool(libc is not None and libc.mallopt(M_ARENA_MAX, arenas))


def trim() -> bool:
    """Return freed heap memory to the system; True when some was returned."""
    libc = _glibc()
    return bool(libc is not None and libc.malloc_trim(0))
