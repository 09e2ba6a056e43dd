"""Domain values: customers, requests, messages, and what use cases hand back to the edge."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from conversations.terms import Actor, Delivery, Direction, NoticeKind, Status

# Characters that reorder or hide the text around a name when it is shown: bidirectional
# overrides, embeddings, isolates and marks, zero-width spaces, the word joiner, the BOM.
# (The zero-width joiner and non-joiner stay: emoji and some scripts need them.)
HIDDEN = dict.fromkeys(
    [0x061C, 0x200B, 0x200E, 0x200F, 0x2060, 0xFEFF, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def shown(name: str | None) -> str:
    """A name as carebot shows it: without the characters above or control characters
    (a name cannot turn the rest of a card or topic title around)."""
    if not name:
        return ""
    cleaned = name.translate(HIDDEN)
    return "".join(ch if ch.isprintable() else " " for ch in cleaned).strip()


def full_name(first: str | None, last: str | None, missing: str = "?") -> str:
    """A person's name as Telegram shows it: first and last name; `missing` for neither."""
    return " ".join(p for p in (shown(first), shown(last)) if p) or missing


def short_name(first: str | None, last: str | None) -> str:
    """First name and last initial ("Maria R.")."""
    first_shown, last_shown = shown(first) or "?", shown(last)
    return f"{first_shown} {last_shown[0]}." if last_shown else first_shown


@dataclass(frozen=True, slots=True)
class Customer:
    """A person who writes to the bot."""

    id: int
    telegram_user_id: int | None
    first_name: str
    last_name: str | None
    username: str | None
    language: str
    language_chosen: bool
    banned: bool
    blocked_bot_at: datetime | None
    created_at: datetime
    last_contact_at: datetime | None
    churned_at: datetime | None

    @property
    def full_name(self) -> str:
        """First and last name, as Telegram shows them."""
        return full_name(self.first_name, self.last_name)

    @property
    def short_name(self) -> str:
        """First name and last initial ("Maria R."), for topic titles."""
        return short_name(self.first_name, self.last_name)


@dataclass(frozen=True, slots=True)
class Request:
    """One customer request, from first message to resolution."""

    id: int
    customer_id: int
    status: Status
    opened_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    resolved_by: int | None
    resolution_source: Actor | None
    reopen_count: int
    last_customer_message_at: datetime | None
    last_staff_message_at: datetime | None
    staff_chat_id: int
    topic_thread_id: int | None
    card_message_id: int | None
    category: str | None = None
    assignee_id: int | None = None  # the staff member who owns it (StaffMember.user_id)
    promised_by: datetime | None = None  # the first answer promised to the customer by then
    promise_warned_at: datetime | None = None  # staff were warned it was about to be late
    resolution_due: datetime | None = None  # the resolution target's deadline (an SLA)
    resolution_warned_at: datetime | None = None
    promise_escalated_at: datetime | None = None  # managers were told the target broke
    resolution_escalated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Sender:
    """The Telegram user behind an incoming message."""

    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None
    language_code: str | None = None

    @property
    def full_name(self) -> str:
        """First and last name."""
        return full_name(self.first_name, self.last_name)


@dataclass(frozen=True, slots=True)
class StaffMember:
    """Someone seen acting in a staff group (they may own requests)."""

    user_id: int
    first_name: str
    last_name: str | None = None
    username: str | None = None

    @property
    def full_name(self) -> str:
        """First and last name."""
        return full_name(self.first_name, self.last_name)

    @property
    def short_name(self) -> str:
        """First name and last initial ("Luca B."), for topic titles and lists."""
        return short_name(self.first_name, self.last_name)


@dataclass(frozen=True, slots=True)
class StoredMessage:
    """A message as stored: where it came from, where its copy landed, whether it did."""

    id: int
    request_id: int
    direction: Direction
    kind: str
    text: str | None
    source_chat_id: int
    source_message_id: int
    copy_chat_id: int | None
    copy_message_id: int | None
    delivery: Delivery


@dataclass(frozen=True, slots=True)
class MessageEdit:
    """One edit a customer or staff member made to a relayed message, kept for the record."""

    id: int
    message_id: int
    edited_at: datetime
    text: str | None
    previous_text: str | None
    received_at: datetime


@dataclass(frozen=True, slots=True)
class Incoming:
    """A message as the edge received it, reduced to what the domain needs."""

    chat_id: int
    message_id: int
    sender: Sender
    kind: str  # one of SUPPORTED_KINDS, or the unsupported kind's name
    text: str | None = None  # text or caption
    thread_id: int | None = None
    reply_to_message_id: int | None = None


@dataclass(frozen=True, slots=True)
class RequestResolved:
    """Domain event: a request was resolved (the survey hooks in here)."""

    request_id: int
    customer_id: int
    customer_user_id: int | None
    language: str
    source: Actor
    resolved_by: int | None
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CustomerMessageOutcome:
    """What happened to a customer's message; the edge relays it to staff."""

    customer: Customer
    request: Request
    message_row_id: int
    opened: bool = False  # a new request was opened by this message
    reopened: bool = False  # a resolved request was reopened by this message
    already_relayed: bool = False  # a re-delivered update: nothing left to do
    polarity: float | None = None  # sentiment of the text, for close-the-loop alerts
    # The owner to mention with this message (the first of a burst on a claimed request).
    ping_owner: int | None = None
    previous_at: datetime | None = None  # the request's customer message before this one
    notice: Notice | None = None  # what the customer is owed for it, unless sent already


@dataclass(frozen=True, slots=True)
class Notice:
    """A notice the bot owes a customer (conversations.notices)."""

    id: int
    request_id: int
    chat_id: int
    kind: NoticeKind
    source_id: int
    at: datetime
    sent_at: datetime | None = None
    message_id: int | None = None  # a staff line's message, once sent


@dataclass(frozen=True, slots=True, kw_only=True)
class StaffMessageOutcome:
    """What happened to a staff message in the group; the edge relays answers."""

    customer: Customer
    request: Request
    message_row_id: int
    is_note: bool = False
    already_relayed: bool = False
    sends: str | None = None  # a saved reply's filled text: sent to the customer, not copied


@dataclass(frozen=True, slots=True)
class MessageEdited:
    """A relayed message was edited: the edge updates the other side.

    For a customer's message (direction IN) staff get a notice replying to the copy; for a
    staff answer (OUT) the customer's copy is edited in place.
    """

    request: Request
    customer: Customer
    message_row_id: int
    direction: Direction
    kind: str
    text: str | None  # the new text or caption
    text_changed: bool  # False when only formatting changed
    copy_chat_id: int
    copy_message_id: int


@dataclass(frozen=True, slots=True)
class StateChange:
    """Result of resolve/reopen: the request after the change and whether anything changed."""

    request: Request
    customer: Customer
    changed: bool
    events: list[RequestResolved] = field(default_factory=list)
    notices: tuple[Notice, ...] = ()  # what it owes the customer and the staff group


@dataclass(frozen=True, slots=True)
class OpenRequestLine:
    """One line of /open: a request that waits for staff or the customer."""

    request: Request
    customer: Customer
    waiting_for_first_response: bool
    age_seconds: float  # since the request was opened
    owner: StaffMember | None = None
    # Until the promised first answer (negative: that late); None: answered or no promise.
    promise_left_seconds: float | None = None
    # Until its resolution target (negative: broken that long ago), or None without one.
    resolution_left_seconds: float | None = None


@dataclass(frozen=True, slots=True)
class CustomerCard:
    """What /whois shows about a customer."""

    customer: Customer
    requests_total: int
    open_requests: list[Request]
    recent_requests: list[Request]
    messages_total: int


@dataclass(frozen=True, slots=True)
class RequestEvent:
    """One entry of a request's history (request_events)."""

    kind: str  # terms.EventKind
    at: datetime
    actor: str  # terms.Actor
    actor_id: int | None = None
    subject_id: int | None = None  # assigned/unclaimed: the staff member it is about
    detail: str | None = None  # saved_reply: its key


@dataclass(frozen=True, slots=True)
class PendingRelay:
    """A stored message whose copy has not landed yet: queued for the staff group, or
    failed earlier (the relay sweeper tries it again)."""

    row_id: int
    chat_id: int
    message_id: int
    outcome: CustomerMessageOutcome | StaffMessageOutcome
    kind: str = "text"  # conversations.terms.SUPPORTED_KINDS
    text: str | None = None  # the text or caption, for a relay that folds several texts


@dataclass(frozen=True, slots=True)
class Found:
    """The one customer a staff query names."""

    card: CustomerCard
    request_id: int | None = None  # the query named one of their requests (#42, its topic)


@dataclass(frozen=True, slots=True)
class NotFound:
    """No customer matches (an empty query outside a request: nothing to go by)."""

    query: str


@dataclass(frozen=True, slots=True)
class Ambiguous:
    """Several customers match the query."""

    query: str
    cards: list[CustomerCard]


CustomerSearch = Found | NotFound | Ambiguous


class Refusal(StrEnum):
    """Why a request to act (a customer's button, a staff claim) was refused."""

    UNKNOWN = "unknown"  # no such request
    NOT_YOURS = "not_yours"  # another customer's
    RESOLVED = "resolved"  # closed: nobody takes it over any more
