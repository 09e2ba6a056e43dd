"""Saved replies' texts for staff, in Italian and English (merged into bot.i18n)."""

from __future__ import annotations

IT: dict[str, str] = {
    "saved.usage": (
        "Risposte salvate:\n"
        "• /reply add CHIAVE LINGUA testo… (o in risposta al messaggio col testo; "
        "LINGUA: it o en; {{name}}, {{request}} e {{agent}} vengono compilati)\n"
        "• /reply list · /reply del CHIAVE\n"
        "• /r CHIAVE nel topic di una richiesta la invia nella lingua del cliente; "
        "/r da solo mostra le chiavi."
    ),
    "saved.saved": "💾 Risposta «{key}» ({lang}) salvata.",
    "saved.bad_key": (
        "«{key}» non va bene come chiave: minuscole, cifre, - o _, fino a 32 caratteri."
    ),
    "saved.bad_language": "Lingua «{lang}» sconosciuta: usa it o en.",
    "saved.empty": (
        "Manca il testo: scrivilo dopo la lingua o rispondi al messaggio che lo contiene."
    ),
    "saved.too_long": "Il testo supera i 4096 caratteri di un messaggio Telegram.",
    "saved.deleted": "🗑 Risposta «{key}» eliminata ({n} lingue).",
    "saved.unknown": "Nessuna risposta salvata con chiave «{key}».",
    "saved.none": "Non ci sono risposte salvate: /reply add CHIAVE LINGUA testo…",
    "saved.list": "💾 <b>Risposte salvate: {n}</b>",
    "saved.pick": "💾 Quale risposta salvata invio al cliente della richiesta #{id}?",
    "saved.sent": "📨 {who} ha inviato «{key}» ({lang}) al cliente della richiesta #{id}.",
    "saved.fell_back": (
        "⚠️ «{key}» non ha un testo in {wanted}: il cliente l'ha ricevuta in {lang}. "
        "Aggiungilo con /reply add {key} {wanted} …"
    ),
    "saved.no_request": (
        "Usa /r CHIAVE nel topic di una richiesta o in risposta a un suo messaggio."
    ),
    "saved.stale": "Questa scelta è già stata usata.",
    "saved.more": "… e altre {n}: /r CHIAVE, elenco con /reply list.",
}

EN: dict[str, str] = {
    "saved.usage": (
        "Saved replies:\n"
        "• /reply add KEY LANG text… (or as a reply to the message holding the text; "
        "LANG: it or en; {{name}}, {{request}} and {{agent}} are filled in)\n"
        "• /reply list · /reply del KEY\n"
        "• /r KEY in a request's topic sends it in the customer's language; "
        "/r alone shows the keys."
    ),
    "saved.saved": "💾 Saved reply “{key}” ({lang}) stored.",
    "saved.bad_key": (
        "“{key}” cannot be a key: lower-case letters, digits, - or _, up to 32 characters."
    ),
    "saved.bad_language": "Unknown language “{lang}”: use it or en.",
    "saved.empty": (
        "The text is missing: write it after the language or reply to the message holding it."
    ),
    "saved.too_long": "The text is longer than a Telegram message's 4096 characters.",
    "saved.deleted": "🗑 Saved reply “{key}” deleted ({n} languages).",
    "saved.unknown": "No saved reply has the key “{key}”.",
    "saved.none": "There are no saved replies yet: /reply add KEY LANG text…",
    "saved.list": "💾 <b>Saved replies: {n}</b>",
    "saved.pick": "💾 Which saved reply shall I send to the customer of request #{id}?",
    "saved.sent": "📨 {who} sent “{key}” ({lang}) to the customer of request #{id}.",
    "saved.fell_back": (
        "⚠️ “{key}” has no {wanted} text: the customer got it in {lang}. "
        "Add one with /reply add {key} {wanted} …"
    ),
    "saved.no_request": "Use /r KEY in a request's topic or as a reply to one of its messages.",
    "saved.stale": "This choice was used already.",
    "saved.more": "… and {n} more: /r KEY, listed by /reply list.",
}
