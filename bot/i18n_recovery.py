"""Detractor-recovery texts: the staff card and the customer's re-ask, in Italian and
English (merged into bot.i18n)."""

from __future__ import annotations

IT: dict[str, str] = {
    "recovery.head": "🩹 <b>Da recuperare</b>: #{id} {name} ha dato {score} su 10",
    "recovery.owner": "👤 {name}",
    "recovery.nobody": "👤 Nessuno: premi «🙋 La prendo io»",
    "recovery.cause": "Causa: {cause}",
    "recovery.no_cause": "Causa: da indicare con un pulsante",
    "recovery.attempted": "📞 Tentativo fatto da {name} il {at}; chiederemo al cliente il {due}",
    "recovery.not_attempted": "Contatta il cliente qui nel topic, poi premi «📞 Tentativo fatto».",
    "recovery.asked": "❓ Chiesto al cliente il {at}: in attesa",
    "recovery.won": "💚 Recuperato: ora dà {score} su 10",
    "recovery.lost": "💔 Non recuperato: ora dà {score} su 10",
    "recovery.skipped": "Il cliente non ha voluto rispondere",
    "recovery.expired": "⌛ Il cliente non ha risposto",
    "recovery.not_asked": "Non richiesto (cliente bloccato o non raggiungibile)",
    "recovery.take": "🙋 La prendo io",
    "recovery.attempt": "📞 Tentativo fatto",
    "recovery.toast.cause": "Causa registrata: {cause}",
    "recovery.toast.attempt": "Tentativo registrato: tra {days} giorni chiediamo al cliente.",
    "recovery.toast.same": "Già registrato.",
    "recovery.toast.taken": "Il recupero di #{id} è tuo.",
    "recovery.reask": (
        "Ciao! Qualche giorno fa ci avevi dato {score} su 10 per la richiesta #{id}. "
        "Adesso va meglio? Da 0 a 10, quanto ci consiglieresti ora?"
    ),
    "recovery.reask.escalation": (
        "Ciao! Qualche giorno fa ci avevi scritto per la richiesta #{id} e qualcosa non andava. "
        "Adesso va meglio? Da 0 a 10, quanto ci consiglieresti ora?"
    ),
    "recovery.then_scored": "Poi ha dato {score} su 10",
    "recovery.reask.skip": "Preferisco non rispondere",
    "recovery.reask.thanks": "Grazie! Hai risposto {score}.",
    "recovery.reask.skipped": "Va bene, nessun problema.",
}

EN: dict[str, str] = {
    "recovery.head": "🩹 <b>To win back</b>: #{id} {name} gave {score} out of 10",
    "recovery.owner": "👤 {name}",
    "recovery.nobody": "👤 Nobody yet: press “🙋 Take it”",
    "recovery.cause": "Cause: {cause}",
    "recovery.no_cause": "Cause: pick one with a button",
    "recovery.attempted": "📞 Attempt made by {name} on {at}; the customer is asked on {due}",
    "recovery.not_attempted": (
        "Contact the customer here in the topic, then press “📞 Attempt made”."
    ),
    "recovery.asked": "❓ Customer asked on {at}: waiting",
    "recovery.won": "💚 Won back: now gives {score} out of 10",
    "recovery.lost": "💔 Not won back: now gives {score} out of 10",
    "recovery.skipped": "The customer chose not to answer",
    "recovery.expired": "⌛ The customer did not answer",
    "recovery.not_asked": "Not asked (customer banned or unreachable)",
    "recovery.take": "🙋 Take it",
    "recovery.attempt": "📞 Attempt made",
    "recovery.toast.cause": "Cause recorded: {cause}",
    "recovery.toast.attempt": "Attempt recorded: we ask the customer in {days} days.",
    "recovery.toast.same": "Already recorded.",
    "recovery.toast.taken": "Winning back #{id} is yours.",
    "recovery.reask": (
        "Hi! A few days ago you gave us {score} out of 10 for request #{id}. "
        "Are we OK now? From 0 to 10, how likely are you to recommend us now?"
    ),
    "recovery.reask.escalation": (
        "Hi! A few days ago you wrote to us about request #{id} and were not happy. "
        "Are we OK now? From 0 to 10, how likely are you to recommend us now?"
    ),
    "recovery.then_scored": "Then gave {score} out of 10",
    "recovery.reask.skip": "I'd rather not say",
    "recovery.reask.thanks": "Thank you! You answered {score}.",
    "recovery.reask.skipped": "All right, no problem.",
}
