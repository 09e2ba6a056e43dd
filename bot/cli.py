"""The `carebot` command: run, migrate, demo."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

from bot.settings import Settings, SettingsError, load_settings

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
    demo = sub.add_parser(
        "demo", help="play a day at the help desk against a built-in fake Telegram"
    )
    demo.add_argument("--fast", action="store_true", help="no pauses between steps")
    return parser


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as exc:
        print(f"carebot: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def _logging(level: str) -> None:
    logging.basicConfig(
        level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    # httpx logs every request at INFO, including the token in the URL.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def cmd_run(webhook: bool) -> int:
    """Run the bot until interrupted."""
    from telegram import Update

    from bot.app import build_application

    settings = _settings()
    _logging(settings.log_level)
    app = build_application(settings)
    if webhook:
        if not settings.webhook_url or settings.webhook_secret is None:
            print(
                "carebot: invalid settings:\n  CAREBOT_WEBHOOK_URL: is required for --webhook",
                file=sys.stderr,
            )
            return 2
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path="telegram",
            webhook_url=settings.webhook_url,
            secret_token=settings.webhook_secret.get_secret_value(),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        from bot.app import serve_forever

        asyncio.run(serve_forever(app))
    return 0


def cmd_migrate() -> int:
    """Apply database migrations and report the revision."""
    import os

    from bot.settings import ENV_PREFIX
    from conversations.db import (
        DatabaseUrlError,
        check_url,
        create_engine,
        current_revision,
        migrate,
    )

    url = os.environ.get(f"{ENV_PREFIX}DATABASE_URL", "sqlite+aiosqlite:///carebot.db")
    try:
        check_url(url)
    except DatabaseUrlError as exc:
        print(f"carebot: invalid settings:\n  {ENV_PREFIX}DATABASE_URL: {exc}", file=sys.stderr)
        return 2

    async def go() -> str | None:
        engine = create_engine(url)
        try:
            await migrate(engine)
            return await current_revision(engine)
        finally:
            await engine.dispose()

    revision = asyncio.run(go())
    print(f"database at revision {revision}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    args = _parser().parse_args(argv)
    if args.command == "run":
        return cmd_run(args.webhook)
    if args.command == "migrate":
        return cmd_migrate()
    if args.command == "demo":
        from bot.demo import main as demo_main

        return demo_main(fast=args.fast)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
