"""Survey buttons in private chats: the NPS score, the pillar answer and the Skip buttons."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot import survey_render
from bot.context import CareApp, CareContext


async def survey_button(update: Update, context: CareContext) -> None:
    """Record a survey answer, or refuse a stale, foreign or tampered button."""
    query = update.callback_query
    if query is not None:
        await context.services.survey_flow.tap(query)


def register(app: CareApp) -> None:
    """Add the survey button handler."""
    app.add_handler(CallbackQueryHandler(survey_button, pattern=survey_render.CALLBACK_PATTERN))
