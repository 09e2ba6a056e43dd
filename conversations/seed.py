"""Synthetic help-desk history for demos and benchmarks: customers, requests, messages, surveys.

    counts = await seed(engine, customers=1000, requests=10_000, responses=8_000, now=now)

The data follow the shapes the bot itself writes (see helpdesk.py and surveys.py): a customer
is created at their first message, a request is open until staff answer, answered until it
is resolved (by staff, by the customer or automatically after 48 h of silence), a message
after resolution may reopen it, one survey follows a request's first resolution. Service
gets faster over the year and NPS drifts, so trends have something to show.

Speed: rows are built as plain tuples with explicit ids and written with one executemany
(SQLite) or multi-row INSERTs of at most 32767 parameters (PostgreSQL) per batch, a few
transactions in all. Sentiment is computed once per template text, never per row.
Deterministic for a given `seed` and `now`.
"""

from __future__ import annotations

import asyncio
import bisect
import json
import math
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from conversations import schema as tables
from conversations.sentiment.churn import churn_words_json
from conversations.store import mention_values
from conversations.terms import PILLARS

__all__ = ["STAFF", "STAFF_CHAT_ID", "Progress", "SeedCounts", "seed"]

# (stage, done, total): stages are "customers", "requests", "finishing".
Progress = Callable[[str, int, int], None]

STAFF_CHAT_ID = -1001234567890
# (Telegram user id, name, weight): who answers and resolves, some more than others.
STAFF: tuple[tuple[int, str, int], ...] = (
    (7100000001, "Giulia Rossi", 30),
    (7100000002, "Marco Bianchi", 25),
    (7100000003, "Sara Conti", 20),
    (7100000004, "Luca Ferrari", 12),
    (7100000005, "Emma Clarke", 8),
    (7100000006, "James Walker", 5),
)

DAY = 86_400
YEAR = 365 * DAY
AUTO_RESOLVE = 48 * 3600
SURVEY_EXPIRY = 72 * 3600
REOPEN_GRACE = 24 * 3600
PG_MAX_PARAMS = 32_767
REQUESTS_PER_BATCH = 20_000
BATCHES_PER_TRANSACTION = 10

# --- template pools -----------------------------------------------------------------------

_IT_FIRST = [
    "Giuseppe",
    "Maria",
    "Giovanni",
    "Anna",
    "Antonio",
    "Francesca",
    "Luca",
    "Chiara",
    "Marco",
    "Sara",
    "Andrea",
    "Paola",
    "Alessandro",
    "Elena",
    "Matteo",
    "Giulia",
    "Francesco",
    "Valentina",
    "Stefano",
    "Laura",
    "Roberto",
    "Silvia",
    "Davide",
    "Federica",
    "Paolo",
    "Martina",
    "Simone",
    "Alessia",
    "Lorenzo",
    "Elisa",
]
_IT_LAST = [
    "Rossi",
    "Russo",
    "Ferrari",
    "Esposito",
    "Bianchi",
    "Romano",
    "Colombo",
    "Ricci",
    "Marino",
    "Greco",
    "Bruno",
    "Gallo",
    "Conti",
    "Mancini",
    "Costa",
    "Giordano",
    "Rizzo",
    "Lombardi",
    "Moretti",
    "Barbieri",
    "Fontana",
    "Santoro",
    "Mariani",
    "Rinaldi",
    "Caruso",
    "Ferrara",
    "Galli",
    "Martini",
    "Leone",
    "De_Luca",
]
_EN_FIRST = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "William",
    "Elizabeth",
    "David",
    "Sarah",
    "Richard",
    "Emily",
    "Thomas",
    "Emma",
    "Daniel",
    "Olivia",
    "Matthew",
    "Sophie",
    "George",
    "Charlotte",
    "Oliver",
    "Amelia",
    "Harry",
    "Jessica",
    "Jack",
    "Lucy",
    "Samuel",
    "Hannah",
]
_EN_LAST = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Walker",
    "Wright",
    "Robinson",
    "Thompson",
    "White",
    "Hughes",
    "Edwards",
    "Green",
    "Hall",
    "Wood",
    "Harris",
    "Clarke",
    "Lewis",
    "Martin",
    "Jackson",
    "Clark",
    "Turner",
    "Hill",
    "Scott",
]

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
_STAFF_CUM = _cumulative([w for _, _, w in STAFF])

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


@dataclass(frozen=True, slots=True)
class SeedCounts:
    """How many rows `seed` wrote."""

    customers: int
    requests: int
    request_events: int
    messages: int
    surveys: int  # = responses: one survey row per surveyed request
    scored: int  # surveys with an NPS score


# --- column lists -------------------------------------------------------------------------

_CUSTOMER_COLS = (
    "id",
    "telegram_user_id",
    "external_id",
    "first_name",
    "last_name",
    "username",
    "language",
    "language_chosen",
    "banned",
    "blocked_bot_at",
    "created_at",
    "churned_at",
    "churn_source",
    "yearly_revenue",
    "relationship_start",
    "acquisition_cost",
)
_REQUEST_COLS = (
    "id",
    "customer_id",
    "status",
    "opened_at",
    "first_response_at",
    "first_response_seconds",
    "resolved_at",
    "resolution_seconds",
    "resolved_by",
    "resolution_source",
    "reopen_count",
    "last_customer_message_at",
    "last_staff_message_at",
    "staff_chat_id",
    "topic_thread_id",
)
_EVENT_COLS = ("id", "request_id", "kind", "at", "actor", "actor_id")
_MESSAGE_COLS = (
    "id",
    "request_id",
    "direction",
    "sender_user_id",
    "sender_name",
    "kind",
    "text",
    "source_chat_id",
    "source_message_id",
    "copy_chat_id",
    "copy_message_id",
    "delivery",
    "created_at",
    "polarity",
    "subjectivity",
    "sentiment_label",
    "language",
    "pillar_tags",
    "churn_words",
)
_SURVEY_COLS = (
    "id",
    "request_id",
    "customer_id",
    "user_id",
    "resolved_by",
    "language",
    "status",
    "step",
    "sent_at",
    "expires_at",
    "score",
    "band",
    "scored_at",
    "reason_text",
    "reason_at",
    "reason_polarity",
    "reason_label",
    "reason_language",
    "reason_tags",
    "pillar",
    "pillar_score",
    "pillar_at",
    "answered_at",
    "score_message_id",
    "reason_message_id",
    "pillar_message_id",
    "reason_source_message_id",
)


_MENTION_COLS = ("id", "message_id", "survey_id", "customer_id", "at", "pillar", "polarity")

# requests, events, messages, surveys, pillar mentions rows of one batch
_Rows = list[tuple[Any, ...]]
_Batch = tuple[_Rows, _Rows, _Rows, _Rows, _Rows]
_SEQUENCED = (
    tables.customers,
    tables.requests,
    tables.request_events,
    tables.messages,
    tables.surveys,
    tables.pillar_mentions,
)


class _Writer:
    """Batched INSERTs of plain tuples, in the value forms each driver expects."""

    def __init__(self, conn: AsyncConnection, first_second: int, last_second: int) -> None:
        self.conn = conn
        self.sqlite = conn.dialect.name == "sqlite"
        self._sql: dict[tuple[str, int], str] = {}
        self.ts: Callable[[int], Any]
        if self.sqlite:
            # SQLAlchemy's SQLite DateTime storage format, built from two lookup tables.
            first_day = first_second // DAY
            days = [
                (date(1970, 1, 1) + timedelta(days=d)).isoformat()
                for d in range(first_day, last_second // DAY + 1)
            ]
            tod = [
                f" {h:02d}:{m:02d}:{s:02d}.000000"
                for h in range(24)
                for m in range(60)
                for s in range(60)
            ]

            def sqlite_ts(sec: int) -> str:
                d, r = divmod(sec, DAY)
                return days[d - first_day] + tod[r]

            self.ts = sqlite_ts
        else:
            epoch = datetime(1970, 1, 1, tzinfo=UTC)

            def pg_ts(sec: int) -> datetime:
                return epoch + timedelta(seconds=sec)

            self.ts = pg_ts

    def money(self, value: float | None) -> Any:
        if value is None:
            return None
        return value if self.sqlite else Decimal(f"{value:.2f}")

    def day(self, value: date | None) -> Any:
        if value is None:
            return None
        return value.isoformat() if self.sqlite else value

    def flag(self, value: bool) -> Any:
        return int(value) if self.sqlite else value

    async def insert(
        self, table: Table, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]
    ) -> None:
        """Insert rows (tuples in `columns` order)."""
        if not rows:
            return
        names = ", ".join(f'"{c}"' for c in columns)
        width = len(columns)
        if self.sqlite:
            one = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join('?' * width)})"
            await self.conn.exec_driver_sql(one, list(rows))
            return
        per = PG_MAX_PARAMS // width
        for start in range(0, len(rows), per):
            chunk = rows[start : start + per]
            key = (table.name, len(chunk))
            sql = self._sql.get(key)
            if sql is None:
                groups = ", ".join(
                    "(" + ", ".join(f"${r * width + c + 1}" for c in range(width)) + ")"
                    for r in range(len(chunk))
                )
                sql = self._sql[key] = f"INSERT INTO {table.name} ({names}) VALUES {groups}"
            await self.conn.exec_driver_sql(sql, tuple(v for row in chunk for v in row))

    async def set_last_contact(self, rows: list[tuple[Any, int]]) -> None:
        """Set customers.last_contact_at from (timestamp, customer id) pairs."""
        sql = (
            "UPDATE customers SET last_contact_at = ? WHERE id = ?"
            if self.sqlite
            else "UPDATE customers SET last_contact_at = $1 WHERE id = $2"
        )
        for start in range(0, len(rows), 50_000):
            await self.conn.exec_driver_sql(sql, rows[start : start + 50_000])


@dataclass(slots=True)
class _Customers:
    uid: list[int]
    lang: list[str]
    name: list[str]
    chat: list[int]  # next message id in the customer's private chat
    last_in: list[int]  # last customer message (second), 0 when none
    churned: bytearray


def _name(rng: random.Random, italian: bool) -> tuple[str, str | None]:
    first = rng.choice(_IT_FIRST if italian else _EN_FIRST)
    last = rng.choice(_IT_LAST if italian else _EN_LAST).replace("_", " ")
    return first, (None if rng.random() < 0.1 else last)


async def seed(
    engine: AsyncEngine,
    *,
    customers: int,
    requests: int,
    responses: int,
    seed: int = 0,
    now: datetime,
    progress: Progress | None = None,
    messages_per_request: float | None = None,
) -> SeedCounts:
    """Fill a migrated, empty database with a year of synthetic help-desk history before `now`.

    `responses` survey rows are written (at most one per request, so responses ≤ requests);
    most are completed, some expired or still waiting. `messages_per_request` is a mean
    (default 5; below about 3, the question-answer-closing minimum, it has no effect); the
    exact message count is in the returned SeedCounts. Raises ValueError on a database
    that already holds customers, requests, events, messages or surveys.
    """
    if customers < 1 and requests > 0:
        raise ValueError("requests need at least one customer")
    if min(customers, requests, responses) < 0:
        raise ValueError("counts cannot be negative")
    if responses > requests:
        raise ValueError("responses cannot exceed requests (one survey per request)")
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime")
    mean_messages = 5.0 if messages_per_request is None else messages_per_request
    if mean_messages < 1:
        raise ValueError("messages_per_request must be at least 1")
    pools = _analysed_pools()
    report = progress or (lambda _stage, _done, _total: None)
    rng = random.Random(seed)
    now_s = int(now.timestamp())
    start_s = now_s - YEAR

    async with engine.connect() as conn:
        for table in _SEQUENCED:
            if (await conn.exec_driver_sql(f"SELECT 1 FROM {table.name} LIMIT 1")).first():
                raise ValueError(f"the database already holds {table.name}: seed an empty one")
        writer = _Writer(conn, start_s - DAY, now_s + SURVEY_EXPIRY + 2 * DAY)
        if writer.sqlite:
            await conn.exec_driver_sql("PRAGMA cache_size = -262144")  # 256 MiB for the indexes
        gen = _Generator(rng, writer, pools, now_s, start_s, mean_messages)
        report("customers", 0, customers)
        cust = await gen.customers(customers, requests, responses)
        await conn.commit()
        report("customers", customers, customers)
        report("requests", 0, requests)
        # Pipeline: build batch n+1 in a worker thread while batch n is being written
        # (SQLite releases the GIL while it works, asyncpg runs on the event loop).
        writing: asyncio.Task[None] | None = None
        done = 0
        try:
            for batch, lo in enumerate(range(0, requests, REQUESTS_PER_BATCH), start=1):
                hi = min(lo + REQUESTS_PER_BATCH, requests)
                rows = await asyncio.to_thread(gen.build, cust, lo, hi)
                if writing is not None:
                    await writing
                    report("requests", done, requests)
                if batch % BATCHES_PER_TRANSACTION == 1 and batch > 1:
                    await conn.commit()
                writing = asyncio.create_task(gen.write(rows))
                done = hi
        finally:
            if writing is not None:
                # let a write in flight finish (or fail) before the connection closes
                await asyncio.gather(writing, return_exceptions=True)
        failed = writing.exception() if writing is not None else None
        if failed is not None:
            raise failed
        report("requests", requests, requests)
        report("finishing", 0, 1)
        await writer.set_last_contact(
            [(writer.ts(sec), ci + 1) for ci, sec in enumerate(cust.last_in) if sec]
        )
        if not writer.sqlite:
            # ids were given explicitly: move each id sequence past them
            for table in _SEQUENCED:
                await conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) FROM {table.name}"
                )
        await conn.commit()
        report("finishing", 1, 1)
    return SeedCounts(
        customers=customers,
        requests=requests,
        request_events=gen.event_id,
        messages=gen.message_id,
        surveys=gen.survey_id,
        scored=gen.scored,
    )


class _Generator:
    """Builds and writes the rows; ids are counters kept here."""

    def __init__(
        self,
        rng: random.Random,
        writer: _Writer,
        pools: dict[str, dict[str, Any]],
        now_s: int,
        start_s: int,
        mean_messages: float,
    ) -> None:
        self.rng = rng
        self.w = writer
        self.pools = pools
        self.now_s = now_s
        self.start_s = start_s
        # messages beyond the first exchange (customer asks, staff answers)
        self.extra_mean = max(0.0, mean_messages - 3.0)
        self.event_id = 0
        self.message_id = 0
        self.survey_id = 0
        self.scored = 0
        self.group_message = 1000  # message ids in the staff group
        self.rotation = 0
        self.mention_id = 0
        self.tag_cache: dict[str, list[tuple[str, float | None]]] = {}
        # per request, filled by customers(): opened second, customer index, status, surveyed
        self.opened: list[int] = []
        self.cust_of: list[int] = []
        self.status = bytearray()  # 0 resolved, 1 open, 2 answered
        self.surveyed = bytearray()

    async def customers(self, count: int, requests: int, responses: int) -> _Customers:
        """Write the customers and plan every request (when, whose, final state)."""
        rng, w, now_s, start_s = self.rng, self.w, self.now_s, self.start_s
        uids = rng.sample(range(100_000_000, 7_000_000_000), count)
        lang: list[str] = []
        names: list[str] = []
        window_start: list[int] = []
        window_end: list[int] = []
        churned = bytearray(count)
        weights: list[float] = []
        rows: list[list[Any]] = []
        for ci in range(count):
            italian = rng.random() < 0.6
            first, last = _name(rng, italian)
            c0 = start_s + int(rng.random() * (YEAR - DAY))
            end = now_s - 600
            churned_at = None
            if rng.random() < 0.07:
                churned[ci] = 1
                churned_at = c0 + int((end - c0) * rng.uniform(0.3, 0.95))
                end = churned_at
            imported = rng.random() < 0.4
            revenue = cost = None
            relationship = None
            external = None
            if imported:
                external = f"CRM-{ci + 1:06d}"
                revenue = round(rng.lognormvariate(math.log(450), 0.8), 2)
                cost = (
                    round(rng.lognormvariate(math.log(250), 0.6), 2)
                    if rng.random() < 0.95
                    else None
                )
                since = c0 - rng.randint(0, 10 * 365) * DAY
                relationship = datetime.fromtimestamp(since, UTC).date()
            source = None
            blocked = None
            if churned_at is not None:
                source = "import" if imported else "blocked"
                blocked = churned_at if not imported else None
            handle = first.lower() + ("_" + last.lower().replace(" ", "") if last else "")
            username = f"{handle}{rng.randint(1, 999)}" if rng.random() < 0.55 else None
            lang.append("it" if italian else "en")
            names.append(f"{first} {last}" if last else first)
            window_start.append(c0)
            window_end.append(end)
            # requests per customer: an activity level times the time they have been with us
            weights.append(rng.lognormvariate(0, 1.0) * (end - c0))
            rows.append(
                [
                    ci + 1,
                    uids[ci],
                    external,
                    first,
                    last,
                    username,
                    lang[-1],
                    w.flag(rng.random() < 0.15),
                    w.flag(rng.random() < 0.003),
                    blocked,
                    c0,  # replaced below by the first request's time
                    churned_at,
                    source,
                    w.money(revenue),
                    w.day(relationship),
                    w.money(cost),
                ]
            )

        # plan the requests in time order
        if requests:
            cum = _cumulative(weights)
            owners = rng.choices(range(count), cum_weights=cum, k=requests)
            keys = []
            for ci in owners:
                c0 = window_start[ci]
                keys.append((c0 + int(rng.random() * (window_end[ci] - c0))) * count + ci)
            keys.sort()
            self.opened = [k // count for k in keys]
            self.cust_of = [k % count for k in keys]
        first_request = [0] * count
        last_request = [-1] * count
        for i, ci in enumerate(self.cust_of):
            if last_request[ci] < 0:
                first_request[ci] = self.opened[i]
            last_request[ci] = i
        status = bytearray(requests)
        for ci in range(count):
            i = last_request[ci]
            if i < 0 or churned[ci]:
                continue
            age = now_s - self.opened[i]
            p = 0.6 if age < 2 * DAY else 0.08 if age < 14 * DAY else 0.003
            if rng.random() < p:
                status[i] = 1 if rng.random() < 0.4 else 2
        self.status = status
        resolved = [i for i in range(requests) if status[i] == 0]
        if responses <= len(resolved):
            chosen = rng.sample(resolved, responses)
        else:
            # more surveys than resolved requests: some open ones were surveyed, then reopened
            unresolved = [i for i in range(requests) if status[i] != 0]
            chosen = resolved + rng.sample(unresolved, responses - len(resolved))
        surveyed = bytearray(requests)
        for i in chosen:
            surveyed[i] = 1
        self.surveyed = surveyed

        ts = w.ts
        for ci, row in enumerate(rows):
            if last_request[ci] >= 0:
                row[10] = first_request[ci]  # created at their first message
            row[10] = ts(row[10])
            if row[9] is not None:
                row[9] = ts(row[9])
            if row[11] is not None:
                row[11] = ts(row[11])
        for lo in range(0, count, 50_000):
            await w.insert(
                tables.customers, _CUSTOMER_COLS, [tuple(r) for r in rows[lo : lo + 50_000]]
            )
        return _Customers(
            uid=uids,
            lang=lang,
            name=names,
            chat=[1] * count,
            last_in=[0] * count,
            churned=churned,
        )

    async def write(self, rows: _Batch) -> None:
        """Insert one built batch, parents first."""
        w = self.w
        await w.insert(tables.requests, _REQUEST_COLS, rows[0])
        await w.insert(tables.request_events, _EVENT_COLS, rows[1])
        await w.insert(tables.messages, _MESSAGE_COLS, rows[2])
        await w.insert(tables.surveys, _SURVEY_COLS, rows[3])
        await w.insert(tables.pillar_mentions, _MENTION_COLS, rows[4])

    def build(self, cust: _Customers, lo: int, hi: int) -> _Batch:
        """Build requests lo..hi-1 with their events, messages and surveys (in order)."""
        rng = self.rng
        rand = rng.random
        lognorm = rng.lognormvariate
        now_s = self.now_s
        ts = self.w.ts
        staff_cum = _STAFF_CUM
        staff_total = staff_cum[-1]
        req_rows: list[tuple[Any, ...]] = []
        ev_rows: list[tuple[Any, ...]] = []
        msg_rows: list[tuple[Any, ...]] = []
        sv_rows: list[tuple[Any, ...]] = []
        pm_rows: list[tuple[Any, ...]] = []
        log_frs = math.log(1500)  # median first response 25 min
        log_work = math.log(4 * 3600)  # median 4 h from first answer to resolution

        for i in range(lo, hi):
            rid = i + 1
            ci = self.cust_of[i]
            opened = self.opened[i]
            st = self.status[i]
            surveyed = self.surveyed[i]
            frac = (opened - self.start_s) / YEAR
            speed = 1.35 - 0.6 * frac  # service gets faster over the year
            avail = max(now_s - opened - 30, 4)
            staff_id, staff_name, _ = STAFF[bisect.bisect(staff_cum, rand() * staff_total)]

            # conversation as (direction 0 in / 1 out / 2 note, second, phase)
            conv: list[tuple[int, int, int]] = [(0, opened, _IN_OPEN)]
            events: list[tuple[str, int, str, int | None]] = [("opened", opened, "customer", None)]
            first_response: int | None = None
            resolved_at: int | None = None
            resolved_by: int | None = None
            source: str | None = None
            first_resolution = 0
            first_source = ""
            first_staff: int | None = None
            reopen_count = 0
            slow = False

            frs = int(lognorm(log_frs, 1.1) * speed) + 20
            work = int(lognorm(log_work, 1.3) * speed) + 60
            if st == 0 or surveyed:
                # answered, then resolved at least once
                reopen = st != 0 or rand() < 0.05
                budget = avail // 2 if reopen else avail
                r = rand()
                src = "staff" if r < 0.7 else "customer" if r < 0.9 else "auto"
                needed = frs + work + (AUTO_RESOLVE + 300 if src == "auto" else 0)
                if src == "auto" and budget < AUTO_RESOLVE + 3600:
                    src = "staff"
                    needed = frs + work
                if needed > budget:
                    k = (budget - (needed - frs - work)) / (frs + work)
                    frs = max(1, int(frs * k))
                    work = max(1, int(work * k))
                slow = frs > 4 * 3600 or frs + work > 2 * DAY
                first_response = opened + frs
                conv.append((1, first_response, _OUT_FIRST))
                events.append(("answered", first_response, "staff", staff_id))
                end = first_response + work
                self._extras(conv, first_response, end, slow, src == "customer")
                if src == "auto":
                    if conv[-1][0] != 1:
                        conv.append((1, end, _OUT_CLOSE))
                    end = conv[-1][1] + AUTO_RESOLVE + rng.randint(0, 300)
                elif src == "staff":
                    conv.append((1, end, _OUT_CLOSE))
                actor_id = staff_id if src == "staff" else None
                events.append(("resolved", end, src, actor_id))
                first_resolution, first_source, first_staff = end, src, actor_id
                resolved_at, resolved_by, source = end, actor_id, src
                if reopen:
                    reopen_count = 1
                    room = now_s - 20 - end
                    back = end + max(1, min(int(rand() * REOPEN_GRACE), room // 3))
                    conv.append((0, back, _IN_REOPEN))
                    events.append(("reopened", back, "customer", None))
                    resolved_at = resolved_by = source = None
                    if st != 1:
                        frs2 = max(1, min(int(lognorm(log_frs, 1.0) * speed), room // 3))
                        answer = back + frs2
                        conv.append((1, answer, _OUT_FOLLOW))
                        events.append(("answered", answer, "staff", staff_id))
                        if st == 0:
                            done = answer + max(1, min(int(lognorm(log_work, 1.0)), room // 3))
                            conv.append((1, done, _OUT_CLOSE))
                            events.append(("resolved", done, "staff", staff_id))
                            resolved_at, resolved_by, source = done, staff_id, "staff"
                    slow = True
            elif st == 2:
                frs = max(1, min(frs, avail // 2))
                first_response = opened + frs
                conv.append((1, first_response, _OUT_FIRST))
                events.append(("answered", first_response, "staff", staff_id))
                self._extras(conv, first_response, opened + avail, frs > 4 * 3600, False)
                if conv[-1][0] == 0 and rand() < 0.5:
                    conv.append((1, min(conv[-1][1] + frs, now_s - 10), _OUT_FOLLOW))
            else:  # open, not answered yet
                if rand() < 0.4 and avail > 120:
                    conv.append(
                        (0, opened + int(rand() * avail), _IN_ANGRY if rand() < 0.4 else _IN_FOLLOW)
                    )

            # request row
            last_in = last_out = None
            for d, sec, _ in conv:
                if d == 0:
                    last_in = sec
                elif d == 1:
                    last_out = sec
            topic = self.group_message = self.group_message + 1
            req_rows.append(
                (
                    rid,
                    ci + 1,
                    "resolved" if st == 0 else "open" if st == 1 else "answered",
                    ts(opened),
                    ts(first_response) if first_response is not None else None,
                    first_response - opened if first_response is not None else None,
                    ts(resolved_at) if resolved_at is not None else None,
                    resolved_at - opened if resolved_at is not None else None,
                    resolved_by,
                    source,
                    reopen_count,
                    ts(last_in) if last_in is not None else None,
                    ts(last_out) if last_out is not None else None,
                    STAFF_CHAT_ID,
                    topic,
                )
            )
            if last_in is not None and last_in > cust.last_in[ci]:
                cust.last_in[ci] = last_in
            for kind, at, actor, actor_id in events:
                self.event_id += 1
                ev_rows.append((self.event_id, rid, kind, ts(at), actor, actor_id))
            first_message = len(msg_rows)
            self._messages(msg_rows, conv, rid, cust, ci, staff_id, staff_name)
            for row in msg_rows[first_message:]:
                if row[2] == "in" and row[17]:  # inbound, with pillar tags
                    for pillar, polarity in self._mentions(row[17]):
                        self.mention_id += 1
                        pm_rows.append(
                            (self.mention_id, row[0], None, ci + 1, row[12], pillar, polarity)
                        )
            if surveyed:
                survey = self._survey(
                    rid, cust, ci, first_resolution, first_source, first_staff, slow, frac
                )
                sv_rows.append(survey)
                if survey[12] is not None and survey[18]:  # scored, with reason tags
                    for pillar, polarity in self._mentions(survey[18]):
                        self.mention_id += 1
                        pm_rows.append(
                            (self.mention_id, None, survey[0], ci + 1, survey[12], pillar, polarity)
                        )
        return req_rows, ev_rows, msg_rows, sv_rows, pm_rows

    def _mentions(self, tags: str) -> list[tuple[str, float | None]]:
        """Return the (pillar, polarity) mentions of a JSON tag list (parsed once per text)."""
        found = self.tag_cache.get(tags)
        if found is None:
            found = self.tag_cache[tags] = mention_values(json.loads(tags))
        return found

    def _extras(
        self, conv: list[tuple[int, int, int]], t0: int, t1: int, slow: bool, thanks: bool
    ) -> None:
        """Add the back-and-forth between the first answer and the end of the request."""
        rng = self.rng
        n = int(rng.expovariate(1 / self.extra_mean) + 0.5) if self.extra_mean > 0 else 0
        if n and t1 - t0 > 2:
            for sec in sorted(rng.randint(t0 + 1, t1 - 1) for _ in range(n)):
                if rng.random() < 0.55:
                    angry = slow and rng.random() < 0.5
                    conv.append((0, sec, _IN_ANGRY if angry else _IN_FOLLOW))
                else:
                    conv.append((2 if rng.random() < 0.04 else 1, sec, _OUT_FOLLOW))
        if thanks:
            conv.append((0, max(t1, conv[-1][1]), _IN_THANKS))

    def _messages(
        self,
        out: list[tuple[Any, ...]],
        conv: list[tuple[int, int, int]],
        rid: int,
        cust: _Customers,
        ci: int,
        staff_id: int,
        staff_name: str,
    ) -> None:
        rng = self.rng
        rand = rng.random
        ts = self.w.ts
        uid = cust.uid[ci]
        name = cust.name[ci]
        pool = self.pools[cust.lang[ci]]
        in_pools = pool["in"]
        out_pools = pool["out"]
        notes = pool["notes"]
        chat = cust.chat[ci]
        group = self.group_message
        mid = self.message_id
        for d, sec, phase in conv:
            mid += 1
            group += 1
            if d == 0:
                texts = in_pools[phase]
                a: tuple[Any, ...] = texts[int(rand() * len(texts))]
                r = rand()
                if r < 0.93:
                    kind = "text"
                elif r < 0.97:
                    kind = "photo"  # half of the photos have a caption
                    if rand() < 0.5:
                        a = _NO_TEXT
                else:
                    kind = "document" if r < 0.985 else "voice"
                    a = _NO_TEXT
                text, pol, subj, label, lang, tags, words = a
                out.append(
                    (
                        mid,
                        rid,
                        "in",
                        uid,
                        name,
                        kind,
                        text,
                        uid,
                        chat,
                        STAFF_CHAT_ID,
                        group,
                        "delivered",
                        ts(sec),
                        pol,
                        subj,
                        label,
                        lang,
                        tags,
                        words,
                    )
                )
                chat += 1
            elif d == 1:
                texts = out_pools[phase]
                r = rand()
                kind = "text" if r < 0.97 else "document"
                delivered = rand() < 0.998
                out.append(
                    (
                        mid,
                        rid,
                        "out",
                        staff_id,
                        staff_name,
                        kind,
                        texts[int(rand() * len(texts))],
                        STAFF_CHAT_ID,
                        group,
                        uid if delivered else None,
                        chat if delivered else None,
                        "delivered" if delivered else "failed",
                        ts(sec),
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                    )
                )
                if delivered:
                    chat += 1
            else:
                out.append(
                    (
                        mid,
                        rid,
                        "note",
                        staff_id,
                        staff_name,
                        "text",
                        notes[int(rand() * len(notes))],
                        STAFF_CHAT_ID,
                        group,
                        None,
                        None,
                        "internal",
                        ts(sec),
                        None,
                        None,
                        None,
                        None,
                        None,
                        None,
                    )
                )
        cust.chat[ci] = chat
        self.group_message = group
        self.message_id = mid

    def _survey(
        self,
        rid: int,
        cust: _Customers,
        ci: int,
        resolved: int,
        source: str,
        staff: int | None,
        slow: bool,
        frac: float,
    ) -> tuple[Any, ...]:
        """One survey after the request's first resolution, answered as far as it got."""
        rng = self.rng
        rand = rng.random
        ts = self.w.ts
        self.survey_id += 1
        lang = cust.lang[ci]
        sent = resolved + 1
        expires = sent + SURVEY_EXPIRY
        limit = min(self.now_s, expires)
        chat = cust.chat[ci]
        score_msg = chat
        chat += 1
        score = band = scored_at = reason_text = reason_at = None
        reason_pol = reason_label = reason_lang = reason_tags = None
        pillar = pillar_score = pillar_at = answered_at = None
        reason_msg = pillar_msg = reason_src = None
        step = "score"
        scored_at = sent + 5 + int(rng.lognormvariate(math.log(240), 1.3))
        if rand() < 0.86 and scored_at <= limit:
            # NPS drifts over the year; slow or reopened requests make detractors
            wave = math.sin(2 * math.pi * frac * 1.4 + 0.6)
            p_prom = 0.48 + 0.07 * wave
            p_det = 0.21 - 0.05 * wave
            if slow:
                p_prom -= 0.2
                p_det += 0.25
            elif source == "customer":
                p_prom += 0.06
            r = rand()
            if r < p_det:
                b = 0
                score = bisect.bisect(_DETRACTOR_CUM, rand() * _DETRACTOR_CUM[-1])
            elif r < 1 - p_prom:
                b = 1
                score = 8 if rand() < 0.55 else 7
            else:
                b = 2
                score = 10 if rand() < 0.45 else 9
            band = _BANDS[b]
            self.scored += 1
            step = "reason"
            reason_msg = chat
            chat += 1
            at = scored_at + 10 + int(rng.lognormvariate(math.log(60), 0.9))
            r = rand()
            if r < 0.92 and at <= limit:
                reason_at = at
                if r < 0.78:
                    pool = self.pools[lang]["reasons"][b]
                    reason_text, reason_pol, _, reason_label, reason_lang, reason_tags, _ = pool[
                        int(rand() * len(pool))
                    ]
                    reason_src = chat
                    chat += 1
                step = "pillar"
                pillar = PILLARS[self.rotation % len(PILLARS)]
                self.rotation += 1
                pillar_msg = chat
                chat += 1
                at = reason_at + 5 + int(rng.lognormvariate(math.log(20), 0.8))
                r = rand()
                if r < 0.95 and at <= limit:
                    if r < 0.88:
                        cum = _PILLAR_CUM[b]
                        pillar_score = bisect.bisect(cum, rand() * cum[-1]) + 1
                        pillar_at = at
                    answered_at = at
                    step = "done"
        else:
            scored_at = None
        status = "completed" if step == "done" else "expired" if expires <= self.now_s else "sent"
        cust.chat[ci] = chat
        return (
            self.survey_id,
            rid,
            ci + 1,
            cust.uid[ci],
            staff if source == "staff" else None,
            lang,
            status,
            step,
            ts(sent),
            ts(expires),
            score,
            band,
            ts(scored_at) if scored_at is not None else None,
            reason_text,
            ts(reason_at) if reason_at is not None else None,
            reason_pol,
            reason_label,
            reason_lang,
            reason_tags,
            pillar,
            pillar_score,
            ts(pillar_at) if pillar_at is not None else None,
            ts(answered_at) if answered_at is not None else None,
            score_msg,
            reason_msg,
            pillar_msg,
            reason_src,
        )
