"""Migrations that ran generated SQL keep it frozen beside them, one file per engine, in
sections ("-- section: NAME" … statements each ended by "-- end"); this runs one section."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import op


def run_section(migration: str, pattern: str, section: str) -> None:
    """Execute `section` of the file `pattern` (with {dialect}) beside `migration`."""
    bind = op.get_bind()
    path = Path(migration).with_name(pattern.format(dialect=bind.dialect.name))
    current: str | None = None
    statement: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-- section: "):
            current = line.removeprefix("-- section: ").strip()
        elif line == "-- end":
            if current == section:
                bind.execute(sa.text("\n".join(statement)))
            statement = []
        elif current is not None and not (line.startswith("--") and not statement):
            statement.append(line)
