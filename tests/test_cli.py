"""The heritage command, run as a user would run it, on a temporary SQLite registry."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def heritage(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HERITAGE_")}
    return subprocess.run(
        [sys.executable, "-m", "heritage.cli", *args],
        cwd=cwd,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_db_upgrade_creates_the_default_sqlite_file_and_check_passes(tmp_path: Path) -> None:
    upgrade = heritage(["db", "upgrade"], tmp_path)
    check = heritage(["db", "check"], tmp_path)

    assert upgrade.returncode == 0, upgrade.stderr
    assert (tmp_path / "heritage.sqlite3").exists()
    assert check.returncode == 0, check.stderr
    assert "matches the models" in check.stdout


def test_users_and_tokens_are_bootstrapped_from_the_shell(tmp_path: Path) -> None:
    assert heritage(["db", "upgrade"], tmp_path).returncode == 0

    created = heritage(["user", "create", "admin", "--role", "administrator"], tmp_path)
    token = heritage(["token", "create", "admin", "--days", "30"], tmp_path)
    again = heritage(["user", "create", "admin", "--role", "researcher"], tmp_path)

    assert created.returncode == 0, created.stderr
    assert "ADMINISTRATOR" in created.stdout
    assert token.returncode == 0, token.stderr
    assert token.stdout.strip().startswith("hr_")
    assert again.returncode == 1
    assert "USERNAME_TAKEN" in again.stderr


def test_token_for_an_unknown_user_names_the_problem(tmp_path: Path) -> None:
    assert heritage(["db", "upgrade"], tmp_path).returncode == 0

    result = heritage(["token", "create", "nobody"], tmp_path)

    assert result.returncode == 1
    assert "username: NOT_FOUND" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [("HERITAGE_DATABASE_URL", "mysql://x"), ("HERITAGE_PORT", "high")],
)
def test_a_bad_setting_stops_the_command_with_its_name(
    tmp_path: Path, name: str, value: str
) -> None:
    result = heritage(["db", "upgrade"], tmp_path, **{name: value})

    assert result.returncode == 2
    assert name in result.stderr
    assert "Traceback" not in result.stderr
