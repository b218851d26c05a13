"""A private PostgreSQL server for tests that stop and start it.

Tests that restart PostgreSQL must not touch the shared server other tests use (127.0.0.1:5432):
:class:`PrivatePostgres` runs ``initdb`` into a temporary folder and serves it with ``pg_ctl``
on a free port of 127.0.0.1, its unix socket in that folder, with ``fsync=off``. ``initdb`` and
``pg_ctl`` refuse to run as root, so as root they run as the ``postgres`` user (``runuser``),
the folder being theirs. The binaries are found in ``/usr/lib/postgresql/*/bin`` (newest
first) or on PATH; where there are none, the ``private_postgres`` fixture skips, except under
``CI=true``, where that is a failure.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

START_WITHIN = 60  # seconds pg_ctl waits for the server to accept connections
SUPERUSER = "postgres"


def postgres_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (the newest installed version), or None."""
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda path: int(Path(path).parent.name) if Path(path).parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in candidates:
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(os.path.realpath(initdb)).parent
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivatePostgres:
    """One PostgreSQL cluster of this test run's own: ``start``, ``stop``, ``url``, ``close``."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_root = os.geteuid() == 0
        # Not pytest's tmp_path: its parents are private to root, and the server runs as
        # postgres. mkdtemp's folder is private to its owner, which becomes postgres below.
        self.root = Path(tempfile.mkdtemp(prefix="quizbot-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        if self.as_root:
            owner = pwd.getpwnam(SUPERUSER)
            os.chown(self.root, owner.pw_uid, owner.pw_gid)
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        )
        self.running = False

    def _run(self, tool: str, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        command = [str(self.bindir / tool), *args]
        if self.as_root:
            command = ["runuser", "-u", SUPERUSER, "--", *command]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=START_WITHIN + 30, cwd=self.root
        )
        if check and result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(
                f"{tool} {' '.join(args)} failed ({result.returncode}):\n"
                f"{result.stdout}{result.stderr}\n{log}"
            )
        return result

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
        )
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-o",
            options,
            "-w",
            "-t",
            str(START_WITHIN),
            "start",
        )
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast``: roll back open transactions, close every connection)."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")
        self.running = False

    def restart(self) -> None:
        self.stop()
        self.start()

    def sql(self, statement: str, database: str = "postgres") -> str:
        """Run one statement with psql over the unix socket; its output."""
        result = self._run(
            "psql",
            "-h",
            str(self.root),
            "-p",
            str(self.port),
            "-U",
            SUPERUSER,
            "-d",
            database,
            "-v",
            "ON_ERROR_STOP=1",
            "-At",
            "-c",
            statement,
        )
        return result.stdout

    def close(self) -> None:
        """Stop the server (if it runs) and delete its folder."""
        if self.running or (self.data / "postmaster.pid").exists():
            with contextlib.suppress(Exception):
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            self.running = False
        shutil.rmtree(self.root, ignore_errors=True)


def require_bindir() -> Path:
    """The PostgreSQL binaries, or skip (fail under CI=true) with why they are missing."""
    bindir = postgres_bindir()
    if bindir is None:
        message = (
            "no PostgreSQL server binaries (initdb, pg_ctl) in /usr/lib/postgresql/*/bin or "
            "on PATH: install the postgresql package to run this test"
        )
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    if os.geteuid() == 0 and (shutil.which("runuser") is None or not _has_user(SUPERUSER)):
        message = f"running as root needs runuser and a {SUPERUSER!r} user to run initdb"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return bindir


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A started PostgreSQL cluster of this test's own, stopped and deleted afterwards."""
    cluster = PrivatePostgres(require_bindir())
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.close()
