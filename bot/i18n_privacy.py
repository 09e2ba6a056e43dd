"""Customers' data rights: /privacy and /mydata, in Italian and English (merged into bot.i18n)."""

from __future__ import annotations

IT: dict[str, str] = {
    "privacy": (
        "🔒 <b>I tuoi dati presso {brand}</b>\n"
        "<b>Cosa conserviamo</b>: nome e username come li mostra Telegram, la lingua, i "
        "messaggi e i file che ci mandi (con le modifiche), le nostre risposte, le tue "
        "risposte ai sondaggi, le etichette e le note che lo staff scrive sulle tue "
        "richieste e, se l'azienda li ha importati, i dati commerciali che ti riguardano.\n"
        "<b>Perché</b>: per risponderti, e per misurare e migliorare il servizio.\n"
        "<b>Per quanto</b>: {retention}\n"
        "<b>Averne una copia</b>: scrivi /mydata e ti mandiamo qui tutto quello che "
        "conserviamo su di te (un file JSON e uno di testo).\n"
        "<b>Cancellarli</b>: scrivi /forget. Cancelliamo nome, username, i tuoi messaggi e "
        "file e le note su di te; restano solo i voti anonimi, che non dicono più chi sei."
    ),
    "privacy.kept": "finché l'azienda conserva i dati dei suoi clienti.",
    "privacy.days": (
        "i testi e i file per {days} giorni, poi li cancelliamo; i voti anonimi restano."
    ),
    "mydata.caption": "📦 Tutto quello che conserviamo su di te ({kind}).",
    "mydata.json": "per i programmi",
    "mydata.text": "da leggere",
    "mydata.none": "Non conserviamo ancora nulla su di te.",
    "mydata.wait": "Te li abbiamo mandati da poco: riprova tra qualche minuto.",
    "mydata.title": "I tuoi dati presso {brand} · {at}",
    "mydata.profile": "Profilo",
    "mydata.requests": "Richieste",
    "mydata.messages": "Messaggi",
    "mydata.surveys": "Sondaggi",
    "mydata.notes": "Note dello staff su di te",
    "mydata.follow_ups": "Richieste di riscontro",
    "mydata.you": "tu",
    "mydata.edited": "modificato il {at}, prima: «{text}»",
    "mydata.none_line": "—",
    "forget.ask": (
        "🧹 <b>Cancellare i tuoi dati?</b>\nCancelliamo nome, username, i messaggi e i file "
        "che ci hai mandato con le loro modifiche, i motivi dei tuoi voti e le note su di te. "
        "Non si può annullare. Se ci scrivi di nuovo, sarà una richiesta nuova."
    ),
    "forget.yes": "🧹 Sì, cancella i miei dati",
    "forget.no": "No, lasciali",
    "forget.kept": "Va bene: non abbiamo cancellato nulla.",
    "forget.done": "🧹 Fatto: i tuoi dati sono stati cancellati.",
    "forget.already": "Questi dati sono già stati cancellati.",
    "forget.staff.customer": (
        "🧹 Il cliente ha cancellato i suoi dati (/forget): restano i voti anonimi."
    ),
    "forget.staff.ask": "🧹 Cancellare i dati di {name} (richiesta #{id})? Non si può annullare.",
    "forget.staff.yes": "🧹 Cancella i dati",
    "forget.staff.done": "🧹 Dati del cliente cancellati: restano i voti anonimi.",
    "forget.staff.by": "🧹 Dati del cliente cancellati da {name}.",
    "forget.staff.usage": "Usa /forget nel topic della richiesta, oppure /forget #42.",
}

EN: dict[str, str] = {
    "privacy": (
        "🔒 <b>Your data at {brand}</b>\n"
        "<b>What we keep</b>: your name and username as Telegram shows them, your language, "
        "the messages and files you send us (with their edits), our answers, your survey "
        "answers, the tags and notes staff write about your requests and, if the business "
        "imported them, the business figures about you.\n"
        "<b>Why</b>: to answer you, and to measure and improve our service.\n"
        "<b>For how long</b>: {retention}\n"
        "<b>A copy</b>: send /mydata and we send you here everything we keep about you (a "
        "JSON file and a text file).\n"
        "<b>Erasure</b>: send /forget. We erase your name, username, your messages and files "
        "and the notes about you; only anonymous scores stay, which no longer say who you are."
    ),
    "privacy.kept": "as long as the business keeps its customers' records.",
    "privacy.days": "texts and files for {days} days, then we erase them; anonymous scores stay.",
    "mydata.caption": "📦 Everything we keep about you ({kind}).",
    "mydata.json": "for programs",
    "mydata.text": "to read",
    "mydata.none": "We keep nothing about you yet.",
    "mydata.wait": "We sent it a moment ago: try again in a few minutes.",
    "mydata.title": "Your data at {brand} · {at}",
    "mydata.profile": "Profile",
    "mydata.requests": "Requests",
    "mydata.messages": "Messages",
    "mydata.surveys": "Surveys",
    "mydata.notes": "Staff notes about you",
    "mydata.follow_ups": "Follow-up questions",
    "mydata.you": "you",
    "mydata.edited": "edited on {at}, before: “{text}”",
    "mydata.none_line": "—",
    "forget.ask": (
        "🧹 <b>Erase your data?</b>\nWe erase your name, username, the messages and files you "
        "sent us with their edits, the reasons for your scores and the notes about you. It "
        "cannot be undone. If you write to us again, it will be a new request."
    ),
    "forget.yes": "🧹 Yes, erase my data",
    "forget.no": "No, keep it",
    "forget.kept": "All right: nothing was erased.",
    "forget.done": "🧹 Done: your data has been erased.",
    "forget.already": "This data has been erased already.",
    "forget.staff.customer": "🧹 The customer erased their data (/forget): anonymous scores stay.",
    "forget.staff.ask": "🧹 Erase the data of {name} (request #{id})? It cannot be undone.",
    "forget.staff.yes": "🧹 Erase the data",
    "forget.staff.done": "🧹 The customer's data was erased: anonymous scores stay.",
    "forget.staff.by": "🧹 The customer's data was erased by {name}.",
    "forget.staff.usage": "Use /forget in the request's topic, or /forget #42.",
}
