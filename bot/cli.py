"""The `carebot` command: run, check, migrate, backup, restore, demo, seed, import-customers,
report, summary, export."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bot import cli_reports
from bot.settings import (
    ReportSettings,
    S,
    Settings,
    SettingsError,
    StoreSettings,
    load,
    load_settings,
)

log = logging.getLogger("carebot")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="carebot",
        description="Telegram customer-care assistant: helpdesk relay, surveys and analytics.",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the bot (long polling, or --webhook)")
    run.add_argument(
        "--webhook",
        action="store_true",
        help="receive updates on CAREBOT_WEBHOOK_URL (needs CAREBOT_WEBHOOK_SECRET)",
    )
    sub.add_parser("migrate", help="create or upgrade the database schema")
    sub.add_parser("check", help="check the token, staff groups, managers, database, webhook")
    back = sub.add_parser("backup", help="copy the SQLite database while the bot runs")
    back.add_argument("file", help="the new file to write (never overwritten)")
    back.add_argument("--database-url", help="default: CAREBOT_DATABASE_URL")
    rest = sub.add_parser("restore", help="put a backup in place of the database (bot stopped)")
    rest.add_argument("file", help="a file carebot backup wrote")
    rest.add_argument("--database-url", help="default: CAREBOT_DATABASE_URL")
    demo = sub.add_parser(
        "demo", help="play a day at the help desk against a built-in fake Telegram"
    )
    demo.add_argument("--fast", action="store_true", help="no pauses between steps")
    seed = sub.add_parser(
        "seed", help="fill an empty database with a year of synthetic data (demos, benchmarks)"
    )
    seed.add_argument("--customers", type=int, required=True, help="number of customers")
    seed.add_argument("--requests", type=int, required=True, help="number of requests")
    seed.add_argument(
        "--responses", type=int, required=True, help="number of surveys (at most --requests)"
    )
    seed.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    seed.add_argument(
        "--messages-per-request", type=float, default=None, help="mean messages per request (5)"
    )
    seed.add_argument("--database-url", help="default: CAREBOT_DATABASE_URL")
    imp = sub.add_parser(
        "import-customers",
        help="import revenue, relationship start, acquisition cost and churn from a CSV file",
    )
    imp.add_argument("file", help="CSV with telegram_user_id or external_id, name, ...")
    imp.add_argument("--database-url", help="default: CAREBOT_DATABASE_URL")
    cli_reports.add_parsers(sub)
    return parser


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"carebot: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_run(webhook: bool) -> int:
    """Run the bot until interrupted; exit 1 with a one-line reason when it cannot go on."""
    from telegram.error import InvalidToken

    from bot import logs, malloc
    from bot.app import build_application
    from bot.lifecycle import serve_forever
    from bot.polling import PollingFailed

    malloc.limit_arenas()  # before any thread allocates
    settings = _settings()
    secrets = logs.secret_parts(settings.bot_token.get_secret_value())
    if settings.webhook_secret is not None:
        secrets.append(settings.webhook_secret.get_secret_value())
    formatter = logs.setup(settings.log_level, secrets)
    if webhook and (not settings.webhook_url or settings.webhook_secret is None):
        print(
            "carebot: invalid settings:\n  CAREBOT_WEBHOOK_URL: is required for --webhook",
            file=sys.stderr,
        )
        return 2
    app = build_application(settings)
    try:
        # Webhook mode answers Telegram only after an update was processed (bot/webhook.py).
        asyncio.run(serve_forever(app, webhook=webhook))
    except InvalidToken:  # PTB's own message quotes the token
        reason = (
            "Telegram rejected the bot token (401 Unauthorized or 404 Not Found): check "
            "CAREBOT_BOT_TOKEN and CAREBOT_TELEGRAM_API_URL"
        )
    except PollingFailed as exc:
        reason = str(exc)
    except Exception as exc:  # logged through the redacting formatter, not Python's hook
        log.critical("carebot stopped on an unexpected error", exc_info=exc)
        reason = f"unexpected error: {type(exc).__name__}"
    else:
        return 0
    print(f"carebot: stopping: {formatter.redact(reason)}", file=sys.stderr)
    return 1


def cmd_migrate() -> int:
    """Apply database migrations and report the revision."""
    from conversations.db import create_engine, current_revision, migrate

    store = _load(StoreSettings, None)
    if store is None:
        return 2

    async def go() -> str | None:
        engine = create_engine(store.database_url)
        try:
            await migrate(engine)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    revision = asyncio.run(go())
    print(f"database at revision {revision}")
    return 0


def cmd_check() -> int:
    """Print every setup check with its fix; exit 1 when one failed."""
    from telegram import Bot

    from bot import logs
    from bot.setup_check import Finding, Level, check_setup
    from conversations.db import create_engine
    from conversations.store import Database

    settings = _settings()
    logs.setup("WARNING", logs.secret_parts(settings.bot_token.get_secret_value()))

    async def go() -> list[Finding]:
        bot = Bot(settings.bot_token.get_secret_value(), base_url=settings.bot_url)
        db = Database(create_engine(settings.database_url))
        try:
            return await check_setup(bot, settings, db)
        finally:
            await db.engine.dispose()
            await bot.shutdown()  # a no-op when the token was refused

    findings = asyncio.run(go())
    print("\n".join(f.line() for f in findings))
    return 1 if any(f.level == Level.FAIL for f in findings) else 0


def cmd_backup(command: str, file: Path, database_url: str | None) -> int:
    """`backup FILE` or `restore FILE`; exit 2 with the reason when refused."""
    from conversations.backup import BackupError, backup, restore

    store = _load(StoreSettings, database_url)
    if store is None:
        return 2
    try:
        if command == "backup":
            revision = backup(store.database_url, file)
            print(f"backup written to {file} (schema {revision})")
        else:
            revision, kept = restore(store.database_url, file)
            print(f"restored {file} (schema {revision}; carebot run migrates it if older)")
            if kept is not None:
                print(f"the database as it was is kept in {kept}")
    except BackupError as exc:
        print(f"carebot: {command}: {exc}", file=sys.stderr)
        return 2
    return 0


def _load(kind: type[S], database_url: str | None) -> S | None:
    """The settings a command needs (--database-url overriding CAREBOT_DATABASE_URL);
    None, with the settings error printed, when they are invalid."""
    overrides: dict[str, Any] = {"database_url": database_url} if database_url else {}
    try:
        return load(kind, None, ".env", **overrides)
    except SettingsError as exc:
        print(f"carebot: {exc}", file=sys.stderr)
        return None


class _ProgressBar:
    """A one-line text progress bar on stderr, one line per stage."""

    def __init__(self) -> None:
        self.stage = ""
        self.shown = -1

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self.stage:
            if self.stage:
                sys.stderr.write("\n")
            self.stage, self.shown = stage, -1
        percent = 100 if total <= 0 else done * 100 // total
        if percent == self.shown:
            return
        self.shown = percent
        bar = "#" * (percent // 4) + "." * (25 - percent // 4)
        sys.stderr.write(f"\r{stage:<10} [{bar}] {percent:3d}%  {done:,}/{total:,}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.stage:
            sys.stderr.write("\n")
            sys.stderr.flush()


def cmd_seed(
    url_arg: str | None,
    customers: int,
    requests: int,
    responses: int,
    seed: int,
    messages_per_request: float | None,
) -> int:
    """Migrate, then fill the database with synthetic data and report the counts."""
    import time
    from datetime import UTC, datetime

    from conversations.db import create_engine, migrate
    from conversations.seed import SeedCounts
    from conversations.seed import seed as run_seed

    store = _load(StoreSettings, url_arg)
    if store is None:
        return 2
    url = store.database_url
    if min(customers, requests, responses) < 0 or responses > requests:
        print("carebot: counts must be >= 0 and --responses <= --requests", file=sys.stderr)
        return 2
    bar = _ProgressBar()

    async def go() -> SeedCounts:
        engine = create_engine(url)
        try:
            await migrate(engine)
            return await run_seed(
                engine,
                customers=customers,
                requests=requests,
                responses=responses,
                seed=seed,
                now=datetime.now(UTC),
                progress=bar,
                messages_per_request=messages_per_request,
            )
        finally:
            await engine.dispose()

    started = time.monotonic()
    try:
        counts = asyncio.run(go())
    except ValueError as exc:
        bar.close()
        print(f"carebot: {exc}", file=sys.stderr)
        return 1
    bar.close()
    print(f"seeded in {time.monotonic() - started:.1f}s: {counts}")
    return 0


def cmd_import_customers(url_arg: str | None, path: str) -> int:
    """Import the customer file, or list every bad line on stderr and import nothing."""
    from datetime import UTC, datetime
    from pathlib import Path

    from conversations.customer_import import (
        CustomerImportError,
        ImportCounts,
        import_customers,
        parse_customers,
    )
    from conversations.db import create_engine, migrate

    store = _load(StoreSettings, url_arg)
    if store is None:
        return 2
    url = store.database_url
    try:
        rows = parse_customers(Path(path).read_bytes())
    except OSError as exc:
        print(f"carebot: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 1
    except CustomerImportError as exc:
        print(f"carebot: {path}: nothing imported, fix these lines:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 1

    async def go() -> ImportCounts:
        engine = create_engine(url)
        try:
            await migrate(engine)
            return await import_customers(engine, rows, now=datetime.now(UTC))
        finally:
            await engine.dispose()

    try:
        counts = asyncio.run(go())
    except CustomerImportError as exc:
        print(f"carebot: {path}: nothing imported, fix these lines:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    print(f"imported {path}: {counts.inserted} new, {counts.updated} updated")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    if args.command == "run":
        return cmd_run(args.webhook)
    if args.command == "migrate":
        return cmd_migrate()
    if args.command == "check":
        return cmd_check()
    if args.command in ("backup", "restore"):
        return cmd_backup(args.command, Path(args.file), args.database_url)
    if args.command == "demo":
        from bot.demo import main as demo_main

        return demo_main(fast=args.fast)
    if args.command == "seed":
        return cmd_seed(
            args.database_url,
            args.customers,
            args.requests,
            args.responses,
            args.seed,
            args.messages_per_request,
        )
    if args.command == "import-customers":
        return cmd_import_customers(args.database_url, args.file)
    if args.command == "summary" and args.send:
        full = _load(Settings, args.database_url)
        return cli_reports.send_summary(args, full) if full else 2
    if args.command in ("report", "summary", "export"):
        settings = _load(ReportSettings, args.database_url)
        return cli_reports.run(args, settings) if settings else 2
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
