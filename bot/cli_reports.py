"""`carebot report`, `carebot summary` and `carebot export`: the staff reports and the
managers' weekly summary from the database, without Telegram."""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from analytics.periods import Period, PeriodError, parse_period
from bot.settings import ReportSettings, Settings

_TAGS = re.compile(r"<[^>]+>")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&amp;": "&"}


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the report and export subcommands."""
    report = sub.add_parser("report", help="print the staff report for a period")
    report.add_argument("--period", default="30d", help="7d, 30d, 90d, YYYY-MM, A..B (30d)")
    report.add_argument("--format", choices=("text", "json"), default="text")
    report.add_argument("--chart", metavar="FILE.png", help="also write the PNG dashboard")
    report.add_argument("--database-url", help="default: CAREBOT_DATABASE_URL")
    summary = sub.add_parser("summary", help="preview the managers' weekly summary of a week")
    summary.add_argument("--week", help="ISO week such as 2026-W47 (default: last full week)")
    summary.add_argument("--lang", choices=("it", "en"), help="default: CAREBOT_STAFF_LANGUAGE")
    summary.add_argument("--chart", metavar="FILE.png", help="also write the PNG dashboard")
    summary.add_argument(
        "--send",
        action="store_true",
        help="send it to the subscribed managers who have not had it (needs the bot's settings)",
    )
    summary.add_argument("--database-url", help="default: CAREBOT_DATABASE_URL")
    export = sub.add_parser("export", help="write requests, surveys and messages as CSV files")
    export.add_argument("--period", default="30d", help="as for report (30d)")
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the CSV files")
    export.add_argument("--database-url", help="default: CAREBOT_DATABASE_URL")


def plain_text(html: str) -> str:
    """Telegram HTML to terminal text."""
    text = _TAGS.sub("", html)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text


def run(args: argparse.Namespace, settings: ReportSettings) -> int:
    """Run `report`, `summary` or `export` with the validated settings; return the exit code."""
    now = datetime.now(UTC)
    if args.command == "summary":
        return _summary(args, settings, now)
    try:
        period = parse_period(args.period, now=now, tz=settings.tz)
    except PeriodError as exc:
        print(f"carebot: --period: {exc.message}", file=sys.stderr)
        return 2
    if args.command == "report":
        return asyncio.run(_report(args, settings, period, now))
    return asyncio.run(_export(args, settings, period))


async def _report(
    args: argparse.Namespace, settings: ReportSettings, period: Period, now: datetime
) -> int:
    from analytics.render_text import render_report_html
    from bot.reporting import report_with
    from conversations.db import create_engine, migrate

    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        report = await report_with(engine, settings, period, now)
    finally:
        await engine.dispose()
    if args.format == "json":
        print(report.model_dump_json(indent=2))
    else:
        print(plain_text(render_report_html(report)))
    if args.chart:
        from analytics.render_chart import render_dashboard

        await asyncio.to_thread(Path(args.chart).write_bytes, render_dashboard(report))
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0


def _week(args: argparse.Namespace, settings: ReportSettings, now: datetime) -> Period | None:
    """The ISO week of --week (default: the last full week); None, said, when malformed."""
    from analytics.periods import iso_week, iso_week_of
    from conversations.weekly import last_full_week

    try:
        if args.week:
            return iso_week(args.week, settings.tz)
        return iso_week_of(last_full_week(now, settings.tz), settings.tz)
    except PeriodError as exc:
        print(f"carebot: --week: {exc.message}", file=sys.stderr)
        return None


def _summary(args: argparse.Namespace, settings: ReportSettings, now: datetime) -> int:
    period = _week(args, settings, now)
    if period is None:
        return 2
    return asyncio.run(_print_summary(args, settings, period, now))


def send_summary(args: argparse.Namespace, settings: Settings) -> int:
    """`carebot summary --send`: the week to every subscribed manager who has not had it
    (the ledger the weekly job keeps, so neither sends it twice); exit 1 if one failed."""
    from bot import logs

    logs.setup(settings.log_level, logs.secret_parts(settings.bot_token.get_secret_value()))
    now = datetime.now(UTC)
    period = _week(args, settings, now)
    if period is None:
        return 2
    return asyncio.run(_send_summary(settings, period, now))


async def _send_summary(settings: Settings, period: Period, now: datetime) -> int:
    from bot.app import build_application
    from bot.services import get_services
    from bot.weekly import send_week
    from conversations.db import migrate

    if not settings.manager_ids:
        print("carebot: no managers: set CAREBOT_MANAGER_IDS", file=sys.stderr)
        return 2
    app = build_application(settings, job_intervals=False)
    s = get_services(app)
    try:
        await migrate(s.db.engine)
        async with app:
            week = period.start.astimezone(settings.tz).date()
            outcome = await send_week(s, week, now)
    finally:
        await s.db.engine.dispose()
    print(f"{period.label}: sent to {len(outcome.sent)} manager(s) {_ids(outcome.sent)}")
    if outcome.had_it:
        print(f"already had it (not sent again): {_ids(outcome.had_it)}")
    for manager, error in outcome.failed.items():
        print(f"not sent to {manager}: {error} (has the manager pressed Start?)", file=sys.stderr)
    return 1 if outcome.failed else 0


def _ids(ids: list[int]) -> str:
    return ", ".join(str(i) for i in ids) or "-"


async def _print_summary(
    args: argparse.Namespace, settings: ReportSettings, period: Period, now: datetime
) -> int:
    from bot.summary import weekly_summary
    from conversations.db import create_engine, migrate
    from conversations.store import Database

    db = Database(create_engine(settings.database_url))
    try:
        await migrate(db.engine)
        built = await weekly_summary(db, settings, period, now, lang=args.lang)
    finally:
        await db.engine.dispose()
    print(plain_text(built.html()))
    if args.chart:
        png = await built.chart()
        await asyncio.to_thread(Path(args.chart).write_bytes, png)
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0


async def _export(args: argparse.Namespace, settings: ReportSettings, period: Period) -> int:
    from analytics.render_csv import write_csv
    from conversations.db import create_engine, migrate

    out = Path(args.out)
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    try:
        await migrate(engine)
        for kind in ("requests", "surveys", "messages"):
            path = out / f"{kind}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                rows = await write_csv(engine, kind, period, handle, tz=settings.tz)
            print(f"{path}: {rows} rows")
    finally:
        await engine.dispose()
    return 0
