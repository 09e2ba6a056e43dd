"""Message catalogs: every text the bot says, in Italian and English."""

from __future__ import annotations

from typing import Any

from analytics.catalog import translate
from bot import i18n_managers as manager_texts
from bot import i18n_privacy as privacy_texts
from bot import i18n_recovery as recovery_texts
from bot import i18n_reports as report_texts
from bot import i18n_saved as saved_texts
from bot import i18n_sla as sla_texts
from bot import i18n_survey as survey_texts
from bot import i18n_team as team_texts

Catalog = dict[str, str]

IT: Catalog = {
    # customer side
    "start": (
        "Ciao {name}! 👋 Sono l'assistente clienti di <b>{brand}</b>.\n"
        "Scrivimi qui la tua richiesta (anche foto, documenti o messaggi vocali): "
        "un operatore ti risponderà in questa chat."
    ),
    "help": (
        "Scrivi la tua richiesta in questa chat e un operatore ti risponderà qui.\n"
        "/language per cambiare lingua, /privacy per sapere quali dati conserviamo."
    ),
    "language.prompt": "Scegli la lingua:",
    "language.set": "Lingua impostata: italiano 🇮🇹",
    "request.received": (
        "Abbiamo ricevuto la tua richiesta <b>#{id}</b>. Ti risponderemo qui al più presto."
    ),
    "request.reopened": "Abbiamo riaperto la tua richiesta <b>#{id}</b>: un operatore ti risponderà.",
    "category.ask": "Di cosa si tratta? Scegli un argomento, così ti risponde la persona giusta.",
    "category.skip": "Salta",
    "category.chosen": "Argomento: <b>{name}</b>. Grazie!",
    "category.skipped": "Va bene, passiamo la richiesta al team.",
    "category.late": "La tua richiesta è già arrivata al team: l'argomento resta com'è.",
    "customer.too_fast": (
        "Ricevuto tutto 👍 Scrivi più in fretta di quanto riusciamo a leggere: "
        "raccogliamo i tuoi messaggi e li passiamo insieme a un operatore. "
        "Non serve ripeterli."
    ),
    "unsupported": (
        "Mi dispiace, non posso inoltrare questo tipo di messaggio ({kind}). "
        "Puoi inviare testo, foto, documenti, audio, video o messaggi vocali."
    ),
    "button.solved": "✅ Risolto",
    "resolved.staff": (
        "La tua richiesta <b>#{id}</b> è stata chiusa come risolta. "
        "Se serve altro, scrivici pure qui."
    ),
    "resolved.customer": "Grazie! Abbiamo chiuso la richiesta <b>#{id}</b>.",
    "resolved.auto": (
        "Abbiamo chiuso la richiesta <b>#{id}</b> perché non abbiamo avuto tue notizie. "
        "Se serve ancora aiuto, scrivici qui."
    ),
    "reopened.staff": "La tua richiesta <b>#{id}</b> è stata riaperta da un operatore.",
    "callback.already_resolved": "Questa richiesta è già chiusa.",
    "callback.not_yours": "Questo pulsante non è per te.",
    "callback.unknown": "Questo pulsante non è più valido.",
    "private.staff_command": (
        "I comandi dello staff (/{command}) funzionano solo nel gruppo dello staff, non qui."
    ),
    "private.unknown_command": (
        "Non conosco il comando /{command}. Scrivi pure la tua richiesta senza «/», "
        "oppure usa /help."
    ),
    "relay.failed": "Non sono riuscito a consegnare il messaggio allo staff: riprova tra poco.",
    # staff side
    "topic.title": "#{id} · {name} · {lang}",
    "card.title": "🎫 <b>Richiesta #{id}</b>",
    "card.customer": "Cliente: {name}",
    "card.language": "Lingua: {lang}",
    "card.category": "Argomento: {name}",
    "card.opened": "Aperta: {when}",
    "card.status": "Stato: {status}",
    "card.hint": "Rispondi a questo messaggio o a un messaggio del cliente per scrivergli.",
    "status.open": "🟡 aperta",
    "status.answered": "💬 risposta data",
    "status.resolved": "✅ risolta",
    "button.resolve": "✔️ Risolvi",
    "button.reopen": "↩️ Riapri",
    "staff.resolved.staff": "✅ Richiesta #{id} risolta da {who}.",
    "staff.resolved.customer": "✅ Richiesta #{id} segnata come risolta dal cliente.",
    "staff.resolved.auto": "✅ Richiesta #{id} chiusa automaticamente dopo {hours} h senza risposta.",
    "staff.reopened.staff": "↩️ Richiesta #{id} riaperta da {who}.",
    "staff.reopened.customer": "↩️ Il cliente ha scritto di nuovo: richiesta #{id} riaperta.",
    "staff.blocked": "⚠️ Il cliente ha bloccato il bot: messaggio non consegnato.",
    "staff.undelivered": "⚠️ Messaggio non consegnato al cliente: {error}",
    "staff.note": "📝 Nota interna salvata (non inviata al cliente).",
    "staff.unsupported": "⚠️ Questo tipo di messaggio ({kind}) non può essere inoltrato al cliente.",
    "staff.coalesced": "💬 <b>{name}</b>, {n} messaggi in coda:",
    "staff.edited": "✏️ <b>{name}</b> ha modificato un messaggio:",
    "staff.edited.empty": "<i>(testo rimosso)</i>",
    "staff.edit_undelivered": "⚠️ Modifica non consegnata al cliente: {error}",
    "staff.already_resolved": "La richiesta #{id} è già risolta.",
    "staff.not_resolved": "La richiesta #{id} non è chiusa.",
    "staff.not_found": "Richiesta #{id} non trovata.",
    "staff.usage.resolve": (
        "Usa /{command} nel topic della richiesta, in risposta a un suo messaggio, "
        "oppure /{command} 42."
    ),
    "staff.usage.whois": (
        "Usa /whois nel topic di una richiesta, in risposta a un suo messaggio, oppure "
        "/whois @username, /whois #42, /whois 123456789 o /whois nome."
    ),
    "staff.open.header": "📋 <b>Richieste aperte: {n}</b>",
    "staff.open.empty": "Nessuna richiesta aperta. 🎉",
    "staff.open.line": "#{id} · {name} · aperta da {age} · {status}",
    "staff.open.waiting": "⏳ senza risposta",
    "staff.open.answered": "💬 risposta data",
    "staff.open.more": "… e altre {n}.",
    "staff.open.queued": " · 📨 {n} in coda per il gruppo da {age}",
    "staff.whois.none": "Nessun cliente trovato per «{query}».",
    "staff.whois.title": "👤 <b>{name}</b>{username}",
    "staff.whois.ids": "Telegram id: <code>{user_id}</code> · lingua: {lang}",
    "staff.whois.since": "Cliente dal {since} · ultimo contatto {last}",
    "staff.whois.counts": "Richieste: {requests} · messaggi: {messages}",
    "staff.whois.open": "Aperte: {list}",
    "staff.whois.recent": "Ultime: {list}",
    "staff.whois.blocked": "⚠️ Ha bloccato il bot il {when}",
    "who.customer": "il cliente",
    "staff.error": (
        "⚠️ carebot: un aggiornamento è fallito per un errore suo ({kind}). È nel log e nella "
        "tabella unprocessed_updates; passate il log a chi gestisce il bot. (Al più una riga "
        "all'ora per tipo.)"
    ),
}

EN: Catalog = {
    "start": (
        "Hi {name}! 👋 I'm the customer care assistant of <b>{brand}</b>.\n"
        "Write your request here (photos, documents and voice messages are fine too): "
        "a member of our team will answer in this chat."
    ),
    "help": (
        "Write your request in this chat and a member of our team will answer here.\n"
        "/language to change language, /privacy for the data we keep."
    ),
    "language.prompt": "Choose your language:",
    "language.set": "Language set: English 🇬🇧",
    "request.received": "We received your request <b>#{id}</b>. We'll answer here as soon as we can.",
    "request.reopened": "We reopened your request <b>#{id}</b>: a team member will answer.",
    "category.ask": "What is it about? Pick a topic so the right person answers you.",
    "category.skip": "Skip",
    "category.chosen": "Topic: <b>{name}</b>. Thank you!",
    "category.skipped": "All right, we're passing your request to the team.",
    "category.late": "Your request has already reached the team: its topic stays as it is.",
    "customer.too_fast": (
        "Got everything 👍 You're writing faster than we can read: we're gathering your "
        "messages and passing them to a team member together. No need to repeat them."
    ),
    "unsupported": (
        "Sorry, I can't pass on this kind of message ({kind}). "
        "You can send text, photos, documents, audio, video or voice messages."
    ),
    "button.solved": "✅ Solved",
    "resolved.staff": (
        "Your request <b>#{id}</b> has been marked as resolved. "
        "If you need anything else, just write here."
    ),
    "resolved.customer": "Thank you! We closed request <b>#{id}</b>.",
    "resolved.auto": (
        "We closed request <b>#{id}</b> because we haven't heard from you. "
        "If you still need help, write here."
    ),
    "reopened.staff": "Your request <b>#{id}</b> was reopened by our team.",
    "callback.already_resolved": "This request is already closed.",
    "callback.not_yours": "This button is not for you.",
    "callback.unknown": "This button is no longer valid.",
    "private.staff_command": "Staff commands (/{command}) work only in the staff group, not here.",
    "private.unknown_command": (
        "I don't know the command /{command}. Just write your request without “/”, or use /help."
    ),
    "relay.failed": "I couldn't pass your message on to our team: please try again shortly.",
    "topic.title": "#{id} · {name} · {lang}",
    "card.title": "🎫 <b>Request #{id}</b>",
    "card.customer": "Customer: {name}",
    "card.language": "Language: {lang}",
    "card.category": "Topic: {name}",
    "card.opened": "Opened: {when}",
    "card.status": "Status: {status}",
    "card.hint": "Reply to this message or to a customer message to answer them.",
    "status.open": "🟡 open",
    "status.answered": "💬 answered",
    "status.resolved": "✅ resolved",
    "button.resolve": "✔️ Resolve",
    "button.reopen": "↩️ Reopen",
    "staff.resolved.staff": "✅ Request #{id} resolved by {who}.",
    "staff.resolved.customer": "✅ Request #{id} marked as solved by the customer.",
    "staff.resolved.auto": "✅ Request #{id} closed automatically after {hours} h without reply.",
    "staff.reopened.staff": "↩️ Request #{id} reopened by {who}.",
    "staff.reopened.customer": "↩️ The customer wrote again: request #{id} reopened.",
    "staff.blocked": "⚠️ The customer has blocked the bot: message not delivered.",
    "staff.undelivered": "⚠️ Message not delivered to the customer: {error}",
    "staff.note": "📝 Internal note saved (not sent to the customer).",
    "staff.unsupported": "⚠️ This kind of message ({kind}) can't be passed on to the customer.",
    "staff.coalesced": "💬 <b>{name}</b>, {n} queued messages:",
    "staff.edited": "✏️ <b>{name}</b> edited a message:",
    "staff.edited.empty": "<i>(text removed)</i>",
    "staff.edit_undelivered": "⚠️ Edit not delivered to the customer: {error}",
    "staff.already_resolved": "Request #{id} is already resolved.",
    "staff.not_resolved": "Request #{id} is not closed.",
    "staff.not_found": "Request #{id} not found.",
    "staff.usage.resolve": (
        "Use /{command} in the request's topic, as a reply to one of its messages, "
        "or /{command} 42."
    ),
    "staff.usage.whois": (
        "Use /whois in a request's topic, as a reply to one of its messages, or "
        "/whois @username, /whois #42, /whois 123456789 or /whois name."
    ),
    "staff.open.header": "📋 <b>Open requests: {n}</b>",
    "staff.open.empty": "No open requests. 🎉",
    "staff.open.line": "#{id} · {name} · open for {age} · {status}",
    "staff.open.waiting": "⏳ no answer yet",
    "staff.open.answered": "💬 answered",
    "staff.open.more": "… and {n} more.",
    "staff.open.queued": " · 📨 {n} queued for the group for {age}",
    "staff.whois.none": "No customer found for “{query}”.",
    "staff.whois.title": "👤 <b>{name}</b>{username}",
    "staff.whois.ids": "Telegram id: <code>{user_id}</code> · language: {lang}",
    "staff.whois.since": "Customer since {since} · last contact {last}",
    "staff.whois.counts": "Requests: {requests} · messages: {messages}",
    "staff.whois.open": "Open: {list}",
    "staff.whois.recent": "Latest: {list}",
    "staff.whois.blocked": "⚠️ Blocked the bot on {when}",
    "who.customer": "the customer",
    "staff.error": (
        "⚠️ carebot: an update failed on an error of its own ({kind}). It is logged and kept "
        "in the table unprocessed_updates; please pass the log to whoever runs the bot. "
        "(At most one such line an hour per kind.)"
    ),
}

IT.update(survey_texts.IT)
EN.update(survey_texts.EN)
IT.update(report_texts.IT)
EN.update(report_texts.EN)
IT.update(team_texts.IT)
EN.update(team_texts.EN)
IT.update(saved_texts.IT)
EN.update(saved_texts.EN)
IT.update(sla_texts.IT)
EN.update(sla_texts.EN)
IT.update(manager_texts.IT)
EN.update(manager_texts.EN)
IT.update(recovery_texts.IT)
EN.update(recovery_texts.EN)
IT.update(privacy_texts.IT)
EN.update(privacy_texts.EN)

CATALOGS: dict[str, Catalog] = {"it": IT, "en": EN}


def t(lang: str, key: str, /, **values: Any) -> str:
    """Translate a key into `lang` (falling back to Italian) and fill in the values."""
    return translate(CATALOGS, lang, key, **values)
