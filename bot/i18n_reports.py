"""Texts of the staff report commands, in Italian and English (merged into bot.i18n)."""

from __future__ import annotations

IT: dict[str, str] = {
    "report.usage": (
        "Uso: /{command} [periodo] — periodo: 7d, 30d, 90d, 365d, AAAA-MM (un mese) "
        "o AAAA-MM-GG..AAAA-MM-GG. Predefinito: 30d."
    ),
    "report.usage.tag": (
        "Uso: /report [periodo] tag:parola — il report delle sole richieste con quel tag "
        "(un tag alla volta)."
    ),
    "report.usage.churn": "Uso: /churn [N] — i primi N clienti a rischio (1–50, predefinito 10).",
    "report.usage.churned": (
        "Uso: /churned &lt;cliente&gt; — @username, id Telegram, #richiesta o nome: "
        "segna il cliente come perso."
    ),
    "report.working": "⏳ Preparo il report…",
    "report.chart_caption": "📈 Cruscotto {period}",
    "report.export_caption": "{kind}: {n} righe",
    "report.churned": "📉 {name} segnato come cliente perso.",
    "report.churned_already": "{name} era già segnato come perso.",
    "staff.ban.done": "🚫 {name} è bloccato: niente più sondaggi né allarmi (i messaggi arrivano ancora).",
    "staff.ban.undone": "✅ {name} non è più bloccato.",
    "staff.ban.already": "Nessun cambiamento per {name}.",
    "staff.ban.usage": "Uso: /{command} nel topic della richiesta, in risposta a un suo messaggio, o /{command} @username, id o #richiesta.",
    "staff.whois.banned": "🚫 Bloccato: nessun sondaggio",
    "report.ambiguous": "Più clienti corrispondono a «{query}»: usa @username o l'id Telegram.",
}

EN: dict[str, str] = {
    "report.usage": (
        "Usage: /{command} [period] — period: 7d, 30d, 90d, 365d, YYYY-MM (a month) "
        "or YYYY-MM-DD..YYYY-MM-DD. Default: 30d."
    ),
    "report.usage.tag": (
        "Usage: /report [period] tag:word — the report of the requests with that tag only "
        "(one tag at a time)."
    ),
    "report.usage.churn": "Usage: /churn [N] — the top N customers at risk (1–50, default 10).",
    "report.usage.churned": (
        "Usage: /churned &lt;customer&gt; — @username, Telegram id, #request or name: "
        "marks the customer as lost."
    ),
    "report.working": "⏳ Building the report…",
    "report.chart_caption": "📈 Dashboard {period}",
    "report.export_caption": "{kind}: {n} rows",
    "report.churned": "📉 {name} marked as a lost customer.",
    "report.churned_already": "{name} was already marked as lost.",
    "staff.ban.done": "🚫 {name} is banned: no more surveys or alerts (their messages still arrive).",
    "staff.ban.undone": "✅ {name} is no longer banned.",
    "staff.ban.already": "Nothing changed for {name}.",
    "staff.ban.usage": "Use /{command} in the request's topic, as a reply to one of its messages, or /{command} @username, id or #request.",
    "staff.whois.banned": "🚫 Banned: no surveys",
    "report.ambiguous": "Several customers match “{query}”: use @username or the Telegram id.",
}
