"""Moodle's GIFT format: questions in plain text, separated by blank lines.

Supported: multiple choice (``{=right ~wrong}``, ``~%100%`` counts as right, other weights as
wrong), true/false (``{T}``, ``{TRUE}``, ``{F}``, ``{FALSE}``), short answer
(``{=a =b}`` -> a typed question), missing-word questions (text after the answers),
``::titles::``, ``//`` comments (``// [tag:name]`` sets tags), per-answer feedback ``#...``
and general feedback ``####...`` (-> explanation), escapes ``\\: \\~ \\= \\# \\{ \\} \\\\ \\n``,
``$CATEGORY: a/b/c`` (topic = last segment) and ``[html]``/``[moodle]``/``[plain]``/
``[markdown]`` text formats (HTML is stripped; the first ``<img src="..." alt="...">`` of
an ``[html]`` question text, or ``![alt](src)`` of a ``[markdown]`` one, becomes its image:
a file beside the bank, Moodle's ``@@PLUGINFILE@@/name``, or a web address). Numeric,
matching, essay, description and multiple-answer questions cannot be played and are
reported as :class:`Skipped`.

Read block by block: only the lines of one question are held at a time; a bad question is
reported and reading goes on, so one run reports every error (:mod:`bot.formats.errors`).
The escaping helpers are shared with the GIFT exporter.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

from bot.domain import TRUE_FALSE_OPTIONS, Image, Question, QuestionKind, Skipped
from bot.errors import BankFormatError
from bot.formats._text import checked, strip_html
from bot.formats.errors import ErrorList
from bot.i18n import _
from bot.images import html_image, image_from_location, markdown_image

# Escaped characters (\~ \= \# \{ \} \: \\ and \n) are swapped for marks while the
# structure is parsed, as Moodle does with its "&&058;" placeholders, then swapped back. The
# marks are the ASCII control characters U+0001-U+0008, which keep the text narrow (one byte
# a character, so every find, split and strip stays quick) and let one bytes.translate swap
# them all back; a block that holds one of them itself (a file may, and hygiene removes them
# later with a warning) gets the characters of Unicode's private-use plane 15 instead. Those
# are swapped back in either case, so text holding them itself comes out changed, as it
# always has (no real bank does).
_ESCAPED = "~=#{}:\\n"
_PROTECT = {char: chr(0xF0100 + index) for index, char in enumerate(_ESCAPED)}
_NARROW = {char: chr(1 + index) for index, char in enumerate(_ESCAPED)}
_NARROW_MARKS = "".join(_NARROW.values()).encode()
_UNESCAPED = _ESCAPED.replace("n", "\n")


# Swapped by str.replace, a C loop per kind of escape: a regular expression with a function
# per match, or str.translate's look-up per character, cost several times more on text with
# many escapes. An escaped backslash goes first, so "\\:" is a backslash and then a colon,
# as reading left to right gives (what is left after it is one backslash before a character).
def _protect_pairs(marks: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return (
        ("\\\\", marks["\\"]),
        *(("\\" + char, mark) for char, mark in marks.items() if char != "\\"),
    )


_PROTECT_PAIRS = _protect_pairs(_PROTECT)
_NARROW_PROTECT_PAIRS = _protect_pairs(_NARROW)
_RESTORE_PAIRS = tuple(zip(_PROTECT.values(), _UNESCAPED, strict=True))
#: The narrow marks swapped back in one pass over the UTF-8 bytes (a mark is one byte there).
_NARROW_TABLE = bytes.maketrans(_NARROW_MARKS, _UNESCAPED.encode())
#: How the plane-15 marks (U+F0100-U+F0107) begin in UTF-8.
_WIDE_MARK = _PROTECT["~"].encode()[:3]
_FORMATS = ("html", "moodle", "plain", "markdown")
_LONGEST_FORMAT = max(map(len, _FORMATS))
_FORMAT_PREFIX = re.compile(rf"^\[({'|'.join(_FORMATS)})\]", re.IGNORECASE)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d*)?)%")
_TAG = re.compile(r"\[tag:([^\]]*)\]")
#: A whole-line comment ``// source: TEXT`` gives the question its source; quizbot's export
#: writes TEXT as a JSON string so any text survives. Moodle ignores it like any comment.
_SOURCE = re.compile(r"^\s*//\s*source:\s*(.*?)\s*$")


def _source_text(raw: str) -> str:
    if raw.startswith('"'):
        try:
            value = json.loads(raw)
        except ValueError:
            return raw
        return value if isinstance(value, str) else raw
    return raw


_TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
_CATEGORY = "$CATEGORY:"
_SLASH = "\ufffe"  # stands for an escaped "//" while a category path is split


def _escape_chars(text: str) -> str:
    out = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        out = out.replace(char, "\\" + char)
    return out.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def escape(text: str) -> str:
    """``text`` written so a GIFT reader gives it back unchanged (one line, specials escaped)."""
    out = _escape_chars(text)
    if _FORMAT_PREFIX.match(out) or out.startswith("//"):
        out = "[moodle]" + out  # so a leading "[html]" or "//" stays text
    return out


def category_path(topic: str) -> str:
    """A topic as a one-segment ``$CATEGORY`` path (``/`` doubled, specials escaped)."""
    return _escape_chars(topic).replace("/", "//")


def _protect(text: str) -> tuple[str, bool]:
    """``text`` with its escapes swapped for marks, and whether the marks are the narrow ones
    (what :func:`_restore` is told)."""
    if "\\" not in text:
        return text, False
    data = text.encode("utf-8", "surrogatepass")
    if len(data.translate(None, _NARROW_MARKS)) == len(data):  # none of them in the text
        for pair, mark in _NARROW_PROTECT_PAIRS:
            text = text.replace(pair, mark)
        return text, True
    for pair, mark in _PROTECT_PAIRS:
        text = text.replace(pair, mark)
    return text, False


def _restore(text: str, narrow: bool = False) -> str:
    """Protected text with its marks swapped back (``narrow``: :func:`_protect`'s flag)."""
    if text.isascii():
        if narrow and not text.isprintable():  # a mark, or a tab or a line break
            return text.encode().translate(_NARROW_TABLE).decode()
        return text
    if text.isprintable():  # the marks are control and private-use characters
        return text
    data = text.encode("utf-8", "surrogatepass")  # which gives any text back unchanged
    if narrow:
        text = data.translate(_NARROW_TABLE).decode("utf-8", "surrogatepass")
    if _WIDE_MARK in data:
        for mark, char in _RESTORE_PAIRS:
            text = text.replace(mark, char)
    return text


def _topic(path: str, narrow: bool = False) -> str:
    """The last segment of a category path; ``//`` is a literal slash."""
    segments = path.replace("//", _SLASH).split("/")
    for segment in reversed(segments):
        if segment.strip():
            return _restore(segment.replace(_SLASH, "/"), narrow).strip()
    return ""


def _text(raw: str, default_format: str = "moodle", narrow: bool = False) -> tuple[str, str]:
    """Protected raw text as plain text, and its format (from a ``[format]`` prefix)."""
    raw = raw.strip()
    if not raw:
        return "", default_format
    if raw[0] != "[" and default_format != "html":  # the common case, made quick
        return _restore(raw, narrow).strip(), default_format
    fmt = default_format
    if raw[0] == "[":
        end = raw.find("]", 1, _LONGEST_FORMAT + 2)
        if end > 0 and raw[1:end] in _FORMATS:  # in lower case: as the expression gives
            fmt = raw[1:end]
            raw = raw[end + 1 :]
        else:
            match = _FORMAT_PREFIX.match(raw)
            if match:
                fmt = match.group(1).lower()
                raw = raw[match.end() :]
    text = _restore(raw, narrow)
    if fmt == "html":
        text = strip_html(text)
    return text.strip(), fmt


def _field(raw: str, fmt: str, narrow: bool = False) -> str:
    """``_text(raw, fmt, narrow)[0]``: the text alone, quicker for the usual plain text."""
    if fmt != "html":
        raw = raw.strip()
        if not raw:
            return ""
        if raw[0] != "[":
            # printable text holds no mark (control or private-use characters) to swap back
            return raw if raw.isprintable() else _restore(raw, narrow).strip()
    return _text(raw, fmt, narrow)[0]


@dataclass(slots=True)
class _Answer:
    text: str
    weight: float
    feedback: str  # as written (escapes protected): only the right answer's is ever read


@dataclass(slots=True)
class _Context:
    """What every kind of question takes from the text around its answers."""

    start: int
    prompt: str
    fmt: str
    general: str
    topic: str
    tags: tuple[str, ...]
    origin: str = ""
    image: Image | None = None  # an <img> of an [html] question text
    narrow: bool = False  # the block's marks (see _protect)

    def question(
        self,
        kind: QuestionKind,
        feedback: str,
        options: tuple[str, ...] = (),
        correct: int | None = None,
        accepted: tuple[str, ...] = (),
    ) -> Question:
        """The question of ``kind`` with these answers; the explanation is the general
        feedback, else ``feedback`` (the right answer's, as written)."""
        return Question(
            kind=kind,
            prompt=self.prompt,
            options=options,
            correct=correct,
            accepted=accepted,
            explanation=self.general or _field(feedback, self.fmt, self.narrow),
            topic=self.topic,
            tags=self.tags,
            source=self.origin,
            image=self.image,
            line=self.start,
        )


class _Reader:
    """Turns blocks into questions; remembers the topic set by the last ``$CATEGORY``."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.topic = ""

    def fail(self, line: int, message: str) -> BankFormatError:
        return BankFormatError(self.source, line, message)

    def block(self, first: int, lines: list[str]) -> Question | Skipped | None:
        """One blank-line-separated block whose first line is line ``first``."""
        tags: list[str] = []
        origin = ""
        for index, line in enumerate(lines):
            if "//" in line and line.lstrip().startswith("//"):
                if "[tag:" in line:
                    tags.extend(tag.strip() for tag in _TAG.findall(line) if tag.strip())
                if "source:" in line:
                    found = _SOURCE.match(line)
                    if found:
                        origin = _source_text(found.group(1))
                lines[index] = ""  # comments are dropped; the line numbers stay
        skip = 0
        while skip < len(lines) and not lines[skip].strip():
            skip += 1
        if skip < len(lines) and lines[skip].lstrip().startswith(_CATEGORY):
            path, narrow = _protect(lines[skip].lstrip())
            self.topic = _topic(path[len(_CATEGORY) :], narrow)
            skip += 1
            while skip < len(lines) and not lines[skip].strip():
                skip += 1
        if skip == len(lines):
            return None
        full, narrow = _protect("\n".join(lines[skip:] if skip else lines))
        return self.question(first + skip, full, tuple(tags), origin, narrow)

    def question(
        self,
        start: int,
        full: str,
        tags: tuple[str, ...],
        origin: str = "",
        narrow: bool = False,
    ) -> Question | Skipped:
        """A question from its text (escapes protected, with narrow marks when ``narrow``),
        starting at line ``start``."""

        def line_at(index: int) -> int:
            return start + full.count("\n", 0, index)

        pos = len(full) - len(full.lstrip())
        if full.startswith("::", pos):
            end = full.find("::", pos + 2)
            if end < 0:
                raise self.fail(start, _("the question title starting with '::' is never closed"))
            pos = end + 2
        opening = full.find("{", pos)
        closing = full.find("}", pos)
        if opening < 0 and closing < 0:
            return Skipped(start, _("description (text without answers) skipped"))
        if closing < 0:
            raise self.fail(
                line_at(opening),
                _("'{{' is never closed with '}}' (write \\{{ for a literal brace)").format(),
            )
        if opening < 0 or closing < opening:
            raise self.fail(
                line_at(closing),
                _("'}}' without a '{{' before it (write \\}} for a literal brace)").format(),
            )
        nested = full.find("{", opening + 1, closing)
        if nested >= 0:
            raise self.fail(
                line_at(nested),
                _("'{{' inside an answer block (write \\{{ for a literal brace)").format(),
            )
        after = full[closing + 1 :]
        if "{" in after or "}" in after:
            extra = min(i for i in (after.find("{"), after.find("}")) if i >= 0)
            raise self.fail(
                line_at(closing + 1 + extra),
                _(
                    "a question has only one answer block {{...}} "
                    "(write \\{{ and \\}} for literal braces)"
                ).format(),
            )
        before = full[pos:opening]
        prompt_raw = before + "_____" + after if after.strip() else before
        prompt, fmt = _text(prompt_raw, "moodle", narrow)
        answers = full[opening + 1 : closing].strip()
        general = ""
        split = answers.rfind("####")
        if split >= 0:
            general = _text(answers[split + 4 :], fmt, narrow)[0]
            answers = answers[:split].strip()
        context = _Context(start, prompt, fmt, general, self.topic, tags, origin, None, narrow)
        if fmt == "html" and "<img" in prompt_raw.lower():
            found = html_image(_restore(prompt_raw, narrow))
            if found is not None:
                context.image = image_from_location(
                    found[0],
                    alt=found[1],
                    source=self.source,
                    line=line_at(full.lower().find("<img", pos)),
                )
        elif fmt == "markdown" and "![" in prompt:
            pictured = markdown_image(prompt)
            if pictured is not None:
                location, alt, context.prompt = pictured
                context.image = image_from_location(
                    location, alt=alt, source=self.source, line=line_at(full.find("![", pos))
                )
        if not answers:
            return Skipped(start, _("essay question skipped"))
        if answers.startswith("#"):
            return Skipped(start, _("numeric question skipped"))
        if "~" in answers:
            return self.multiple_choice(answers, context)
        pieces = self.pieces(answers, "=")
        if "=" in answers and pieces and all("->" in piece for piece in pieces):
            return Skipped(start, _("matching question skipped"))
        head = answers.split("#", 1)[0].strip().upper()
        if head in _TRUE_FALSE:
            bits = answers.split("#", 2)
            question = context.question(
                QuestionKind.TRUE_FALSE,
                bits[2] if len(bits) > 2 else "",
                TRUE_FALSE_OPTIONS,
                0 if _TRUE_FALSE[head] else 1,
            )
            return checked(question, self.source, start)
        return self.short_answer(pieces, context)

    @staticmethod
    def pieces(answers: str, marker: str) -> list[str]:
        parts = [part.strip() for part in answers.split(marker)]
        if parts and not parts[0]:
            parts.pop(0)
        return parts

    @staticmethod
    def weighed(piece: str, default: float, fmt: str, narrow: bool = False) -> _Answer:
        weight = default
        match = _WEIGHT.match(piece) if piece.startswith("%") else None
        if match:
            weight = float(match.group(1))
            piece = piece[match.end() :]
        text, _mark, feedback = piece.partition("#")
        return _Answer(_field(text, fmt, narrow), weight, feedback)

    def multiple_choice(self, answers: str, context: _Context) -> Question | Skipped:
        # weighed(), pieces() and _field() written out: this loop runs for every option of a
        # file
        fmt = context.fmt
        narrow = context.narrow
        texts: list[str] = []
        feedbacks: list[str] = []
        right: list[int] = []
        partial = False  # an option of some weight but not full
        parts = answers.replace("=", "~=").split("~")
        if not parts[0].strip():
            del parts[0]
        for part in parts:
            piece = part.strip()
            weight = 0.0
            if piece.startswith("="):
                piece, weight = piece[1:].strip(), 100.0
            if piece.startswith("%"):
                match = _WEIGHT.match(piece)
                if match:
                    weight = float(match.group(1))
                    piece = piece[match.end() :]
            if weight >= 100:
                right.append(len(texts))
            elif weight > 0:
                partial = True
            text, _mark, feedback = piece.partition("#")
            if fmt == "html" or text[:1] == "[" or text[:1].isspace():
                text = _field(text, fmt, narrow)
            else:
                text = text.rstrip()
                if not text.isprintable():  # printable text holds no mark to swap back
                    text = _restore(text, narrow).strip()
            texts.append(text)
            feedbacks.append(feedback)
        if len(right) > 1:
            return Skipped(
                context.start, _("multiple-choice question with several right answers skipped")
            )
        if not right:
            if partial:
                return Skipped(
                    context.start, _("multiple-answer question (partial credit only) skipped")
                )
            raise self.fail(
                context.start,
                _("the multiple-choice question has no right answer (mark it with '=')"),
            )
        question = context.question(
            QuestionKind.MULTIPLE_CHOICE, feedbacks[right[0]], tuple(texts), right[0]
        )
        return checked(question, self.source, context.start)

    def short_answer(self, pieces: list[str], context: _Context) -> Question | Skipped:
        parsed = [self.weighed(piece, 100.0, context.fmt, context.narrow) for piece in pieces]
        right = [answer for answer in parsed if answer.weight >= 100 and answer.text]
        if not right:
            if parsed:
                return Skipped(
                    context.start, _("short-answer question with no fully right answer skipped")
                )
            raise self.fail(context.start, _("the short-answer question has no answers"))
        question = context.question(
            QuestionKind.TYPED, right[0].feedback, accepted=tuple(answer.text for answer in right)
        )
        return checked(question, self.source, context.start)


def parse(stream: TextIO, source: str) -> Iterator[Question | Skipped]:
    """Read a GIFT file question by question (questions are separated by blank lines)."""
    try:
        yield from _parse(stream, source)
    except UnicodeDecodeError:
        raise BankFormatError(source, None, _("the file is not UTF-8 text")) from None


def _parse(stream: TextIO, source: str) -> Iterator[Question | Skipped]:
    reader = _Reader(source)
    block: list[str] = []
    first = 0
    with ErrorList(source) as errors:  # every bad question reported at the end
        for number, line in enumerate(stream, start=1):
            if line and not line.isspace():
                if not block:
                    first = number
                block.append(line.rstrip("\r\n"))
                continue
            if block:
                try:
                    item = reader.block(first, block)
                except BankFormatError as error:
                    errors.add(error)
                    item = None
                block = []
                if item is not None:
                    yield item
        if block:
            try:
                item = reader.block(first, block)
            except BankFormatError as error:
                errors.add(error)
                item = None
            if item is not None:
                yield item
