"""A real ``quizbot web`` process on a free port, and the other ``quizbot`` commands beside it.

Both run as ``python -m cli.main`` with the same environment: the test's SQLite file as
``DATABASE_URL``, a ``QUIZBOT_SECRET_KEY``, ``PORT`` and ``QUIZBOT_PUBLIC_URL`` pointing at
the process, and a fixed login name, so ``quizbot play`` records a known terminal player.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
START_WITHIN = 30.0
EXIT_WITHIN = 15.0
SECRET_KEY = "browser-tests-secret-key-0123456789"
#: The terminal player's login name (``quizbot play`` names the local player after it).
TERMINAL_PLAYER = "webtester"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Fetched:
    """A plain HTTP answer: status, headers and body (no browser)."""

    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")


def fetch(url: str, timeout: float = 10.0) -> Fetched:
    """GET ``url`` with the standard library; 4xx and 5xx are answers, not errors."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return Fetched(response.status, dict(response.headers), response.read())
    except urllib.error.HTTPError as exc:
        return Fetched(exc.code, dict(exc.headers), exc.read())


@dataclass
class WebProcess:
    """``quizbot web`` (or another serving command) running on ``origin``
    (``http://127.0.0.1:PORT``)."""

    database_url: str
    log_path: Path
    port: int = field(default_factory=free_port)
    #: ``quizbot web`` by default; ``("run", "web")`` is the PaaS web process.
    command: tuple[str, ...] = ("web",)
    process: subprocess.Popen[bytes] | None = None

    @property
    def name(self) -> str:
        return " ".join(self.command)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("QUIZBOT_", "SLACK_", "DISCORD_", "TELEGRAM_"))
        }
        env.update(
            DATABASE_URL=self.database_url,
            QUIZBOT_SECRET_KEY=SECRET_KEY,
            QUIZBOT_PUBLIC_URL=self.origin,
            PORT=str(self.port),
            LOGNAME=TERMINAL_PLAYER,
            USER=TERMINAL_PLAYER,
            PYTHONUNBUFFERED="1",
        )
        return env

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def start(self) -> None:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "cli.main", *self.command],
                cwd=ROOT,
                env=self.env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_WITHIN
        while True:
            code = self.process.poll()
            assert code is None, f"quizbot {self.name} exited ({code}):\n{self.log()}"
            try:
                if fetch(self.origin + "/health", timeout=2).status == 200:
                    return
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no /health in {START_WITHIN} s:\n{self.log()}"
            time.sleep(0.1)

    def stop(self) -> int | None:
        """SIGTERM, then the exit status (killed and None when it does not end in time)."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(EXIT_WITHIN)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def cli(self, *args: str, stdin: str = "") -> str:
        """Run ``quizbot ARGS`` on the same database; its stdout (it must exit 0)."""
        done = subprocess.run(
            [sys.executable, "-m", "cli.main", *args],
            cwd=ROOT,
            env=self.env(),
            input=stdin.encode(),
            capture_output=True,
            timeout=120,
            check=False,
        )
        out = done.stdout.decode("utf-8", errors="replace")
        err = done.stderr.decode("utf-8", errors="replace")
        command = " ".join(args)
        assert done.returncode == 0, f"quizbot {command} exited {done.returncode}:\n{out}{err}"
        return out

    def link(self, *args: str) -> str:
        """The URL ``quizbot web link ARGS`` prints (the last line that is an address)."""
        out = self.cli("web", "link", *args)
        urls = [w for w in out.split() if w.startswith(("http://", "https://"))]
        assert urls, f"quizbot web link {' '.join(args)} printed no address:\n{out}"
        url = urls[-1]
        assert url.startswith(self.origin + "/"), f"{url} is not on {self.origin}"
        return url

    def path_of(self, url: str) -> str:
        parts = urlsplit(url)
        return parts.path + (f"?{parts.query}" if parts.query else "")
