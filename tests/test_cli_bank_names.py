"""An empty or blank bank name is a usage error in every command that takes one.

Each command is run through click's runner on a database file that does not exist yet: a
usage error stops before the command opens it, so the file must still not exist afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

FIXTURES = Path(__file__).parent / "formats" / "fixtures"

#: Every command that takes a bank name, with ``{}`` where the name goes.
COMMANDS = [
    ["import", str(FIXTURES / "bank.csv"), "--bank", "{}"],
    ["play", "--bank", "{}", "--count", "1"],
    ["play", "-b", "{}", "--count", "1"],
    ["flashcards", "--bank", "{}", "--limit", "1"],
    ["leaderboard", "--bank", "{}"],
    ["questions", "search", "crm", "--bank", "{}"],
    ["questions", "stats", "{}"],
    ["export", "{}"],
    ["banks", "show", "{}"],
    ["banks", "remove", "{}", "--yes"],
]


@pytest.mark.parametrize("name", ["", "   ", "\t"])
@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(p for p in c if "/" not in p))
def test_an_empty_bank_name_is_a_usage_error(tmp_path: Path, command: list[str], name: str) -> None:
    database = tmp_path / "never.db"
    args = [name if part == "{}" else part for part in command]
    result = CliRunner().invoke(cli, ["--database-url", f"sqlite:///{database}", *args], input="")
    assert result.exit_code == 2, result.output
    error = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error) == 1, result.output
    assert "a bank name cannot be" in error[0]
    assert "quizbot banks list" in error[0]
    assert not database.exists()  # the command never ran


def test_a_real_bank_name_still_works(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'q.db'}"
    result = CliRunner().invoke(
        cli, ["--database-url", url, "import", str(FIXTURES / "bank.csv"), "--bank", "my-bank"]
    )
    assert result.exit_code == 0, result.output
    assert "-> my-bank: " in result.output
    shown = CliRunner().invoke(cli, ["--database-url", url, "banks", "show", "my-bank"])
    assert shown.exit_code == 0, shown.output
