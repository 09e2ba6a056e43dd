"""All configuration in one validated place: environment variables CAREBOT_*, or a .env file."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from functools import cached_property
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from analytics.churn_risk import RiskWeights
from analytics.team import DEFAULT_MIN_ANSWERS
from conversations.business_hours import Calendar, parse_holidays, parse_hours
from conversations.db import DatabaseUrlError, check_url
from conversations.keys import normal_key
from conversations.routing import (
    Category,
    Routing,
    StaffGroup,
    build_routing,
    parse_categories,
    parse_groups,
)
from conversations.sentiment.escalation import DEFAULT_THRESHOLD

ENV_PREFIX = "CAREBOT_"
S = TypeVar("S", bound="StoreSettings")


class SettingsError(Exception):
    """Settings are missing or invalid; the message names every key at fault."""


def _split_ids(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, int):
        return [value]
    return value


class StoreSettings(BaseSettings):
    """What every command that opens the database needs (migrate, seed, import-customers)."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    database_url: str = Field(
        default="sqlite+aiosqlite:///carebot.db",
        description="sqlite+aiosqlite:///file.db or postgresql+asyncpg://user@host/db",
    )

    @field_validator("database_url")
    @classmethod
    def _db(cls, value: str) -> str:
        try:
            return check_url(value)
        except DatabaseUrlError as exc:
            raise ValueError(str(exc)) from exc


class ReportSettings(StoreSettings):
    """What the reports need as well (carebot report and export, and the bot's /report)."""

    timezone: str = Field(default="Europe/Rome", description="Time zone for reports and times")
    staff_language: Literal["it", "en"] = Field(
        default="it", description="Language of staff-group messages and reports"
    )
    churn_inactivity_days: int = Field(
        default=180, ge=1, description="A customer without contact this long counts as lost"
    )
    retention_days: int | None = Field(
        default=None,
        ge=1,
        description="Erase message texts, media references and survey reasons older than "
        "this many days (scores and times stay); unset: keep them",
    )
    report_min_answers: int = Field(
        default=DEFAULT_MIN_ANSWERS,
        ge=1,
        description="Fewest survey answers for a staff member's or saved reply's NPS to be shown",
    )
    risk_weights: Annotated[RiskWeights, NoDecode] = Field(
        default_factory=RiskWeights,
        description="Churn-risk signal weights to override, e.g. nps_level=30,churn_words=25",
    )
    business_hours: str = Field(
        default="",
        description="Opening hours per weekday: mon-fri 09:00-13:00 14:00-18:00; sat 09:00-12:00 "
        "(Italian day names too: lun-ven)",
    )
    holidays: str = Field(
        default="", description="Dates the team is out, e.g. 2026-12-25,2026-12-26"
    )
    sla_first_response_minutes: int = Field(
        default=0,
        ge=0,
        description="A new request is promised its first answer within this many business "
        "minutes (0: no promise)",
    )
    sla_resolution_minutes: int = Field(
        default=0,
        ge=0,
        description="A request is to be resolved within this many business minutes of "
        "opening (0: no resolution target)",
    )
    sla_warning_share: float = Field(
        default=0.8,
        gt=0,
        lt=1,
        description="Staff are warned once this share of a target's business time has passed",
    )
    brand_name: str = Field(default="carebot", description="Your company name, used in messages")

    @field_validator("business_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        parse_hours(value)  # CalendarError is a ValueError: the message names the problem
        return value

    @field_validator("holidays")
    @classmethod
    def _holidays(cls, value: str) -> str:
        parse_holidays(value)
        return value

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("risk_weights", mode="before")
    @classmethod
    def _weights(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        pairs: dict[str, str] = {}
        for part in value.split(","):
            if not part.strip():
                continue
            name, sep, number = part.partition("=")
            if not sep:
                raise ValueError(f"expected name=number pairs, got {part.strip()!r}")
            pairs[name.strip()] = number.strip()
        return pairs

    @property
    def tz(self) -> ZoneInfo:
        """The configured time zone."""
        return ZoneInfo(self.timezone)

    def calendar(self) -> Calendar:
        """When the team is in (always, without CAREBOT_BUSINESS_HOURS)."""
        return Calendar.parse(self.tz, self.business_hours, self.holidays)

    def sla_targets(self) -> tuple[timedelta | None, timedelta | None]:
        """The first-response and resolution targets in business time (None: not set)."""
        minutes = (self.sla_first_response_minutes, self.sla_resolution_minutes)
        first, resolution = (timedelta(minutes=m) if m else None for m in minutes)
        return first, resolution


class Settings(ReportSettings):
    """The bot's settings; each field is read from CAREBOT_<NAME>."""

    bot_token: SecretStr = Field(description="Token from @BotFather")
    staff_chat_id: int = Field(
        description="Id of the staff supergroup (negative, -100…); with several, the default"
    )
    staff_groups: Annotated[tuple[StaffGroup, ...], NoDecode] = Field(
        default_factory=tuple,
        description="More staff groups and what they take: id:name[:categories[:languages]]; …",
    )
    categories: Annotated[tuple[Category, ...], NoDecode] = Field(
        default_factory=tuple,
        description="Categories customers pick at their first message: key=Italian|English; …",
    )
    category_wait_seconds: float = Field(
        default=60,
        ge=0,
        description="How long a new request waits for its category before it goes to staff",
    )
    tags: Annotated[tuple[str, ...], NoDecode] = Field(
        default=(),
        description="Comma-separated tags staff may use with /tag (empty: any word)",
    )
    staff_admins_only: bool = Field(
        default=False,
        description="Only the staff groups' administrators may use staff commands and buttons",
    )
    manager_ids: Annotated[list[int], NoDecode] = Field(
        default_factory=list, description="Comma-separated Telegram user ids of managers"
    )
    telegram_api_url: str = Field(
        default="https://api.telegram.org", description="Bot API server root"
    )
    default_language: Literal["it", "en"] = Field(
        default="it", description="Language for users whose Telegram language is neither it nor en"
    )
    reopen_grace_hours: float = Field(
        default=24, ge=0, description="A message this soon after resolution reopens the request"
    )
    auto_resolve_hours: float = Field(
        default=48, gt=0, description="Resolve answered requests silent for this long"
    )
    auto_resolve_check_minutes: float = Field(
        default=5, gt=0, description="How often the auto-resolve job runs"
    )
    note_prefix: str = Field(
        default="#note", min_length=1, description="Staff messages starting with it stay internal"
    )
    survey_cooldown_days: float = Field(
        default=0, ge=0, description="Survey a customer at most this often (0: every resolution)"
    )
    recovery_reask_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="Days after a recovery attempt (and after the request's resolution) "
        "when the customer is asked once whether things are OK now",
    )
    survey_expiry_hours: float = Field(
        default=72, gt=0, description="Unanswered surveys stop accepting answers after this"
    )
    weekly_summary_hour: int = Field(
        default=9, ge=0, le=23, description="Local hour on Monday when managers get last week"
    )
    risk_refresh_minutes: int = Field(
        default=10,
        ge=0,
        le=1440,
        description="Minutes between background churn-risk scorings that /report reads; 0: live",
    )
    customer_rate: int = Field(
        default=20,
        ge=0,
        description="Messages a minute past which a customer is told once and grouped; 0: off",
    )
    alert_threshold: float = Field(
        default=DEFAULT_THRESHOLD,
        gt=0,
        description="Escalation score at which a customer message alerts staff",
    )
    webhook_url: str | None = Field(default=None, description="Public HTTPS URL for webhook mode")
    webhook_listen: str = Field(default="127.0.0.1", description="Webhook listen address")
    webhook_port: int = Field(default=8443, ge=1, le=65535, description="Webhook listen port")
    webhook_secret: SecretStr | None = Field(
        default=None, description="Secret token Telegram sends with each webhook call"
    )
    flood_limits: bool = Field(
        default=True,
        description="Keep Telegram's flood limits; off only against an emulator without them",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field(
        default="INFO", description="Logging level"
    )

    @field_validator("tags", mode="before")
    @classmethod
    def _tags(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        words = [w for w in (p.strip() for p in value.split(",")) if w]
        tags = [normal_key(w) for w in words]
        bad = [w for w, tag in zip(words, tags, strict=True) if tag is None]
        if bad:
            raise ValueError(f"not tags (a-z, 0-9, - or _, up to 32): {', '.join(bad)}")
        return tuple(dict.fromkeys(tags))

    @field_validator("manager_ids", mode="before")
    @classmethod
    def _ids(cls, value: Any) -> Any:
        return _split_ids(value)

    @field_validator("staff_groups", mode="before")
    @classmethod
    def _groups(cls, value: Any) -> Any:
        return parse_groups(value) if isinstance(value, str) else value

    @field_validator("categories", mode="before")
    @classmethod
    def _categories(cls, value: Any) -> Any:
        return parse_categories(value) if isinstance(value, str) else value

    @field_validator("staff_chat_id")
    @classmethod
    def _group_id(cls, value: int) -> int:
        if value >= 0:
            raise ValueError("must be a group id (negative, e.g. -1001234567890)")
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _api(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("bot_token")
    @classmethod
    def _token(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        bot_id, _, secret = token.partition(":")
        if not bot_id.isdigit() or not secret:
            raise ValueError("does not look like a BotFather token (123456:ABC…)")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        # Telegram takes 1-256 characters; a short secret is guessable, and log redaction
        # would cut every occurrence of it out of ordinary text.
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{16,256}", value.get_secret_value()
        ):
            raise ValueError(
                "must be 16-256 characters from A-Z, a-z, 0-9, _ and - "
                "(Telegram allows 1-256 of them; shorter ones are easy to guess)"
            )
        return value

    @model_validator(mode="after")
    def _webhook(self) -> Settings:
        if self.webhook_url and not self.webhook_secret:
            raise ValueError("CAREBOT_WEBHOOK_SECRET is required when CAREBOT_WEBHOOK_URL is set")
        return self

    @model_validator(mode="after")
    def _routing(self) -> Settings:
        self.routing  # noqa: B018 - built now, so a group naming an unknown category stops the start
        return self

    @cached_property
    def routing(self) -> Routing:
        """The staff groups (the default first) and the categories customers pick."""
        return build_routing(self.staff_chat_id, self.staff_groups, self.categories)

    @property
    def bot_url(self) -> str:
        """Base URL for Bot API methods."""
        return f"{self.telegram_api_url}/bot"

    @property
    def file_url(self) -> str:
        """Base URL for file downloads."""
        return f"{self.telegram_api_url}/file/bot"


def load_settings(
    environ: Mapping[str, str] | None = None, env_file: str | None = ".env", **overrides: Any
) -> Settings:
    """Load the bot's settings from an environment (default os.environ and .env); raise
    SettingsError naming every key at fault."""
    return load(Settings, environ, env_file, **overrides)


def load(
    kind: type[S],
    environ: Mapping[str, str] | None = None,
    env_file: str | None = ".env",
    **overrides: Any,
) -> S:
    """Load one layer of settings (StoreSettings, ReportSettings or Settings)."""
    try:
        if environ is None:
            return kind(_env_file=env_file, **overrides)
        values = {
            key[len(ENV_PREFIX) :].lower(): value
            for key, value in environ.items()
            if key.startswith(ENV_PREFIX)
        }
        values.update(overrides)
        return kind.model_validate(values)
    except ValidationError as exc:
        raise SettingsError(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """Turn a validation error into lines that name the environment variables."""
    lines = []
    for error in exc.errors():
        loc = [str(part) for part in error["loc"] if not isinstance(part, int)]
        key = ENV_PREFIX + loc[0].upper() if loc else "settings"
        message = "is required but not set" if error["type"] == "missing" else error["msg"]
        message = message.removeprefix("Value error, ")
        lines.append(f"{key}: {message}")
    return "invalid settings:\n  " + "\n  ".join(lines)
