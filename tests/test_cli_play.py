"""``quizbot play`` driven through stdin, as a subprocess and through click's runner,
and the one-line errors for bad settings, unknown or empty banks, and garbage input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli.main import cli

QUIZBOT = [sys.executable, "-m", "cli.main"]


def run_quizbot(args: list[str], stdin: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*QUIZBOT, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """No DATABASE_URL: the default SQLite file, in a data folder of this test's own."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ["XDG_DATA_HOME"] = str(tmp_path / "data")
    environ["USER"] = "tester"
    return environ


def test_piped_quiz_then_leaderboard(env: dict[str, str], tmp_path: Path) -> None:
    played = run_quizbot(
        ["play", "--bank", "demo", "--count", "2", "--seed", "1", "--name", "Ann"],
        "A\nParis\n",
        env,
    )
    assert played.returncode == 0, played.stderr
    out = played.stdout
    assert "Question 1/2" in out and "Question 2/2" in out
    assert "A) True" in out and "B) False" in out
    assert "Correct!" in out
    assert "At standard atmospheric pressure" in out  # the explanation
    assert "Final score: 2/2 correct, 20 points." in out
    assert (tmp_path / "data" / "quizbot" / "quizbot.db").exists()

    board = run_quizbot(["leaderboard", "--json"], "", env)
    assert board.returncode == 0, board.stderr
    rows = json.loads(board.stdout)
    assert rows[0]["name"] == "Ann" and rows[0]["points"] == 20

    table = run_quizbot(["leaderboard", "--platform", "console"], "", env)
    assert "Ann\t20\t2\t2" in table.stdout


def test_a_hint_in_the_terminal_costs_points_and_comes_once(env: dict[str, str]) -> None:
    """'?' asks for a hint: none on true/false, a typed answer's shape once, and a right
    answer after it scores the rules' hint cost (5) less."""
    played = run_quizbot(
        ["play", "--bank", "demo", "--count", "2", "--seed", "1", "--name", "Ann"],
        "?\nA\n?\n?\nParis\n",
        env,
    )
    assert played.returncode == 0, played.stderr
    out = played.stdout
    assert "this question has no hint: it would give the answer away" in out
    assert "Hint for question 2: _ _ _ _ _ (a right answer now scores 5 points less)." in out
    assert "one hint per question: you have had yours for this one" in out
    assert "Final score: 2/2 correct, 15 points." in out


def test_wrong_answers_are_scored_and_revealed(env: dict[str, str]) -> None:
    played = run_quizbot(
        ["play", "--bank", "demo", "--count", "2", "--seed", "1"], "B\nLyon\n", env
    )
    assert played.returncode == 0, played.stderr
    assert "Wrong. The answer was A) True." in played.stdout
    assert "Wrong. The answer was Paris." in played.stdout
    assert "Final score: 0/2 correct, 0 points." in played.stdout


def test_crm_bank_plays_by_default(env: dict[str, str]) -> None:
    played = run_quizbot(["play", "--count", "3", "--seed", "5"], "A\nB\nC\n", env)
    assert played.returncode == 0, played.stderr
    assert "CRM" in played.stdout and "Final score:" in played.stdout


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["play", "--bank", "nope"], "", "no bank called 'nope'"),
        (
            ["play", "--bank", "crm-flashcards"],
            "",
            "it is a flashcard deck, review it with `quizbot flashcards --bank crm-flashcards`",
        ),
        (["play", "--bank", "demo", "--count", "2"], "A\n", "input ended at question 2 of 2"),
        (
            ["play", "--bank", "demo", "--count", "1", "--seed", "1"],
            "zzz\n\x00\n??\n",
            "no usable answer",
        ),
        (["play", "--bank", "demo", "--count", "0"], "", "between 1 and 100"),
    ],
)
def test_bad_input_is_one_line_and_a_nonzero_exit(
    env: dict[str, str], args: list[str], stdin: str, message: str
) -> None:
    result = run_quizbot(args, stdin, env)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "unsupported scheme 'mysql'"),
        ("not a url", "DATABASE_URL must look like"),
        ("postgresql://nobody@127.0.0.1:1/db", "cannot connect to the database"),
    ],
)
def test_a_wrong_database_url_is_one_clear_error(
    env: dict[str, str], url: str, message: str
) -> None:
    result = run_quizbot(["play"], "", {**env, "DATABASE_URL": url})
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


def test_binary_garbage_on_stdin(env: dict[str, str]) -> None:
    result = subprocess.run(
        [*QUIZBOT, "play", "--bank", "demo", "--count", "1", "--seed", "1"],
        input=b"\xff\xfe\x00garbage\n\x80\n\x81\n",
        capture_output=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert b"Traceback" not in result.stderr


def test_click_runner_play_and_db_commands(tmp_path: Path) -> None:
    runner = CliRunner()
    url = f"sqlite:///{tmp_path / 'x.db'}"
    upgraded = runner.invoke(cli, ["--database-url", url, "db", "upgrade"])
    assert upgraded.exit_code == 0 and "upgraded from empty to" in upgraded.output
    current = runner.invoke(cli, ["--database-url", url, "db", "current"])
    assert "up to date" in current.output
    played = runner.invoke(
        cli,
        ["--database-url", url, "play", "--bank", "demo", "-n", "1", "--seed", "1"],
        input="A\n",
    )
    assert played.exit_code == 0, played.output
    assert "Final score: 1/1 correct" in played.output
    listed = runner.invoke(cli, ["--database-url", url, "banks", "list", "--json"])
    names = [b["name"] for b in json.loads(listed.output)]
    assert names == ["crm-flashcards", "crm-podcast", "demo"]


def test_every_command_has_help_with_an_example() -> None:
    runner = CliRunner()
    for args in (["play"], ["leaderboard"], ["db"], ["banks"], ["run"]):
        result = runner.invoke(cli, [*args, "--help"])
        assert result.exit_code == 0
        assert "Example" in result.output, args


@pytest.mark.parametrize(
    ("target", "extra", "message"),
    [
        ("discord", {}, "DISCORD_TOKEN is not set"),
        ("slack", {}, "SLACK_SIGNING_SECRET is not set"),
        ("all", {}, "nothing to run: no chat platform is configured"),
        ("worker", {}, "nothing to run: no chat platform is configured"),
        ("all", {"SLACK_BOT_TOKEN": "x"}, "SLACK_SIGNING_SECRET is not set"),
        ("web", {"SLACK_BOT_TOKEN": "x"}, "SLACK_SIGNING_SECRET is not set"),
        ("nowhere", {}, "unknown platform 'nowhere' (one of: discord, slack"),
        (
            "discord",
            {"DISCORD_TOKEN": "x", "DISCORD_SHARD_COUNT": "2", "DISCORD_WORKERS": "3"},
            "DISCORD_WORKERS=3 needs DYNO=worker.N",
        ),
    ],
)
def test_run_without_configuration_is_one_clear_error(
    extra: dict[str, str], target: str, message: str, tmp_path: Path
) -> None:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DISCORD_", "SLACK_", "TELEGRAM_"))
        and k not in ("DATABASE_URL", "DYNO")
    }
    result = subprocess.run(
        [*QUIZBOT, "--database-url", f"sqlite:///{tmp_path / 'r.db'}", "run", target],
        capture_output=True,
        text=True,
        timeout=60,
        env={**base, **extra},
    )
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr + result.stdout
