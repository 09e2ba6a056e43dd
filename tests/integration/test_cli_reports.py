"""`carebot report` and `carebot export` read the same validated settings as the bot."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main


def test_report_takes_its_settings_from_the_env_file(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite+aiosqlite:///{workdir / 'bot.db'}"
    (workdir / ".env").write_text("CAREBOT_TIMEZONE=Asia/Kolkata\nCAREBOT_STAFF_LANGUAGE=en\n")
    assert main(["report", "--format", "json", "--database-url", url]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["timezone"] == "Asia/Kolkata"


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("CAREBOT_RISK_WEIGHTS=nps_level", "CAREBOT_RISK_WEIGHTS"),
        ("CAREBOT_TIMEZONE=Mars/Olympus", "CAREBOT_TIMEZONE"),
        ("CAREBOT_CHURN_INACTIVITY_DAYS=soon", "CAREBOT_CHURN_INACTIVITY_DAYS"),
    ],
)
@pytest.mark.parametrize("command", ["report", "export"])
def test_a_bad_setting_gets_the_settings_error_naming_it(
    workdir: Path, capsys: pytest.CaptureFixture[str], command: str, line: str, key: str
) -> None:
    (workdir / ".env").write_text(line + "\n")
    url = f"sqlite+aiosqlite:///{workdir / 'bot.db'}"
    extra = ["--out", str(workdir / "out")] if command == "export" else []
    assert main([command, "--database-url", url, *extra]) == 2
    err = capsys.readouterr().err
    assert err.startswith("carebot: invalid settings:") and f"{key}:" in err
    assert not (workdir / "bot.db").exists()  # nothing was touched


def test_migrate_names_a_bad_database_url(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / ".env").write_text("CAREBOT_DATABASE_URL=mysql://nope\n")
    assert main(["migrate"]) == 2
    assert "CAREBOT_DATABASE_URL: unsupported database driver" in capsys.readouterr().err
