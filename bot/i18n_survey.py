"""Survey and close-the-loop texts, in Italian and English (merged into bot.i18n)."""

from __future__ import annotations

IT: dict[str, str] = {
    "survey.nps.question": (
        "Quanto è probabile che tu consigli <b>{brand}</b> a un amico o a un collega?\n"
        "<i>0 = per niente probabile, 10 = estremamente probabile</i>"
    ),
    "survey.nps.chosen": "Il tuo voto: <b>{score}</b> ✔️",
    "survey.reason.detractor": "Qual è il motivo principale del tuo voto?",
    "survey.reason.passive": "Che cosa avrebbe reso la tua esperienza da 10?",
    "survey.reason.promoter": "Che cosa ti è piaciuto di più?",
    "survey.reason.hint": "<i>Scrivi la risposta qui sotto, oppure salta.</i>",
    "survey.reason.thanks": "Grazie, ne terremo conto. 🙏",
    "survey.reason.skipped": "<i>Domanda saltata.</i>",
    "survey.pillar.scale": "<i>1 = per niente, 5 = del tutto</i>",
    "survey.pillar.personalisation": "Quanto ti sei sentito trattato come una persona, non come un numero?",
    "survey.pillar.integrity": "Quanto ti fidi di ciò che ti abbiamo detto e promesso?",
    "survey.pillar.expectations": "Quanto il servizio è stato all'altezza di quello che ti aspettavi?",
    "survey.pillar.resolution": "Quanto bene abbiamo risolto il tuo problema?",
    "survey.pillar.time_and_effort": "Quanto è stato facile ottenere la soluzione al tuo problema?",
    "survey.pillar.empathy": "Quanto abbiamo capito come ti sentivi?",
    "survey.pillar.chosen": "La tua risposta: <b>{score}</b>/5 ✔️",
    "survey.thanks": "Grazie per il tuo tempo! Le tue risposte ci aiutano a migliorare. 💙",
    "survey.button.skip": "Salta ⏭",
    "survey.callback.thanks": "Grazie!",
    "survey.callback.expired": "Questo sondaggio è scaduto.",
    "survey.callback.already": "Hai già risposto, grazie!",
    "survey.callback.wrong_step": "Rispondi prima alla domanda precedente.",
    "band.detractor": "detrattore",
    "band.passive": "passivo",
    "band.promoter": "promotore",
    "staff.survey.summary": "📊 #{id} · NPS {score} ({band}): {reason}",
    "staff.survey.no_reason": "<i>nessun motivo indicato</i>",
    "staff.survey.pillar": "📊 #{id} · {pillar}: {score}/5",
    "staff.survey.pillar_skipped": "📊 #{id} · {pillar}: saltata",
    "staff.survey.pillar_part": "{pillar} {score}/5",
    "staff.survey.pillar_part_skipped": "{pillar} saltata",
    "staff.alert.detractor": (
        "🚨 <b>Cliente insoddisfatto</b> · #{id} · {name}: NPS {score}. "
        "Il motivo arriverà qui. /whois #{id}"
    ),
    "staff.alert.reason": "🚨 #{id} · {name} · NPS {score}: «{text}» · /whois #{id}",
    "staff.alert.message": (
        "🚨 <b>Da scalare</b> · #{id} · {name} · {why}: «{text}» · /whois #{id}"
    ),
    "staff.alert.mark": "🚨 <b>Da scalare</b> · {why} · /whois #{id}",
    "staff.alert.digest": "🚨 <b>{n} segnalazioni</b> nell'ultimo minuto:",
    "alert.why.leaving": "vuole andarsene o rivolgersi ad altri",
    "alert.why.anger": "arrabbiato",
    "alert.why.repeat": "ha già scritto",
    "alert.why.wait": "aspetta da troppo",
    "alert.why.shouting": "maiuscole",
    "alert.why.punctuation": "!!!",
    "alert.why.emoji": "emoji arrabbiate",
    "alert.why.negative": "molto negativo",
}

EN: dict[str, str] = {
    "survey.nps.question": (
        "How likely are you to recommend <b>{brand}</b> to a friend or colleague?\n"
        "<i>0 = not at all likely, 10 = extremely likely</i>"
    ),
    "survey.nps.chosen": "Your score: <b>{score}</b> ✔️",
    "survey.reason.detractor": "What is the main reason for your score?",
    "survey.reason.passive": "What would have made it a 10?",
    "survey.reason.promoter": "What did you like most?",
    "survey.reason.hint": "<i>Type your answer below, or skip.</i>",
    "survey.reason.thanks": "Thank you, we'll take it on board. 🙏",
    "survey.reason.skipped": "<i>Question skipped.</i>",
    "survey.pillar.scale": "<i>1 = not at all, 5 = completely</i>",
    "survey.pillar.personalisation": "How much did you feel treated as a person rather than a number?",
    "survey.pillar.integrity": "How much do you trust what we told and promised you?",
    "survey.pillar.expectations": "How well did our service meet what you expected?",
    "survey.pillar.resolution": "How well did we solve your problem?",
    "survey.pillar.time_and_effort": "How easy was it to get your issue solved?",
    "survey.pillar.empathy": "Did we understand how you felt?",
    "survey.pillar.chosen": "Your answer: <b>{score}</b>/5 ✔️",
    "survey.thanks": "Thank you for your time! Your answers help us get better. 💙",
    "survey.button.skip": "Skip ⏭",
    "survey.callback.thanks": "Thank you!",
    "survey.callback.expired": "This survey has expired.",
    "survey.callback.already": "You already answered, thank you!",
    "survey.callback.wrong_step": "Please answer the previous question first.",
    "band.detractor": "detractor",
    "band.passive": "passive",
    "band.promoter": "promoter",
    "staff.survey.summary": "📊 #{id} · NPS {score} ({band}): {reason}",
    "staff.survey.no_reason": "<i>no reason given</i>",
    "staff.survey.pillar": "📊 #{id} · {pillar}: {score}/5",
    "staff.survey.pillar_skipped": "📊 #{id} · {pillar}: skipped",
    "staff.survey.pillar_part": "{pillar} {score}/5",
    "staff.survey.pillar_part_skipped": "{pillar} skipped",
    "staff.alert.detractor": (
        "🚨 <b>Unhappy customer</b> · #{id} · {name}: NPS {score}. "
        "Their reason will follow here. /whois #{id}"
    ),
    "staff.alert.reason": "🚨 #{id} · {name} · NPS {score}: “{text}” · /whois #{id}",
    "staff.alert.message": ("🚨 <b>Escalate</b> · #{id} · {name} · {why}: “{text}” · /whois #{id}"),
    "staff.alert.mark": "🚨 <b>Escalate</b> · {why} · /whois #{id}",
    "staff.alert.digest": "🚨 <b>{n} alerts</b> in the last minute:",
    "alert.why.leaving": "leaving or going elsewhere",
    "alert.why.anger": "angry",
    "alert.why.repeat": "wrote before",
    "alert.why.wait": "waiting too long",
    "alert.why.shouting": "capitals",
    "alert.why.punctuation": "!!!",
    "alert.why.emoji": "angry emoji",
    "alert.why.negative": "very negative",
}
