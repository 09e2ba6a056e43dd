"""Daily roll-ups of the report figures, kept exact by database triggers.

A year of reports would otherwise scan a year of rows on every /report. Each roll-up
table holds, per UTC day, the counts and sums a report adds up (NPS answers by language,
staff and score; surveys sent; pillar answers; pillar mentions; requests opened and
resolved; service-time histograms). Triggers on the source tables add a row's share when
it is written and take it back when it changes or goes, on SQLite and PostgreSQL alike,
so every writer (the bot, imports, `carebot seed`, a hand-run UPDATE) keeps them exact.
Reports add up the whole UTC days of a period here and read the rows of the two partial
days at its edges from the source tables (analytics.queries).

One list of Rollup specs generates the trigger bodies of both engines and the statements
that rebuild every table from scratch (the migration's backfill, and a check in tests).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, text

__all__ = [
    "ROLLUPS",
    "SERVICE_KINDS",
    "Rollup",
    "bin_bounds",
    "bin_of",
    "bin_sql",
    "create_triggers",
    "rebuild",
]

# Service times are kept as histograms of two significant digits: every value below 100 s
# is its own bin, above that a bin spans at most 10 % of its values (1200–1299 s, ...).
# Reports find the bin holding a percentile here, then read that bin's exact values.
SERVICE_KINDS = ("first_response", "resolution")


def bin_sql(seconds: str) -> str:
    """Return SQL for the histogram bin of a non-negative whole number of seconds."""
    digits = f"CAST({seconds} AS TEXT)"
    return f"(length({digits}) * 100 + CAST(substr({digits}, 1, 2) AS INTEGER))"


def bin_of(seconds: int) -> int:
    """Return the histogram bin of a number of seconds, as bin_sql computes it."""
    digits = str(seconds)
    return len(digits) * 100 + int(digits[:2])


def bin_bounds(bin_id: int) -> tuple[int, int]:
    """Return the seconds [low, high) of a histogram bin (the inverse of _bin)."""
    digits, lead = divmod(bin_id, 100)
    if digits <= 2:
        return lead, lead + 1
    step = 10 ** (digits - 2)
    return lead * step, (lead + 1) * step


@dataclass(frozen=True, slots=True)
class Rollup:
    """How one source table feeds one roll-up table.

    `{r}` in the expressions stands for the source row (NEW or OLD in a trigger, the
    table itself when rebuilding). A row counts when `at` is set and `when` holds; it
    lands on the UTC day of `at`, under `keys`, adding `sums`. `watch` lists the source
    columns an UPDATE must change for the row's share to move.
    """

    table: str
    source: str
    at: str
    when: str
    keys: tuple[tuple[str, str], ...]
    sums: tuple[tuple[str, str], ...]
    watch: tuple[str, ...]


def _flag(condition: str) -> str:
    return f"CASE WHEN {condition} THEN 1 ELSE 0 END"


ROLLUPS: tuple[Rollup, ...] = (
    # NPS answers of a day by language, staff member who resolved (0: nobody) and score.
    Rollup(
        table="daily_nps",
        source="surveys",
        at="scored_at",
        when="{r}.score IS NOT NULL",
        keys=(
            ("language", "{r}.language"),
            ("staff", "COALESCE({r}.resolved_by, 0)"),
            ("score", "{r}.score"),
        ),
        sums=(("n", "1"),),
        watch=("scored_at", "score", "language", "resolved_by"),
    ),
    # Surveys sent on a day, and how many of them got a score (whenever).
    Rollup(
        table="daily_surveys",
        source="surveys",
        at="sent_at",
        when="1 = 1",
        keys=(),
        sums=(("sent", "1"), ("answered", _flag("{r}.score IS NOT NULL"))),
        watch=("sent_at", "score"),
    ),
    # Pillar answers of a day with the NPS score of the same survey (-1: none).
    Rollup(
        table="daily_pillar_answers",
        source="surveys",
        at="pillar_at",
        when="{r}.pillar_score IS NOT NULL AND {r}.pillar IS NOT NULL",
        keys=(
            ("pillar", "{r}.pillar"),
            ("answer", "{r}.pillar_score"),
            ("score", "COALESCE({r}.score, -1)"),
        ),
        sums=(("n", "1"),),
        watch=("pillar_at", "pillar", "pillar_score", "score"),
    ),
    # Pillar mentions in customer texts, with their summed polarity.
    Rollup(
        table="daily_mentions",
        source="pillar_mentions",
        at="at",
        when="1 = 1",
        keys=(("pillar", "{r}.pillar"),),
        sums=(("n", "1"), ("polarity_sum", "COALESCE({r}.polarity, 0.0)")),
        watch=("at", "pillar", "polarity"),
    ),
    # Requests opened on a day.
    Rollup(
        table="daily_requests",
        source="requests",
        at="opened_at",
        when="1 = 1",
        keys=(),
        sums=(("opened", "1"), ("resolved", "0"), ("reopened", "0"), ("auto", "0"), ("timed", "0")),
        watch=("opened_at",),
    ),
    # Requests resolved on a day: reopened before, resolved automatically, with a duration.
    Rollup(
        table="daily_requests",
        source="requests",
        at="resolved_at",
        when="{r}.status = 'resolved'",
        keys=(),
        sums=(
            ("opened", "0"),
            ("resolved", "1"),
            ("reopened", _flag("{r}.reopen_count > 0")),
            ("auto", _flag("{r}.resolution_source = 'auto'")),
            ("timed", _flag("{r}.resolution_seconds IS NOT NULL")),
        ),
        watch=("resolved_at", "status", "reopen_count", "resolution_source", "resolution_seconds"),
    ),
    Rollup(
        table="daily_service_bins",
        source="requests",
        at="first_response_at",
        when="{r}.first_response_seconds IS NOT NULL",
        keys=(("kind", "'first_response'"), ("bin", bin_sql("{r}.first_response_seconds"))),
        sums=(("n", "1"),),
        watch=("first_response_at", "first_response_seconds"),
    ),
    Rollup(
        table="daily_service_bins",
        source="requests",
        at="resolved_at",
        when="{r}.status = 'resolved' AND {r}.resolution_seconds IS NOT NULL",
        keys=(("kind", "'resolution'"), ("bin", bin_sql("{r}.resolution_seconds"))),
        sums=(("n", "1"),),
        watch=("resolved_at", "status", "resolution_seconds"),
    ),
)


def _day(dialect: str, moment: str) -> str:
    """Return SQL for the UTC calendar day of a timestamp column."""
    if dialect == "postgresql":
        return f"(({moment}) AT TIME ZONE 'UTC')::date"
    return f"date({moment})"  # SQLite keeps naive UTC text: 'YYYY-MM-DD HH:MM:SS…'


def _upsert(spec: Rollup) -> str:
    """Return the ON CONFLICT clause that adds a share to an existing roll-up row."""
    keys = ", ".join(["day", *(name for name, _ in spec.keys)])
    sets = ", ".join(f"{name} = {spec.table}.{name} + excluded.{name}" for name, _ in spec.sums)
    return f"ON CONFLICT ({keys}) DO UPDATE SET {sets}"


def _columns(spec: Rollup) -> str:
    return ", ".join(["day", *(name for name, _ in spec.keys), *(name for name, _ in spec.sums)])


def _delta(spec: Rollup, dialect: str, row: str, sign: int) -> str:
    """Return the statement adding (sign 1) or taking back (-1) one row's share."""
    r = {"r": row}
    values = [
        _day(dialect, f"{row}.{spec.at}"),
        *(expr.format(**r) for _, expr in spec.keys),
        *(f"{sign} * ({expr.format(**r)})" for _, expr in spec.sums),
    ]
    return (
        f"INSERT INTO {spec.table} ({_columns(spec)}) SELECT {', '.join(values)} "
        f"WHERE {row}.{spec.at} IS NOT NULL AND ({spec.when.format(**r)}) {_upsert(spec)}"
    )


def _rebuild_statement(spec: Rollup, dialect: str) -> str:
    """Return the statement adding every source row's share, grouped (a backfill)."""
    r = {"r": spec.source}
    day = _day(dialect, f"{spec.source}.{spec.at}")
    keys = [expr.format(**r) for _, expr in spec.keys]
    sums = [f"SUM({expr.format(**r)})" for _, expr in spec.sums]
    group = ", ".join(str(position) for position in range(1, len(keys) + 2))  # day, keys
    return (
        f"INSERT INTO {spec.table} ({_columns(spec)}) SELECT {', '.join([day, *keys, *sums])} "
        f"FROM {spec.source} WHERE {spec.source}.{spec.at} IS NOT NULL "
        f"AND ({spec.when.format(**r)}) GROUP BY {group} {_upsert(spec)}"
    )


def _sources() -> dict[str, list[Rollup]]:
    by_source: dict[str, list[Rollup]] = {}
    for spec in ROLLUPS:
        by_source.setdefault(spec.source, []).append(spec)
    return by_source


def _watched(specs: Iterable[Rollup]) -> list[str]:
    return sorted({column for spec in specs for column in spec.watch})


def _sqlite_triggers(source: str, specs: list[Rollup]) -> list[str]:
    def body(*parts: tuple[str, int]) -> str:
        return " ".join(f"{_delta(s, 'sqlite', row, sign)};" for row, sign in parts for s in specs)

    watched = _watched(specs)
    changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in watched)
    return [
        f"CREATE TRIGGER rollup_{source}_insert AFTER INSERT ON {source} "
        f"BEGIN {body(('NEW', 1))} END",
        f"CREATE TRIGGER rollup_{source}_delete AFTER DELETE ON {source} "
        f"BEGIN {body(('OLD', -1))} END",
        f"CREATE TRIGGER rollup_{source}_update AFTER UPDATE OF {', '.join(watched)} "
        f"ON {source} WHEN {changed} BEGIN {body(('OLD', -1), ('NEW', 1))} END",
    ]


def _postgres_triggers(source: str, specs: list[Rollup]) -> list[str]:
    taken = " ".join(f"{_delta(s, 'postgresql', 'OLD', -1)};" for s in specs)
    added = " ".join(f"{_delta(s, 'postgresql', 'NEW', 1)};" for s in specs)
    watched = _watched(specs)
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in watched)
    return [
        f"CREATE FUNCTION rollup_{source}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_OP <> 'INSERT' THEN {taken} END IF; "
        f"IF TG_OP <> 'DELETE' THEN {added} END IF; "
        "RETURN NULL; END $$",
        f"CREATE TRIGGER rollup_{source}_write AFTER INSERT OR DELETE ON {source} "
        f"FOR EACH ROW EXECUTE FUNCTION rollup_{source}()",
        f"CREATE TRIGGER rollup_{source}_update AFTER UPDATE OF {', '.join(watched)} "
        f"ON {source} FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION rollup_{source}()",
    ]


def create_triggers(conn: Connection) -> None:
    """Create the triggers that keep every roll-up table exact on write."""
    dialect = conn.dialect.name
    for source, specs in _sources().items():
        statements = (
            _postgres_triggers(source, specs)
            if dialect == "postgresql"
            else _sqlite_triggers(source, specs)
        )
        for statement in statements:
            conn.execute(text(statement))


def drop_triggers(conn: Connection) -> None:
    """Drop what create_triggers made (for the migration's downgrade)."""
    for source in _sources():
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"DROP FUNCTION IF EXISTS rollup_{source}() CASCADE"))
        else:
            for event in ("insert", "delete", "update"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS rollup_{source}_{event}"))


def rebuild(conn: Connection) -> None:
    """Empty every roll-up table and add up the source tables again."""
    for table in dict.fromkeys(spec.table for spec in ROLLUPS):
        conn.execute(text(f"DELETE FROM {table}"))
    for spec in ROLLUPS:
        conn.execute(text(_rebuild_statement(spec, conn.dialect.name)))
