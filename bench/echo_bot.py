"""A bare python-telegram-bot echo bot with PTB's default settings: the yardstick that
bench/throughput.py measures carebot against.

    .venv/bin/python bench/echo_bot.py TOKEN API_ROOT
"""

from __future__ import annotations

import sys

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters


async def echo(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
    if update.message is not None and update.message.text is not None:
        await update.message.reply_text(update.message.text)


def main() -> None:
    token, root = sys.argv[1], sys.argv[2]
    app = (
        Application.builder()
        .token(token)
        .base_url(f"{root}/bot")
        .base_file_url(f"{root}/file/bot")
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0.0, timeout=10)


if __name__ == "__main__":
    main()
