"""Survey use cases: NPS after a resolved request, then the reason, then one rotating pillar.

Each method is one transaction and returns values that the Telegram edge (bot/) renders.
All survey state lives in the database, so a restart mid-survey loses nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from conversations.clock import Clock
from conversations.helpdesk import TextAnalyzer
from conversations.models import RequestResolved
from conversations.owners import owner_of
from conversations.sentiment.escalation import DEFAULT_THRESHOLD, Escalation, escalation
from conversations.store import Database
from conversations.survey_models import (
    Outcome,
    PillarResult,
    ReasonResult,
    ScoreResult,
    Survey,
    SurveyQuestion,
    SurveyStarted,
    SurveySummary,
)
from conversations.survey_store import (
    MESSAGE_COLUMNS,
    SurveyRepo,
    sentiment_columns,
    survey_read,
    survey_transaction,
)
from conversations.terms import Actor, Band, Pillar, Status, SurveyStatus, SurveyStep, band_of

ROTATION_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class SurveyPolicy:
    """The knobs of the survey rules (from settings)."""

    cooldown_days: float = 0  # 0: ask after every resolution
    expiry_hours: float = 72
    alert_threshold: float = DEFAULT_THRESHOLD  # escalation score that raises an alert
    alert_every: timedelta = timedelta(hours=1)  # at most one alert per request this often


class Surveys:
    """The survey's use cases over the database."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        policy: SurveyPolicy,
        analyze: TextAnalyzer | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.policy = policy
        self._analyze = analyze
        self._rng = rng or random.Random()

    # sending ---------------------------------------------------------------------------

    async def start(self, event: RequestResolved) -> SurveyStarted | None:
        """Open the survey of a resolved request, unless the survey rules suppress it."""
        now = self.clock.now()
        async with survey_transaction(self.db) as repo:
            # Locking the customer serialises two resolutions racing past the cooldown.
            customer = await repo.lock_customer(event.customer_id)
            user_id = customer.telegram_user_id
            if user_id is None or customer.banned or customer.blocked_bot_at is not None:
                return None
            request = await repo.request(event.request_id)
            if request is None or request.status != Status.RESOLVED:
                return None  # reopened before we got here: its next resolution asks
            if await repo.survey_of_request(event.request_id) is not None:
                return None
            if self.policy.cooldown_days > 0:
                last = await repo.last_sent_at(customer.id)
                if last is not None and now - last < timedelta(days=self.policy.cooldown_days):
                    return None
            expires_at = now + timedelta(hours=self.policy.expiry_hours)
            survey_id = await repo.add_survey(
                request_id=event.request_id,
                customer_id=customer.id,
                user_id=user_id,
                # The answer counts for the request's owner, else the staff who resolved it.
                resolved_by=owner_of(request.assignee_id, event.resolved_by, event.source),
                language=customer.language,
                status=SurveyStatus.SENT,
                step=SurveyStep.SCORE,
                sent_at=now,
                expires_at=expires_at,
            )
            if survey_id is None:
                return None
            return SurveyStarted(
                survey_id, event.request_id, user_id, customer.language, expires_at
            )

    async def attach_message(
        self, survey_id: int, message_id: int, step: SurveyStep = SurveyStep.SCORE
    ) -> None:
        """Record the Telegram message that asked a step's question (NPS by default)."""
        async with survey_transaction(self.db) as repo:
            await repo.update_survey(survey_id, **{MESSAGE_COLUMNS[step]: message_id})

    async def get(self, survey_id: int) -> Survey | None:
        """Return a survey as stored."""
        async with survey_read(self.db) as repo:
            return await repo.survey(survey_id)

    async def question(self, survey_id: int) -> SurveyQuestion | None:
        """The question the survey waits for now; None once it is over or expired."""
        now = self.clock.now()
        async with survey_read(self.db) as repo:
            survey = await repo.survey(survey_id)
            if survey is None or survey.step == SurveyStep.DONE or survey.is_expired(now):
                return None
            return _question(survey)

    async def unasked(self, older_than: timedelta = timedelta(minutes=2)) -> list[SurveyQuestion]:
        """Questions that should have been sent by now and were not (crash, network)."""
        now = self.clock.now()
        async with survey_read(self.db) as repo:
            return [_question(s) for s in await repo.unasked(now - older_than, now, limit=100)]

    async def start_missed(self, limit: int = 100) -> list[SurveyStarted]:
        """Start surveys for requests resolved while nobody was there to start them."""
        since = self.clock.now() - timedelta(hours=self.policy.expiry_hours)
        async with survey_read(self.db) as repo:
            rows = await repo.resolved_without_survey(since, limit)
        started: list[SurveyStarted] = []
        for request in rows:
            if request.resolved_at is None:
                continue  # resolved ones only: the query asks for them
            source = request.resolution_source or Actor.STAFF
            event = RequestResolved(
                request.id,
                request.customer_id,
                None,
                "",
                source,
                request.resolved_by,
                request.resolved_at,
            )
            survey = await self.start(event)
            if survey is not None:
                started.append(survey)
        return started

    # score -----------------------------------------------------------------------------

    async def record_score(
        self, survey_id: int, user_id: int, score: int, *, message_id: int | None = None
    ) -> ScoreResult:
        """Store the NPS score (0–10) once; refusals store nothing. `message_id`: the
        message whose button was pressed."""
        now = self.clock.now()
        async with survey_transaction(self.db) as repo:
            found = await repo.survey(survey_id, lock=True)
            survey = _owned(found, user_id, SurveyStep.SCORE, message_id)
            if isinstance(survey, Outcome):
                return ScoreResult(survey, survey_id)
            if not 0 <= score <= 10:
                return ScoreResult(Outcome.INVALID, survey_id, language=survey.language)
            if survey.score is not None:
                return ScoreResult(
                    Outcome.ALREADY, survey_id, survey.score, survey.band, survey.language
                )
            if await _expired(repo, survey, now):
                return ScoreResult(Outcome.EXPIRED, survey_id, language=survey.language)
            band = band_of(score)
            await repo.update_survey(
                survey_id, score=score, band=band, scored_at=now, step=SurveyStep.REASON
            )
            alert = band == Band.DETRACTOR and await self._raise_alert(
                repo, survey.request_id, "detractor", now, f"NPS {score}"
            )
            return ScoreResult(Outcome.OK, survey_id, score, band, survey.language, alert)

    # reason ----------------------------------------------------------------------------

    async def record_reason(
        self, user_id: int, text: str, message_id: int | None = None
    ) -> ReasonResult | None:
        """Take a free text as the reason if the user's survey waits for one, else None.

        With the customer's message_id, a re-delivered update is recognised (kind ALREADY)
        instead of becoming an ordinary customer message.
        """
        now = self.clock.now()
        # Every customer text passes here: most find no survey waiting, and read only.
        async with survey_read(self.db) as reader:
            taken, waiting = await reader.reason_lookup(user_id, message_id, now)
            if taken is not None:
                return _reason_result(Outcome.ALREADY, taken)
            if waiting is None or not text.strip():
                return None
            if await self._stored_before(reader, user_id, message_id):
                return None
        # Sentiment is slow pure work: done before the write transaction opens.
        sentiment = self._analyze(text, waiting.language) if self._analyze else None
        async with survey_transaction(self.db) as repo:
            already = await self._reason_taken(repo, user_id, message_id)
            if already is not None:
                return already
            survey = await repo.live_survey_at(user_id, SurveyStep.REASON, now)
            if survey is None or survey.id != waiting.id:
                return None  # answered, skipped or expired meanwhile
            pillar = await self._next_pillar(repo, now)
            await repo.update_survey(
                survey.id,
                reason_text=text,
                reason_at=now,
                reason_source_message_id=message_id,
                pillar=pillar,
                step=SurveyStep.PILLAR,
                **sentiment_columns(sentiment),
            )
            alert = await self._text_alert(repo, survey.request_id, text, sentiment, now, "reason")
            return ReasonResult(
                Outcome.OK, survey.id, pillar, survey.band, survey.language, False, alert
            )

    @staticmethod
    async def _reason_taken(
        repo: SurveyRepo, user_id: int, message_id: int | None
    ) -> ReasonResult | None:
        """ALREADY when this message was taken as a reason before (a re-delivery)."""
        if message_id is None:
            return None
        seen = await repo.survey_by_reason_message(user_id, message_id)
        return _reason_result(Outcome.ALREADY, seen) if seen is not None else None

    @staticmethod
    async def _stored_before(repo: SurveyRepo, user_id: int, message_id: int | None) -> bool:
        """The text was stored as an ordinary message before the survey asked for a reason
        (it comes again in a re-delivered batch): it is no answer to the survey."""
        return message_id is not None and await repo.message_stored(user_id, message_id)

    async def skip_reason(
        self, survey_id: int, user_id: int, *, message_id: int | None = None
    ) -> ReasonResult:
        """Skip the reason question and move on to the pillar question."""
        now = self.clock.now()
        async with survey_transaction(self.db) as repo:
            found = await repo.survey(survey_id, lock=True)
            survey = _owned(found, user_id, SurveyStep.REASON, message_id)
            if isinstance(survey, Outcome):
                return ReasonResult(survey, survey_id)
            if survey.step == SurveyStep.SCORE:
                return ReasonResult(Outcome.WRONG_STEP, survey_id, language=survey.language)
            if survey.step != SurveyStep.REASON:
                return _reason_result(Outcome.ALREADY, survey)
            if await _expired(repo, survey, now):
                return ReasonResult(Outcome.EXPIRED, survey_id, language=survey.language)
            pillar = await self._next_pillar(repo, now)
            await repo.update_survey(
                survey_id, reason_at=now, pillar=pillar, step=SurveyStep.PILLAR
            )
            return ReasonResult(
                Outcome.OK, survey_id, pillar, survey.band, survey.language, skipped=True
            )

    async def _next_pillar(self, repo: SurveyRepo, now: datetime) -> Pillar:
        # The least-answered pillar of the last 30 days, so all six get covered.
        counts = await repo.pillar_answer_counts(now - ROTATION_WINDOW)
        fewest = min(counts.get(p, 0) for p in Pillar)
        return self._rng.choice([p for p in Pillar if counts.get(p, 0) == fewest])

    # pillar ----------------------------------------------------------------------------

    async def record_pillar(
        self, survey_id: int, user_id: int, pillar_score: int, *, message_id: int | None = None
    ) -> PillarResult:
        """Store the 1–5 answer to the pillar question and complete the survey."""
        valid = 1 <= pillar_score <= 5
        score = pillar_score if valid else None
        return await self._finish(survey_id, user_id, score, valid=valid, message_id=message_id)

    async def skip_pillar(
        self, survey_id: int, user_id: int, *, message_id: int | None = None
    ) -> PillarResult:
        """Skip the pillar question and complete the survey."""
        return await self._finish(survey_id, user_id, None, valid=True, message_id=message_id)

    async def _finish(
        self,
        survey_id: int,
        user_id: int,
        pillar_score: int | None,
        *,
        valid: bool,
        message_id: int | None,
    ) -> PillarResult:
        now = self.clock.now()
        async with survey_transaction(self.db) as repo:
            found = await repo.survey(survey_id, lock=True)
            survey = _owned(found, user_id, SurveyStep.PILLAR, message_id)
            if isinstance(survey, Outcome):
                return PillarResult(survey, survey_id)
            if not valid:
                return PillarResult(Outcome.INVALID, survey_id, language=survey.language)
            if survey.step == SurveyStep.DONE:
                return PillarResult(
                    Outcome.ALREADY,
                    survey_id,
                    survey.pillar,
                    survey.pillar_score,
                    survey.language,
                    completed=True,
                )
            if survey.step != SurveyStep.PILLAR:
                return PillarResult(Outcome.WRONG_STEP, survey_id, language=survey.language)
            if await _expired(repo, survey, now):
                return PillarResult(Outcome.EXPIRED, survey_id, language=survey.language)
            await repo.update_survey(
                survey_id,
                pillar_score=pillar_score,
                pillar_at=now if pillar_score is not None else None,
                answered_at=now,
                status=SurveyStatus.COMPLETED,
                step=SurveyStep.DONE,
            )
            return PillarResult(
                Outcome.OK, survey_id, survey.pillar, pillar_score, survey.language, True
            )

    # housekeeping and staff ------------------------------------------------------------

    async def expire_due(self) -> int:
        """Expire unfinished surveys past their time (answers given so far are kept)."""
        async with survey_transaction(self.db) as repo:
            return await repo.expire_due(self.clock.now())

    async def alert_for_message(
        self, request_id: int, polarity: float | None, text: str | None = None
    ) -> Escalation | None:
        """The escalation a customer message shows, if it should raise an alert now (and
        then recorded); None when it is routine or the request was alerted on lately."""
        found = escalation(text, polarity)
        if not found.due(self.policy.alert_threshold):
            return None
        async with survey_transaction(self.db) as repo:
            reason = ", ".join(found.reasons)
            raised = await self._raise_alert(repo, request_id, "message", self.clock.now(), reason)
            return found if raised else None

    async def set_staff_line(self, survey_id: int, message_id: int) -> None:
        """Remember the staff-group message that shows the survey's result."""
        async with survey_transaction(self.db) as repo:
            await repo.update_survey(survey_id, staff_line_message_id=message_id)

    async def summary_for_staff(self, survey_id: int) -> SurveySummary:
        """What the staff topic shows about a survey; LookupError if there is none."""
        async with survey_read(self.db) as repo:
            survey = await repo.survey(survey_id)
            if survey is None:
                raise LookupError(survey_id)
            return await _summary(repo, survey)

    async def summary_of_request(self, request_id: int) -> SurveySummary | None:
        """What the staff topic shows about the request's survey, if one was sent."""
        async with survey_read(self.db) as repo:
            survey = await repo.survey_of_request(request_id)
            return await _summary(repo, survey) if survey is not None else None

    async def _text_alert(
        self,
        repo: SurveyRepo,
        request_id: int,
        text: str,
        sentiment: dict[str, Any] | None,
        now: datetime,
        kind: str,
    ) -> bool:
        found = escalation(text, (sentiment or {}).get("polarity"))
        if not found.due(self.policy.alert_threshold):
            return False
        return await self._raise_alert(repo, request_id, kind, now, ", ".join(found.reasons))

    async def _raise_alert(
        self, repo: SurveyRepo, request_id: int, kind: str, now: datetime, reason: str | None
    ) -> bool:
        # Rate limit per request across kinds: staff need one ping, not one per message.
        await repo.lock_request(request_id)
        last = await repo.last_alert_at(request_id)
        if last is not None and now - last < self.policy.alert_every:
            return False
        await repo.add_alert(request_id, kind, now, reason)
        return True


def _owned(
    survey: Survey | None, user_id: int, step: SurveyStep, message_id: int | None
) -> Survey | Outcome:
    """Return the user's own survey, or why an answer to it is refused.

    A button counts only on the message that asked its question (when the edge says which
    message was pressed and that question's message is known): data forged onto another
    message of the chat must not answer the survey, nor rewrite that message.
    """
    if survey is None:
        return Outcome.NOT_FOUND
    if survey.user_id != user_id:
        return Outcome.FOREIGN
    asked_on = {
        SurveyStep.SCORE: survey.score_message_id,
        SurveyStep.REASON: survey.reason_message_id,
        SurveyStep.PILLAR: survey.pillar_message_id,
    }[step]
    if message_id is not None and asked_on is not None and asked_on != message_id:
        return Outcome.INVALID
    return survey


async def _expired(repo: SurveyRepo, survey: Survey, now: datetime) -> bool:
    """Tell whether the survey is past its time, recording the expiry if so."""
    if not survey.is_expired(now):
        return False
    if survey.status != SurveyStatus.EXPIRED:
        await repo.update_survey(survey.id, status=SurveyStatus.EXPIRED)
    return True


def _question(survey: Survey) -> SurveyQuestion:
    message_id = {
        SurveyStep.SCORE: survey.score_message_id,
        SurveyStep.REASON: survey.reason_message_id,
        SurveyStep.PILLAR: survey.pillar_message_id,
    }.get(survey.step)
    return SurveyQuestion(
        survey.id,
        survey.request_id,
        survey.user_id,
        survey.language,
        survey.step,
        survey.score,
        survey.band,
        survey.pillar,
        message_id,
    )


def _reason_result(kind: Outcome, survey: Survey) -> ReasonResult:
    return ReasonResult(
        kind,
        survey.id,
        survey.pillar,
        survey.band,
        survey.language,
        skipped=survey.reason_at is not None and survey.reason_text is None,
    )


async def _summary(repo: SurveyRepo, survey: Survey) -> SurveySummary:
    request = await repo.request(survey.request_id)
    assert request is not None  # foreign key
    return SurveySummary(
        survey_id=survey.id,
        request_id=request.id,
        status=survey.status,
        score=survey.score,
        band=survey.band,
        reason_text=survey.reason_text,
        reason_polarity=survey.reason_polarity,
        pillar=survey.pillar,
        pillar_score=survey.pillar_score,
        resolved_by=survey.resolved_by,
        staff_chat_id=request.staff_chat_id,
        topic_thread_id=request.topic_thread_id,
        card_message_id=request.card_message_id,
        staff_line_message_id=survey.staff_line_message_id,
    )
