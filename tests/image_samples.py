"""Tiny valid pictures of each kind quizbot accepts, made from raw bytes (no imaging library).

Each is a 1x1 image; ``png(n)`` varies a pixel so tests get as many distinct pictures as
they need.
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path
from typing import Any


def png(shade: int = 0) -> bytes:
    """A 1x1 grey PNG; ``shade`` (0-255) makes distinct pictures."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)  # 1x1, 8-bit greyscale
    pixels = zlib.compress(bytes([0, shade % 256]))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


#: The smallest GIF: 1x1, one transparent pixel.
GIF = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c000000000100010000020144003b"
)

#: A 1x1 lossless WebP (a RIFF container holding one VP8L chunk).
_VP8L = bytes.fromhex("2f0000001007101111888808")
_WEBP_BODY = b"WEBP" + b"VP8L" + struct.pack("<I", len(_VP8L)) + _VP8L
WEBP = b"RIFF" + struct.pack("<I", len(_WEBP_BODY)) + _WEBP_BODY

#: A baseline JPEG's start (SOI, JFIF APP0) and end: enough for a check by signature.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010100000100010000ffdb004300"
    + "01" * 64
    + "ffc0000b080001000101011100ffc4001f0000010501010101010100000000000000000102030405060708090a0b"
    + "ffda0008010100003f00d2cf20ffd9"
)

SAMPLES = {"png": png(), "gif": GIF, "webp": WEBP, "jpg": JPEG}


async def import_picture_banks(app: Any, folder: Path) -> dict[str, bytes]:
    """Import into ``app`` a bank ``pics`` of two multiple-choice questions, each with its
    own stored picture, and a bank ``piccards`` of one flashcard with a picture; returns
    each question's prompt (and the card's front) -> its picture's bytes."""
    from bot.formats import parse_path
    from bot.services.importer import BankImporter

    pictures = {"Which shade is this? One": png(10), "Which shade is this? Two": png(20)}
    lines = ["bank: pics", "questions:"]
    for number, prompt in enumerate(pictures):
        (folder / f"shade{number}.png").write_bytes(pictures[prompt])
        lines += [
            f"  - question: {prompt}",
            f"    image: {{file: shade{number}.png, alt: Shade {number}}}",
            "    options: [Light, Dark]",
            "    answer: A",
        ]
    (folder / "pics.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "card.gif").write_bytes(GIF)
    (folder / "piccards.yaml").write_text(
        "bank: piccards\nquestions:\n  - front: Name this picture\n    back: A pixel\n"
        "    image: {file: card.gif, alt: One pixel}\n",
        encoding="utf-8",
    )
    for name in ("pics.yaml", "piccards.yaml"):
        async with app.db.transaction() as session:
            path = folder / name
            await BankImporter(session, app.clock).run(parse_path(path), str(path))
    return {**pictures, "Name this picture": GIF}
