"""Engines and migrations: SQLite (WAL, foreign keys) by default, PostgreSQL for scale."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

if TYPE_CHECKING:
    from alembic.config import Config

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


# alembic (and mako) cost the running bot about 10 MB: they are imported only when the
# schema is behind, so a bot started on a migrated database never loads them.
_REVISION = re.compile(r'^revision: str = "(\w+)"', re.M)
_DOWN = re.compile(r'^down_revision: str \| None = "(\w+)"', re.M)


def _scripts() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("conversations") / "migrations"))
    return cfg


def _alembic_config(connection: Connection) -> Config:
    cfg = _scripts()
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    """The schema revision this code needs (the newest migration), read from the
    migration files' headers (the chain is linear; alembic checks it when it migrates)."""
    revisions, downs = set(), set()
    for script in (files("conversations") / "migrations" / "versions").iterdir():
        if not script.name.endswith(".py") or script.name.startswith("__"):
            continue
        source = script.read_text(encoding="utf-8")
        if found := _REVISION.search(source):
            revisions.add(found.group(1))
        if down := _DOWN.search(source):
            downs.add(down.group(1))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


async def current_revision(engine: AsyncEngine) -> str | None:
    """Return the schema revision the database is at (None when never migrated)."""
    async with engine.connect() as conn:
        try:
            found = await conn.execute(text("SELECT version_num FROM alembic_version"))
        except DBAPIError:  # no such table: never migrated
            return None
        return found.scalar_one_or_none()


async def migrate(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the schema to `revision` (idempotent; safe at every start)."""
    if revision == "head":
        head = head_revision()
        if head is not None and await current_revision(engine) == head:
            return
    from alembic import command

    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(_alembic_config(sync), revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Take the schema back to `revision` (what each migration's downgrade undoes)."""
    from alembic import command

    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.downgrade(_alembic_config(sync), revision))
