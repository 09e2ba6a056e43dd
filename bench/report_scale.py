"""/report at scale: time build_report against hand-written SQL over the same rows.

Seeds (or reuses) a database of 100k customers, 1M requests and 1M survey responses
(about 5M messages, seed's default of 5 per request), then for each period (30d, 365d)
times the report as /report builds it (no Telegram): `analytics.risk_snapshot.fresh_risk`
then `analytics.report.build_report` with that churn-risk list; and the "floor" in the
same run, on the same engine, alternating call by call. The background job that scores
the churn-risk list (`refresh_risk`, every CAREBOT_RISK_REFRESH_MINUTES in the bot) is
timed too, in its own column. The floor:

* NPS floor: ONE raw SQL statement counting promoters, passives and detractors scored in
  the period and the surveys sent in it (what the report's headline NPS needs);
* report floor: the NPS statement plus three more single statements for the other
  headline figures (pillar averages; first-response and resolution count and mean; the
  customers lost to churn), run back to back on one connection.

The report does more than the floor (breakdowns, a 12-week trend, percentiles, pillar
mentions in message texts, churn risk), so the ratio is the price of everything it adds
on top of the headline numbers. Both sides include opening a connection. `now` is the
fixed moment the data was seeded at (kept in a `bench_meta` table), so periods hold data.

    .venv/bin/python bench/report_scale.py --engine sqlite [--reuse /tmp/carebot_bench.db]
    .venv/bin/python bench/report_scale.py --engine postgres [--database-url URL]
    ... --profile   # also time every build_*/queries.* function and statement, EXPLAIN the top

Prints Markdown tables. Targets: report median <= 1 s and <= 3x the report floor.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import inspect
import json
import re
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy import TextClause, bindparam, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from analytics import queries as q
from analytics import report as r
from analytics.churn_risk import RiskWeights
from analytics.periods import Period, parse_period
from analytics.risk_snapshot import fresh_risk, refresh_risk
from conversations.db import create_engine, current_revision, migrate
from conversations.schema import UtcDateTime
from conversations.seed import seed

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # the moment the data is seeded at
TZ = ZoneInfo("Europe/Rome")
PERIODS = ("30d", "365d")
TARGET_SECONDS = 1.0
TARGET_RATIO = 3.0
PG_DEFAULT = "postgresql+asyncpg://postgres@127.0.0.1:5432/carebot_bench"
SQLITE_DEFAULT = Path("/tmp/carebot_bench.db")
CHURN_DAYS = 180
WEIGHTS = RiskWeights()

# --- the floor ------------------------------------------------------------------------


def _stmt(sql: str, *times: str) -> TextClause:
    """Return a text() statement whose datetime parameters bind like the app's columns."""
    return text(sql).bindparams(*(bindparam(name, type_=UtcDateTime()) for name in times))


IN_SCORED = "scored_at >= :start AND scored_at < :end"
IN_SENT = "sent_at >= :start AND sent_at < :end"
IN_FIRST = "first_response_at >= :start AND first_response_at < :end"
IN_RESOLVED = "status = 'resolved' AND resolved_at >= :start AND resolved_at < :end"

FLOOR_NPS = _stmt(
    f"""
    SELECT
      SUM(CASE WHEN score >= 9 AND {IN_SCORED} THEN 1 ELSE 0 END),
      SUM(CASE WHEN score IN (7, 8) AND {IN_SCORED} THEN 1 ELSE 0 END),
      SUM(CASE WHEN score <= 6 AND {IN_SCORED} THEN 1 ELSE 0 END),
      SUM(CASE WHEN {IN_SENT} THEN 1 ELSE 0 END)
    FROM surveys
    WHERE ({IN_SCORED}) OR ({IN_SENT})
    """,
    "start",
    "end",
)
FLOOR_PILLARS = _stmt(
    """
    SELECT pillar, AVG(pillar_score), COUNT(pillar_score)
    FROM surveys
    WHERE pillar_score IS NOT NULL AND pillar_at >= :start AND pillar_at < :end
    GROUP BY pillar
    """,
    "start",
    "end",
)
FLOOR_SERVICE = _stmt(
    f"""
    SELECT
      SUM(CASE WHEN {IN_FIRST} THEN 1 ELSE 0 END),
      AVG(CASE WHEN {IN_FIRST} THEN first_response_seconds END),
      SUM(CASE WHEN {IN_RESOLVED} THEN 1 ELSE 0 END),
      AVG(CASE WHEN {IN_RESOLVED} THEN resolution_seconds END)
    FROM requests
    WHERE ({IN_FIRST}) OR ({IN_RESOLVED})
    """,
    "start",
    "end",
)
FLOOR_CHURN = _stmt(
    """
    SELECT COUNT(*) FROM customers
    WHERE (churned_at IS NOT NULL AND churned_at <= :now)
       OR COALESCE(last_contact_at, created_at) <= :cutoff
    """,
    "now",
    "cutoff",
)
FLOOR_NAMES = ("nps", "pillars", "service", "churn")


async def floor_nps(conn: AsyncConnection, period: Period) -> tuple[int, int, int, int]:
    """Return (promoters, passives, detractors, sent) with the one NPS statement."""
    row = (await conn.execute(FLOOR_NPS, {"start": period.start, "end": period.end})).one()
    return (int(row[0] or 0), int(row[1] or 0), int(row[2] or 0), int(row[3] or 0))


async def floor_report(conn: AsyncConnection, period: Period) -> dict[str, float]:
    """Run the four floor statements; return each one's seconds."""
    bounds = {"start": period.start, "end": period.end}
    spent: dict[str, float] = {}
    t0 = time.perf_counter()
    await floor_nps(conn, period)
    t1 = time.perf_counter()
    (await conn.execute(FLOOR_PILLARS, bounds)).all()
    t2 = time.perf_counter()
    (await conn.execute(FLOOR_SERVICE, bounds)).one()
    t3 = time.perf_counter()
    cutoff = NOW - timedelta(days=CHURN_DAYS)
    (await conn.execute(FLOOR_CHURN, {"now": NOW, "cutoff": cutoff})).one()
    t4 = time.perf_counter()
    spent.update(nps=t1 - t0, pillars=t2 - t1, service=t3 - t2, churn=t4 - t3)
    return spent


# --- database set-up ------------------------------------------------------------------


@dataclass(frozen=True)
class Wanted:
    customers: int
    requests: int
    responses: int
    seed: int = 0

    def meta(self) -> dict[str, Any]:
        return {**asdict(self), "now": NOW.isoformat()}


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def head_revision() -> str | None:
    """Return the newest migration of the code being measured."""
    from importlib.resources import files

    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(files("conversations") / "migrations"))
    return ScriptDirectory.from_config(cfg).get_current_head()


def code_version() -> str:
    """Return the commit, whether the read side has uncommitted changes, and their hash."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha1()
    for folder in ("analytics", "conversations"):
        for source in sorted((root / folder).rglob("*.py")):
            digest.update(source.read_bytes())

    def git(*argv: str) -> str:
        try:
            done = subprocess.run(
                ["git", *argv], cwd=root, capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return "?"
        return done.stdout.strip()

    dirty = (
        " + uncommitted changes"
        if git("status", "--porcelain", "analytics", "conversations")
        else ""
    )
    return (
        f"git {git('rev-parse', '--short', 'HEAD')}{dirty}, sources sha1 {digest.hexdigest()[:10]}"
    )


async def _read_meta(engine: AsyncEngine) -> dict[str, Any] | None:
    # Seeded under an older schema: new migrations may add tables seed now fills.
    if await current_revision(engine) != head_revision():
        return None
    async with engine.connect() as conn:
        found = (
            await conn.exec_driver_sql(
                "SELECT 1 FROM information_schema.tables WHERE table_name = 'bench_meta'"
                if conn.dialect.name == "postgresql"
                else "SELECT 1 FROM sqlite_master WHERE name = 'bench_meta'"
            )
        ).first()
        if not found:
            return None
        row = (await conn.exec_driver_sql("SELECT v FROM bench_meta WHERE k = 'seed'")).first()
        if row is None:
            return None
        meta: dict[str, Any] = json.loads(row[0])
        # The rows must still be those seeded (nobody wrote or deleted since).
        for table in ("customers", "requests", "surveys", "messages"):
            (n,) = (await conn.exec_driver_sql(f"SELECT COUNT(*) FROM {table}")).one()
            if n != meta.get("counts", {}).get(table):
                return None
        return meta


async def _seed(engine: AsyncEngine, wanted: Wanted) -> dict[str, Any]:
    await migrate(engine)
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        if time.monotonic() - last[0] > 15 or done == total:
            last[0] = time.monotonic()
            _log(f"  seeding {stage}: {done:,}/{total:,}")

    started = time.monotonic()
    counts = await seed(
        engine,
        customers=wanted.customers,
        requests=wanted.requests,
        responses=wanted.responses,
        seed=wanted.seed,
        now=NOW,
        progress=progress,
    )
    seconds = time.monotonic() - started
    _log(f"  seeded in {seconds:.0f} s: {counts}")
    meta = {
        **wanted.meta(),
        "seed_seconds": round(seconds, 1),
        "counts": {
            "customers": counts.customers,
            "requests": counts.requests,
            "surveys": counts.surveys,
            "messages": counts.messages,
        },
    }
    async with engine.connect() as conn:
        # Outside any transaction, on the driver's own connection.
        raw = await conn.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        if conn.dialect.name == "postgresql":
            # What autovacuum does soon after a bulk load: statistics and visibility map.
            started = time.monotonic()
            await driver.execute("VACUUM ANALYZE")
            _log(f"  VACUUM ANALYZE in {time.monotonic() - started:.0f} s")
        else:
            await driver.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        await conn.exec_driver_sql(
            "CREATE TABLE IF NOT EXISTS bench_meta (k TEXT PRIMARY KEY, v TEXT)"
        )
        await conn.exec_driver_sql("DELETE FROM bench_meta")
        await conn.execute(
            text("INSERT INTO bench_meta (k, v) VALUES ('seed', :v)"), {"v": json.dumps(meta)}
        )
        await conn.commit()
    return meta


def _matches(meta: dict[str, Any] | None, wanted: Wanted) -> bool:
    return meta is not None and all(meta.get(k) == v for k, v in wanted.meta().items())


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


async def _reuse(url: str, wanted: Wanted, label: str) -> tuple[AsyncEngine, dict[str, Any]] | None:
    """An engine on an existing database already seeded as wanted, else None."""
    engine = create_engine(url)
    try:
        meta = await _read_meta(engine)
    except Exception:
        meta = None
    if _matches(meta, wanted):
        _log(f"reusing {label}")
        assert meta is not None
        return engine, meta
    await engine.dispose()
    return None


async def sqlite_engine(path: Path, wanted: Wanted) -> tuple[AsyncEngine, dict[str, Any]]:
    """Return an engine on the seeded file, seeding it first if missing or different."""
    url = f"sqlite+aiosqlite:///{path}"
    if await asyncio.to_thread(path.exists):
        reused = await _reuse(url, wanted, str(path))
        if reused is not None:
            return reused
        _log(f"{path} holds other data: seeding it again")
        _remove_sqlite(path)
    else:
        _log(f"seeding {path}")
    engine = create_engine(url)
    return engine, await _seed(engine, wanted)


async def _admin(url: str) -> Any:
    parts = make_url(url)
    return await asyncpg.connect(
        host=parts.host or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password,
        database="postgres",
    )


async def postgres_engine(url: str, wanted: Wanted) -> tuple[AsyncEngine, dict[str, Any]]:
    """Return an engine on the bench database, creating and seeding it when needed."""
    name = make_url(url).database
    assert name, "the database URL must name a database"
    admin = await _admin(url)
    try:
        exists = await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name)
        if exists:
            reused = await _reuse(url, wanted, f"database {name}")
            if reused is not None:
                return reused
            _log(f"database {name} holds other data: dropping it")
            await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        _log(f"creating and seeding database {name}")
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    engine = create_engine(url)
    return engine, await _seed(engine, wanted)


async def drop_postgres(url: str) -> str:
    """Drop the bench database; return its size before."""
    name = make_url(url).database
    admin = await _admin(url)
    try:
        size = await admin.fetchval("SELECT pg_size_pretty(pg_database_size($1))", name)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()
    return str(size)


# --- timing ---------------------------------------------------------------------------


@dataclass
class PeriodResult:
    period: str
    surveys: int  # surveys sent in the period
    messages: int  # messages written in the period
    cold: float
    report: list[float] = field(default_factory=list)
    refresh: list[float] = field(default_factory=list)  # the background risk scoring
    nps_floor: list[float] = field(default_factory=list)
    floor: list[float] = field(default_factory=list)
    floor_parts: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    nps_check: str = ""


RISK_MAX_AGE = timedelta(minutes=20)  # what the bot allows at CAREBOT_RISK_REFRESH_MINUTES=10


async def _report(engine: AsyncEngine, period: Period) -> r.Report:
    """Return the report as /report builds it: churn risk from the background snapshot."""
    risk = await fresh_risk(engine, now=NOW, weights=WEIGHTS, max_age=RISK_MAX_AGE, top_n=3)
    if risk is None:
        raise RuntimeError("no fresh risk snapshot: refresh_risk first")
    return await r.build_report(engine, period, now=NOW, tz=TZ, lang="en", risk=risk)


async def _refresh(engine: AsyncEngine) -> r.RiskSection:
    """Score every customer's churn risk and store it: the bot's background job."""
    return await refresh_risk(engine, now=NOW, tz=TZ, weights=WEIGHTS)


async def _timed(make: Callable[[], Awaitable[Any]]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    value = await make()
    return time.perf_counter() - t0, value


async def _floor(engine: AsyncEngine, period: Period) -> dict[str, float]:
    async with engine.connect() as conn:
        return await floor_report(conn, period)


async def _nps_only(engine: AsyncEngine, period: Period) -> tuple[int, int, int, int]:
    async with engine.connect() as conn:
        return await floor_nps(conn, period)


async def in_period(engine: AsyncEngine, period: Period) -> tuple[int, int]:
    """Return the surveys sent and the messages written in the period (not timed)."""
    bounds = {"start": period.start, "end": period.end}
    async with engine.connect() as conn:
        surveys = (
            await conn.execute(
                _stmt(f"SELECT COUNT(*) FROM surveys WHERE {IN_SENT}", "start", "end"), bounds
            )
        ).scalar_one()
        messages = (
            await conn.execute(
                _stmt(
                    "SELECT COUNT(*) FROM messages"
                    " WHERE created_at >= :start AND created_at < :end",
                    "start",
                    "end",
                ),
                bounds,
            )
        ).scalar_one()
    return int(surveys), int(messages)


async def measure(engine: AsyncEngine, text_period: str, repeat: int) -> PeriodResult:
    period = parse_period(text_period, now=NOW, tz=TZ)
    surveys, messages = await in_period(engine, period)
    await _refresh(engine)
    cold, report = await _timed(lambda: _report(engine, period))
    result = PeriodResult(text_period, surveys, messages, cold)
    counts = await _nps_only(engine, period)
    mine = (
        report.nps.current.promoters,
        report.nps.current.passives,
        report.nps.current.detractors,
        report.nps.sent,
    )
    result.nps_check = "same" if counts == mine else f"DIFFERENT: floor {counts}, report {mine}"
    for _ in range(repeat):
        # Alternate so that both sides see the same machine load.
        seconds, _ = await _timed(lambda: _report(engine, period))
        result.report.append(seconds)
        seconds, _ = await _timed(lambda: _nps_only(engine, period))
        result.nps_floor.append(seconds)
        seconds, parts = await _timed(lambda: _floor(engine, period))
        result.floor.append(seconds)
        for name, value in parts.items():
            result.floor_parts[name].append(value)
        seconds, _ = await _timed(lambda: _refresh(engine))
        result.refresh.append(seconds)
    return result


# --- profile --------------------------------------------------------------------------


def _profiled(module: Any, skip: tuple[str, ...]) -> list[str]:
    """Return the async functions a module defines (found anew: analytics is being tuned)."""
    return [
        name
        for name, value in vars(module).items()
        if inspect.iscoroutinefunction(value)
        and value.__module__ == module.__name__
        and name not in skip
    ]


@dataclass
class Statement:
    sql: str
    params: Any
    seconds: list[float] = field(default_factory=list)


class Profiler:
    """Inclusive time of each wrapped function (by call path) and of each SQL statement."""

    def __init__(self) -> None:
        self.stack: list[str] = []
        self.run_funcs: dict[str, float] = defaultdict(float)
        self.funcs: dict[str, list[float]] = defaultdict(list)
        self.run_ordinal: dict[str, int] = defaultdict(int)
        self.statements: dict[tuple[str, int], Statement] = {}
        self._started = 0.0

    def wrap(self, name: str, fn: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
        async def wrapper(*args: Any, **kwargs: Any) -> Any:
            self.stack.append(name)
            path = " › ".join(self.stack)
            t0 = time.perf_counter()
            try:
                return await fn(*args, **kwargs)
            finally:
                self.run_funcs[path] += time.perf_counter() - t0
                self.stack.pop()

        return wrapper

    def before(self, *_: Any) -> None:
        self._started = time.perf_counter()

    def after(self, _conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        seconds = time.perf_counter() - self._started
        path = " › ".join(self.stack) or "?"
        self.run_ordinal[path] += 1
        key = (path, self.run_ordinal[path])
        found = self.statements.get(key)
        if found is None:
            found = self.statements[key] = Statement(statement, params)
        found.params = params
        found.seconds.append(seconds)

    def end_run(self) -> None:
        for path, seconds in self.run_funcs.items():
            self.funcs[path].append(seconds)
        self.run_funcs.clear()
        self.run_ordinal.clear()


@contextmanager
def profiling(engine: AsyncEngine, profiler: Profiler) -> Iterator[None]:
    """Wrap the async functions of analytics.report and .queries; time statements; undo after."""
    saved: list[tuple[Any, str, Any]] = []
    for module, skip in ((r, ("build_report", "build_whois_extras")), (q, ())):
        for name in _profiled(module, skip):
            original = getattr(module, name)
            saved.append((module, name, original))
            setattr(module, name, profiler.wrap(name, original))
    event.listen(engine.sync_engine, "before_cursor_execute", profiler.before)
    event.listen(engine.sync_engine, "after_cursor_execute", profiler.after)
    try:
        yield
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", profiler.before)
        event.remove(engine.sync_engine, "after_cursor_execute", profiler.after)
        for module, name, original in saved:
            setattr(module, name, original)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f}" if seconds >= 0.0095 else f"{seconds * 1000:.1f}"


_PARAM_LIST = re.compile(r"\((?:\?|\$\d+)(?:, (?:\?|\$\d+)){3,}\)")


def _one_line(sql: str, width: int) -> str:
    flat = _PARAM_LIST.sub(lambda m: f"({m.group(0).count(',') + 1} params)", " ".join(sql.split()))
    return flat if len(flat) <= width else flat[: width - 1] + "…"


async def explain(engine: AsyncEngine, statement: Statement) -> list[str]:
    """Return the plan of a captured statement (PostgreSQL: with actual times)."""
    async with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            prefix = "EXPLAIN (ANALYZE, BUFFERS) "
        else:
            prefix = "EXPLAIN QUERY PLAN "
        rows = (await conn.exec_driver_sql(prefix + statement.sql, statement.params)).all()
        await conn.rollback()
    if conn.dialect.name == "postgresql":
        return [str(row[0]) for row in rows]
    return [str(row[-1]) for row in rows]


async def profile(engine: AsyncEngine, text_period: str, repeat: int, top: int) -> None:
    period = parse_period(text_period, now=NOW, tz=TZ)
    await _refresh(engine)
    profiler = Profiler()
    totals: list[float] = []
    report: r.Report | None = None
    with profiling(engine, profiler):
        for _ in range(repeat):
            seconds, report = await _timed(lambda: _report(engine, period))
            totals.append(seconds)
            profiler.end_run()
    assert report is not None
    total = statistics.median(totals)
    print(
        f"\n#### Profile {engine.dialect.name} {text_period}: "
        f"median of {repeat} reports, {_ms(total)} ms "
        f"(risk section scored {report.risk.scored:,} customers)\n"
    )
    statements = sorted(
        profiler.statements.items(), key=lambda item: -statistics.median(item[1].seconds)
    )
    own_sql: dict[str, float] = defaultdict(float)
    own_n: dict[str, int] = defaultdict(int)
    for (path, _), found in statements:
        own_sql[path] += statistics.median(found.seconds)
        own_n[path] += 1
    print(
        "Inclusive time of each function; 'own SQL' is the time of the statements it "
        "issued itself (not in a wrapped callee), the rest of its time is Python and callees.\n"
    )
    print("| function (call path) | median ms | share | own SQL ms (statements) |")
    print("|---|---:|---:|---:|")
    for path, values in profiler.funcs.items():
        median = statistics.median(values)
        print(
            f"| {path} | {_ms(median)} | {median / total:.0%} "
            f"| {_ms(own_sql[path])} ({own_n[path]}) |"
        )
    spent = sum(statistics.median(s.seconds) for _, s in statements)
    print(f"\n{len(statements)} statements, {_ms(spent)} ms in the driver ({spent / total:.0%});")
    print("slowest first:\n")
    print("| # | function › statement n | median ms | SQL |")
    print("|---:|---|---:|---|")
    for rank, ((path, ordinal), found) in enumerate(statements[: max(top, 15)], start=1):
        median = statistics.median(found.seconds)
        print(f"| {rank} | {path} #{ordinal} | {_ms(median)} | `{_one_line(found.sql, 150)}` |")
    for rank, ((path, ordinal), found) in enumerate(statements[:top], start=1):
        print(f"\nPlan {rank} ({path} #{ordinal}):\n")
        print("```")
        print(_one_line(found.sql, 600))
        try:
            for line in await explain(engine, found):
                print(line)
        except Exception as exc:  # a plan is a bonus; keep going
            print(f"(EXPLAIN failed: {exc})")
        print("```")


# --- output ---------------------------------------------------------------------------


def _span(values: list[float]) -> str:
    return f"{_ms(min(values))}–{_ms(max(values))}"


def table(engine_label: str, results: list[PeriodResult], repeat: int) -> None:
    print(
        f"\n| engine | period | surveys / messages in period | report cold ms "
        f"| report median ms (min–max, {repeat} runs) | NPS floor median ms "
        f"| report floor median ms | ratio report / report floor | ≤ 1 s | ≤ 3× "
        f"| risk refresh median ms (background) |"
    )
    print("|---|---|---|---:|---:|---:|---:|---:|---|---|---:|")
    for res in results:
        report = statistics.median(res.report)
        floor = statistics.median(res.floor)
        ratio = report / floor if floor else float("inf")
        print(
            f"| {engine_label} | {res.period} | {res.surveys:,} / {res.messages:,} "
            f"| {_ms(res.cold)} | {_ms(report)} ({_span(res.report)}) "
            f"| {_ms(statistics.median(res.nps_floor))} | {_ms(floor)} | {ratio:.1f}× "
            f"| {'yes' if report <= TARGET_SECONDS else 'no'} "
            f"| {'yes' if ratio <= TARGET_RATIO else 'no'} "
            f"| {_ms(statistics.median(res.refresh))} |"
        )
    print()
    for res in results:
        parts = ", ".join(
            f"{name} {_ms(statistics.median(res.floor_parts[name]))}" for name in FLOOR_NAMES
        )
        print(
            f"- {res.period}: report floor parts (median ms): {parts}; "
            f"NPS counts vs report: {res.nps_check}"
        )


async def main_async(args: argparse.Namespace) -> None:
    wanted = Wanted(args.customers, args.requests, args.responses, args.seed)
    if args.engine == "sqlite":
        engine, meta = await sqlite_engine(Path(args.reuse), wanted)
    else:
        engine, meta = await postgres_engine(args.database_url, wanted)
    try:
        counts = meta["counts"]
        label = f"{'SQLite' if args.engine == 'sqlite' else 'PostgreSQL'}"
        async with engine.connect() as conn:
            version = (
                await conn.exec_driver_sql(
                    "SHOW server_version"
                    if args.engine == "postgres"
                    else "SELECT sqlite_version()"
                )
            ).scalar_one()
        print(
            f"{label} {version}: {counts['customers']:,} customers, "
            f"{counts['requests']:,} requests, {counts['surveys']:,} surveys, "
            f"{counts['messages']:,} messages; now = {NOW.isoformat()}, "
            f"tz {TZ.key}"
            + (f"; seeded in {meta['seed_seconds']} s" if "seed_seconds" in meta else "")
        )
        print(f"schema {await current_revision(engine)}; code: {code_version()}")
        if not args.skip_timing:
            results = []
            for text_period in PERIODS:
                _log(f"timing {text_period}")
                results.append(await measure(engine, text_period, args.repeat))
            table(label, results, args.repeat)
        if args.profile:
            for text_period in PERIODS:
                _log(f"profiling {text_period}")
                await profile(engine, text_period, args.profile_repeat, args.explain)
    finally:
        await engine.dispose()
    if args.drop:
        if args.engine == "sqlite":
            _remove_sqlite(Path(args.reuse))
            _log(f"removed {args.reuse}")
        else:
            size = await drop_postgres(args.database_url)
            _log(f"dropped database {make_url(args.database_url).database} ({size})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default=PG_DEFAULT, help="PostgreSQL only")
    parser.add_argument(
        "--reuse",
        default=str(SQLITE_DEFAULT),
        help="SQLite file, seeded only if missing or different",
    )
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="time each function and statement")
    parser.add_argument("--profile-repeat", type=int, default=3)
    parser.add_argument("--skip-timing", action="store_true", help="with --profile: only profile")
    parser.add_argument("--explain", type=int, default=4, help="plans of the N slowest statements")
    parser.add_argument(
        "--drop", action="store_true", help="delete the file / drop the database after"
    )
    args = parser.parse_args()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
