"""The domain and the read side never import telegram (ARCHITECTURE.md: the arrows)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("package", ["conversations", "analytics"])
def test_package_does_not_import_telegram_or_bot(package: str) -> None:
    offenders = []
    files = sorted((ROOT / package).rglob("*.py"))
    assert files, f"no sources found under {package}/"
    for path in files:
        for module in imported_modules(path):
            top = module.split(".")[0]
            if top in {"telegram", "bot"}:
                offenders.append(f"{path.relative_to(ROOT)} imports {module}")
    assert offenders == []


def test_the_check_sees_a_telegram_import(tmp_path: Path) -> None:
    sample = tmp_path / "x.py"
    sample.write_text("def f():\n    from telegram.ext import Application\n")
    assert "telegram.ext" in imported_modules(sample)


def test_the_bot_starts_without_loading_the_chart_libraries() -> None:
    """matplotlib and numpy (about 30 MB of a running bot) load with the first chart."""
    import subprocess
    import sys

    code = "import sys, bot.app; print(sorted({'matplotlib', 'numpy'} & set(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
