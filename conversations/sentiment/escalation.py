"""Does a customer text call for a senior person now? The signals of an escalation.

A negative polarity alone is no escalation: "I was charged twice" is a routine complaint
that staff answer in turn. What a support lead wants pinged about is a customer about to
leave or go public, a furious one, or one the team has failed already: a repeat contact
or a long wait. Each signal found adds its weight; a text whose score reaches the
threshold (CAREBOT_ALERT_THRESHOLD) raises the alert, and the reasons say why.
Measured on labelled texts in bench/alert_accuracy.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from conversations.sentiment.churn import find_all_churn_words, fold

# Weights: a strong signal reaches the default threshold of 1.0 alone, a weak one needs
# company (shouting, "!!!" or an angry emoji on a positive text is joy, not anger).
STRONG = 1.0
WEAK = 0.5
DEFAULT_THRESHOLD = 1.0

# Why a text scored: the keys staff see translated (bot/i18n_survey.py, "alert.why.<key>").
LEAVING = "leaving"
ANGER = "anger"
REPEAT = "repeat"
WAIT = "wait"
SHOUTING = "shouting"
PUNCTUATION = "punctuation"
EMOJI = "emoji"
NEGATIVE = "negative"
REASONS = (LEAVING, ANGER, REPEAT, WAIT, SHOUTING, PUNCTUATION, EMOJI, NEGATIVE)
STRONG_NEGATIVE = -0.5  # polarity at or below which a text's tone counts as a weak signal

# Patterns match folded text (lower case, no accents, straight apostrophes).
_LEAVING = (
    # going to a lawyer, an authority, the bank or the public
    r"avvocat\w*",
    r"diffida",
    r"codacons",
    r"altroconsumo",
    r"associazion\w* (dei |di )?consumatori",
    r"arera|agcom|ivass|antitrust|garante",
    r"vi denunc\w+|(sporgo|faccio|presento) (una )?denuncia|denuncia (ai|alla|alle|in)",
    r"reclamo formale",
    r"recensione|recensioni|trustpilot|tripadvisor",
    r"(sui|sul|nei) (social|gruppi)|facebook|instagram|tiktok|twitter",
    r"lawyer|solicitor|legal action|sue you|court|ombudsman|ofcom|trading standards",
    r"better business bureau|\bbbb\b|chargeback|dispute (the|this) (charge|payment)",
    r"\b(1|one)[- ]star|review on|write a review|post about (this|it)|social media",
    # leaving
    r"mi avete perso|non (ordino|compro|prenoto|volo|torno|metto piede) piu|mai piu",
    r"(un|un'|un altr[oa]|un'altr[oa]) (fornitore|banca|compagnia|operatore|gestore|palestra)",
    r"altrove|portabilita|passo (a|ad|con) [a-z]+",
    r"(chiudete|cancellate|annullate|disattivate) (il|la|l'|lo|i|le|tutto|subito)",
    r"(another|different) (provider|bank|company|carrier|airline|gym|supplier)",
    r"with a competitor|to a competitor|switching to|i'?m (leaving|moving to)|done with you",
    r"never again|last (time|order|flight|booking) (i|with)|port my number|pac code",
    r"(won'?t|will not|not) be renewing",
    r"terminate|unsubscribe me|uninstall\w*|close (the|my) account|cancel (my|the) "
    r"(membership|account|plan|contract|subscription)",
)
_ANGER = (
    r"ladri|truff\w+|vergogn\w+|schifo|incompetent\w*|ridicol\w+|inaccettabil\w+",
    r"scandal\w+|indecente|allucinante|presa in giro|prendermi per il culo|cazz\w*|merda",
    r"vaffa\w*|furios\w+|state scherzando|vi rendete conto|che razza di|pessim[oi] servizio",
    r"unacceptable|disgrac\w+|disgust\w+|shocking|useless|pathetic|ridiculous|joke of",
    r"scam\w*|thie(f|ves)|incompetent|the hell|f\*+|fuck\w*|shit\w*|crap|livid|furious",
    r"how dare|are you (kidding|serious|even)|seriously\?|worst (service|company|experience)",
    r"(voglio|fatemi) parlare con (un|il) responsabile|(speak|talk) to (a|your) manager",
    r"get me (a|your) manager|supervisor now",
)
_REPEAT = (
    r"(second|terz|quart|quint|ennesim)[oa] (volta|messaggio|mail|email|ticket|segnalazione)",
    r"(scritto|chiamato|segnalato|contattato|spiegato|chiesto)( \w+){0,4} "
    r"(due|tre|quattro|\d+) volte",
    r"per l'ennesima volta|ogni volta",
    r"(gia|ho) (scritto|segnalato|chiamato|spiegato|aperto|mandato|inviato|detto)",
    r"vi ho (gia )?(scritto|chiamato)|come (ho )?gia|rieccomi|sollecit\w+",
    r"(scrivo|chiedo|chiamo|segnalo|ripeto) (di nuovo|ancora)|di nuovo lo stesso",
    r"(ancora )?nessuna risposta|nessuno (mi )?(rispond|ha risposto|richiam|legge|si e fatto)",
    r"non si e fatto sentire nessuno|continuo a (scrivere|chiamare)|qualcuno legge",
    r"stesso problema (di|della|dell')",
    r"(second|third|fourth|fifth|nth) (time|message|email|call|ticket)",
    r"(call|called|write|written|wrote|email|emailed|ask|asked|contact|contacted|told"
    r"|report|reported|chase|chased)( \w+){0,4} "
    r"(twice|(three|four|five|several|multiple|many) times)",
    r"again and again|\bagain\.|asking again|writing again|chasing",
    r"already (called|written|wrote|emailed|told|explained|contacted|reported|sent|asked)",
    r"still no (reply|answer|response|word|update|news)|no (reply|answer|response) yet",
    r"(nobody|no one|noone) (answers|replies|responds|has|got back|called|rang|reads)",
    r"following up|same (issue|problem) as|as i (told|said|explained)|passed between",
    r"back where i started|you said you'?d|still (shows )?unread|^hello\?",
)
_LONG = (
    r"(giorni|settimane|mesi|un mese|days|weeks|months|a month|a week)",
    r"(dal|dall'|dallo|da) (\d+ )?(lunedi|martedi|mercoledi|giovedi|venerdi|sabato|domenica"
    r"|gennaio|febbraio|marzo|aprile|maggio|giugno|luglio|agosto|settembre|ottobre"
    r"|novembre|dicembre|settimana scorsa|mese scorso)",
    r"since (last|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february"
    r"|march|april|may|june|july|august|september|october|november|december)",
    r"day \d+ of",
)
_WAITING = (
    r"aspett\w*|attesa|ancora (niente|nulla|nessun\w*)|sono passat\w+|ferm[oa] da|senza",
    r"da (\d+|un|una|due|tre|quattro|cinque|sei|dieci|qualche|diversi|diverse|piu di)",
    r"wait\w*|still|since|pending|been|over a|more than|nothing|without|not a reasonable",
)
_ON_HOLD = r"on hold|in attesa (da .* )?al telefono|al telefono da|attesa da un'ora"
_QUESTION = re.compile(
    r"^\W*(come|posso|si puo|quanto|quando|dove|e possibile|how|can|could|what|when|where"
    r"|is it possible|do i|if i|se)\b[^.!]*\?\s*$"
)
_LETTERS = re.compile(r"[^\W\d_]")
_PUNCTUATION = re.compile(r"[!?]{2,}|\?!|!\?")
_ANGRY_EMOJI = re.compile("[\U0001f621\U0001f620\U0001f92c\U0001f47f\U0001f624\U0001f595]")


@dataclass(frozen=True)
class Escalation:
    """The signals found in a text, their total weight, and whether it reaches a threshold."""

    score: float
    reasons: tuple[str, ...]

    def due(self, threshold: float = DEFAULT_THRESHOLD) -> bool:
        """Whether the text calls for an alert at this threshold."""
        return self.score >= threshold


@cache
def _any(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns))


def _shouting(text: str) -> bool:
    """At least eight letters, three quarters of them capitals, and a capitalised word of
    four letters or more (so "OK" or "IBAN" alone is no shouting)."""
    letters = _LETTERS.findall(text)
    if len(letters) < 8:
        return False
    upper = sum(1 for c in letters if c.isupper())
    return upper / len(letters) >= 0.75 and re.search(r"\b[^\W\d_a-z]{4,}\b", text) is not None


def escalation(text: str | None, polarity: float | None = None) -> Escalation:
    """The escalation signals of a customer text, given its sentiment polarity."""
    if not text or not text.strip():
        return Escalation(0.0, ())
    folded = fold(text)
    found: list[tuple[str, float]] = []
    if find_all_churn_words(text) or _any(_LEAVING).search(folded):
        # "How do I cancel?" asks; "Cancel my account" tells: only the telling is urgent.
        found.append((LEAVING, WEAK if _QUESTION.match(folded) else STRONG))
    if _any(_ANGER).search(folded):
        found.append((ANGER, STRONG))
    if _any(_REPEAT).search(folded):
        found.append((REPEAT, STRONG))
    if re.search(_ON_HOLD, folded) or (
        _any(_LONG).search(folded) and _any(_WAITING).search(folded)
    ):
        found.append((WAIT, STRONG))
    positive = polarity is not None and polarity > 0.2
    if not positive:
        if _shouting(text):
            found.append((SHOUTING, WEAK * 2 if len(text.split()) >= 3 else WEAK))
        if _PUNCTUATION.search(text):
            found.append((PUNCTUATION, WEAK))
        if _ANGRY_EMOJI.search(text):
            found.append((EMOJI, WEAK))
    if polarity is not None and polarity <= STRONG_NEGATIVE:
        found.append((NEGATIVE, WEAK))
    return Escalation(sum(w for _, w in found), tuple(reason for reason, _ in found))
