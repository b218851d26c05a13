"""Benchmark: Anki package imports keep flat memory (1,000 against 10,000 notes).

The packages are written by genanki (the test extra): a deck with subdecks, 70% Basic notes,
20% Basic-and-reversed (two cards each), 10% Cloze notes with two clozes (two cards each),
tags on every note and a picture (a distinct 1x1 PNG in the media) on every 10th note; every
front is unique. 10,000 notes make 13,000 cards.

Measured for each size (200 and 2,000 notes with --quick):

- "parse": the package read card by card in this process (``bot.formats.parse_path``),
  its Python allocations' peak by ``tracemalloc`` and its time;
- "import": ``quizbot import FILE`` as a whole process on a fresh migrated database with the
  shipped banks (:func:`bench.rich_imports.run_import`), on each backend: its wall time and
  its own peak resident memory (``ru_maxrss``).

Flat memory means the larger package's peaks are not ~10 times the smaller one's: the
collection is copied to a temporary file and its cards are read from a SQLite cursor.

    python -m bench.apkg_import [--quick] [--backend sqlite|postgres|both]
"""

from __future__ import annotations

import struct
import tempfile
import time
import tracemalloc
import zlib
from pathlib import Path

from bench.common import Table, arguments, backends, log
from bench.rich_imports import run_import

SIZES = (1_000, 10_000)
QUICK_SIZES = (200, 2_000)
FLAT_MB = 25.0  # growth of a peak from the smaller to the larger package still called flat


def _png(number: int) -> bytes:
    """A distinct 1x1 RGB PNG for each ``number``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixel = zlib.compress(b"\x00" + number.to_bytes(3, "big"))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixel) + chunk(b"IEND", b"")
    )


def write_package(path: Path, notes: int) -> int:
    """A package of ``notes`` notes at ``path``; returns its number of cards."""
    import genanki

    decks = [genanki.Deck(1_900_000_000 + n, f"Bench::Part {n}") for n in range(10)]
    media_dir = path.parent / f"media-{notes}"
    media_dir.mkdir(exist_ok=True)
    media: list[str] = []
    cards = 0
    for n in range(notes):
        deck = decks[n % len(decks)]
        tags = [f"part{n % 10}", "bench"]
        kind = n % 10
        if kind < 7:
            front = f"Question number {n}: what is {n} plus {n}?"
            if n % 10 == 0:
                name = f"pic{n}.png"
                (media_dir / name).write_bytes(_png(n))
                media.append(str(media_dir / name))
                front += f'<br><img src="{name}" alt="picture {n}">'
            note = genanki.Note(genanki.BASIC_MODEL, [front, f"<b>{2 * n}</b>"], tags=tags)
            cards += 1
        elif kind < 9:
            note = genanki.Note(
                genanki.BASIC_AND_REVERSED_CARD_MODEL, [f"Term {n}", f"Definition {n}"], tags=tags
            )
            cards += 2
        else:
            text = f"Note {n}: {{{{c1::alpha {n}}}}} comes before {{{{c2::beta {n}::greek}}}}"
            note = genanki.Note(genanki.CLOZE_MODEL, [text, ""], tags=tags)
            cards += 2
        deck.add_note(note)
    package = genanki.Package(decks)
    package.media_files = media
    package.write_to_file(str(path), timestamp=1_700_000_000)
    return cards


def parse_peak(path: Path) -> tuple[int, float, float]:
    """(cards read, seconds, tracemalloc peak MB) of parsing ``path`` in this process."""
    from bot.domain import Question
    from bot.formats import parse_path

    tracemalloc.start()
    started = time.perf_counter()
    count = sum(1 for item in parse_path(path) if isinstance(item, Question))
    seconds = time.perf_counter() - started
    _now, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return count, seconds, peak / (1024 * 1024)


def run(backend_choice: str, quick: bool) -> Table:
    sizes = QUICK_SIZES if quick else SIZES
    table = Table(
        "Anki package import: memory against size",
        ["notes", "cards", "where", "seconds", "peak MB"],
    )
    peaks: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="quizbot-apkg-bench-") as folder:
        for notes in sizes:
            path = Path(folder) / f"bench-{notes}.apkg"
            log(f"writing a package of {notes:,} notes")
            cards = write_package(path, notes)
            size_mb = path.stat().st_size / (1024 * 1024)
            count, seconds, peak = parse_peak(path)
            assert count == cards, (count, cards)
            table.add(notes, cards, f"parse (tracemalloc; file {size_mb:.1f} MB)", seconds, peak)
            peaks.setdefault("parse", []).append(peak)
            for backend in backends(backend_choice):
                log(f"quizbot import of {notes:,} notes on {backend}")
                result = run_import(path, backend)
                assert result["count"] == cards, (result["count"], cards)
                where = f"import on {backend} (peak RSS)"
                table.add(notes, cards, where, result["seconds"], result["hwm"])
                peaks.setdefault(backend, []).append(result["hwm"])
    for where, (small, large) in peaks.items():
        growth = large - small
        verdict = "flat" if growth < FLAT_MB else "NOT flat"
        table.note(
            f"{where}: {small:.1f} MB -> {large:.1f} MB for {sizes[1] // sizes[0]}x the notes "
            f"(+{growth:.1f} MB, {verdict}: under {FLAT_MB:.0f} MB of growth)"
        )
    table.note("packages written by genanki; every 10th Basic note has a distinct picture")
    return table


def main() -> None:
    args = arguments(__doc__.splitlines()[0])
    run(args.backend, args.quick).show()


if __name__ == "__main__":
    main()
