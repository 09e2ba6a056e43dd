"""Managers' private-chat texts (/subscribe, /unsubscribe, /summary), in Italian and
English (merged into bot.i18n)."""

from __future__ import annotations

IT: dict[str, str] = {
    "manager.subscribed": (
        "📬 Ogni lunedì alle {hour}:00 riceverai qui il riepilogo della settimana, in "
        "italiano. /unsubscribe per smettere, /summary per la settimana in corso."
    ),
    "manager.unsubscribed": (
        "🔕 Niente più riepiloghi settimanali. /subscribe per riaverli quando vuoi."
    ),
    "weekly.chart_caption": "📈 Settimana {week}: NPS e pilastri",
    "manager.only": (
        "Questo comando è per i responsabili del servizio clienti. Per una richiesta, "
        "scrivila pure qui."
    ),
}

EN: dict[str, str] = {
    "manager.subscribed": (
        "📬 Every Monday at {hour}:00 you'll get the week's summary here, in English. "
        "/unsubscribe to stop, /summary for the week so far."
    ),
    "manager.unsubscribed": "🔕 No more weekly summaries. /subscribe to get them back any time.",
    "weekly.chart_caption": "📈 Week {week}: NPS and pillars",
    "manager.only": (
        "This command is for customer-care managers. If you have a request, just write it here."
    ),
}
