"""Parsing a big bank file in a second process while the importing one writes to the database.

Reading a file, checking every question and building its rows is Python work: about two
thirds of a big import on SQLite. A thread cannot take it over there (the writes run in
aiosqlite's thread, and sqlite3 releases and takes back the GIL around every row it steps,
so a parsing thread holding the GIL stalls each row for up to the interpreter's switch
interval); a process can. The child, ``python -m bot.importing.parse_process SPEC``, parses
the file through :class:`bot.importing.rows.CheckedItems` and sends each
:class:`~bot.importing.rows.Batch` to the importer as it is made, while the importer
writes the one before. What the checks found (warnings, errors, skips) comes with the last
batch, so an import reports and refuses exactly what it would in one process.

The batches go through a pipe, one frame each (eight bytes of length, then a pickle): the
child waits when the pipe (1 MiB) and the importer's read buffer (:data:`READ_LIMIT`, read
ahead up to twice that) are full, so it runs a few batches ahead at most (a batch of 1,000
rich questions pickles to ~0.4 MB) and both processes' memory stays flat whatever the file.
The child writes nothing else on its standard output (anything printed goes to standard
error) and dies with the import: it is killed when the import stops early.

:func:`worth_a_process` says when to use it: a file of at least :data:`MIN_BYTES` on a
machine that gives this process two or more CPUs (on one, the two processes would take
turns and the pickling would be a loss). ``QUIZBOT_IMPORT_PROCESS=off`` turns it off,
``=on`` uses it for any file, ``=auto`` (or unset) lets it decide; another value is a
:class:`~bot.errors.ConfigError`.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import pickle
import sys
import traceback
from pathlib import Path
from typing import Any, BinaryIO

from bot.errors import ConfigError
from bot.i18n import _
from bot.importing.rows import BATCH_SIZE, IMPORT_GC_THRESHOLD, Batch, Findings

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None  # type: ignore[assignment]

#: Files smaller than this are parsed in the importing process: a child (0.1 s to start,
#: and the pickling) costs about what it saves at 1-2 MB (4,000-8,000 rich GIFT questions:
#: 1.04x the one-process import's wall time at 1 MB, 0.97x at 2.5 MB, 0.78x at 25 MB; CPU 1.1x).
MIN_BYTES = 2 * 1024 * 1024
#: The environment variable that turns the parsing process off ("off") or on for any file
#: ("on"); unset or "auto": :func:`worth_a_process` decides.
SETTING = "QUIZBOT_IMPORT_PROCESS"
#: The importer's read buffer for the pipe: asyncio stops reading ahead at twice this (a
#: bigger frame, a batch of pictures, is still read whole).
READ_LIMIT = 512 * 1024
#: How much the pipe from the child may hold, where the system lets it be set.
PIPE_BYTES = 1024 * 1024
_LENGTH = 8  # bytes of a frame's length, little-endian
_PROJECT = Path(__file__).resolve().parents[2]  # the folder holding the bot package


def usable_cpus(cgroup: Path = Path("/sys/fs/cgroup")) -> float:
    """How many CPUs this process may use: its affinity (where the system tells), or less
    where a container's CPU quota says so (cgroup v2 ``cpu.max``, v1 ``cpu.cfs_quota_us``;
    a PaaS dyno or a container may see every CPU of the host but be allowed one)."""
    try:
        cpus: float = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    quota = _cpu_quota(cgroup)
    return min(cpus, quota) if quota is not None else cpus


def _cpu_quota(cgroup: Path) -> float | None:
    """CPUs' worth of time the container may use (None: no quota, or none found)."""
    try:
        limit, period = (cgroup / "cpu.max").read_text().split()[:2]  # v2: "max 100000"
        return None if limit == "max" else int(limit) / int(period)
    except (OSError, ValueError):
        pass
    for folder in (cgroup / "cpu", cgroup / "cpu,cpuacct"):  # v1
        try:
            limit = int((folder / "cpu.cfs_quota_us").read_text())
            period = int((folder / "cpu.cfs_period_us").read_text())
        except (OSError, ValueError):
            continue
        return None if limit <= 0 or period <= 0 else limit / period
    return None


def worth_a_process(path: Path, cgroup: Path = Path("/sys/fs/cgroup")) -> bool:
    """Whether to parse ``path`` in a second process (see the module's docstring;
    ``cgroup`` is where :func:`usable_cpus` looks for a container's CPU quota)."""
    setting = os.environ.get(SETTING, "auto").strip().lower() or "auto"
    if setting in ("off", "0", "no", "false"):
        return False
    if setting in ("on", "1", "yes", "true"):
        return True
    if setting != "auto":
        raise ConfigError(
            _("{variable} must be on, off or auto, not {value}").format(
                variable=SETTING, value=repr(os.environ[SETTING])
            )
        )
    try:
        size = path.stat().st_size
    except OSError:
        return False  # the parser reports the file as unreadable, in this process
    return size >= MIN_BYTES and usable_cpus(cgroup) >= 2


class ParseProcessError(RuntimeError):
    """The parsing process failed in a way that is not the file's fault (a bug, a kill)."""


class ParseProcess:
    """The importer's side: starts the child and hands out its batches in order.

    The same interface as the importer's in-process batches: :meth:`next` gives each batch
    (the last says so); after the last, :attr:`findings` and :attr:`skipped` hold what the
    checks found; :meth:`close` (always call it) stops the child if it is still running.
    """

    def __init__(
        self,
        path: Path,
        format_name: str | None,
        *,
        source: str,
        language: str,
        size: int = BATCH_SIZE,
        on_duplicate: str = "error",
        strict: bool = False,
    ) -> None:
        self.source = source
        self._spec = {
            "path": str(path),
            "format": format_name,
            "source": source,
            "language": language,
            "size": size,
            "on_duplicate": on_duplicate,
            "strict": strict,
        }
        self._child: asyncio.subprocess.Process | None = None
        self.findings = Findings(source, strict=strict)
        self.skipped = 0
        self.pid: int | None = None

    async def start(self) -> None:
        """Start the child (it begins parsing at once)."""
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(
            part for part in (str(_PROJECT), env.get("PYTHONPATH", "")) if part
        )
        self._child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            __name__,
            json.dumps(self._spec),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            env=env,
            limit=READ_LIMIT,
        )
        self.pid = self._child.pid

    async def next(self) -> Batch:
        """The next batch; raises :class:`ParseProcessError` if the child failed."""
        child = self._child
        assert child is not None and child.stdout is not None, "start() first"
        try:
            header = await child.stdout.readexactly(_LENGTH)
            frame = await child.stdout.readexactly(int.from_bytes(header, "little"))
        except asyncio.IncompleteReadError:
            code = await child.wait()
            raise ParseProcessError(
                f"the process parsing {self.source} ended early (exit code {code})"
            ) from None
        kind, payload = pickle.loads(frame)
        if kind == "crash":  # the child's traceback; its last line says what
            await child.wait()
            what = payload.strip().splitlines()[-1] if payload.strip() else "?"
            raise ParseProcessError(
                f"the process parsing {self.source} failed: {what}\n{payload.rstrip()}"
            )
        if kind == "last":
            batch, outcome = payload
            self.findings = Findings.from_state(outcome["findings"])
            self.skipped = outcome["skipped"]
            await child.wait()
            return batch
        return payload

    async def close(self) -> None:
        """Stop the child if it is still running and wait for it."""
        child = self._child
        if child is None:
            return
        if child.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                child.kill()
            await child.wait()
        self._child = None


# -- the child ---------------------------------------------------------------------------


def _send(out: BinaryIO, kind: str, payload: Any) -> None:
    frame = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
    out.write(len(frame).to_bytes(_LENGTH, "little"))
    out.write(frame)
    out.flush()


def _parse(spec: dict[str, Any], out: BinaryIO) -> None:
    from bot.formats import parse_path
    from bot.i18n import use_language
    from bot.importing.rows import CheckedItems, batches

    gc.set_threshold(IMPORT_GC_THRESHOLD, *gc.get_threshold()[1:])  # as the importer does
    gc.freeze()  # the modules just imported are never garbage
    with use_language(spec["language"]):
        items = parse_path(Path(spec["path"]), spec["format"])
        checked = CheckedItems(items, spec["source"], check_repeats=False, strict=spec["strict"])
        for batch in batches(checked, spec["size"], spec["on_duplicate"]):
            if batch.last:
                outcome = {"findings": checked.findings.state(), "skipped": len(checked.skipped)}
                _send(out, "last", (batch, outcome))
            else:
                _send(out, "batch", batch)


def _widen_pipe(out: BinaryIO) -> None:
    """Let the pipe hold a whole batch or two (Linux: up to ``fs.pipe-max-size``, 1 MiB by
    default), so the child goes on parsing while the importer is busy writing."""
    setting = getattr(fcntl, "F_SETPIPE_SZ", None) if fcntl is not None else None
    if setting is None:
        return
    with contextlib.suppress(OSError):
        fcntl.fcntl(out.fileno(), setting, PIPE_BYTES)


def main(argv: list[str]) -> int:
    """The child: parse the file ``argv[0]`` (a JSON spec) describes, frames on stdout."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # anything printed goes to standard error, not into the frames
    _widen_pipe(out)
    try:
        _parse(json.loads(argv[0]), out)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 1  # the importer stopped reading: it has gone, or stopped the import
    except BaseException:  # a bug, not the file's fault (those are in the findings)
        with contextlib.suppress(OSError):
            _send(out, "crash", traceback.format_exc())
        return 1
    finally:
        with contextlib.suppress(OSError):
            out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
