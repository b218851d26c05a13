"""A quick command run by the console script ends with its objects frozen out of the
interpreter's last full collection; its output and exit status are what they were.

Other commands, and the click group invoked in a process of its own (tests), keep the
collector as it is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import gc, sys
sys.argv = ["quizbot", *sys.argv[1:]]
from cli.main import main
try:
    main()
finally:
    print("frozen:", gc.get_freeze_count() > 0, file=sys.stderr)
"""


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    return env


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _frozen(done: subprocess.CompletedProcess[str]) -> bool:
    return done.stderr.strip().splitlines()[-1] == "frozen: True"


def test_a_quick_command_ends_frozen_with_its_output_and_status(env: dict[str, str]) -> None:
    done = _run(env, "banks", "list")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[:2] == [
        "Banks",
        "name\ttitle\tlanguage\tquestions\tflashcards",
    ]
    assert _frozen(done)


def test_a_failing_quick_command_keeps_its_error_and_status(env: dict[str, str]) -> None:
    assert _run(env, "banks", "list").returncode == 0  # the database, made
    done = _run(env, "banks", "show", "no-such-bank")
    assert done.returncode == 1
    assert "no-such-bank" in done.stderr
    assert _frozen(done)


def test_other_commands_keep_the_collector_as_it_is(env: dict[str, str]) -> None:
    done = _run(env, "validate", str(ROOT / "questions" / "demo.yaml"))
    assert done.returncode == 0, done.stderr
    assert not _frozen(done)
