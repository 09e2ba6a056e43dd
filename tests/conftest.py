"""Shared fixtures: a frozen clock and a migrated database on every engine."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from conversations.clock import FrozenClock
from conversations.db import create_engine, migrate
from conversations.store import Database

POSTGRES_URL = os.environ.get(
    "CAREBOT_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/carebot_test"
)
REQUIRE_POSTGRES = os.environ.get("CAREBOT_REQUIRE_POSTGRES") == "1"
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

_pg_reason: str | None = None
_pg_checked = False


async def postgres_unavailable() -> str | None:
    """Why PostgreSQL tests cannot run here (None when they can)."""
    global _pg_checked, _pg_reason
    if not _pg_checked:
        _pg_checked = True

        async def probe() -> None:
            engine = create_engine(POSTGRES_URL)
            try:
                async with engine.connect() as conn:
                    await conn.execute(text("SELECT 1"))
            finally:
                await engine.dispose()

        try:
            await asyncio.wait_for(probe(), 5)
        except Exception as exc:
            _pg_reason = f"PostgreSQL not reachable at {POSTGRES_URL}: {type(exc).__name__}: {exc}"
        else:
            await _own_database()
    return _pg_reason


# Each test session works in a database of its own, so two runs on one server (a developer
# and CI, or parallel checkouts) never drop each other's tables. Without the right to
# create databases, the configured one is used as it is.
_session_url: str | None = None
_session_db: str | None = None


def _with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


async def _own_database() -> None:
    global _session_url, _session_db
    base = make_url(POSTGRES_URL).database or "carebot_test"
    name = f"{base}_{os.getpid()}"
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            await conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception:
        return  # no CREATEDB right: share the configured database
    finally:
        await admin.dispose()
    _session_db, _session_url = name, _with_database(POSTGRES_URL, name)


async def _drop_own_database() -> None:
    admin = create_async_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as conn:
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{_session_db}"'))
    except Exception as exc:  # a leftover test database is harmless; say so and go on
        print(f"note: could not drop the test database {_session_db}: {exc}")
    finally:
        await admin.dispose()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Drop this session's own PostgreSQL database."""
    if _session_db is not None:
        asyncio.run(_drop_own_database())


@pytest.fixture
def clock() -> FrozenClock:
    """A clock frozen at Monday 2026-11-23 08:00 UTC."""
    return FrozenClock(START)


def postgres_url() -> str:
    """The PostgreSQL URL this session's tests use."""
    return _session_url or POSTGRES_URL


async def _reset_postgres() -> None:
    engine = create_engine(postgres_url())
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


async def database_url(engine: str, tmp_path: Path) -> str:
    """A fresh, empty database of the given engine; skips (or fails in CI) without PostgreSQL."""
    if engine == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'carebot.db'}"
    reason = await postgres_unavailable()
    if reason is not None:
        if REQUIRE_POSTGRES:
            pytest.fail(f"CAREBOT_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)
    return postgres_url()


@pytest.fixture(params=["sqlite", "postgres"])
def engine_name(request: pytest.FixtureRequest) -> str:
    """Each storage test runs on SQLite and on PostgreSQL."""
    return str(request.param)


@pytest.fixture
async def db_url(engine_name: str, tmp_path: Path) -> str:
    """An empty database URL for the engine under test."""
    url = await database_url(engine_name, tmp_path)
    if engine_name == "postgres":
        await _reset_postgres()
    return url


@pytest.fixture
async def db(db_url: str) -> AsyncIterator[Database]:
    """A migrated database."""
    database = Database(create_engine(db_url))
    await migrate(database.engine)
    yield database
    await database.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly when the PostgreSQL half of the suite did not run."""
    if _pg_reason is not None and not REQUIRE_POSTGRES:
        terminalreporter.write_line(
            f"NOTE: PostgreSQL tests were skipped ({_pg_reason}). "
            "Start PostgreSQL or set CAREBOT_TEST_POSTGRES_URL to run them.",
            yellow=True,
        )


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory of its own (for .env) and no CAREBOT_ variables around."""
    for key in list(os.environ):
        if key.startswith("CAREBOT_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    return tmp_path
