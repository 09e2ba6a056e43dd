"""The product's vocabulary: each shared term defined once, imported everywhere else.

Request statuses and what they mean, who acts, which way a message went and whether it
arrived, the NPS scale and its bands, the six pillars, survey states. Stored as their
string values; StrEnum members compare equal to those strings, so SQL and JSON read them
as they are.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "DETRACTOR_MAX",
    "LANGUAGES",
    "NPS_MAX",
    "NPS_MIN",
    "OPEN_STATUSES",
    "PASSIVE_MAX",
    "PILLARS",
    "RECOVERED_MIN",
    "SAVED_REPLY_KIND",
    "SUPPORTED_KINDS",
    "Actor",
    "Band",
    "Delivery",
    "Direction",
    "EventKind",
    "Pillar",
    "RecoveryTrigger",
    "RootCause",
    "SlaTarget",
    "Status",
    "SurveyStatus",
    "SurveyStep",
    "band_of",
]


# The languages the bot speaks to customers (the first is the fallback).
LANGUAGES: tuple[str, ...] = ("it", "en")


class Status(StrEnum):
    """Where a request stands in its lifecycle."""

    OPEN = "open"
    ANSWERED = "answered"
    RESOLVED = "resolved"


# A request waits for staff (or for the customer) until it is resolved.
OPEN_STATUSES: tuple[Status, ...] = (Status.OPEN, Status.ANSWERED)


class EventKind(StrEnum):
    """A state change recorded in a request's history."""

    OPENED = "opened"
    ANSWERED = "answered"
    RESOLVED = "resolved"
    REOPENED = "reopened"
    CLAIMED = "claimed"  # a staff member took the request
    ASSIGNED = "assigned"  # handed to a staff member (request_events.subject_id) by another
    UNCLAIMED = "unclaimed"  # its owner let it go
    SAVED_REPLY = "saved_reply"  # a saved reply (request_events.detail: its key) was sent
    TAGGED = "tagged"  # request_events.detail: the tag
    UNTAGGED = "untagged"


class NoticeKind(StrEnum):
    """What a notice tells the customer (bot.notices renders each)."""

    RECEIVED = "received"  # a new request: its number, the away line, the promise
    RECEIVED_ASK = "received_ask"  # the same, and the category question with its buttons
    REOPENED = "reopened"  # the customer's message reopened a resolved request
    REOPENED_AWAY = "reopened_away"  # the same, outside business hours
    AWAY = "away"  # a follow-up outside business hours: when the team is back
    TOO_FAST = "too_fast"  # over CAREBOT_CUSTOMER_RATE: everything is kept, staff get it
    RESOLVED_STAFF = "resolved_staff"
    RESOLVED_CUSTOMER = "resolved_customer"
    RESOLVED_AUTO = "resolved_auto"
    REOPENED_BY_STAFF = "reopened_staff"
    # The staff group's line about a state change (in the request's topic or under its card).
    STAFF_RESOLVED_STAFF = "staff_resolved_staff"
    STAFF_RESOLVED_CUSTOMER = "staff_resolved_customer"
    STAFF_RESOLVED_AUTO = "staff_resolved_auto"
    STAFF_REOPENED_STAFF = "staff_reopened_staff"


class SlaTarget(StrEnum):
    """The service targets a request runs against (in business time)."""

    FIRST_RESPONSE = "first_response"  # the promise told to the customer
    RESOLUTION = "resolution"


class RootCause(StrEnum):
    """Why a detractor was unhappy, as the owner of their recovery records it."""

    PRODUCT = "product"
    DELIVERY = "delivery"
    BILLING = "billing"
    STAFF = "staff"
    PROCESS = "process"
    OTHER = "other"


class RecoveryTrigger(StrEnum):
    """What opened a recovery on a request."""

    DETRACTOR = "detractor"  # an NPS answer of DETRACTOR_MAX or less
    ESCALATION = "escalation"  # a customer message that calls for a senior person


# A recovery's re-ask ("Are we OK now?") answered with at least this: the customer is won back.
RECOVERED_MIN = 7


class Actor(StrEnum):
    """Who caused a state change."""

    CUSTOMER = "customer"
    STAFF = "staff"
    AUTO = "auto"


class Direction(StrEnum):
    """Which way a stored message went."""

    IN = "in"  # customer -> staff
    OUT = "out"  # staff -> customer
    NOTE = "note"  # staff-internal, never sent


class Delivery(StrEnum):
    """Whether a stored message reached the other side."""

    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"
    INTERNAL = "internal"


# The stored kind of a saved reply sent with /r: a bot-written text, sent rather than copied.
SAVED_REPLY_KIND = "saved_reply"

# Kinds relayed both ways with copyMessage; anything else gets a polite notice.
SUPPORTED_KINDS = frozenset(
    {"text", "photo", "document", "voice", "audio", "video", "video_note", "sticker", "animation"}
)

# The NPS question's 0–10 scale and its bands (promoters 9–10, passives 7–8, detractors 0–6).
NPS_MIN, NPS_MAX = 0, 10
DETRACTOR_MAX = 6
PASSIVE_MAX = 8


class Band(StrEnum):
    """NPS band of a 0–10 score."""

    DETRACTOR = "detractor"
    PASSIVE = "passive"
    PROMOTER = "promoter"


def band_of(score: int) -> Band:
    """Return the NPS band of a 0–10 score; ValueError outside the scale."""
    if not NPS_MIN <= score <= NPS_MAX:
        raise ValueError(f"an NPS answer is {NPS_MIN}..{NPS_MAX}, got {score}")
    if score <= DETRACTOR_MAX:
        return Band.DETRACTOR
    return Band.PASSIVE if score <= PASSIVE_MAX else Band.PROMOTER


class Pillar(StrEnum):
    """The six pillars of customer experience (KPMG Customer Experience Excellence)."""

    PERSONALISATION = "personalisation"
    INTEGRITY = "integrity"
    EXPECTATIONS = "expectations"
    RESOLUTION = "resolution"
    TIME_AND_EFFORT = "time_and_effort"
    EMPATHY = "empathy"


# The pillars in the order reports and rotations use.
PILLARS: tuple[Pillar, ...] = tuple(Pillar)


class SurveyStatus(StrEnum):
    """Where a survey stands as a whole."""

    SENT = "sent"
    COMPLETED = "completed"
    EXPIRED = "expired"


class SurveyStep(StrEnum):
    """The question a survey waits for."""

    SCORE = "score"
    REASON = "reason"
    PILLAR = "pillar"
    DONE = "done"
