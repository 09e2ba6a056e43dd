"""Customers' data rights in their private chat: /privacy says what is kept, why, for how
long and how to get it or have it erased; /mydata sends everything kept about them."""

from __future__ import annotations

from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import CommandHandler, filters

from bot import privacy as files
from bot.context import CareApp, CareContext
from bot.i18n import t
from bot.render import escape
from conversations.personal_data import customer_data


async def privacy(update: Update, context: CareContext) -> None:
    """What is stored about the customer, why, for how long, and their rights."""
    s = context.services
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await s.helpdesk.language_of(user.id, user.language_code)
    days = s.settings.retention_days
    kept = t(lang, "privacy.days", days=days) if days else t(lang, "privacy.kept")
    text = t(lang, "privacy", brand=escape(s.settings.brand_name), retention=kept)
    await message.reply_text(text, parse_mode=ParseMode.HTML)


async def mydata(update: Update, context: CareContext) -> None:
    """Everything stored about the customer, as a JSON file and a text file."""
    s = context.services
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    lang = await s.helpdesk.language_of(user.id, user.language_code)
    customer = await s.helpdesk.customer_by_user(user.id)
    if customer is None:
        await message.reply_text(t(lang, "mydata.none"))
        return
    if not s.data_requests.allow(customer.id):
        await message.reply_text(t(lang, "mydata.wait"))
        return
    data = await customer_data(s.db, customer.id)
    brand = s.settings.brand_name
    stem = files.file_stem(brand, customer.id)
    now = s.helpdesk.clock.now()
    text = files.as_text(data, brand, lang, s.settings.tz, now)
    for payload, suffix, kind in (
        (files.as_json(data), "json", "mydata.json"),
        (text, "txt", "mydata.text"),
    ):
        await message.reply_document(
            InputFile(payload, filename=f"{stem}.{suffix}"),
            caption=t(lang, "mydata.caption", kind=t(lang, kind)),
        )


def register(app: CareApp) -> None:
    """Add /privacy and /mydata (before the customer handlers, which would take them)."""
    private = filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED
    app.add_handler(CommandHandler("privacy", privacy, filters=private))
    app.add_handler(CommandHandler("mydata", mydata, filters=private))
