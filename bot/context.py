"""The typed context every callback gets: the bot's services as an attribute, no lookups.

PTB builds a context per update; CareContext adds `services` (the collaborators built by
bot.app), so callbacks neither read bot_data by key nor cast what they find there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot, JobQueue

if TYPE_CHECKING:
    from bot.services import Services

SERVICES_KEY = "carebot.services"

BotData = dict[Any, Any]


class CareContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """A callback's context, with carebot's services."""

    @property
    def services(self) -> Services:
        """The bot's collaborators: settings, database, use cases, relay, update runner."""
        found: Services = self.bot_data[SERVICES_KEY]
        return found


# As ApplicationBuilder types it (its job queue keeps PTB's context type in the signature;
# jobs get a CareContext all the same, from CONTEXT_TYPES).
CareApp = Application[
    ExtBot[None],
    CareContext,
    dict[Any, Any],
    dict[Any, Any],
    BotData,
    JobQueue[CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]],
]

CONTEXT_TYPES = ContextTypes(context=CareContext, bot_data=dict)
