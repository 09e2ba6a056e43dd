"""What synthetic people write: customer and staff texts by phase, survey reasons, and the
weights that pick them; each text's sentiment is computed once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from typing import Any

from conversations.sentiment.churn import churn_words_json

_IN_PHASES = ("open", "follow", "thanks", "angry", "reopen")
_IN_OPEN, _IN_FOLLOW, _IN_THANKS, _IN_ANGRY, _IN_REOPEN = range(5)
_OUT_PHASES = ("first", "follow", "close")
_OUT_FIRST, _OUT_FOLLOW, _OUT_CLOSE = range(3)

_GREETINGS = {
    "it": ("", "Buongiorno, ", "Salve, ", "Ciao, "),
    "en": ("", "Hello, ", "Hi, ", "Good morning, "),
}

_CUSTOMER_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "it": {
        "open": (
            "il mio ordine non è ancora arrivato, potete controllare?",
            "ho ricevuto un prodotto danneggiato, come posso fare il reso?",
            "vorrei cambiare l'indirizzo di consegna del mio ordine.",
            "non riesco ad accedere al mio account, la password non funziona.",
            "mi è stato addebitato due volte lo stesso importo.",
            "avrei bisogno della fattura per l'ultimo acquisto.",
            "il pacco risulta consegnato ma io non ho ricevuto niente.",
            "posso modificare la taglia dopo aver confermato l'ordine?",
            "quando arriva il rimborso per il reso della settimana scorsa?",
            "l'app si blocca quando provo a pagare con la carta.",
            "vorrei disdire l'abbonamento, come devo fare?",
            "il codice sconto non viene accettato al pagamento.",
            "mi manca un articolo nella confezione che ho ricevuto.",
            "ho una domanda sulla garanzia del prodotto che ho comprato.",
            "il corriere non è passato nonostante l'appuntamento.",
            "vorrei sapere se il prodotto è di nuovo disponibile.",
        ),
        "follow": (
            "ecco il numero d'ordine che mi avete chiesto.",
            "ok, grazie, aspetto vostre notizie.",
            "sì, l'indirizzo è corretto.",
            "vi ho mandato la foto dello scontrino.",
            "non ho ancora ricevuto nessuna email di conferma.",
            "va bene, allora procedo come mi avete detto.",
            "a che punto siamo con la mia richiesta?",
            "ho provato ma il problema continua.",
            "perfetto, adesso funziona.",
            "potete richiamarmi domani mattina?",
            "grazie per la risposta veloce.",
            "non capisco, potete spiegarmi meglio?",
        ),
        "thanks": (
            "grazie mille, gentilissimi!",
            "tutto risolto, grazie per l'aiuto.",
            "perfetto, grazie davvero, siete stati molto disponibili.",
            "ottimo servizio, grazie!",
            "grazie, problema risolto 👍",
            "va benissimo così, buona giornata.",
        ),
        "angry": (
            "è la terza volta che scrivo e nessuno mi risponde, è inaccettabile.",
            "sono molto deluso, aspetto da giorni una risposta.",
            "servizio pessimo, non comprerò più da voi.",
            "mi avete fatto perdere un sacco di tempo.",
            "nessuno sa darmi una risposta chiara, che vergogna.",
            "ancora niente? è assurdo!!",
            "avevate promesso il rimborso entro tre giorni e non è arrivato nulla.",
        ),
        "reopen": (
            "scusate, il problema si è ripresentato.",
            "in realtà non è ancora risolto, il pacco non è arrivato.",
            "ho ancora lo stesso errore di prima.",
            "mi sono accorto che manca ancora un articolo.",
            "il rimborso non risulta sul conto, potete verificare?",
        ),
    },
    "en": {
        "open": (
            "my order has not arrived yet, can you check?",
            "I received a damaged item, how do I return it?",
            "I would like to change the delivery address of my order.",
            "I can't log into my account, the password doesn't work.",
            "I was charged twice for the same order.",
            "I need the invoice for my last purchase.",
            "the parcel shows as delivered but I never got it.",
            "can I change the size after confirming the order?",
            "when will I get the refund for last week's return?",
            "the app crashes when I try to pay by card.",
            "I want to cancel my subscription, what should I do?",
            "the discount code is not accepted at checkout.",
            "one item is missing from the box I received.",
            "I have a question about the warranty on my product.",
            "the courier did not show up despite the appointment.",
            "is the product back in stock?",
        ),
        "follow": (
            "here is the order number you asked for.",
            "ok, thanks, I'll wait to hear from you.",
            "yes, the address is correct.",
            "I sent you a photo of the receipt.",
            "I still haven't received any confirmation email.",
            "fine, I'll do as you said.",
            "any news on my request?",
            "I tried but the problem is still there.",
            "great, it works now.",
            "could you call me back tomorrow morning?",
            "thanks for the quick answer.",
            "I don't understand, can you explain it better?",
        ),
        "thanks": (
            "thank you so much, very kind!",
            "all sorted, thanks for your help.",
            "perfect, thanks a lot, you were really helpful.",
            "excellent service, thank you!",
            "thanks, problem solved 👍",
            "that's great, have a nice day.",
        ),
        "angry": (
            "this is the third time I write and nobody answers, unacceptable.",
            "I am very disappointed, I have been waiting for days.",
            "terrible service, I will never buy from you again.",
            "you made me waste so much time.",
            "nobody can give me a clear answer, shameful.",
            "still nothing? this is ridiculous!!",
            "you promised the refund within three days and nothing arrived.",
        ),
        "reopen": (
            "sorry, the problem is back.",
            "actually it is not solved yet, the parcel never arrived.",
            "I still get the same error as before.",
            "I noticed that one item is still missing.",
            "the refund is not on my account, can you check?",
        ),
    },
}

_STAFF_TEXTS: dict[str, dict[str, tuple[str, ...]]] = {
    "it": {
        "first": (
            "Buongiorno, grazie per averci scritto. Controllo subito e le faccio sapere.",
            "Salve, mi può indicare il numero d'ordine per favore?",
            "Ciao, mi dispiace per l'inconveniente. Verifico con il magazzino.",
            "Buongiorno, ho preso in carico la sua richiesta.",
            "Salve, può inviarci una foto del prodotto?",
        ),
        "follow": (
            "Ho verificato: il pacco è in consegna e arriverà domani.",
            "Le ho appena inviato l'etichetta per il reso via email.",
            "Il rimborso è stato disposto, lo vedrà entro 5 giorni lavorativi.",
            "Ho aggiornato l'indirizzo di consegna.",
            "Le ho inviato il link per reimpostare la password.",
            "Abbiamo annullato il doppio addebito.",
            "Ho allegato la fattura richiesta.",
            "Sto ancora aspettando una risposta dal corriere, la aggiorno appena possibile.",
        ),
        "close": (
            "Posso fare altro per lei? Altrimenti chiudo la richiesta.",
            "Grazie a lei, buona giornata!",
            "Perfetto, chiudo la richiesta. A presto!",
        ),
        "note": (
            "#note cliente già segnalato al magazzino",
            "#note verificare con l'amministrazione il rimborso",
            "#note secondo contatto per lo stesso ordine",
        ),
    },
    "en": {
        "first": (
            "Hello, thanks for writing to us. I'm checking right now.",
            "Hi, could you give me your order number please?",
            "Hello, sorry for the trouble. I'm checking with the warehouse.",
            "Good morning, I have taken over your request.",
            "Hi, could you send us a photo of the product?",
        ),
        "follow": (
            "I checked: the parcel is out for delivery and will arrive tomorrow.",
            "I just emailed you the return label.",
            "The refund has been issued, you will see it within 5 business days.",
            "I updated the delivery address.",
            "I sent you a link to reset your password.",
            "We cancelled the double charge.",
            "Please find the invoice attached.",
            "I'm still waiting for the courier, I'll update you as soon as I can.",
        ),
        "close": (
            "Anything else I can do for you? Otherwise I'll close the request.",
            "Thank you, have a nice day!",
            "Great, I'm closing the request. Bye!",
        ),
        "note": (
            "#note customer already reported to the warehouse",
            "#note check the refund with accounting",
            "#note second contact about the same order",
        ),
    },
}

_REASONS: dict[str, dict[str, tuple[str, ...]]] = {
    "it": {
        "promoter": (
            "Risposta velocissima e personale gentile.",
            "Hanno risolto il problema subito, bravissimi.",
            "Operatore cortese e molto disponibile.",
            "Servizio eccellente, mi hanno capito al volo.",
            "Tutto chiaro e risolto in pochi minuti.",
            "Mi sono sentito ascoltato, grazie.",
            "Puntuali e onesti, come sempre.",
        ),
        "passive": (
            "Tutto bene ma ci è voluto un po' di tempo.",
            "Problema risolto, anche se ho dovuto scrivere due volte.",
            "Abbastanza soddisfatto.",
            "Gentili, ma la consegna era in ritardo.",
            "Nella media.",
            "Risposta corretta ma un po' generica.",
        ),
        "detractor": (
            "Tempi di attesa troppo lunghi.",
            "Nessuno ha risolto il mio problema.",
            "Risposte automatiche e poco chiare, molto deluso.",
            "Mi hanno promesso un rimborso che non è mai arrivato.",
            "Ho dovuto spiegare tutto tre volte, che fatica.",
            "Personale scortese.",
            "Il pacco è ancora disperso, pessimo servizio.",
        ),
    },
    "en": {
        "promoter": (
            "Very fast answer and friendly staff.",
            "They fixed my problem right away, great job.",
            "Polite and really helpful agent.",
            "Excellent service, they understood me at once.",
            "Everything clear and solved in a few minutes.",
            "I felt listened to, thank you.",
            "Reliable and honest as always.",
        ),
        "passive": (
            "All good but it took a while.",
            "Problem solved, though I had to write twice.",
            "Fairly satisfied.",
            "Kind people, but the delivery was late.",
            "Average.",
            "Correct answer but a bit generic.",
        ),
        "detractor": (
            "Waiting times are far too long.",
            "Nobody solved my problem.",
            "Canned answers and unclear, very disappointed.",
            "They promised a refund that never came.",
            "I had to explain everything three times, exhausting.",
            "Rude staff.",
            "The parcel is still lost, terrible service.",
        ),
    },
}

_BANDS = ("detractor", "passive", "promoter")
# 0..6 for detractors: most of them give 5 or 6.
# pillar answer 1..5 by band (detractor, passive, promoter)
_PILLAR_WEIGHTS = ((30, 30, 25, 10, 5), (4, 10, 36, 38, 12), (1, 2, 9, 38, 50))


def _cumulative(weights: Sequence[float]) -> list[float]:
    out: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        out.append(total)
    return out


_DETRACTOR_CUM = _cumulative((2, 1, 2, 3, 5, 9, 13))
_PILLAR_CUM = tuple(_cumulative(w) for w in _PILLAR_WEIGHTS)

# A stored text: (text, polarity, subjectivity, label, language, pillar tags as JSON,
# churn phrases as JSON or None, as conversations.store writes them for customer texts).
Analysed = tuple[str, float, float, str, str, str, str | None]
_NO_TEXT: tuple[Any, ...] = (None,) * 7


@cache
def _analysed_pools() -> dict[str, dict[str, Any]]:
    """Analyse every template text once; per language: phase pools and reason pools."""
    from conversations.sentiment import analyze

    def run(text: str, lang: str) -> Analysed:
        s = analyze(text, lang).model_dump(mode="json")
        return (
            text,
            float(s["polarity"]),
            float(s["subjectivity"]),
            str(s["label"]),
            str(s["language"]),
            json.dumps(s["tags"]),
            churn_words_json(text),
        )

    pools: dict[str, dict[str, Any]] = {}
    for lang in ("it", "en"):
        texts = _CUSTOMER_TEXTS[lang]
        greet = _GREETINGS[lang]
        phases: list[tuple[Analysed, ...]] = []
        for phase in _IN_PHASES:
            variants = []
            for body in texts[phase]:
                for g in greet if phase == "open" else ("",):
                    sentence = g + body if g else body[0].upper() + body[1:]
                    variants.append(run(sentence, lang))
            phases.append(tuple(variants))
        reasons = tuple(tuple(run(x, lang) for x in _REASONS[lang][band]) for band in _BANDS)
        staff = tuple(_STAFF_TEXTS[lang][p] for p in _OUT_PHASES)
        pools[lang] = {
            "in": tuple(phases),
            "reasons": reasons,
            "out": staff,
            "notes": _STAFF_TEXTS[lang]["note"],
        }
    return pools
