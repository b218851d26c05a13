"""Text hygiene for bank text and names: what may be stored, shown and compared.

- :func:`without_controls`: control characters (C0 but newline and tab, DEL, C1) and terminal
  escape sequences (ANSI CSI ``ESC [ ... final``, OSC ``ESC ] ... BEL`` or ``ESC \\``, and the
  other ``ESC`` sequences) removed, so text can neither drive a terminal nor break a database
  (PostgreSQL refuses NUL). A carriage return ends a line: ``\\r\\n`` and ``\\r`` become ``\\n``.
- :func:`clean`: that, in Unicode's composed form (NFC): what an import stores.
- :func:`comparison_key`: what makes two texts "the same" (two options, two questions): NFC,
  invisible characters (zero-width spaces and joiners, soft hyphens, BOMs, variation
  selectors; :data:`INVISIBLE`) and controls ignored, spacing squashed, case folded.
- :func:`shows_nothing`: whether that comparison key is empty (quicker than making it).
- :func:`without_invisible`: the invisible characters removed (for typed answers).

Each has a fast path for text with nothing to do, since imports call them on every field.
"""

from __future__ import annotations

import re
import unicodedata

#: Anything that starts a control character or an escape sequence: a cheap first look.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ESCAPE_SEQUENCE = re.compile(
    # CSI (ESC [ or its 8-bit form): parameters, intermediates, a final byte
    r"(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    # OSC, DCS, SOS, PM, APC (7- or 8-bit): a string up to BEL or ST (ESC \ or 8-bit)
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d-\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)"
    # any other escape: intermediates and a final byte
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]"
)
_LINE_BREAK = re.compile(r"\r\n?")

# The invisible characters (see INVISIBLE) in the Basic Multilingual Plane and beyond it.
_BMP_INVISIBLE = (
    "\u00ad\u034f\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f"
    "\ufe00-\ufe0f\ufeff\ufff9-\ufffb"
)
_ASTRAL_INVISIBLE = "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
#: Characters that show nothing (as the inside of a regular expression's class), ignored
#: when texts are compared: Unicode's format characters (category Cf) but those a script
#: needs to look right (the prepended concatenation marks U+0600-0605, U+06DD, U+070F,
#: U+0890-0891, U+08E2, U+110BD, U+110CD are visible signs; Egyptian hieroglyph format
#: controls U+13430-13438 arrange the signs; tag characters U+E0001, U+E0020-E007F tell one
#: subdivision flag emoji from another), plus the combining grapheme joiner U+034F and the
#: variation selectors U+FE00-FE0F.
INVISIBLE = _BMP_INVISIBLE + _ASTRAL_INVISIBLE
_INVISIBLE = re.compile(f"[{INVISIBLE}]+")
#: Control or invisible characters in the Basic Multilingual Plane, and invisible ones
#: beyond it: a class of BMP characters alone is much quicker to search for.
_BMP_ODD = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BMP_INVISIBLE}]")
_BEYOND_BMP_INVISIBLE = re.compile(f"[{_ASTRAL_INVISIBLE}]")
_BEYOND_BMP = "\U00010000"


def is_clean(text: str) -> bool:
    """Whether :func:`clean` would leave ``text`` as it is (a quick look)."""
    if text.isascii():  # printable ASCII holds no control character: no search needed
        return text.isprintable() or _CONTROL.search(text) is None
    if _CONTROL.search(text) is not None:
        return False
    return unicodedata.is_normalized("NFC", text)


def without_controls(text: str) -> str:
    """``text`` without control characters and terminal escape sequences; ``\\r\\n`` and
    ``\\r`` as ``\\n``, newlines and tabs kept."""
    if _CONTROL.search(text) is None:
        return text
    text = _LINE_BREAK.sub("\n", text)
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


def clean(text: str) -> tuple[str, bool]:
    """``text`` as an import stores it (:func:`without_controls`, in NFC), and whether
    control characters or escape sequences were removed (line endings do not count)."""
    removed = False
    if _CONTROL.search(text) is not None:
        text = _LINE_BREAK.sub("\n", text)
        removed = _CONTROL.search(text) is not None
        text = without_controls(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    return text, removed


def without_invisible(text: str) -> str:
    """``text`` without the :data:`INVISIBLE` characters."""
    if text.isascii():
        return text
    return _INVISIBLE.sub("", text)


def comparison_key(text: str) -> str:
    """What two texts share when they look the same: controls and invisible characters
    ignored, canonical equivalents alike (``é`` and ``e`` + U+0301), runs of whitespace as
    one space, none at the ends, case folded."""
    if text.isascii():
        if text.isprintable():  # no controls, and no whitespace but spaces
            if "  " not in text and text[:1] != " " and text[-1:] != " ":
                return text.casefold()  # spaced as it should be already
        elif _CONTROL.search(text) is not None:
            text = without_controls(text)
        return " ".join(text.split()).casefold()  # str.split: \s, quicker than a regex
    if _BMP_ODD.search(text) is not None or (
        max(text) >= _BEYOND_BMP and _BEYOND_BMP_INVISIBLE.search(text) is not None
    ):
        text = _INVISIBLE.sub("", without_controls(text))
    # case folding commutes with canonical equivalence, so one NFC at the end is enough
    return unicodedata.normalize("NFC", " ".join(text.split()).casefold())


def shows_nothing(text: str) -> bool:
    """Whether :func:`comparison_key` of ``text`` is empty (blank, or only controls and
    invisible characters), without making the key when a quick look tells."""
    if text.isascii() and text.isprintable():  # its only whitespace can be spaces
        return not text or text.isspace()
    return not comparison_key(text)
