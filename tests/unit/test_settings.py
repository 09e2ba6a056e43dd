"""Settings: validated at start, with errors that name the environment variable."""

from __future__ import annotations

import pytest

from bot.settings import SettingsError, load_settings

GOOD = {"CAREBOT_BOT_TOKEN": "123456:ABCdef", "CAREBOT_STAFF_CHAT_ID": "-1001234567890"}


def test_defaults_and_comma_separated_managers() -> None:
    s = load_settings({**GOOD, "CAREBOT_MANAGER_IDS": "11, 22,33"})
    assert s.manager_ids == [11, 22, 33]
    assert s.database_url == "sqlite+aiosqlite:///carebot.db"
    assert s.bot_url == "https://api.telegram.org/bot"
    assert s.file_url == "https://api.telegram.org/file/bot"
    assert s.timezone == "Europe/Rome" and s.default_language == "it"


def test_tags_are_normalised() -> None:
    assert load_settings({**GOOD, "CAREBOT_TAGS": " Billing,#refund,,billing"}).tags == (
        "billing",
        "refund",
    )
    assert load_settings(GOOD).tags == ()


def test_missing_keys_are_named() -> None:
    with pytest.raises(SettingsError) as err:
        load_settings({})
    assert "CAREBOT_BOT_TOKEN: is required" in str(err.value)
    assert "CAREBOT_STAFF_CHAT_ID: is required" in str(err.value)


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("CAREBOT_STAFF_CHAT_ID", "12345", "must be a group id"),
        ("CAREBOT_STAFF_CHAT_ID", "abc", "CAREBOT_STAFF_CHAT_ID"),
        ("CAREBOT_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("CAREBOT_DATABASE_URL", "mysql://x", "unsupported database driver"),
        ("CAREBOT_BOT_TOKEN", "nocolon", "BotFather token"),
        ("CAREBOT_MANAGER_IDS", "1,x", "CAREBOT_MANAGER_IDS"),
        ("CAREBOT_TELEGRAM_API_URL", "ftp://x", "http://"),
        ("CAREBOT_DEFAULT_LANGUAGE", "de", "CAREBOT_DEFAULT_LANGUAGE"),
        ("CAREBOT_TAGS", "billing, two words", "not tags (a-z, 0-9, - or _, up to 32): two words"),
        ("CAREBOT_BUSINESS_HOURS", "mon-fri 9-18", "is not a range like 09:00-18:00"),
        ("CAREBOT_HOLIDAYS", "2026-12-25,Natale", "is not a date like 2026-12-25"),
    ],
)
def test_bad_values_name_their_key(key: str, value: str, fragment: str) -> None:
    with pytest.raises(SettingsError) as err:
        load_settings({**GOOD, key: value})
    assert key in str(err.value)
    assert fragment in str(err.value)


def test_webhook_needs_a_secret() -> None:
    with pytest.raises(SettingsError, match="CAREBOT_WEBHOOK_SECRET"):
        load_settings({**GOOD, "CAREBOT_WEBHOOK_URL": "https://example.org/hook"})


def test_webhook_secret_uses_telegrams_characters() -> None:
    hook = {**GOOD, "CAREBOT_WEBHOOK_URL": "https://example.org/hook"}
    assert load_settings({**hook, "CAREBOT_WEBHOOK_SECRET": "ok_Secret-1234567"}).webhook_secret
    with pytest.raises(SettingsError, match=r"CAREBOT_WEBHOOK_SECRET: must be 16-256"):
        load_settings({**hook, "CAREBOT_WEBHOOK_SECRET": "short_Secret-1"})  # guessable
    with pytest.raises(SettingsError, match=r"CAREBOT_WEBHOOK_SECRET: .*A-Z"):
        load_settings({**hook, "CAREBOT_WEBHOOK_SECRET": "not allowed!"})


def test_token_is_not_printed() -> None:
    assert "ABCdef" not in repr(load_settings(GOOD))


def test_readme_documents_every_setting() -> None:
    from pathlib import Path

    from bot.settings import Settings

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [
        f"CAREBOT_{name.upper()}"
        for name in Settings.model_fields
        if f"`CAREBOT_{name.upper()}`" not in readme
    ]
    assert missing == []


def test_risk_weights_override_some_and_name_the_key_when_wrong() -> None:
    import pytest

    from bot.settings import SettingsError, load_settings

    base = {"CAREBOT_BOT_TOKEN": "1:x", "CAREBOT_STAFF_CHAT_ID": "-100"}
    s = load_settings({**base, "CAREBOT_RISK_WEIGHTS": "nps_level=30, churn_words=25"})
    assert (s.risk_weights.nps_level, s.risk_weights.churn_words) == (30, 25)
    assert s.risk_weights.nps_drop == 10  # untouched default
    for bad in ("nps_levle=30", "nps_level", "nps_level=-1"):
        with pytest.raises(SettingsError, match="CAREBOT_RISK_WEIGHTS"):
            load_settings({**base, "CAREBOT_RISK_WEIGHTS": bad})
