"""The team's working-day texts (who owns which request), in Italian and English (merged
into bot.i18n)."""

from __future__ import annotations

IT: dict[str, str] = {
    "staff.admins_only": (
        "Solo gli amministratori del gruppo possono usare i comandi e i pulsanti del bot."
    ),
    "button.take": "🙋 La prendo io",
    "card.owner": "Assegnata a: {name}",
    "card.tags": "Tag: {tags}",
    "away.line": "🌙 Ora siamo fuori orario: torniamo {when}, e ti risponderemo allora.",
    "away.today": "oggi alle {time}",
    "promise.line": "⏱ Ti rispondiamo entro {when}.",
    "promise.today": "oggi alle {time}",
    "promise.tomorrow": "domani alle {time}",
    "promise.weekday": "{day} alle {time}",
    "promise.date": "il {date} alle {time}",
    "away.tomorrow": "domani alle {time}",
    "away.weekday": "{day} alle {time}",
    "away.date": "il {date} alle {time}",
    "history.tagged": "{who} ha aggiunto il tag #{tag}",
    "history.untagged": "{who} ha tolto il tag #{tag}",
    "tags.usage": (
        "Usa /tag parola… (o /untag parola…) nel topic di una richiesta, in risposta a un "
        "suo messaggio, oppure /tag #42 parola…"
    ),
    "tags.refused": "Non posso usare come tag: {words}.",
    "tags.allowed": "Tag previsti: {tags}.",
    "tags.full": "Al massimo {n} tag per richiesta.",
    "tags.unchanged": "Nessun cambiamento: i tag della richiesta #{id} sono {tags}.",
    "topic.owner": "👤 {name}",
    "staff.owner_ping": "👤 {owner}",
    "team.claimed": "🙋 {who} ha preso la richiesta #{id}.",
    "team.claimed.toast": "La richiesta #{id} è tua.",
    "team.assigned": "👤 {who} ha passato la richiesta #{id} a {name}.",
    "team.unclaimed": "🔓 La richiesta #{id} è di nuovo libera (era di {name}).",
    "team.already_yours": "La richiesta #{id} è già tua.",
    "team.already_theirs": "La richiesta #{id} è già di {name}.",
    "team.already_free": "La richiesta #{id} non è assegnata a nessuno.",
    "team.taken": "La richiesta #{id} è già di {name}. Per passarla: /assign.",
    "team.resolved": "La richiesta #{id} è chiusa: riaprila prima di assegnarla.",
    "team.unknown_member": (
        "Non conosco ancora @{username}: deve scrivere una volta in questo gruppo, "
        "oppure usa /assign in risposta a un suo messaggio."
    ),
    "team.not_a_person": "Si può assegnare una richiesta solo a una persona dello staff.",
    "team.usage.claim": (
        "Usa /{command} nel topic della richiesta, in risposta a un suo messaggio, "
        "oppure /{command} 42."
    ),
    "team.usage.assign": (
        "Usa /assign @username nel topic della richiesta (o /assign @username 42), "
        "oppure /assign in risposta a un messaggio della persona a cui passarla."
    ),
    "staff.usage.open": "Usa /open, /open mie (le tue) o /open libere (senza assegnatario).",
    "staff.open.owner": " · 👤 {name}",
    "staff.open.promise_left": " · ⏱ promessa tra {age}",
    "staff.open.promise_late": " · 🔥 promessa scaduta da {age}",
    "staff.open.resolution_left": " · 🏁 da risolvere entro {age}",
    "staff.open.resolution_late": " · 🔥 risoluzione in ritardo di {age}",
    "staff.open.header.mine": "📋 <b>Le tue richieste aperte: {n}</b>",
    "staff.open.header.unassigned": "📋 <b>Richieste aperte senza assegnatario: {n}</b>",
    "staff.open.empty.mine": "Non hai richieste aperte. 🎉",
    "staff.open.empty.unassigned": "Tutte le richieste aperte hanno un assegnatario. 👍",
    "history.title": "🕘 <b>Storia della richiesta #{id}</b>",
    "history.earlier": "… {n} voci precedenti",
    "history.opened.customer": "aperta dal cliente",
    "history.opened.staff": "aperta da {who}",
    "history.opened.auto": "aperta",
    "history.answered": "risposta di {who}",
    "history.claimed": "presa da {who}",
    "history.assigned": "{who} l'ha passata a {name}",
    "history.unclaimed": "{who} l'ha liberata (era di {name})",
    "history.saved_reply": "{who} ha inviato la risposta salvata «{key}»",
    "history.resolved.customer": "risolta dal cliente",
    "history.resolved.staff": "risolta da {who}",
    "history.resolved.auto": "chiusa automaticamente",
    "history.reopened.customer": "riaperta dal cliente",
    "history.reopened.staff": "riaperta da {who}",
    "history.reopened.auto": "riaperta",
    "history.note": "📝 {who}: {text}",
    "notes.usage": (
        "Usa /note testo… nel topic di una richiesta (o in risposta a un suo messaggio), "
        "oppure /note #42 testo…: la nota resta sul cliente, fino a 1000 caratteri."
    ),
    "notes.title": "📌 <b>Note sul cliente</b> ({n})",
    "notes.line": "• {when} {who}: {text}",
    "find.usage": "Usa /find parole…: cerca in tutti i messaggi (clienti, risposte, note).",
    "find.none": "🔎 Nessun messaggio con «{query}».",
    "find.title": "🔎 <b>«{query}»</b>: {n} messaggi",
    "find.more": "🔎 <b>«{query}»</b>: i {n} più recenti",
}

EN: dict[str, str] = {
    "staff.admins_only": "Only the group's administrators may use the bot's commands and buttons.",
    "button.take": "🙋 Take it",
    "card.owner": "Owner: {name}",
    "card.tags": "Tags: {tags}",
    "away.line": "🌙 We're out of office right now: we're back {when} and will answer you then.",
    "away.today": "today at {time}",
    "promise.line": "⏱ We'll answer by {when}.",
    "promise.today": "today at {time}",
    "promise.tomorrow": "tomorrow at {time}",
    "promise.weekday": "{day} at {time}",
    "promise.date": "{date} at {time}",
    "away.tomorrow": "tomorrow at {time}",
    "away.weekday": "on {day} at {time}",
    "away.date": "on {date} at {time}",
    "history.tagged": "{who} added the tag #{tag}",
    "history.untagged": "{who} removed the tag #{tag}",
    "tags.usage": (
        "Use /tag word… (or /untag word…) in a request's topic, as a reply to one of its "
        "messages, or /tag #42 word…"
    ),
    "tags.refused": "These cannot be tags: {words}.",
    "tags.allowed": "Tags in use: {tags}.",
    "tags.full": "At most {n} tags per request.",
    "tags.unchanged": "Nothing changed: request #{id}'s tags are {tags}.",
    "topic.owner": "👤 {name}",
    "staff.owner_ping": "👤 {owner}",
    "team.claimed": "🙋 {who} took request #{id}.",
    "team.claimed.toast": "Request #{id} is yours.",
    "team.assigned": "👤 {who} handed request #{id} to {name}.",
    "team.unclaimed": "🔓 Request #{id} is free again (it was {name}'s).",
    "team.already_yours": "Request #{id} is already yours.",
    "team.already_theirs": "Request #{id} is already {name}'s.",
    "team.already_free": "Request #{id} is not assigned to anyone.",
    "team.taken": "Request #{id} is already {name}'s. To hand it over: /assign.",
    "team.resolved": "Request #{id} is closed: reopen it before assigning it.",
    "team.unknown_member": (
        "I don't know @{username} yet: they need to write once in this group, "
        "or use /assign as a reply to one of their messages."
    ),
    "team.not_a_person": "A request can only be assigned to a person on the staff.",
    "team.usage.claim": (
        "Use /{command} in the request's topic, as a reply to one of its messages, "
        "or /{command} 42."
    ),
    "team.usage.assign": (
        "Use /assign @username in the request's topic (or /assign @username 42), "
        "or /assign as a reply to a message of the person to hand it to."
    ),
    "staff.usage.open": "Use /open, /open mine or /open unassigned.",
    "staff.open.owner": " · 👤 {name}",
    "staff.open.promise_left": " · ⏱ promised in {age}",
    "staff.open.promise_late": " · 🔥 promise broken {age} ago",
    "staff.open.resolution_left": " · 🏁 to resolve within {age}",
    "staff.open.resolution_late": " · 🔥 resolution {age} late",
    "staff.open.header.mine": "📋 <b>Your open requests: {n}</b>",
    "staff.open.header.unassigned": "📋 <b>Open requests with no owner: {n}</b>",
    "staff.open.empty.mine": "You have no open requests. 🎉",
    "staff.open.empty.unassigned": "Every open request has an owner. 👍",
    "history.title": "🕘 <b>History of request #{id}</b>",
    "history.earlier": "… {n} earlier entries",
    "history.opened.customer": "opened by the customer",
    "history.opened.staff": "opened by {who}",
    "history.opened.auto": "opened",
    "history.answered": "answered by {who}",
    "history.claimed": "taken by {who}",
    "history.assigned": "{who} handed it to {name}",
    "history.unclaimed": "{who} released it (it was {name}'s)",
    "history.saved_reply": "{who} sent the saved reply “{key}”",
    "history.resolved.customer": "resolved by the customer",
    "history.resolved.staff": "resolved by {who}",
    "history.resolved.auto": "closed automatically",
    "history.reopened.customer": "reopened by the customer",
    "history.reopened.staff": "reopened by {who}",
    "history.reopened.auto": "reopened",
    "history.note": "📝 {who}: {text}",
    "notes.usage": (
        "Use /note text… in a request's topic (or as a reply to one of its messages), "
        "or /note #42 text…: the note stays with the customer, up to 1000 characters."
    ),
    "notes.title": "📌 <b>Notes on the customer</b> ({n})",
    "notes.line": "• {when} {who}: {text}",
    "find.usage": "Use /find words…: searches every message (customers', answers, notes).",
    "find.none": "🔎 No message holds “{query}”.",
    "find.title": "🔎 <b>“{query}”</b>: {n} messages",
    "find.more": "🔎 <b>“{query}”</b>: the {n} newest",
}
