"""Lines typed or piped into the terminal, read without holding up Ctrl-C.

A thread blocked in ``readline`` keeps a process alive after Ctrl-C until Enter is pressed
(asyncio waits for its worker threads on the way out). So a terminal or a pipe is read by
the event loop itself (``add_reader`` on its file descriptor, then ``os.read``), which a
Ctrl-C cancels at once; a regular file (``quizbot play < answers.txt``) never blocks and is
read directly; an in-memory stream (tests) through its ``readline``.
"""

from __future__ import annotations

import asyncio
import io
import os
from typing import TextIO

CHUNK = 64 * 1024


class TerminalLines:
    """Reads ``stream`` line by line; ``None`` at the end of input or when it is closed."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self._fd = _fileno(stream)
        self._buffer = b""
        self._ended = stream is None

    async def readline(self) -> str | None:
        if self.stream is None:
            return None
        if self._fd is None:
            line = await asyncio.to_thread(_read_or_end, self.stream)
            return line if line else None
        while b"\n" not in self._buffer and not self._ended:
            chunk = await self._chunk()
            self._ended = not chunk
            self._buffer += chunk
        if not self._buffer:
            return None
        line, newline, self._buffer = self._buffer.partition(b"\n")
        return (line + newline).decode("utf-8", errors="replace")

    async def _chunk(self) -> bytes:
        assert self._fd is not None
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()
        try:
            loop.add_reader(self._fd, lambda: ready.done() or ready.set_result(None))
        except (PermissionError, ValueError, NotImplementedError, OSError):
            return _read_fd(self._fd)  # a regular file: always ready
        try:
            await ready
        finally:
            loop.remove_reader(self._fd)
        return _read_fd(self._fd)


def _fileno(stream: TextIO | None) -> int | None:
    if stream is None:
        return None
    try:
        return stream.fileno()
    except (OSError, ValueError, io.UnsupportedOperation, AttributeError):
        return None


def _read_fd(fd: int) -> bytes:
    try:
        return os.read(fd, CHUNK)
    except OSError:
        return b""  # closed or gone: the end of input


def _read_or_end(stream: TextIO) -> str:
    try:
        return stream.readline()
    except (OSError, ValueError):
        return ""
