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

from bot.domain import Image, Question, QuestionKind, Skipped
from bot.errors import BankFormatError
from bot.formats._text import checked, strip_html
from bot.formats.errors import ErrorList
from bot.i18n import _
from bot.images import html_image, image_from_location, markdown_image

# Escaped characters (\~ \= \# \{ \} \: \\ and \n) are swapped for characters of Unicode's
# private-use plane 15 while the structure is parsed, as Moodle does with its "&&058;"
# placeholders, then swapped back (text holding those characters itself would come out
# changed; no real bank does).
_PROTECT = {char: chr(0xF0100 + index) for index, char in enumerate("~=#{}:\\n")}
# Swapped by str.replace, a C loop per kind of escape: a regular expression with a function
# per match, or str.translate's look-up per character, cost several times more on text with
# many escapes. An escaped backslash goes first, so "\\:" is a backslash and then a colon,
# as reading left to right gives (what is left after it is one backslash before a character).
_PROTECT_PAIRS = (
    ("\\\\", _PROTECT["\\"]),
    *(("\\" + char, mark) for char, mark in _PROTECT.items() if char != "\\"),
)
_RESTORE_PAIRS = tuple((mark, "\n" if char == "n" else char) for char, mark in _PROTECT.items())
_FORMAT_PREFIX = re.compile(r"^\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
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


def _protect(text: str) -> str:
    if "\\" not in text:
        return text
    for pair, mark in _PROTECT_PAIRS:
        text = text.replace(pair, mark)
    return text


def _restore(text: str) -> str:
    if text.isascii():
        return text
    for mark, char in _RESTORE_PAIRS:
        text = text.replace(mark, char)
    return text


def _topic(path: str) -> str:
    """The last segment of a category path; ``//`` is a literal slash."""
    segments = path.replace("//", _SLASH).split("/")
    for segment in reversed(segments):
        if segment.strip():
            return _restore(segment.replace(_SLASH, "/")).strip()
    return ""


def _text(raw: str, default_format: str = "moodle") -> tuple[str, str]:
    """Protected raw text as plain text, and its format (from a ``[format]`` prefix)."""
    raw = raw.strip()
    if not raw:
        return "", default_format
    if raw[0] != "[" and default_format != "html":  # the common case, made quick
        return _restore(raw).strip(), default_format
    fmt = default_format
    match = _FORMAT_PREFIX.match(raw) if raw[0] == "[" else None
    if match:
        fmt = match.group(1).lower()
        raw = raw[match.end() :]
    text = _restore(raw)
    if fmt == "html":
        text = strip_html(text)
    return text.strip(), fmt


def _field(raw: str, fmt: str) -> str:
    """``_text(raw, fmt)[0]``: the text alone, quicker for the usual plain text."""
    if fmt != "html":
        raw = raw.strip()
        if not raw:
            return ""
        if raw[0] != "[":
            return _restore(raw).strip()
    return _text(raw, fmt)[0]


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

    def fields(self, feedback: str) -> dict[str, object]:
        """The question's fields; the explanation is the general feedback, else ``feedback``
        (the right answer's, as written)."""
        return {
            "prompt": self.prompt,
            "explanation": self.general or _field(feedback, self.fmt),
            "topic": self.topic,
            "tags": self.tags,
            "source": self.origin,
            "image": self.image,
            "line": self.start,
        }


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
                tags.extend(tag.strip() for tag in _TAG.findall(line) if tag.strip())
                found = _SOURCE.match(line)
                if found:
                    origin = _source_text(found.group(1))
                lines[index] = ""  # comments are dropped; the line numbers stay
        skip = 0
        while skip < len(lines) and not lines[skip].strip():
            skip += 1
        if skip < len(lines) and lines[skip].lstrip().startswith(_CATEGORY):
            self.topic = _topic(_protect(lines[skip].lstrip())[len(_CATEGORY) :])
            skip += 1
            while skip < len(lines) and not lines[skip].strip():
                skip += 1
        if skip == len(lines):
            return None
        full = _protect("\n".join(lines[skip:] if skip else lines))
        return self.question(first + skip, full, tuple(tags), origin)

    def question(
        self, start: int, full: str, tags: tuple[str, ...], origin: str = ""
    ) -> Question | Skipped:
        """A question from its text (escapes protected), starting at line ``start``."""

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
        prompt, fmt = _text(prompt_raw)
        answers = full[opening + 1 : closing].strip()
        general = ""
        split = answers.rfind("####")
        if split >= 0:
            general = _text(answers[split + 4 :], fmt)[0]
            answers = answers[:split].strip()
        context = _Context(start, prompt, fmt, general, self.topic, tags, origin)
        if fmt == "html" and "<img" in prompt_raw.lower():
            found = html_image(_restore(prompt_raw))
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
            question = Question.true_false(
                answer=_TRUE_FALSE[head],
                **context.fields(bits[2] if len(bits) > 2 else ""),  # type: ignore[arg-type]
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
    def weighed(piece: str, default: float, fmt: str) -> _Answer:
        weight = default
        match = _WEIGHT.match(piece) if piece.startswith("%") else None
        if match:
            weight = float(match.group(1))
            piece = piece[match.end() :]
        text, _mark, feedback = piece.partition("#")
        return _Answer(_field(text, fmt), weight, feedback)

    def multiple_choice(self, answers: str, context: _Context) -> Question | Skipped:
        # weighed() and pieces() written out: this loop runs for every option of a file
        fmt = context.fmt
        texts: list[str] = []
        weights: list[float] = []
        feedbacks: list[str] = []
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
            text, _mark, feedback = piece.partition("#")
            texts.append(_field(text, fmt))
            weights.append(weight)
            feedbacks.append(feedback)
        right = [index for index, weight in enumerate(weights) if weight >= 100]
        if len(right) > 1:
            return Skipped(
                context.start, _("multiple-choice question with several right answers skipped")
            )
        if not right:
            if any(weight > 0 for weight in weights):
                return Skipped(
                    context.start, _("multiple-answer question (partial credit only) skipped")
                )
            raise self.fail(
                context.start,
                _("the multiple-choice question has no right answer (mark it with '=')"),
            )
        question = Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            options=tuple(texts),
            correct=right[0],
            **context.fields(feedbacks[right[0]]),  # type: ignore[arg-type]
        )
        return checked(question, self.source, context.start)

    def short_answer(self, pieces: list[str], context: _Context) -> Question | Skipped:
        parsed = [self.weighed(piece, 100.0, context.fmt) for piece in pieces]
        right = [answer for answer in parsed if answer.weight >= 100 and answer.text]
        if not right:
            if parsed:
                return Skipped(
                    context.start, _("short-answer question with no fully right answer skipped")
                )
            raise self.fail(context.start, _("the short-answer question has no answers"))
        question = Question(
            kind=QuestionKind.TYPED,
            accepted=tuple(answer.text for answer in right),
            **context.fields(right[0].feedback),  # type: ignore[arg-type]
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
