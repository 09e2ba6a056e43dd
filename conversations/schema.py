"""The database schema as SQLAlchemy Core tables (migrations mirror it; a test keeps them equal)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)

from conversations.owners import OWNER_COLUMNS

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only gives INTEGER PRIMARY KEY rowid semantics to plain INTEGER.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes in and out, on SQLite (naive storage) and PostgreSQL (timestamptz)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; use an aware UTC datetime")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


customers = Table(
    "customers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("telegram_user_id", BigInteger, unique=True),
    Column("external_id", String(100), unique=True),
    Column("first_name", String(200), nullable=False, server_default=""),
    Column("last_name", String(200)),
    Column("username", String(100)),
    Column("language", String(8), nullable=False),
    # True once the customer picked a language with /language: Telegram's hint no longer applies.
    Column("language_chosen", Boolean, nullable=False, server_default="0"),
    Column("banned", Boolean, nullable=False, server_default="0"),
    Column("blocked_bot_at", UtcDateTime),
    Column("created_at", UtcDateTime, nullable=False),
    Column("last_contact_at", UtcDateTime),
    Column("churned_at", UtcDateTime),
    Column("churn_source", String(20)),
    Column("yearly_revenue", Numeric(14, 2)),
    Column("relationship_start", Date),
    Column("acquisition_cost", Numeric(14, 2)),
    # Reports, covering: churn rate and active customers read these dates of everyone.
    Index("ix_customers_lifecycle", "created_at", "last_contact_at", "churned_at"),
)

requests = Table(
    "requests",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("customer_id", Id, ForeignKey("customers.id"), nullable=False),
    Column("status", String(16), nullable=False),  # open | answered | resolved
    Column("opened_at", UtcDateTime, nullable=False),
    Column("first_response_at", UtcDateTime),
    # Seconds kept beside the timestamps so both engines aggregate durations the same way.
    Column("first_response_seconds", Integer),
    Column("resolved_at", UtcDateTime),
    Column("resolution_seconds", Integer),
    Column("resolved_by", BigInteger),
    Column("resolution_source", String(16)),  # staff | customer | auto
    Column("reopen_count", Integer, nullable=False, server_default="0"),
    Column("last_customer_message_at", UtcDateTime),
    Column("last_staff_message_at", UtcDateTime),
    Column("staff_chat_id", BigInteger, nullable=False),
    Column("topic_thread_id", BigInteger),
    Column("card_message_id", BigInteger),
    Column("category", String(24)),  # conversations.routing: picked by the customer, or none
    # The staff member who owns the request (staff_members.user_id), or none: kept once it
    # is resolved, so reports count what each one handled.
    Column("assignee_id", BigInteger),
    # The first answer promised to the customer by this time (business hours and
    # CAREBOT_SLA_FIRST_RESPONSE), or none: reports count the promises kept.
    Column("promised_by", UtcDateTime),
    Column("promise_warned_at", UtcDateTime),  # staff were warned it is about to break
    # The resolution promised by this time (CAREBOT_SLA_RESOLUTION), or none.
    Column("resolution_due", UtcDateTime),
    Column("resolution_warned_at", UtcDateTime),  # staff were warned it is about to break
    # Managers were told a target broke (conversations.sla_watch).
    Column("promise_escalated_at", UtcDateTime),
    Column("resolution_escalated_at", UtcDateTime),
    # The service times again, counting only business hours (conversations.business_hours).
    Column("first_response_business_seconds", Integer),
    Column("resolution_business_seconds", Integer),
    Index(None, "customer_id", "status"),
    Index(None, "status", "last_staff_message_at"),
    Index(None, "opened_at"),
    Index(None, "staff_chat_id", "topic_thread_id"),
    # Reports: resolutions and first responses of a period, covering the percentiles.
    Index(None, "first_response_at", "first_response_seconds"),
    # Reports: resolutions of a period (status first, so SQLite's planner picks it over
    # status + last_staff_message_at), covering the totals and the resolution percentiles.
    Index(
        "ix_requests_resolved_report",  # the conventional name is too long for PostgreSQL
        "status",
        "resolved_at",
        "resolution_seconds",
        "reopen_count",
        "resolution_source",
    ),
    # Reports: the exact values inside one service-time histogram bin (conversations.rollups),
    # per owner too (conversations.owners), from the index alone.
    Index(
        "ix_requests_first_response_bin",
        "first_response_seconds",
        "first_response_at",
        *OWNER_COLUMNS,
    ),
    Index(
        "ix_requests_resolution_bin",
        "status",
        "resolution_seconds",
        "resolved_at",
        *OWNER_COLUMNS,
    ),
    # The partial days at a report's edges: a roll-up's condition on status is hidden from
    # SQLite's planner (rollups.counts_sql), so the range needs resolved_at first.
    Index("ix_requests_resolved_at", "resolved_at"),
    # Reports: the SLA targets that came due in a period.
    Index(None, "promised_by"),
    Index(None, "resolution_due"),
)

request_events = Table(
    "request_events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request_id", Id, ForeignKey("requests.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # a terms.EventKind
    Column("at", UtcDateTime, nullable=False),
    Column("actor", String(16), nullable=False),  # customer | staff | auto
    Column("actor_id", BigInteger),
    Column("subject_id", BigInteger),  # assigned: the staff member it went to
    Column("detail", String(64)),  # saved_reply: its key; tagged/untagged: the tag
    Index(None, "request_id"),
    Index(None, "kind", "at"),  # the saved replies used in a period
)

# What staff keep about a customer across requests (/note), shown in /whois.
customer_notes = Table(
    "customer_notes",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("customer_id", Id, ForeignKey("customers.id"), nullable=False),
    Column("author_id", BigInteger, nullable=False),  # staff_members.user_id
    Column("text", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "customer_id"),
)

# A request's tags (/tag), for filters and reports; each change is also an event.
request_tags = Table(
    "request_tags",
    metadata,
    Column("request_id", Id, ForeignKey("requests.id"), primary_key=True),
    Column("tag", String(32), primary_key=True),
    Index(None, "tag", "request_id"),
)

# Saved replies: one text per key and language, sent with /r KEY in the customer's language.
saved_replies = Table(
    "saved_replies",
    metadata,
    Column("key", String(32), primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("text", Text, nullable=False),
    Column("author_id", BigInteger, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)

# A detractor's recovery: who took it, the root cause, the attempt, and the customer's
# answer to "Are we OK now?" some days later (conversations.recovery).
RECOVERY_REASON_MAX = 200

recoveries = Table(
    "recoveries",
    metadata,
    Column("request_id", Id, ForeignKey("requests.id"), primary_key=True),
    Column("customer_id", Id, ForeignKey("customers.id"), nullable=False),
    Column("trigger", String(16), nullable=False, server_default="detractor"),  # terms
    Column("score", Integer),  # the detractor's NPS answer (also when it came after)
    Column("reason", String(RECOVERY_REASON_MAX)),  # an escalation's signals, as staff read
    # An escalation's card is the staff copy of this customer message (an edit, no send).
    Column("copy_row_id", BigInteger),
    Column("opened_at", UtcDateTime, nullable=False),
    # Who works it: the request's owner (else whoever resolved it), or who took it after.
    Column("owner_id", BigInteger),
    Column("root_cause", String(16)),  # terms.RootCause
    Column("cause_by", BigInteger),
    Column("attempted_at", UtcDateTime),
    Column("attempted_by", BigInteger),
    Column("reask_due", UtcDateTime),
    Column("reask_sent_at", UtcDateTime),
    Column("reask_message_id", BigInteger),
    Column("reask_score", Integer),
    Column("reask_at", UtcDateTime),  # answered, skipped or expired
    Column("reask_outcome", String(16)),  # answered | skipped | expired | not_asked
    Column("card_chat_id", BigInteger),  # the recovery card in the staff group
    Column("card_message_id", BigInteger),
    Index(None, "opened_at"),
    Index(None, "reask_due"),
)

# Managers' choices about the weekly summary (/subscribe, /unsubscribe); a manager with no
# row gets it in the staff language.
manager_subscriptions = Table(
    "manager_subscriptions",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("subscribed", Boolean, nullable=False),
    Column("language", String(8), nullable=False),
    Column("changed_at", UtcDateTime, nullable=False),
)

# Everyone seen acting in a staff group: /assign @name finds them, cards show their names.
staff_members = Table(
    "staff_members",
    metadata,
    Column("user_id", BigInteger, primary_key=True, autoincrement=False),
    Column("first_name", String(200), nullable=False, server_default=""),
    Column("last_name", String(200)),
    Column("username", String(100)),
    Column("last_seen_at", UtcDateTime, nullable=False),
    Index(None, "username"),
)

messages = Table(
    "messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request_id", Id, ForeignKey("requests.id"), nullable=False),
    Column("direction", String(8), nullable=False),  # in (customer) | out (staff) | note
    Column("sender_user_id", BigInteger, nullable=False),
    Column("sender_name", String(200), nullable=False, server_default=""),
    Column("kind", String(16), nullable=False),
    Column("text", Text),
    Column("source_chat_id", BigInteger, nullable=False),
    Column("source_message_id", BigInteger, nullable=False),
    Column("copy_chat_id", BigInteger),
    Column("copy_message_id", BigInteger),
    Column("delivery", String(16), nullable=False),  # pending | delivered | failed | internal
    Column("created_at", UtcDateTime, nullable=False),
    Column("polarity", Float),
    Column("subjectivity", Float),
    Column("sentiment_label", String(8)),
    Column("language", String(8)),
    Column("pillar_tags", Text),  # JSON list of {pillar, polarity, matched}
    # Customer messages only: JSON list of the churn phrases in the text, None if none
    # (conversations.sentiment.churn, found when the message is stored or edited).
    Column("churn_words", Text),
    # Telegram re-delivers updates after a crash: the source message identifies a message once.
    UniqueConstraint("source_chat_id", "source_message_id"),
    Index(None, "request_id", "created_at"),
    Index(None, "created_at"),
    # Reports, covering: recent customer sentiment per request (so per customer).
    Index(
        "ix_messages_sentiment_report",
        "direction",
        "created_at",
        "request_id",
        "polarity",
        "sentiment_label",
    ),
    # Reports, covering and partial: the few recent messages with a churn phrase.
    Index(
        "ix_messages_churn_words",
        "direction",
        "created_at",
        "request_id",
        "churn_words",
        sqlite_where=text("churn_words IS NOT NULL"),
        postgresql_where=text("churn_words IS NOT NULL"),
    ),
)

# Every Telegram message that stands for a request (ticket card, copies, staff answers),
# so that a reply to any of them finds its request.
message_links = Table(
    "message_links",
    metadata,
    Column("chat_id", BigInteger, primary_key=True),
    Column("message_id", BigInteger, primary_key=True),
    Column("request_id", Id, ForeignKey("requests.id"), nullable=False),
    Column("role", String(16), nullable=False),  # card | copy | answer | notice
)

# Every edit of a stored message, in arrival order: messages.text holds the newest text,
# previous_text what it replaced; edited_at is Telegram's edit_date, which tells a
# re-delivered or late edit from a new one.
message_edits = Table(
    "message_edits",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", Id, ForeignKey("messages.id"), nullable=False),
    Column("edited_at", UtcDateTime, nullable=False),
    Column("text", Text),
    Column("previous_text", Text),
    Column("received_at", UtcDateTime, nullable=False),
    Index(None, "message_id", "edited_at"),
)

# One NPS survey per resolved request: score, reason and one rotating pillar question.
surveys = Table(
    "surveys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    # Unique: a request reopened and resolved again is not surveyed twice.
    Column("request_id", Id, ForeignKey("requests.id"), nullable=False, unique=True),
    Column("customer_id", Id, ForeignKey("customers.id"), nullable=False),
    Column("user_id", BigInteger, nullable=False),  # Telegram user the survey was sent to
    # The staff member the answer counts for (conversations.owners: the request's owner
    # at resolution, else who resolved it); None: the customer or the bot resolved it.
    Column("resolved_by", BigInteger),
    Column("language", String(8), nullable=False),
    Column("status", String(16), nullable=False),  # sent | completed | expired
    Column("step", String(16), nullable=False),  # score | reason | pillar | done
    Column("sent_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("score", Integer),
    Column("band", String(16)),  # detractor | passive | promoter
    Column("scored_at", UtcDateTime),
    Column("reason_text", Text),
    Column("reason_at", UtcDateTime),  # set when answered or skipped
    Column("reason_polarity", Float),
    Column("reason_label", String(8)),
    Column("reason_language", String(8)),
    Column("reason_tags", Text),  # JSON list of {pillar, polarity, matched}
    Column("pillar", String(24)),  # the pillar asked
    Column("pillar_score", Integer),  # 1..5
    Column("pillar_at", UtcDateTime),  # set only when answered: rotation counts answers
    Column("answered_at", UtcDateTime),  # survey completed
    # Telegram message ids: the bot's questions (to edit keyboards) and the customer's reason.
    Column("score_message_id", BigInteger),
    Column("reason_message_id", BigInteger),
    Column("pillar_message_id", BigInteger),
    Column("reason_source_message_id", BigInteger),
    # The staff-group line of the result, edited as the reason and pillar answer arrive.
    Column("staff_line_message_id", BigInteger),
    Index(None, "customer_id", "sent_at"),  # cooldown
    # Rotation, and covering the reports' pillar answers and key-driver pairs.
    Index(None, "pillar_at", "pillar", "pillar_score", "score"),
    Index(None, "status", "expires_at"),  # expiry sweep
    Index(None, "user_id", "step"),  # free text at the reason step
    # Reports, covering: answers of a period with their breakdowns; the response rate.
    Index(None, "scored_at", "score", "language", "resolved_by"),
    Index(None, "sent_at", "score"),
    Index(None, "customer_id", "scored_at"),  # reports: a customer's last answers
)

# Every pillar tag of a customer text, one row each, written with the text it came from:
# the customer's inbound messages (at = created_at) and survey reasons (at = scored_at, so
# a reason counts in the period of its NPS answer). Reports count mentions of a period
# with one indexed GROUP BY instead of expanding the JSON tags of every message.
pillar_mentions = Table(
    "pillar_mentions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("message_id", Id, ForeignKey("messages.id")),
    Column("survey_id", Id, ForeignKey("surveys.id")),
    Column("customer_id", Id, ForeignKey("customers.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("pillar", String(24), nullable=False),
    Column("polarity", Float),
    Index(None, "at", "pillar", "polarity"),  # reports, covering
    Index(None, "message_id"),  # replaced when a message is edited
    Index(None, "survey_id"),
)

# Daily roll-ups of the report figures (conversations.rollups): one row per UTC day and
# key, kept exact by triggers on surveys, pillar_mentions and requests.
daily_nps = Table(
    "daily_nps",
    metadata,
    Column("day", Date, primary_key=True),
    Column("language", String(8), primary_key=True),
    Column("staff", BigInteger, primary_key=True),  # surveys.resolved_by; 0: nobody
    Column("score", Integer, primary_key=True),
    Column("n", Integer, nullable=False),
    sqlite_with_rowid=False,  # clustered on the key: a range of days is one scan
)

daily_surveys = Table(
    "daily_surveys",
    metadata,
    Column("day", Date, primary_key=True),  # of sent_at
    Column("sent", Integer, nullable=False),
    Column("answered", Integer, nullable=False),  # of those sent that day, scored since
    sqlite_with_rowid=False,  # clustered on the key: a range of days is one scan
)

daily_pillar_answers = Table(
    "daily_pillar_answers",
    metadata,
    Column("day", Date, primary_key=True),  # of pillar_at
    Column("pillar", String(24), primary_key=True),
    Column("answer", Integer, primary_key=True),  # 1..5
    Column("score", Integer, primary_key=True),  # the survey's NPS score; -1: none
    Column("n", Integer, nullable=False),
    sqlite_with_rowid=False,  # clustered on the key: a range of days is one scan
)

daily_owners = Table(
    "daily_owners",
    metadata,
    Column("day", Date, primary_key=True),  # of resolved_at
    Column("owner", BigInteger, primary_key=True),  # conversations.owners; 0: nobody
    Column("handled", Integer, nullable=False),
    Column("reopened", Integer, nullable=False),
    sqlite_with_rowid=False,  # clustered on the key: a range of days is one scan
)

daily_owner_bins = Table(
    "daily_owner_bins",
    metadata,
    Column("day", Date, primary_key=True),
    Column("owner", BigInteger, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("bin", Integer, primary_key=True),
    Column("n", Integer, nullable=False),
    sqlite_with_rowid=False,  # clustered on the key: a range of days is one scan
)

daily_mentions = Table(
    "daily_mentions",
    metadata,
    Column("day", Date, primary_key=True),
    Column("pillar", String(24), primary_key=True),
    Column("n", Integer, nullable=False),
    Column("polarity_sum", Float, nullable=False),
    sqlite_with_rowid=False,  # clustered on the key: a range of days is one scan
)

daily_requests = Table(
    "daily_requests",
    metadata,
    Column("day", Date, primary_key=True),
    Column("opened", Integer, nullable=False),  # by opened_at
    # Resolved requests by resolved_at: reopened before, resolved automatically, timed.
    Column("resolved", Integer, nullable=False),
    Column("reopened", Integer, nullable=False),
    Column("auto", Integer, nullable=False),
    Column("timed", Integer, nullable=False),
    sqlite_with_rowid=False,  # clustered on the key: a range of days is one scan
)

daily_service_bins = Table(
    "daily_service_bins",
    metadata,
    Column("day", Date, primary_key=True),
    Column("kind", String(16), primary_key=True),  # first_response | resolution
    Column("bin", Integer, primary_key=True),  # conversations.rollups.bin_bounds
    Column("n", Integer, nullable=False),
    sqlite_with_rowid=False,  # clustered on the key: a range of days is one scan
)

# The churn-risk section of reports, scored in the background (analytics.risk_snapshot):
# reports read the newest one while it is fresh instead of scoring every customer again.
risk_snapshots = Table(
    "risk_snapshots",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("computed_at", UtcDateTime, nullable=False),
    Column("weights", Text, nullable=False),  # JSON of the weights it was scored with
    Column("section", Text, nullable=False),  # JSON of analytics.report.RiskSection
    Index(None, "computed_at"),
)

# Every erasure of a customer's data (/forget): who asked, when, and how many rows of each
# kind were erased (JSON counts), never what they held.
erasures = Table(
    "erasures",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("customer_id", Id, ForeignKey("customers.id"), nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("by_kind", String(16), nullable=False),  # terms.Actor: the customer, or staff
    Column("by_id", BigInteger),  # the staff member's Telegram id
    Column("what", Text, nullable=False),
)

# What the bot owes a customer (the "request received" answer, a resolution's notice):
# written in the transaction that made it owed, marked sent once Telegram took it, and
# sent again after a crash by a sweep (bot.notices). It holds no text: it is rendered
# from its kind when sent. `source_id` is the customer message or request event it
# answers, so a re-delivered update finds the notice it already owes.
notices = Table(
    "notices",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request_id", Id, ForeignKey("requests.id"), nullable=False),
    Column("chat_id", BigInteger, nullable=False),  # the customer's private chat
    Column("kind", String(24), nullable=False),  # a conversations.notices.NoticeKind
    Column("source_id", Id, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    # The staff group's line, once sent: a survey's result is edited into it.
    Column("message_id", BigInteger),
    UniqueConstraint("kind", "source_id"),
    Index(None, "sent_at", "at"),
)

# Close-the-loop alerts raised in the staff group, kept to rate-limit them per request.
alerts = Table(
    "alerts",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("request_id", Id, ForeignKey("requests.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # detractor | message | reason
    Column("at", UtcDateTime, nullable=False),
    Column("reason", Text),
    Index(None, "request_id", "at"),
)

# The weekly summary each manager received: one row per manager and week, claimed before
# sending, so two processes (or a restart) never send the same week twice.
weekly_summaries = Table(
    "weekly_summaries",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("week_start", Date, nullable=False),  # Monday, in the configured time zone
    Column("manager_id", BigInteger, nullable=False),
    Column("status", String(16), nullable=False),  # claimed | sent | failed
    Column("claimed_at", UtcDateTime, nullable=False),
    Column("sent_at", UtcDateTime),
    Column("error", Text),
    UniqueConstraint("week_start", "manager_id"),
)

# Telegram updates that take effect without leaving a stored message (commands, button
# presses, kinds that are not relayed): a re-delivered one is recognised here and skipped.
# Keys older than Telegram keeps unconfirmed updates (24 h) are pruned.
handled_updates = Table(
    "handled_updates",
    metadata,
    Column("key", String(120), primary_key=True),  # "m:<chat>:<message id>" or "cb:<query id>"
    Column("handled_at", UtcDateTime, nullable=False),
    Index(None, "handled_at"),
)

# Updates the bot confirmed without processing them: PTB could not parse them, or a handler
# failed on them for a reason that retrying does not heal. Kept with their raw JSON so that
# nothing a customer sent vanishes without a trace.
unprocessed_updates = Table(
    "unprocessed_updates",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("update_id", BigInteger, nullable=False),
    Column("reason", Text, nullable=False),
    Column("raw", Text, nullable=False),
    Column("at", UtcDateTime, nullable=False),
    Index(None, "update_id"),
)
