"""A real PgBouncer in transaction mode, in front of the tests' PostgreSQL, for one session.

:class:`PgBouncer` writes a throwaway configuration (a free port on 127.0.0.1, trust
authentication, every database passed through to the PostgreSQL in ``QUIZBOT_TEST_POSTGRES``,
``pool_mode = transaction`` and a small pool, so that server connections really are shared
between clients), runs Debian's ``pgbouncer`` in the foreground (as ``postgres`` when the
tests run as root, which PgBouncer refuses) and stops it at the end. The tests' databases
are still made and dropped on PostgreSQL directly; only the URLs the app uses go through
PgBouncer (:meth:`PgBouncer.url_for`).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType

from sqlalchemy.engine import URL, make_url

#: Server connections per database and user: fewer than a QuizApp's pool (3 + 2), so that
#: clients take turns on them as they do behind a PaaS pooler.
POOL_SIZE = 2
START_TIMEOUT = 15.0


def find_pgbouncer() -> str | None:
    """The pgbouncer binary (Debian puts it in /usr/sbin, not always on PATH), or None."""
    return shutil.which("pgbouncer") or shutil.which("pgbouncer", path="/usr/sbin:/usr/bin")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


class PgBouncerError(RuntimeError):
    """PgBouncer could not be started; the message has the end of its log."""


class PgBouncer:
    """One PgBouncer process in transaction mode in front of ``server_url``'s PostgreSQL."""

    def __init__(self, binary: str, server_url: str) -> None:
        self.binary = binary
        self.server: URL = make_url(server_url)
        self.port = 0
        self.folder: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None

    def url_for(self, database_url: str, pooler: str | None = "transaction") -> str:
        """``database_url`` (a database on the server) reached through this PgBouncer, with
        quizbot told so (``?pooler=transaction``) unless ``pooler`` is None."""
        url = make_url(database_url).set(host="127.0.0.1", port=self.port)
        if pooler is not None:
            url = url.update_query_dict({"pooler": pooler})
        return url.render_as_string(hide_password=False)

    @property
    def log(self) -> str:
        """What PgBouncer has written so far (its log and its output)."""
        if self.folder is None:
            return ""
        parts = []
        for name in ("pgbouncer.log", "output.txt"):
            path = self.folder / name
            if path.exists():
                parts.append(path.read_text(errors="replace"))
        return "".join(parts)

    def start(self, attempts: int = 3) -> None:
        """Start PgBouncer; a few tries, in case another process took the free port first."""
        for attempt in range(attempts):
            try:
                self._start_once()
                return
            except PgBouncerError:
                if attempt == attempts - 1:
                    raise

    def _start_once(self) -> None:
        user = self.server.username or "postgres"
        self.folder = Path(tempfile.mkdtemp(prefix="quizbot-pgbouncer-"))
        self.port = free_port()
        host, server_port = self.server.host or "127.0.0.1", self.server.port or 5432
        (self.folder / "pgbouncer.ini").write_text(
            "\n".join(
                [
                    "[databases]",
                    f"* = host={host} port={server_port}",
                    "",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"auth_file = {self.folder / 'users.txt'}",
                    "pool_mode = transaction",
                    f"default_pool_size = {POOL_SIZE}",
                    "max_client_conn = 500",
                    # The default, spelled out: an idle server connection is handed to the next
                    # client most-recently-used first (test_pgbouncer relies on it).
                    "server_round_robin = 0",
                    # Each test drops its database with its server connections: let PgBouncer
                    # forget such pools soon.
                    "autodb_idle_timeout = 30",
                    f"logfile = {self.folder / 'pgbouncer.log'}",
                    "",
                ]
            )
        )
        password = self.server.password or ""
        users = self.folder / "users.txt"
        users.write_text(f'"{user}" "{password}"\n')
        users.chmod(0o600)
        command = [self.binary]
        if os.geteuid() == 0:  # PgBouncer will not run as root
            shutil.chown(self.folder, user="postgres")
            for path in self.folder.iterdir():
                shutil.chown(path, user="postgres")
            command += ["-u", "postgres"]
        command.append(str(self.folder / "pgbouncer.ini"))
        with (self.folder / "output.txt").open("wb") as output:
            self.process = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers(self.port):
            if self.process.poll() is not None or time.monotonic() > deadline:
                log = self.log.strip().splitlines()[-5:]
                self.stop()
                raise PgBouncerError(f"{' '.join(command)} did not start: {' | '.join(log)}")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> PgBouncer:
        self.start()
        return self

    def __exit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self.stop()
