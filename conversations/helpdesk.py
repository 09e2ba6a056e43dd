"""Helpdesk use cases: customers write, staff answer, requests move open -> answered -> resolved.

Each method is one transaction and returns values; the Telegram edge (bot/) renders and sends
them, then reports back where copies landed (mark_relayed) so that replies map to requests.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from conversations import staff_members
from conversations.business_hours import Calendar
from conversations.clock import Clock
from conversations.models import (
    Ambiguous,
    Customer,
    CustomerMessageOutcome,
    CustomerSearch,
    Found,
    Incoming,
    MessageEdited,
    NotFound,
    Refusal,
    Request,
    RequestResolved,
    Sender,
    StaffMessageOutcome,
    StateChange,
)
from conversations.notices import ack_kind, away_now, owe, owe_for_change, owed_by_message
from conversations.numbers import parse_int
from conversations.relay_records import RelayRecords
from conversations.routing import Routing
from conversations.staff_views import StaffViews
from conversations.store import Database, Repo, RequestChanges
from conversations.terms import (
    LANGUAGES,
    SAVED_REPLY_KIND,
    Actor,
    Delivery,
    Direction,
    EventKind,
    Status,
)

# (text, language hint) -> stored sentiment fields: polarity, subjectivity, label, language, tags
TextAnalyzer = Callable[[str, str | None], dict[str, Any]]

LANGUAGE_CACHE = 100_000  # customers whose language the process remembers (cleared when full)
AUTO_RESOLVE_BATCH = 50  # requests resolved in one transaction by the auto-resolve job


@dataclass(frozen=True, slots=True)
class HelpDeskPolicy:
    """The knobs of the request lifecycle (from settings)."""

    routing: Routing  # which staff group a new request goes to
    default_language: str = "it"
    reopen_grace: timedelta = timedelta(hours=24)
    auto_resolve_after: timedelta = timedelta(hours=48)
    note_prefixes: Sequence[str] = ("#note",)
    # A customer message after this much silence starts a burst: the request's owner is
    # mentioned with its first message only, not with every follow-up.
    burst_gap: timedelta = timedelta(minutes=10)
    # A new request is promised a first answer within this much business time (none: no
    # promise), counted on this calendar (from the next opening when the team is out).
    first_response_target: timedelta | None = None
    resolution_target: timedelta | None = None  # likewise for its resolution (an SLA)
    calendar: Calendar | None = None

    def business_seconds(self, start: datetime, end: datetime) -> int:
        """Whole seconds of business time between two instants (all of it without hours)."""
        if self.calendar is None:
            return max(0, int((end - start).total_seconds()))
        return int(self.calendar.business_seconds(start, end))

    def deadline(self, start: datetime, target: timedelta | None) -> datetime | None:
        """When a target of business time started at `start` falls due (None: no target)."""
        if target is None or self.calendar is None:
            return None
        return self.calendar.add_business(start, target.total_seconds())


def pick_language(telegram_code: str | None, default: str) -> str:
    """Map Telegram's language_code ("it", "en-GB" ...) to a language the bot speaks."""
    if telegram_code:
        base = telegram_code.split("-")[0].lower()
        if base in LANGUAGES:
            return base
    return default


class HelpDesk(StaffViews, RelayRecords):
    """The helpdesk's use cases over the database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        policy: HelpDeskPolicy,
        analyze: TextAnalyzer | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.policy = policy
        self._analyze = analyze
        self._languages: dict[int, str] = {}  # Telegram user id → stored language

    def _sentiment(self, text: str | None, language: str) -> dict[str, Any] | None:
        if not text or self._analyze is None:
            return None
        return self._analyze(text, language)

    def warm_up(self) -> None:
        """Load the analyser's lexicons and language models now (at start-up), not in the
        first customer message of each language."""
        if self._analyze is None:
            return
        for text in (
            "Buongiorno, il mio ordine non è ancora arrivato e nessuno mi risponde.",
            "Hello, my order has not arrived yet and nobody answers my emails.",
            "ok grazie",
            "ok thanks",
        ):
            self._analyze(text, None)

    def is_note(self, text: str | None) -> bool:
        """Tell whether a staff text is an internal note."""
        if not text:
            return False
        head = text.lstrip().lower()
        return any(head.startswith(p.lower()) for p in self.policy.note_prefixes)

    # customers -------------------------------------------------------------------------

    async def customer_message(
        self, msg: Incoming, too_fast: bool = False
    ) -> CustomerMessageOutcome:
        """Store a customer's message in their open request, opening or reopening one, and
        the answer it owes the customer (`too_fast`: they write over their rate)."""
        now = self.clock.now()
        language = pick_language(msg.sender.language_code, self.policy.default_language)
        stored = self._languages.get(msg.sender.user_id)
        if stored is None:
            async with self.db.read() as reader:
                known = await reader.customer_by_user(msg.sender.user_id)
            stored = known.language if known else language
        # Sentiment is slow pure work: done before the write transaction opens.
        sentiment = self._sentiment(msg.text, stored)
        async with self.db.transaction() as repo:
            seen = await self._seen_customer_message(repo, msg)  # stored meanwhile?
            if seen is not None:
                return seen
            customer = await repo.upsert_customer(msg.sender, language, now)
            self._remember_language(customer.telegram_user_id, customer.language)
            request, opened, reopened = await self._request_for(repo, customer)
            previous = request.last_customer_message_at
            quiet = previous is None or now - previous >= self.policy.burst_gap
            row_id = await repo.add_message(
                request_id=request.id,
                direction=Direction.IN,
                sender=msg.sender,
                kind=msg.kind,
                text=msg.text,
                chat_id=msg.chat_id,
                message_id=msg.message_id,
                now=now,
                sentiment=sentiment,
            )
            request = await repo.update_request(request.id, last_customer_message_at=now)
            kind = ack_kind(
                opened=opened,
                reopened=reopened,
                asks_category=opened and self.policy.routing.asks_category,
                too_fast=too_fast,
                away=away_now(self.policy.calendar, now, previous),
            )
            notice = None
            if kind is not None:
                chat = customer.telegram_user_id
                notice = await owe(repo, kind, request.id, chat, row_id, now)
            polarity = sentiment.get("polarity") if sentiment else None
            return CustomerMessageOutcome(
                customer=customer,
                request=request,
                message_row_id=row_id,
                opened=opened,
                reopened=reopened,
                polarity=polarity,
                ping_owner=request.assignee_id if quiet or reopened else None,
                previous_at=previous,
                notice=notice,
            )

    @staticmethod
    async def _seen_customer_message(repo: Repo, msg: Incoming) -> CustomerMessageOutcome | None:
        """The outcome of a message stored before (Telegram delivered it again), else None."""
        seen = await repo.message_by_source(msg.chat_id, msg.message_id)
        if seen is None:
            return None
        request = await repo.request(seen.request_id)
        assert request is not None
        customer = await repo.customer(request.customer_id)
        return CustomerMessageOutcome(
            customer=customer,
            request=request,
            message_row_id=seen.id,
            already_relayed=seen.delivery != Delivery.PENDING,
            notice=await owed_by_message(repo, seen.id),
        )

    async def _request_for(self, repo: Repo, customer: Customer) -> tuple[Request, bool, bool]:
        now = self.clock.now()
        latest = await repo.latest_request(customer.id)
        if latest is not None and latest.status != Status.RESOLVED:
            return latest, False, False
        if (
            latest is not None
            and latest.resolved_at is not None
            and now - latest.resolved_at <= self.policy.reopen_grace
        ):
            reopened, _ = await self._reopen(repo, latest, Actor.CUSTOMER, None)
            return reopened, False, True
        # Its group before any category is picked (conversations.intake may change it).
        group = self.policy.routing.route(None, customer.language)
        opened = await repo.open_request(customer.id, group.chat_id, now)
        promise = self.policy.deadline(now, self.policy.first_response_target)
        resolution = self.policy.deadline(now, self.policy.resolution_target)
        if promise is not None or resolution is not None:
            opened = await repo.update_request(
                opened.id, promised_by=promise, resolution_due=resolution
            )
        return opened, True, False

    async def choose_language(self, who: Sender, language: str) -> bool:
        """Store the language a user picked (creating the customer if new)."""
        if language not in LANGUAGES:
            return False
        async with self.db.transaction() as repo:
            customer = await repo.upsert_customer(who, language, self.clock.now())
            await repo.set_language(customer.id, language)
        self._remember_language(who.user_id, language)
        return True

    def _remember_language(self, user_id: int | None, language: str) -> None:
        # This process is the only writer of a customer's language (one bot per token), so
        # the sentiment hint of their next message needs no read of the database.
        if user_id is None:
            return
        if len(self._languages) >= LANGUAGE_CACHE:
            self._languages.clear()
        self._languages[user_id] = language

    async def customer(self, customer_id: int) -> Customer:
        """A customer by id (KeyError-free: the id comes from a stored row)."""
        async with self.db.read() as repo:
            return await repo.customer(customer_id)

    async def customer_by_user(self, user_id: int) -> Customer | None:
        """The customer a Telegram user is, if they ever wrote or pressed Start."""
        async with self.db.read() as repo:
            return await repo.customer_by_user(user_id)

    async def language_of(self, user_id: int, telegram_code: str | None) -> str:
        """Return the language to speak with a user (their choice, else Telegram's hint)."""
        async with self.db.read() as repo:
            customer = await repo.customer_by_user(user_id)
        if customer is not None and customer.language_chosen:
            return customer.language
        return pick_language(telegram_code, self.policy.default_language)

    async def remember_user(self, msg: Incoming) -> None:
        """Create or refresh a customer without opening a request (/start)."""
        language = pick_language(msg.sender.language_code, self.policy.default_language)
        async with self.db.transaction() as repo:
            await repo.upsert_customer(msg.sender, language, self.clock.now())

    # staff -----------------------------------------------------------------------------

    async def request_for_staff_message(self, msg: Incoming) -> Request | None:
        """Find the request a message in the staff group belongs to (topic or reply)."""
        async with self.db.read() as repo:
            return await self._find_staff_request(repo, msg)

    async def _find_staff_request(self, repo: Repo, msg: Incoming) -> Request | None:
        if msg.thread_id is not None:
            found = await repo.request_by_topic(msg.chat_id, msg.thread_id)
            if found is not None:
                return found
        if msg.reply_to_message_id is not None:
            request_id = await repo.linked_request_id(msg.chat_id, msg.reply_to_message_id)
            if request_id is not None:
                return await repo.request(request_id)
        return None

    async def staff_message(
        self, msg: Incoming, saved: str | None = None
    ) -> StaffMessageOutcome | None:
        """Store a staff message that belongs to a request; None for group chatter.
        `saved`: the key of the saved reply whose filled text `msg` carries."""
        now = self.clock.now()
        async with self.db.transaction() as repo:
            request = await self._find_staff_request(repo, msg)
            if request is None:
                return None
            await staff_members.seen(repo.conn, msg.sender, now)
            customer = await repo.customer(request.customer_id)
            note = saved is None and self.is_note(msg.text)  # a saved text is an answer
            seen = await repo.message_by_source(msg.chat_id, msg.message_id)
            if seen is not None:
                return StaffMessageOutcome(
                    customer=customer,
                    request=request,
                    message_row_id=seen.id,
                    is_note=note,
                    already_relayed=seen.delivery != Delivery.PENDING,
                    sends=seen.text if saved else None,
                )
            row_id = await repo.add_message(
                request_id=request.id,
                direction=Direction.NOTE if note else Direction.OUT,
                sender=msg.sender,
                kind=msg.kind,
                text=msg.text,
                chat_id=msg.chat_id,
                message_id=msg.message_id,
                now=now,
            )
            await repo.link(msg.chat_id, msg.message_id, request.id, "answer")
            if not note:
                request = await self._answered(repo, request, msg.sender.user_id)
            if saved is not None:
                await repo.add_event(
                    request.id,
                    EventKind.SAVED_REPLY,
                    now,
                    Actor.STAFF,
                    msg.sender.user_id,
                    detail=saved,
                )
            return StaffMessageOutcome(
                customer=customer,
                request=request,
                message_row_id=row_id,
                is_note=note,
                sends=msg.text if saved else None,
            )

    async def _answered(self, repo: Repo, request: Request, staff_id: int) -> Request:
        now = self.clock.now()
        values: RequestChanges = {"last_staff_message_at": now}
        if request.status == Status.OPEN:
            values["status"] = Status.ANSWERED
            await repo.add_event(request.id, EventKind.ANSWERED, now, Actor.STAFF, staff_id)
        if request.first_response_at is None:
            values["first_response_at"] = now
            values["first_response_seconds"] = int((now - request.opened_at).total_seconds())
            values["first_response_business_seconds"] = self.policy.business_seconds(
                request.opened_at, now
            )
        return await repo.update_request(request.id, **values)

    # edits -----------------------------------------------------------------------------

    async def edited_message(
        self, msg: Incoming, edited_at: datetime | None = None
    ) -> MessageEdited | None:
        """Store the new text of an edited message; return what the other side must see.

        None when there is nothing to show: a message never stored (an internal note, a
        saved reply's command), an
        edit seen before or older than one already stored (re-delivered or late updates), a
        staff answer edited into a note, or a message whose copy has not landed yet (its
        pending relay copies the message as it is now).
        """
        now = self.clock.now()
        edited_at = edited_at or now  # Telegram's edit_date, when it gave one
        async with self.db.read() as reader:
            row = await reader.message_by_source(msg.chat_id, msg.message_id)
            if row is None or row.direction == Direction.NOTE or row.kind == SAVED_REPLY_KIND:
                return None  # an edited /r command: the customer got the saved text, kept
            owner = await reader.request(row.request_id)
            assert owner is not None
            language = (await reader.customer(owner.customer_id)).language
        # Only customer texts are analysed; slow pure work, before the write transaction.
        analysed = self._sentiment(msg.text, language) if row.direction == Direction.IN else None
        async with self.db.transaction() as repo:
            row = await repo.message_by_source(msg.chat_id, msg.message_id)
            if row is None or row.direction == Direction.NOTE:
                return None
            direction = Direction(row.direction)
            if direction == Direction.OUT and self.is_note(msg.text):
                return None  # the customer already has the answer; never show them a note
            if await repo.edit_known(row.id, edited_at, msg.text):
                return None
            request = await repo.request(row.request_id)
            assert request is not None
            customer = await repo.customer(request.customer_id)
            await repo.record_edit(
                row.id,
                edited_at=edited_at,
                text=msg.text,
                previous_text=row.text,
                now=now,
                sentiment=analysed,
            )
            if (
                row.delivery != Delivery.DELIVERED
                or row.copy_chat_id is None
                or row.copy_message_id is None
            ):
                return None
            return MessageEdited(
                request=request,
                customer=customer,
                message_row_id=row.id,
                direction=direction,
                kind=row.kind,
                text=msg.text,
                text_changed=msg.text != row.text,
                copy_chat_id=int(row.copy_chat_id),
                copy_message_id=int(row.copy_message_id),
            )

    # state changes ---------------------------------------------------------------------

    async def request(self, request_id: int) -> Request | None:
        """Return a request by number."""
        async with self.db.read() as repo:
            return await repo.request(request_id)

    async def resolve(
        self, request_id: int, actor: Actor, actor_id: int | None, by: Sender | None = None
    ) -> StateChange:
        """Resolve a request (idempotent: resolving twice changes nothing); `by`: the staff
        member, remembered by name for the lines and the history that name them."""
        async with self.db.transaction() as repo:
            if by is not None:
                await staff_members.seen(repo.conn, by, self.clock.now())
            return await self._resolve(repo, request_id, actor, actor_id)

    async def _resolve(
        self, repo: Repo, request_id: int, actor: Actor, actor_id: int | None
    ) -> StateChange:
        now = self.clock.now()
        request = await repo.request(request_id)
        if request is None:
            raise LookupError(request_id)
        customer = await repo.customer(request.customer_id)
        if request.status == Status.RESOLVED:
            return StateChange(request, customer, changed=False)
        request = await repo.update_request(
            request_id,
            status=Status.RESOLVED,
            resolved_at=now,
            resolved_by=actor_id,
            resolution_source=actor,
            resolution_seconds=int((now - request.opened_at).total_seconds()),
            resolution_business_seconds=self.policy.business_seconds(request.opened_at, now),
        )
        event_id = await repo.add_event(request_id, EventKind.RESOLVED, now, actor, actor_id)
        chat = customer.telegram_user_id
        notices = await owe_for_change(
            repo, EventKind.RESOLVED, actor, request, chat, event_id, now
        )
        event = RequestResolved(
            request_id=request_id,
            customer_id=customer.id,
            customer_user_id=customer.telegram_user_id,
            language=customer.language,
            source=actor,
            resolved_by=actor_id,
            at=now,
        )
        return StateChange(request, customer, changed=True, events=[event], notices=notices)

    async def resolve_by_customer(self, request_id: int, user_id: int) -> StateChange | Refusal:
        """The customer's own "Solved": only the customer whose request it is may resolve it."""
        async with self.db.transaction() as repo:
            request = await repo.request(request_id)
            if request is None:
                return Refusal.UNKNOWN
            if (await repo.customer(request.customer_id)).telegram_user_id != user_id:
                return Refusal.NOT_YOURS
            return await self._resolve(repo, request_id, Actor.CUSTOMER, user_id)

    async def reopen(
        self, request_id: int, actor: Actor, actor_id: int | None, by: Sender | None = None
    ) -> StateChange:
        """Reopen a resolved request (idempotent); `by` as for resolve."""
        async with self.db.transaction() as repo:
            if by is not None:
                await staff_members.seen(repo.conn, by, self.clock.now())
            request = await repo.request(request_id)
            if request is None:
                raise LookupError(request_id)
            customer = await repo.customer(request.customer_id)
            if request.status != Status.RESOLVED:
                return StateChange(request, customer, changed=False)
            request, event_id = await self._reopen(repo, request, actor, actor_id)
            chat, now = customer.telegram_user_id, self.clock.now()
            notices = await owe_for_change(
                repo, EventKind.REOPENED, actor, request, chat, event_id, now
            )
            return StateChange(request, customer, changed=True, notices=notices)

    async def _reopen(
        self, repo: Repo, request: Request, actor: Actor, actor_id: int | None
    ) -> tuple[Request, int]:
        """The one reopen transition: back to open, resolution cleared, counted, recorded
        (with the id of its event)."""
        reopened = await repo.update_request(
            request.id,
            status=Status.OPEN,
            resolved_at=None,
            resolved_by=None,
            resolution_source=None,
            resolution_seconds=None,
            resolution_business_seconds=None,
            reopen_count=request.reopen_count + 1,
        )
        now = self.clock.now()
        return reopened, await repo.add_event(request.id, EventKind.REOPENED, now, actor, actor_id)

    async def auto_resolve(self, limit: int = AUTO_RESOLVE_BATCH) -> list[StateChange]:
        """Resolve up to `limit` requests answered by staff and silent for the configured
        time (the oldest first). A batch is one short transaction: after downtime there
        may be thousands, and customers' messages must not wait behind all of them."""
        cutoff = self.clock.now() - self.policy.auto_resolve_after
        async with self.db.transaction() as repo:
            due = await repo.auto_resolve_candidates(cutoff, limit)
            return [await self._resolve(repo, r.id, Actor.AUTO, None) for r in due]

    # staff views (more in conversations.staff_views) ---------------------------------

    async def find_customer(self, query: str, about: Incoming | None = None) -> CustomerSearch:
        """The customer a staff command names: by id, @username, #request or name, or
        without a query the customer of the request the staff message belongs to."""
        query = query.strip()
        if query:
            cards = await self.whois(query)
            if len(cards) == 1:
                named = parse_int(query[1:], low=1) if query.startswith("#") else None
                return Found(cards[0], named)
            return Ambiguous(query, cards) if cards else NotFound(query)
        request = await self.request_for_staff_message(about) if about is not None else None
        card = await self.whois_request(request.id) if request is not None else None
        return Found(card, request.id) if card is not None and request else NotFound("")
