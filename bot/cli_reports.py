"""`carebot report` and `carebot export`: the staff reports from the database, without Telegram."""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from analytics.periods import PeriodError, parse_period
from bot.settings import ENV_PREFIX

_TAGS = re.compile(r"<[^>]+>")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#x27;": "'", "&amp;": "&"}


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the report and export subcommands."""
    report = sub.add_parser("report", help="print the staff report for a period")
    report.add_argument("--period", default="30d", help="7d, 30d, 90d, YYYY-MM, A..B (30d)")
    report.add_argument("--format", choices=("text", "json"), default="text")
    report.add_argument("--chart", metavar="FILE.png", help="also write the PNG dashboard")
    report.add_argument("--database-url", help="default: CAREBOT_DATABASE_URL")
    export = sub.add_parser("export", help="write requests, surveys and messages as CSV files")
    export.add_argument("--period", default="30d", help="as for report (30d)")
    export.add_argument("--out", required=True, metavar="DIR", help="folder for the CSV files")
    export.add_argument("--database-url", help="default: CAREBOT_DATABASE_URL")


def _plain(html: str) -> str:
    """Telegram HTML to terminal text."""
    text = _TAGS.sub("", html)
    for entity, char in _ENTITIES.items():
        text = text.replace(entity, char)
    return text


def _zone() -> ZoneInfo | None:
    name = os.environ.get(f"{ENV_PREFIX}TIMEZONE", "Europe/Rome")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        key = f"{ENV_PREFIX}TIMEZONE"
        print(f"carebot: invalid settings:\n  {key}: unknown time zone {name!r}", file=sys.stderr)
        return None


def run(args: argparse.Namespace, database_url: str) -> int:
    """Run `report` or `export`; return the exit code."""
    tz = _zone()
    if tz is None:
        return 2
    lang = "en" if os.environ.get(f"{ENV_PREFIX}STAFF_LANGUAGE", "it") == "en" else "it"
    now = datetime.now(UTC)
    try:
        period = parse_period(args.period, now=now, tz=tz)
    except PeriodError as exc:
        print(f"carebot: --period: {exc.message}", file=sys.stderr)
        return 2
    if args.command == "report":
        return asyncio.run(_report(args, database_url, period, now, tz, lang))
    return asyncio.run(_export(args, database_url, period, tz))


async def _report(
    args: argparse.Namespace, url: str, period: object, now: datetime, tz: ZoneInfo, lang: str
) -> int:
    from analytics.periods import Period
    from analytics.render_text import render_report_html
    from analytics.report import build_report
    from conversations.db import create_engine, migrate

    assert isinstance(period, Period)
    engine = create_engine(url)
    try:
        await migrate(engine)
        days = int(os.environ.get(f"{ENV_PREFIX}CHURN_INACTIVITY_DAYS", "180"))
        report = await build_report(
            engine,
            period,
            now=now,
            tz=tz,
            lang="en" if lang == "en" else "it",
            churn_inactivity_days=days,
        )
    finally:
        await engine.dispose()
    if args.format == "json":
        print(report.model_dump_json(indent=2))
    else:
        print(_plain(render_report_html(report)))
    if args.chart:
        from analytics.render_chart import render_dashboard

        await asyncio.to_thread(Path(args.chart).write_bytes, render_dashboard(report))
        print(f"chart written to {args.chart}", file=sys.stderr)
    return 0


async def _export(args: argparse.Namespace, url: str, period: object, tz: ZoneInfo) -> int:
    from analytics.periods import Period
    from analytics.render_csv import write_csv
    from conversations.db import create_engine, migrate

    assert isinstance(period, Period)
    out = Path(args.out)
    await asyncio.to_thread(out.mkdir, parents=True, exist_ok=True)
    engine = create_engine(url)
    try:
        await migrate(engine)
        for kind in ("requests", "surveys", "messages"):
            path = out / f"{kind}.csv"
            with path.open("w", encoding="utf-8", newline="") as handle:
                rows = await write_csv(engine, kind, period, handle, tz=tz)
            print(f"{path}: {rows} rows")
    finally:
        await engine.dispose()
    return 0
