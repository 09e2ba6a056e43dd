"""The recovery buttons: a card's in the staff groups, a re-ask's in a customer's chat."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import recovery_render as rr
from bot.context import CareApp, CareContext


async def card_button(update: Update, context: CareContext) -> None:
    """Take, root cause, attempt made: on a recovery card in a staff group."""
    # Acts only on the card's own message, which sits in its staff group.
    if update.callback_query is not None:
        await context.services.recovery.staff_press(update.callback_query)


async def reask_button(update: Update, context: CareContext) -> None:
    """The customer's answer to "Are we OK now?"."""
    if update.callback_query is not None:
        await context.services.recovery.customer_press(update.callback_query)


def register(app: CareApp) -> None:
    """Add the recovery button handlers."""
    app.add_handler(CallbackQueryHandler(card_button, pattern=rf"^{rr.CB_RECOVERY}:"))
    app.add_handler(CallbackQueryHandler(reask_button, pattern=rf"^{rr.CB_REASK}:"))
