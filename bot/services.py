"""What handlers need, built once by the composition root and kept in bot_data."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.context import SERVICES_KEY
from bot.settings import Settings
from conversations.business_hours import Calendar
from conversations.customer_notes import Notes
from conversations.customer_rate import CustomerRate
from conversations.helpdesk import HelpDesk
from conversations.intake import Intake
from conversations.ownership import Ownership
from conversations.saved_replies import SavedReplies
from conversations.sla_watch import SlaWatch
from conversations.store import Database
from conversations.subscriptions import Subscriptions
from conversations.surveys import Surveys
from conversations.tags import Tags

if TYPE_CHECKING:
    from telegram.ext import Application

    from bot.errors import ErrorNotices
    from bot.forget_flow import ForgetFlow
    from bot.privacy import DataRequests
    from bot.raw_updates import UpdatesRequest
    from bot.recovery_flow import RecoveryFlow
    from bot.relay import Relay
    from bot.reporting import Reports
    from bot.staff_outbox import StaffOutbox
    from bot.survey_flow import SurveyFlow
    from bot.updates import UpdateRunner


@dataclass
class Services:
    """The bot's collaborators: settings, database, use cases, relay, update runner, reports."""

    settings: Settings
    db: Database
    helpdesk: HelpDesk
    relay: Relay
    surveys: Surveys
    survey_flow: SurveyFlow
    runner: UpdateRunner
    reports: Reports
    outbox: StaffOutbox  # customer messages waiting for the staff group
    updates_request: UpdatesRequest  # the getUpdates connection (polling)
    customer_rate: CustomerRate  # who writes faster than CAREBOT_CUSTOMER_RATE
    intake: Intake  # a new request's category, and so its staff group
    ownership: Ownership  # who owns which request
    saved_replies: SavedReplies  # /reply and /r
    notes: Notes  # /note: notes on customers
    tags: Tags  # /tag, /untag
    calendar: Calendar  # business hours (CAREBOT_BUSINESS_HOURS, CAREBOT_HOLIDAYS)
    subscriptions: Subscriptions  # managers' weekly-summary choices
    recovery: RecoveryFlow  # detractors being won back
    data_requests: DataRequests  # /mydata: one copy per customer every few minutes
    forget: ForgetFlow  # /forget: erasures
    error_notices: ErrorNotices  # staff hear of a kind of failure once an hour
    sla_watch: SlaWatch | None = None  # with CAREBOT_SLA_FIRST_RESPONSE or _RESOLUTION


def get_services(app: Application[Any, Any, Any, Any, Any, Any]) -> Services:
    """The Services of a built application (callbacks have context.services)."""
    found: Services = app.bot_data[SERVICES_KEY]
    return found
