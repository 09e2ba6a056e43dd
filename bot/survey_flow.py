"""The survey on Telegram: ask each question, take the answers, tell staff, raise alerts.

The survey use cases (conversations.surveys) decide; this module asks the relay to send.
Every send is followed by recording its message id, and a sweep re-asks any question whose
send never landed, so a crash between two steps costs a delay, never the survey.
"""

from __future__ import annotations

import logging
from html import escape
from typing import TYPE_CHECKING

from telegram import CallbackQuery, InlineKeyboardMarkup, Message
from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot import survey_render as sr
from bot.alert_digest import AlertDigest
from bot.answers import answer
from bot.i18n import t
from bot.relay import Relay
from bot.resolution_line import ResolutionLine
from bot.settings import Settings
from conversations.helpdesk import HelpDesk
from conversations.models import CustomerMessageOutcome, PendingRelay, RequestResolved
from conversations.survey_models import (
    Outcome,
    PillarResult,
    ReasonResult,
    ScoreResult,
    SurveyQuestion,
)
from conversations.surveys import Surveys
from conversations.terms import DETRACTOR_MAX, Band, SurveyStep

if TYPE_CHECKING:
    from bot.recovery_flow import RecoveryFlow

log = logging.getLogger(__name__)

REFUSALS = {
    Outcome.NOT_FOUND: "callback.unknown",
    Outcome.INVALID: "callback.unknown",
    Outcome.FOREIGN: "callback.not_yours",
    Outcome.EXPIRED: "survey.callback.expired",
    Outcome.ALREADY: "survey.callback.already",
    Outcome.WRONG_STEP: "survey.callback.wrong_step",
}


class SurveyFlow:
    """Runs surveys over Telegram for the survey use cases."""

    def __init__(
        self,
        surveys: Surveys,
        helpdesk: HelpDesk,
        relay: Relay,
        lines: ResolutionLine,
        settings: Settings,
    ) -> None:
        self.surveys = surveys
        self.helpdesk = helpdesk
        self.relay = relay
        self.lines = lines  # the result is shown in the resolution's line when there is one
        self.settings = settings
        self.staff_lang = settings.staff_language
        # The general topic's alert lines, at most one message a minute.
        self.digest = AlertDigest(relay.staff_general, self.staff_lang)
        self.recovery: RecoveryFlow | None = None  # detractors' recoveries (bot.app sets it)

    # asking ----------------------------------------------------------------------------

    async def on_resolved(self, event: RequestResolved) -> None:
        """Start the survey of a resolved request and ask the NPS question."""
        started = await self.surveys.start(event)
        if started is not None:
            await self.ask_current(started.survey_id)

    async def ask_current(self, survey_id: int) -> None:
        """Ask the question the survey waits for, unless it was already asked."""
        question = await self.surveys.question(survey_id)
        if question is not None:
            await self.ask(question)

    async def ask(self, q: SurveyQuestion) -> None:
        """Send one question and record which message asked it."""
        if q.message_id is not None:
            return
        text, markup = self._question(q)
        card = await self.helpdesk.whois_request(q.request_id)
        request = await self.helpdesk.request(q.request_id)
        if card is None or request is None:
            return
        sent = await self.relay.tell_customer(request, card.customer, text, markup)
        if sent is not None:
            await self.surveys.attach_message(q.survey_id, sent.message_id, q.step)

    def _question(self, q: SurveyQuestion) -> tuple[str, InlineKeyboardMarkup]:
        lang = q.language
        if q.step == SurveyStep.SCORE:
            return sr.nps_question(lang, self.settings.brand_name), sr.nps_keyboard(q.survey_id)
        if q.step == SurveyStep.REASON:
            return (
                sr.reason_question(lang, q.band),
                sr.skip_keyboard(sr.CB_SKIP_REASON, q.survey_id, lang),
            )
        assert q.pillar is not None  # the pillar is chosen when the reason step ends
        return sr.pillar_question(lang, q.pillar), sr.pillar_keyboard(q.survey_id, lang)

    async def sweep(self) -> None:
        """Expire old surveys, start missed ones, re-ask questions whose send was lost."""
        await self.surveys.expire_due()
        for started in await self.surveys.start_missed():
            try:
                await self.ask_current(started.survey_id)
            except TelegramError as exc:  # the next sweep asks it (unasked), the rest go on
                log.warning("survey %s: asking failed: %s", started.survey_id, exc)
        for question in await self.surveys.unasked():
            try:
                await self.ask(question)
            except TelegramError as exc:
                log.warning("survey %s: asking again failed: %s", question.survey_id, exc)

    # answers ---------------------------------------------------------------------------

    async def tap(self, query: CallbackQuery) -> None:
        """Handle a survey button: score, pillar answer, or a skip."""
        user_id = query.from_user.id
        lang = await self.helpdesk.language_of(user_id, query.from_user.language_code)
        tap = sr.parse_tap(query.data)
        if tap is None:
            await answer(query, t(lang, "callback.unknown"))
            return
        # The survey answers only from the message that asked (never a forged button on
        # another message of the chat, and never outside the customer's private chat).
        on = query.message
        if on is None or on.chat.id != user_id:
            await answer(query, t(lang, REFUSALS[Outcome.FOREIGN]), alert=True)
            return
        sid, at = tap.survey_id, on.message_id
        if tap.prefix == sr.CB_SCORE:
            assert tap.value is not None
            result_s = await self.surveys.record_score(sid, user_id, tap.value, message_id=at)
            await self._score(query, result_s, lang)
        elif tap.prefix == sr.CB_SKIP_REASON:
            result = await self.surveys.skip_reason(sid, user_id, message_id=at)
            await self._reason(query, result, lang)
        elif tap.prefix == sr.CB_PILLAR:
            assert tap.value is not None
            result_p = await self.surveys.record_pillar(sid, user_id, tap.value, message_id=at)
            await self._pillar(query, result_p, lang)
        else:
            result_p = await self.surveys.skip_pillar(sid, user_id, message_id=at)
            await self._pillar(query, result_p, lang)

    async def _answered(self, query: CallbackQuery, kind: Outcome, lang: str) -> bool:
        """Answer the button press; tell whether the survey moved (or had moved) on."""
        if kind == Outcome.OK:
            await answer(query, t(lang, "survey.callback.thanks"))
            return True
        await answer(query, t(lang, REFUSALS[kind]), alert=kind == Outcome.FOREIGN)
        return kind == Outcome.ALREADY  # a double tap: make sure the screen is right

    async def _score(self, query: CallbackQuery, result: ScoreResult, lang: str) -> None:
        if not await self._answered(query, result.kind, lang):
            return
        if result.score is not None:
            text = sr.nps_answered(lang, self.settings.brand_name, result.score)
            await _edit(query, text)
        detractor = result.score is not None and result.score <= DETRACTOR_MAX
        if result.kind == Outcome.OK and detractor and self.recovery is not None:
            # The recovery card is the detractor's alert where the request lives.
            summary = await self.surveys.summary_for_staff(result.survey_id)
            card = await self.helpdesk.whois_request(summary.request_id)
            line = None
            if result.alert_due and card is not None:
                line = t(
                    self.staff_lang,
                    "staff.alert.detractor",
                    id=summary.request_id,
                    name=escape(card.customer.full_name),
                    score=result.score,
                )
            assert result.score is not None
            await self.recovery.detractor(summary.request_id, result.score, line)
        elif result.kind == Outcome.OK and result.alert_due:
            await self._alert(result.survey_id, "staff.alert.detractor", score=result.score)
        await self.ask_current(result.survey_id)

    async def take_reason(self, user_id: int, text: str, message_id: int) -> bool:
        """Take a customer's text as their survey reason if one is awaited; tell if taken."""
        result = await self.surveys.record_reason(user_id, text, message_id)
        if result is None:
            return False
        if result.kind == Outcome.OK:
            survey = await self.surveys.get(result.survey_id)
            if survey is not None and survey.reason_message_id is not None:
                await self.relay.drop_buttons(user_id, survey.reason_message_id)  # Skip is past
            await self.relay.tell_user(user_id, t(result.language or "it", "survey.reason.thanks"))
            await self._reason_to_staff(result)
        await self.ask_current(result.survey_id)
        return True

    async def _reason(self, query: CallbackQuery, result: ReasonResult, lang: str) -> None:
        if not await self._answered(query, result.kind, lang):
            return
        message = query.message
        if isinstance(message, Message) and message.text_html:
            await _edit(query, f"{message.text_html}\n\n{t(lang, 'survey.reason.skipped')}")
        if result.kind == Outcome.OK:
            await self._reason_to_staff(result)
        await self.ask_current(result.survey_id)

    async def _pillar(self, query: CallbackQuery, result: PillarResult, lang: str) -> None:
        if not await self._answered(query, result.kind, lang):
            return
        if result.pillar is not None:
            await _edit(query, sr.pillar_answered(lang, result.pillar, result.pillar_score))
        if result.kind != Outcome.OK:
            return
        await self.relay.tell_user(query.from_user.id, t(lang, "survey.thanks"))
        summary = await self.surveys.summary_for_staff(result.survey_id)
        line = sr.staff_pillar(summary, self.staff_lang)
        if not line:
            return
        # One line per survey: the pillar answer joins the score and reason already shown
        # (in the resolution's line, or in a line of their own).
        shown = summary.staff_line_message_id
        whole = sr.staff_result(summary, self.staff_lang)
        request = await self.helpdesk.request(summary.request_id)
        if shown is not None and request is not None:
            if await self.lines.show(request, shown):
                return
            if await self.relay.edit_staff_text(summary.staff_chat_id, shown, whole):
                return
        await self._to_topic(summary.request_id, line)

    # staff side ------------------------------------------------------------------------

    async def _reason_to_staff(self, result: ReasonResult) -> None:
        """Show the score and reason where the request lives (in the line of its
        resolution when there is one: an edit, no message); alert on unhappy customers."""
        summary = await self.surveys.summary_for_staff(result.survey_id)
        request = await self.helpdesk.request(summary.request_id)
        if request is None:
            return
        line = sr.staff_summary(summary, self.staff_lang)
        alerting = (
            summary.band == Band.DETRACTOR and summary.reason_text is not None
        ) or result.alert_due
        values: dict[str, object] = {
            "score": summary.score,
            "text": sr.quote(summary.reason_text or ""),
        }
        if alerting and not self.relay.is_forum(request.staff_chat_id):
            # Without topics the alert is the line (in the one chat staff read), kept apart.
            await self._alert(result.survey_id, "staff.alert.reason", topic_line=line, **values)
            return
        shown = await self.lines.latest(request)
        if shown is not None:
            await self.surveys.set_staff_line(result.survey_id, shown)
            if not await self.lines.show(request, shown):
                shown = None
        if shown is None:
            shown = await self._to_topic(summary.request_id, line)
            if shown is not None:
                await self.surveys.set_staff_line(result.survey_id, shown)
        if alerting:  # and everyone hears of it in the general topic's digest
            general = await self._alert_line(request.id, "staff.alert.reason", **values)
            self.digest.add(request.staff_chat_id, general)

    async def after_relay(self, item: PendingRelay) -> None:
        """Once a customer's message reached staff, alert them if it calls for it."""
        if isinstance(item.outcome, CustomerMessageOutcome):
            await self.message_alert(item.outcome, item.text)

    async def message_alert(self, outcome: CustomerMessageOutcome, text: str | None) -> None:
        """Alert staff about a message that calls for escalation (rate-limited per request).

        With topics the copy itself is marked (an edit: no message from the group's
        budget) and everyone hears of it in the general topic's digest; without topics,
        or when the copy cannot be marked, the alert is posted where the request lives."""
        if outcome.customer.banned:
            return  # staff chose to stop hearing about this customer
        found = await self.surveys.alert_for_message(outcome.request.id, outcome.polarity, text)
        if found is None:
            return
        why = sr.alert_reasons(found, self.staff_lang)
        line = t(
            self.staff_lang,
            "staff.alert.message",
            id=outcome.request.id,
            name=escape(outcome.customer.full_name),
            why=why,
            text=sr.quote(text or ""),
        )
        request = await self.helpdesk.request(outcome.request.id)
        if request is None:
            return
        row_id, customer = outcome.message_row_id, outcome.customer
        if self.recovery is not None and await self.recovery.escalation(
            request, customer, row_id, found.reasons, line
        ):
            return  # its recovery card is the alert
        if self.relay.is_forum(request.staff_chat_id):
            mark = t(self.staff_lang, "staff.alert.mark", id=request.id, why=why)
            if await self.relay.mark_copy(row_id, request, customer, mark) is not None:
                self.digest.add(request.staff_chat_id, line)
                return
        await self._post_alert(outcome.request.id, line, line)

    async def _alert_line(self, request_id: int, key: str, **values: object) -> str:
        """A survey's alert line, naming the request and its customer."""
        card = await self.helpdesk.whois_request(request_id)
        name = escape(card.customer.full_name) if card else "?"
        return t(self.staff_lang, key, id=request_id, name=name, **values)

    async def _alert(
        self, survey_id: int, key: str, topic_line: str | None = None, **values: object
    ) -> int | None:
        summary = await self.surveys.summary_for_staff(survey_id)
        line = await self._alert_line(summary.request_id, key, **values)
        return await self._post_alert(summary.request_id, topic_line or line, line)

    async def _post_alert(self, request_id: int, topic_line: str, general_line: str) -> int | None:
        """Post in the request's topic and one line in its group's general topic; return
        the topic's message id.

        Without topics both would land in the same chat, so only the alert line is posted.
        """
        request = await self.helpdesk.request(request_id)
        if request is None:
            return None
        if not self.relay.is_forum(request.staff_chat_id):
            return await self._to_topic(request_id, general_line)
        shown = await self._to_topic(request_id, topic_line)
        self.digest.add(request.staff_chat_id, general_line)
        return shown

    async def _to_topic(self, request_id: int, text: str) -> int | None:
        request = await self.helpdesk.request(request_id)
        card = await self.helpdesk.whois_request(request_id)
        if request is None or card is None:
            return None
        return await self.relay.staff_notice(request, card.customer, text)


async def _edit(query: CallbackQuery, text: str) -> None:
    """Replace a question with its answer and drop its buttons (no second tap possible)."""
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=None)
    except TelegramError as exc:  # e.g. "message is not modified" on a double tap
        log.info("could not edit survey message: %s", exc)
