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

from conversations.seed.run import Progress, SeedCounts, seed
from conversations.seed.shape import STAFF, STAFF_CHAT_ID, History

__all__ = ["STAFF", "STAFF_CHAT_ID", "History", "Progress", "SeedCounts", "seed"]
