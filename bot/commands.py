"""The bot's commands: what customers and staff may type, with their menu descriptions."""

from __future__ import annotations

CUSTOMER_COMMANDS = {
    "it": [
        ("start", "Inizia"),
        ("language", "Cambia lingua"),
        ("help", "Aiuto"),
        ("privacy", "I tuoi dati e i tuoi diritti"),
        ("mydata", "Una copia dei tuoi dati"),
        ("forget", "Cancella i tuoi dati"),
    ],
    "en": [
        ("start", "Start"),
        ("language", "Change language"),
        ("help", "Help"),
        ("privacy", "Your data and your rights"),
        ("mydata", "A copy of your data"),
        ("forget", "Erase your data"),
    ],
}
STAFF_COMMANDS = {
    "it": [
        ("resolve", "Risolvi la richiesta"),
        ("reopen", "Riapri la richiesta"),
        ("open", "Richieste aperte (mie, libere)"),
        ("mine", "Le mie richieste"),
        ("claim", "Prendo io la richiesta"),
        ("assign", "Passa la richiesta a @collega"),
        ("unclaim", "Libera la richiesta"),
        ("r", "Invia una risposta salvata"),
        ("reply", "Risposte salvate: add, list, del"),
        ("whois", "Scheda cliente"),
        ("note", "Nota sul cliente"),
        ("forget", "Cancella i dati del cliente"),
        ("find", "Cerca nei messaggi"),
        ("tag", "Aggiungi tag alla richiesta"),
        ("untag", "Togli tag dalla richiesta"),
        ("report", "Report: NPS, pilastri, servizio, rischio"),
        ("nps", "NPS del periodo"),
        ("pillars", "I sei pilastri"),
        ("churn", "Clienti a rischio"),
        ("export", "Esporta CSV"),
        ("churned", "Segna un cliente come perso"),
        ("ban", "Niente più sondaggi per un cliente"),
        ("unban", "Togli il blocco"),
    ],
    "en": [
        ("resolve", "Resolve the request"),
        ("reopen", "Reopen the request"),
        ("open", "Open requests (mine, unassigned)"),
        ("mine", "My requests"),
        ("claim", "Take the request"),
        ("assign", "Hand the request to @colleague"),
        ("unclaim", "Release the request"),
        ("r", "Send a saved reply"),
        ("reply", "Saved replies: add, list, del"),
        ("whois", "Customer card"),
        ("note", "Note on the customer"),
        ("forget", "Erase the customer's data"),
        ("find", "Search the messages"),
        ("tag", "Tag the request"),
        ("untag", "Remove tags from the request"),
        ("report", "Report: NPS, pillars, service, risk"),
        ("nps", "NPS of a period"),
        ("pillars", "The six pillars"),
        ("churn", "Customers at risk"),
        ("export", "Export CSV"),
        ("churned", "Mark a customer as lost"),
        ("ban", "No more surveys for a customer"),
        ("unban", "Lift a ban"),
    ],
}
STAFF_COMMAND_NAMES = frozenset(name for name, _ in STAFF_COMMANDS["en"])


def command_name(text: str | None) -> str:
    """The command a message starts with, without "/" and "@botname", lower-cased."""
    head = (text or "").split(maxsplit=1)[0] if (text or "").strip() else ""
    return head.removeprefix("/").split("@", 1)[0].lower()
