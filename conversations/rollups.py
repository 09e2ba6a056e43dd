"""Daily roll-ups of the report figures, kept exact by database triggers.

A year of reports would otherwise scan a year of rows on every /report. Each roll-up
table holds, per UTC day, the counts and sums a report adds up (NPS answers by language,
staff and score; surveys sent; pillar answers; pillar mentions; requests opened and
resolved; service-time histograms). Triggers on the source tables add a row's share when
it is written and take it back when it changes or goes, on SQLite and PostgreSQL alike,
so every writer (the bot, imports, `carebot seed`, a hand-run UPDATE) keeps them exact.
Reports add up the whole UTC days of a period here and read the rows of the two partial
days at its edges from the source tables (analytics.queries).

One list of Rollup specs generates the triggers of both engines (row by row on SQLite;
once per statement on PostgreSQL, over its transition tables, so bulk writes stay fast)
and the statements that rebuild every table from scratch (the migration's backfill, and
the check the tests compare against).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, Date, TextClause, bindparam, text

from conversations.histograms import DURATIONS, RESOLVED, Durations, bin_sql
from conversations.owners import OWNER_COLUMNS, OWNER_SQL
from conversations.schema import UtcDateTime
from conversations.terms import Actor

__all__ = [
    "ROLLUPS",
    "Rollup",
    "counts_sql",
    "create_triggers",
    "drop_triggers",
    "edge_reader",
    "rebuild",
    "rolled_reader",
    "specs_of",
]


@dataclass(frozen=True, slots=True)
class Rollup:
    """How one source table feeds one roll-up table.

    `{r}` in the expressions stands for the source row (NEW or OLD in a SQLite trigger,
    each row of a grouped statement otherwise). A row counts when `at` is set and `when` holds; it
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


def _service_bins(durations: Durations) -> Rollup:
    """Durations of a day by histogram bin (conversations.histograms)."""
    return Rollup(
        table="daily_service_bins",
        source="requests",
        at=durations.at,
        when=durations.when,
        keys=(("kind", f"'{durations.kind}'"), ("bin", bin_sql(f"{{r}}.{durations.seconds}"))),
        sums=(("n", "1"),),
        watch=durations.columns,
    )


def _owner_bins(durations: Durations) -> Rollup:
    """Durations of a day by the request's owner and histogram bin (the team's medians)."""
    return Rollup(
        table="daily_owner_bins",
        source="requests",
        at=durations.at,
        when=durations.when,
        keys=(
            ("owner", OWNER_SQL),
            ("kind", f"'{durations.kind}'"),
            ("bin", bin_sql(f"{{r}}.{durations.seconds}")),
        ),
        sums=(("n", "1"),),
        watch=(*durations.columns, *OWNER_COLUMNS),
    )


ROLLUPS: tuple[Rollup, ...] = (
    # NPS answers of a day by language, staff member they count for (0: nobody) and score.
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
        when=RESOLVED,
        keys=(),
        sums=(
            ("opened", "0"),
            ("resolved", "1"),
            ("reopened", _flag("{r}.reopen_count > 0")),
            ("auto", _flag(f"{{r}}.resolution_source = '{Actor.AUTO}'")),
            ("timed", _flag("{r}.resolution_seconds IS NOT NULL")),
        ),
        watch=("resolved_at", "status", "reopen_count", "resolution_source", "resolution_seconds"),
    ),
    *(_service_bins(durations) for durations in DURATIONS),
    # Requests resolved on a day by their owner (conversations.owners), reopened before.
    Rollup(
        table="daily_owners",
        source="requests",
        at="resolved_at",
        when=RESOLVED,
        keys=(("owner", OWNER_SQL),),
        sums=(("handled", "1"), ("reopened", _flag("{r}.reopen_count > 0"))),
        watch=("resolved_at", "status", "reopen_count", *OWNER_COLUMNS),
    ),
    *(_owner_bins(durations) for durations in DURATIONS),
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


def _grouped(spec: Rollup, dialect: str, rows: str) -> str:
    """Return the statement adding the shares of many rows at once, grouped by key.

    `rows` is SQL for a relation with the source's columns and a `sign` (1 to add, -1 to
    take back): the whole table (a rebuild) or, on PostgreSQL, the rows one statement
    wrote (its transition tables). Groups whose shares cancel out write nothing; keys
    are written in order, so two concurrent statements lock shared rows in one order.
    """
    r = {"r": "r"}
    day = _day(dialect, f"r.{spec.at}")
    keys = [expr.format(**r) for _, expr in spec.keys]
    sums = [f"SUM(r.sign * ({expr.format(**r)}))" for _, expr in spec.sums]
    group = ", ".join(str(position) for position in range(1, len(keys) + 2))  # day, keys
    moved = " OR ".join(f"{total} <> 0" for total in sums)
    return (
        f"INSERT INTO {spec.table} ({_columns(spec)}) SELECT {', '.join([day, *keys, *sums])} "
        f"FROM ({rows}) AS r WHERE r.{spec.at} IS NOT NULL AND ({spec.when.format(**r)}) "
        f"GROUP BY {group} HAVING {moved} ORDER BY {group} {_upsert(spec)}"
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
    # Statement-level, with transition tables: a bulk INSERT (carebot seed, a backfill) or
    # an UPDATE of many rows adds up its rows in one grouped statement per roll-up,
    # instead of one upsert per row and roll-up.
    added = "SELECT *, 1 AS sign FROM new_rows"
    taken = "SELECT *, -1 AS sign FROM old_rows"
    watched = _watched(specs)
    changed = " OR ".join(f"o.{c} IS DISTINCT FROM n.{c}" for c in watched)

    def function(event: str, rows: str, guard: str = "") -> str:
        body = " ".join(f"{_grouped(spec, 'postgresql', rows)};" for spec in specs)
        if guard:  # PostgreSQL has no column list with transition tables: check here
            body = f"IF {guard} THEN {body} END IF;"
        return (
            f"CREATE FUNCTION rollup_{source}_{event}() RETURNS trigger LANGUAGE plpgsql "
            f"AS $$ BEGIN {body} RETURN NULL; END $$"
        )

    def trigger(event: str, referencing: str) -> str:
        return (
            f"CREATE TRIGGER rollup_{source}_{event} AFTER {event.upper()} ON {source} "
            f"REFERENCING {referencing} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION rollup_{source}_{event}()"
        )

    moved = f"EXISTS (SELECT 1 FROM old_rows o JOIN new_rows n USING (id) WHERE {changed})"
    return [
        function("insert", added),
        trigger("insert", "NEW TABLE AS new_rows"),
        function("delete", taken),
        trigger("delete", "OLD TABLE AS old_rows"),
        function("update", f"{taken} UNION ALL {added}", guard=moved),
        trigger("update", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
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
        for event in ("insert", "delete", "update"):
            if conn.dialect.name == "postgresql":
                conn.execute(text(f"DROP FUNCTION IF EXISTS rollup_{source}_{event}() CASCADE"))
            else:
                conn.execute(text(f"DROP TRIGGER IF EXISTS rollup_{source}_{event}"))


def rebuild(conn: Connection) -> None:
    """Empty every roll-up table and add up the source tables again."""
    for table in dict.fromkeys(spec.table for spec in ROLLUPS):
        conn.execute(text(f"DELETE FROM {table}"))
    for spec in ROLLUPS:
        rows = f"SELECT *, 1 AS sign FROM {spec.source}"
        conn.execute(text(_grouped(spec, conn.dialect.name, rows)))


# Readers: the same specs give what a report reads. A roll-up table summed over whole days
# and each of its specs over the source rows of a partial day yield the same columns (the
# keys, then the sums), so a figure adds them up without restating any condition.


def specs_of(table: str) -> tuple[Rollup, ...]:
    """The specs that feed a roll-up table (daily_requests has two: opened, resolved)."""
    found = tuple(spec for spec in ROLLUPS if spec.table == table)
    if not found:
        raise KeyError(f"no roll-up table {table!r}")
    return found


def rolled_reader(table: str) -> TextClause:
    """SQL for a roll-up table's keys and summed columns over the days first <= day < last."""
    spec = specs_of(table)[0]
    keys = [name for name, _ in spec.keys]
    sums = [f"SUM({name})" for name, _ in spec.sums]
    group = f" GROUP BY {', '.join(keys)}" if keys else ""
    return text(
        f"SELECT {', '.join([*keys, *sums])} FROM {table} "
        f"WHERE day >= :first AND day < :last{group}"
    ).bindparams(bindparam("first", type_=Date()), bindparam("last", type_=Date()))


def counts_sql(spec: Rollup, dialect: str) -> str:
    """SQL for whether a source row (by its table's name) counts in the spec, for a query
    that selects the rows by a range of `at`."""
    when = spec.when.format(r=spec.source)
    if dialect == "sqlite":
        # Through _flag, so SQLite's planner cannot walk an index the condition names (a
        # duration's IS NOT NULL spans the whole table) instead of the short range of `at`.
        # PostgreSQL's estimates need the plain condition (a CASE sends it to a scan).
        return f"{_flag(when)} = 1"
    return f"({when})"


def edge_reader(spec: Rollup, dialect: str) -> TextClause:
    """SQL for what the spec adds to its table from the source rows with start <= at < end:
    the same keys and sums, grouped, as the triggers would have written them."""
    r = {"r": spec.source}
    keys = [expr.format(**r) for _, expr in spec.keys]
    sums = [f"SUM({expr.format(**r)})" for _, expr in spec.sums]
    group = f" GROUP BY {', '.join(str(i) for i in range(1, len(keys) + 1))}" if keys else ""
    at = f"{spec.source}.{spec.at}"
    return text(
        f"SELECT {', '.join([*keys, *sums])} FROM {spec.source} "
        f"WHERE {at} >= :start AND {at} < :end AND {counts_sql(spec, dialect)}{group}"
    ).bindparams(bindparam("start", type_=UtcDateTime()), bindparam("end", type_=UtcDateTime()))
