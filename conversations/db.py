"""Engines and migrations: SQLite (WAL, foreign keys) by default, PostgreSQL for scale."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

SUPPORTED_DRIVERS = ("sqlite+aiosqlite", "postgresql+asyncpg")


class DatabaseUrlError(ValueError):
    """The database URL names an engine carebot does not run on."""


def check_url(url: str) -> str:
    """Return the URL if carebot supports its driver, else raise DatabaseUrlError."""
    try:
        driver = make_url(url).drivername
    except Exception as exc:  # sqlalchemy raises ArgumentError with a terse text
        raise DatabaseUrlError(f"not a database URL: {url!r}") from exc
    if driver not in SUPPORTED_DRIVERS:
        raise DatabaseUrlError(
            f"unsupported database driver {driver!r}; use one of {', '.join(SUPPORTED_DRIVERS)}"
        )
    return url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets reports read while the bot writes; foreign keys are off by default in SQLite.
    # Autocommit at the driver level so that _sqlite_begin decides how transactions start.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


READONLY = "carebot_readonly"  # execution option: a read-only connection (reports)


def _sqlite_begin(conn: Connection) -> None:
    # A deferred transaction that reads then writes fails at once with "database is locked"
    # when another writer got in between; IMMEDIATE waits on busy_timeout instead.
    # Read-only connections (execution option carebot_readonly=True) never write, so a
    # deferred BEGIN is safe there and leaves the write lock to the bot during a report.
    if conn.get_execution_options().get(READONLY):
        conn.exec_driver_sql("BEGIN DEFERRED")
        return
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_engine(url: str) -> AsyncEngine:
    """Create the async engine for a supported URL.

    Statement parameters stay out of error messages: they are customer texts and names,
    and errors are logged above DEBUG.
    """
    check_url(url)
    if url.startswith("sqlite"):
        # Pooled: a new SQLite connection costs a thread, four PRAGMAs and a parse of the
        # whole schema (tables, indexes, triggers) on its first statement. A pool belongs to
        # one event loop; whoever starts another loop disposes of the engine first.
        engine = create_async_engine(
            url,
            poolclass=AsyncAdaptedQueuePool,
            pool_size=4,
            max_overflow=8,
            hide_parameters=True,
        )
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    # A row lock waited on for 10 s fails (SQLSTATE 55P03, tried again by the bot) instead
    # of stalling the update, and every update behind it, for as long as it is held.
    return create_async_engine(
        url,
        pool_size=10,
        max_overflow=10,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={"server_settings": {"lock_timeout": "10s"}},
    )


class WriteGate:
    """Write transactions one at a time within the process, where the engine has a single
    writer (SQLite): an update waits here, in the event loop, instead of sleeping in
    SQLite's busy handler and retrying. Reads never pass the gate. Another process that
    writes (an import, a second bot) still meets the busy timeout."""

    def __init__(self, serial: bool) -> None:
        self._lock = asyncio.Lock() if serial else None
        self._owner: asyncio.Task[Any] | None = None

    @asynccontextmanager
    async def __call__(self) -> AsyncIterator[None]:
        if self._lock is None:
            yield
            return
        task = asyncio.current_task()
        if task is not None and task is self._owner:
            # Waiting would wait for ourselves: a write inside a write is a bug.
            raise RuntimeError("a write transaction was opened inside another one")
        async with self._lock:
            self._owner = task
            try:
                yield
            finally:
                self._owner = None


def _scripts() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(files("conversations") / "migrations"))
    return cfg


def _alembic_config(connection: Connection) -> Config:
    cfg = _scripts()
    cfg.attributes["connection"] = connection
    return cfg


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` (idempotent; safe at every start)."""
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(_alembic_config(sync), revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the schema back to `revision` (what each migration's downgrade undoes)."""
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(_alembic_config(sync), revision))


def head_revision() -> str | None:
    """The schema revision this code needs (the newest migration)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_scripts()).get_current_head()


async def current_revision(engine: AsyncEngine) -> str | None:
    """Return the schema revision the database is at (None when never migrated)."""
    from alembic.runtime.migration import MigrationContext

    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )
