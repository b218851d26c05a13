"""``quizbot web`` and ``quizbot web link`` as whole processes: the issue's "done when" on the
default SQLite file (a piped quiz, the server, the printed link, one character changed)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

QUIZBOT = [sys.executable, "-m", "cli.main"]


def quizbot(args: list[str], env: dict[str, str], stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [*QUIZBOT, *args], input=stdin, capture_output=True, text=True, env=env, timeout=60
    )


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "QUIZBOT_SECRET_KEY", "QUIZBOT_PUBLIC_URL")
    }
    environ["XDG_DATA_HOME"] = str(tmp_path / "data")
    environ["USER"] = "tester"
    environ["PORT"] = str(free_port())
    return environ


@pytest.fixture
def server(env: dict[str, str]) -> Iterator[str]:
    process = subprocess.Popen(
        [*QUIZBOT, "web"], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                with urllib.request.urlopen(base + "/health", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            assert time.monotonic() < deadline, "quizbot web did not start"
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_done_when(env: dict[str, str], server: str) -> None:
    played = quizbot(["play", "--count", "5", "--seed", "3"], env, "A\nB\nC\nD\nA\n")
    assert played.returncode == 0, played.stderr
    final = next(line for line in played.stdout.splitlines() if line.startswith("Final score"))
    points = final.rsplit(",", 1)[1].split()[0]

    made = quizbot(
        [
            "web",
            "link",
            "leaderboard",
            "--platform",
            "console",
            "--workspace",
            "local",
            "--channel",
            "terminal",
        ],
        env,
    )
    assert made.returncode == 0, made.stderr
    url = made.stdout.strip()
    assert url.startswith(f"http://localhost:{env['PORT']}/l/")
    status, html = fetch(url.replace("localhost", "127.0.0.1"))
    assert status == 200
    assert "<td>tester</td>" in html
    assert f'<td class="num">{points}</td>' in html

    local = url.replace("localhost", "127.0.0.1")
    for i in (len("http://127.0.0.1:") + len(env["PORT"]) + 5, len(local) // 2, len(local) - 1):
        changed = local[:i] + ("A" if local[i] != "A" else "B") + local[i + 1 :]
        status, html = fetch(changed)
        assert status == 403, i
        assert "tester" not in html


def test_link_commands(env: dict[str, str]) -> None:
    played = quizbot(["play", "--count", "2", "--seed", "1"], env, "A\nB\n")
    assert played.returncode == 0, played.stderr
    for args in (
        ["player", "--platform", "console", "--workspace", "local", "--user", "tester"],
        ["report", "1", "--expires", "7d"],
        ["bank", "crm-podcast", "--expires", "90m"],
        ["leaderboard", "--platform", "console", "--workspace", "local"],
    ):
        made = quizbot(["web", "link", *args], env)
        assert made.returncode == 0, made.stderr
        assert made.stdout.startswith(f"http://localhost:{env['PORT']}/l/")
    public = {
        **env,
        "QUIZBOT_PUBLIC_URL": "https://quiz.example.org/",
        "QUIZBOT_SECRET_KEY": "k" * 32,
    }
    made = quizbot(["web", "link", "bank", "crm-podcast"], public)
    assert made.stdout.startswith("https://quiz.example.org/l/")

    for args, message in (
        (["report", "999"], "no quiz 999"),
        (["bank", "nope"], "no bank named 'nope'"),
        (["bank", "crm-podcast", "--expires", "soon"], "not a duration"),
    ):
        made = quizbot(["web", "link", *args], env)
        assert made.returncode == 1 and message in made.stderr, made.stderr
    postgres = {**env, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    made = quizbot(["web", "link", "leaderboard", "--platform", "p", "--workspace", "w"], postgres)
    assert made.returncode == 1 and "QUIZBOT_SECRET_KEY is not set" in made.stderr
