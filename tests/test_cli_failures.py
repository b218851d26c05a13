"""How commands fail: one line that says what to do, a non-zero exit, nothing left running.

Each case is one a user or an operator really meets: a PostgreSQL database nobody upgraded,
a read-only SQLite file, an unreachable server, standard input closed, Ctrl-C at a prompt,
``--json`` scripts, and an error nobody expected (one line plus where its traceback is).
The commands run as real processes on real databases.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from cli.failures import QuizbotGroup

QUIZBOT = [sys.executable, "-m", "cli.main"]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """The default SQLite file and the error folder in this test's own folders."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environ["XDG_DATA_HOME"] = str(tmp_path / "data")
    environ["XDG_STATE_HOME"] = str(tmp_path / "state")
    environ["USER"] = "tester"
    return environ


def quizbot(
    args: list[str], env: dict[str, str], stdin: str | int | None = ""
) -> subprocess.CompletedProcess[str]:
    options: dict = {"input": stdin} if isinstance(stdin, str) else {"stdin": stdin}
    return subprocess.run(
        [*QUIZBOT, *args], capture_output=True, text=True, env=env, timeout=120, **options
    )


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The error line of a failed command, checking it is the only thing on stderr."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("quizbot: error: ")
    assert "Traceback" not in result.stdout
    return lines[0]


@pytest.mark.postgres
def test_a_database_nobody_upgraded_says_to_run_db_upgrade(
    postgres_url: str, env: dict[str, str]
) -> None:
    for command in (["banks", "list"], ["leaderboard"], ["play", "-n", "1"]):
        line = one_line(quizbot(["--database-url", postgres_url, *command], env, "A\n"))
        assert "run 'quizbot db upgrade'" in line, command
    upgraded = quizbot(["--database-url", postgres_url, "db", "upgrade"], env)
    assert upgraded.returncode == 0, upgraded.stderr
    listed = quizbot(["--database-url", postgres_url, "banks", "list"], env)
    assert listed.returncode == 0 and "demo" in listed.stdout


@pytest.fixture
def read_only_sqlite(tmp_path: Path, env: dict[str, str]) -> Iterator[str]:
    """A SQLite database with the shipped banks that cannot be written (as a read-only
    mount or ``chattr +i`` makes it; permissions alone do not stop root)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    path = folder / "quizbot.db"
    url = f"sqlite:///{path}"
    made = quizbot(["--database-url", url, "banks", "list"], env)
    assert made.returncode == 0, made.stderr
    frozen = [path, folder]
    if os.geteuid() == 0:
        if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("this file system has no immutable files (chattr +i) for root")
        subprocess.run(["chattr", "+i", str(folder)], check=True)
    else:
        for item in frozen:
            item.chmod(0o555 if item.is_dir() else 0o444)
    try:
        yield url
    finally:
        for item in reversed(frozen):
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(item)], check=False)
            item.chmod(0o755 if item.is_dir() else 0o644)


def test_a_read_only_sqlite_file_is_one_line(read_only_sqlite: str, env: dict[str, str]) -> None:
    played = quizbot(["--database-url", read_only_sqlite, "play", "-n", "1"], env, "A\n")
    assert "cannot be written" in one_line(played)
    bank = Path(env["XDG_DATA_HOME"]) / "q.csv"
    bank.parent.mkdir(parents=True, exist_ok=True)
    bank.write_text("question,answer\nOne?,1\n", encoding="utf-8")
    imported = quizbot(["--database-url", read_only_sqlite, "import", str(bank)], env)
    assert "cannot be written" in one_line(imported)


def test_an_unreachable_server_is_one_line(env: dict[str, str]) -> None:
    url = "postgresql://quizbot@127.0.0.1:9/quizbot"  # the discard port: nothing listens
    line = one_line(quizbot(["--database-url", url, "banks", "list"], env))
    assert "127.0.0.1:9" in line


@pytest.mark.parametrize("url", ["sqlite:///", "sqlite://", "sqlite:///:memory:"])
def test_a_sqlite_url_without_a_file_is_refused(url: str, env: dict[str, str]) -> None:
    """It used to run on an in-memory database: "2 new", and then gone."""
    bank = Path(env["XDG_DATA_HOME"]) / "q.csv"
    bank.parent.mkdir(parents=True, exist_ok=True)
    bank.write_text("question,answer\nOne?,1\nTwo?,2\n", encoding="utf-8")
    line = one_line(quizbot(["import", str(bank)], {**env, "DATABASE_URL": url}))
    assert "names no SQLite file" in line and "sqlite:////absolute/path/quizbot.db" in line


def test_json_commands_fail_in_json(postgres_url: str, env: dict[str, str]) -> None:
    result = quizbot(["--database-url", postgres_url, "banks", "list", "--json"], env)
    assert result.returncode == 1
    error = json.loads(result.stdout)
    assert "quizbot db upgrade" in error["error"] and error["exit_code"] == 1
    unknown = quizbot(["banks", "show", "no-such-bank", "--json"], env)
    assert unknown.returncode == 1
    assert "no-such-bank" in json.loads(unknown.stdout)["error"]


def test_validate_json_fails_in_json(tmp_path: Path, env: dict[str, str]) -> None:
    bank = tmp_path / "q.csv"
    bank.write_text("question,answer\nOne?,1\nOne?,2\n", encoding="utf-8")
    result = quizbot(["validate", str(bank), "--json"], env)
    assert result.returncode == 1 and result.stderr == ""
    assert json.loads(result.stdout)["error"].startswith(
        f"{bank}:3: the same question as line 2 with other answers or options"
    )


@pytest.mark.parametrize("command", ["play", "flashcards", "review"])
def test_closed_standard_input_is_one_line_and_starts_nothing(
    command: str, env: dict[str, str]
) -> None:
    closed = subprocess.run(
        [*QUIZBOT, command],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        preexec_fn=lambda: os.close(0),  # what `quizbot play <&-` does
    )
    assert "standard input is closed" in one_line(closed)
    again = quizbot(["play", "--bank", "demo", "--count", "1", "--seed", "1"], env, "A\n")
    assert again.returncode == 0, again.stderr
    assert "stopped an unfinished quiz" not in again.stdout  # none was left running


def test_ctrl_c_at_the_prompt_stops_the_quiz_at_once_and_keeps_the_answers(
    env: dict[str, str],
) -> None:
    game = subprocess.Popen(
        [*QUIZBOT, "play", "--bank", "demo", "--count", "3", "--seed", "1"],
        stdin=subprocess.PIPE,  # held open: the prompt waits for a line that never comes
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert game.stdin is not None and game.stdout is not None
    game.stdin.write("A\n")
    game.stdin.flush()
    seen = ""
    while "Question 2/3" not in seen:  # answered 1, waiting at 2
        line = game.stdout.readline()
        assert line, game.stderr.read() if game.stderr else ""
        seen += line
    time.sleep(0.5)  # most likely at the prompt by now; Ctrl-C elsewhere must work too
    game.send_signal(signal.SIGINT)
    try:
        out, err = game.communicate(timeout=15)  # the old reader waited for Enter: forever
    finally:
        game.kill()
    assert game.returncode == 130, err
    assert "Stopped. Your answers so far are kept." in out
    assert err.strip() == "quizbot: error: interrupted"
    stats = json.loads(quizbot(["stats", "--json"], env).stdout)
    assert stats["answered"] == 1 and stats["correct"] == 1
    again = quizbot(["play", "--bank", "demo", "--count", "1", "--seed", "1"], env, "A\n")
    assert again.returncode == 0, again.stderr
    assert "stopped an unfinished quiz" not in again.stdout  # Ctrl-C stopped it already


def test_an_unexpected_error_is_one_line_with_the_traceback_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))

    @click.group(cls=QuizbotGroup)
    @click.option("-v", "--verbose", is_flag=True)
    @click.pass_context
    def group(ctx: click.Context, verbose: bool) -> None:
        from cli.common import CliState

        ctx.obj = CliState(verbose=verbose)

    @group.command()
    def broken() -> None:
        {}["missing"]  # a bug

    result = CliRunner().invoke(group, ["broken"])
    assert result.exit_code == 1
    line = result.output.strip()
    assert line.startswith("quizbot: error: unexpected error: KeyError: 'missing'")
    kept = next((tmp_path / "state" / "quizbot").glob("error-*.txt"))
    assert str(kept) in line
    assert "Traceback" in kept.read_text() and "a bug" in kept.read_text()

    verbose = CliRunner().invoke(group, ["-v", "broken"])
    assert verbose.exit_code == 1
    assert "Traceback (most recent call last)" in verbose.output
