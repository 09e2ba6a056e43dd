"""Backups of the embedded database: a consistent copy of a SQLite file while the bot runs
(SQLite's online backup in one step: the database is in WAL mode, so the copy reads one
snapshot while the bot's writes go on into the log; copied in steps, every write by the
bot would restart it), and
its restore over the configured file, which is first kept aside. PostgreSQL has its own
tools (pg_dump, pg_restore); these functions say so instead of guessing."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

__all__ = ["BackupError", "backup", "restore", "sqlite_file"]


class BackupError(Exception):
    """Why a backup or restore was refused; the message says what to do."""


def sqlite_file(url: str) -> Path:
    """The file of a SQLite database URL; BackupError for anything else."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupError(
            "the database is PostgreSQL: back it up with pg_dump -Fc and restore it with "
            "pg_restore (see the README)"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise BackupError("an in-memory database has nothing to back up")
    return Path(parsed.database)


def _revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError:
        return None
    return str(row[0]) if row else None


def _copy(source: Path, target: Path) -> str:
    """Copy `source` into `target` with the online backup; return the copy's revision."""
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)  # all pages in one step: one snapshot
        (verdict,) = dst.execute("PRAGMA integrity_check").fetchone()
        if verdict != "ok":
            raise BackupError(f"the copy in {target} failed its integrity check: {verdict}")
        return _revision(dst) or "?"
    finally:
        dst.close()
        src.close()


def backup(url: str, target: Path) -> str:
    """Write a consistent copy of the database to `target` (never over an existing file);
    return its schema revision."""
    source = sqlite_file(url)
    if not source.exists():
        raise BackupError(f"{source} does not exist: check CAREBOT_DATABASE_URL")
    if target.exists():
        raise BackupError(f"{target} exists: a backup never overwrites, choose a new name")
    return _copy(source, target)


def restore(url: str, copy: Path) -> tuple[str, Path | None]:
    """Replace the database with the backup `copy` (stop the bot first); the database as
    it was is kept beside it first. Return the restored revision and where the old one is."""
    target = sqlite_file(url)
    if not copy.exists():
        raise BackupError(f"{copy} does not exist")
    check = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        (verdict,) = check.execute("PRAGMA integrity_check").fetchone()
        revision = _revision(check)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{copy} is not a SQLite database ({exc})") from None
    finally:
        check.close()
    if verdict != "ok":
        raise BackupError(f"{copy} failed its integrity check: {verdict}")
    if revision is None:
        raise BackupError(f"{copy} is not a carebot database (no schema revision in it)")
    kept: Path | None = None
    if target.exists():
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = target.with_name(f"{target.name}.before-restore-{stamp}")
        _copy(target, kept)
    _copy(copy, target)
    return revision, kept
