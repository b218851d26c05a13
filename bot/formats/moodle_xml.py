"""Moodle XML (Moodle's own question export, ``<quiz><question type="...">``): the reader.

What becomes what (see docs/FORMATS.md):

- ``multichoice`` with one answer at fraction 100 -> multiple choice. A multiple-answer
  question (``<single>false</single>``) is imported the same way when exactly one answer
  gives credit (at 100); otherwise it is skipped, since quizbot asks for one answer. A
  single-answer question whose best answer is below 100 (partial credit only) or with several
  answers at 100 is skipped; one with no answer giving credit is an error.
- ``truefalse`` -> true/false; ``shortanswer`` and ``numerical`` -> typed answers, accepted
  answers being those at fraction 100 (a numerical tolerance is not kept: the value as written
  is accepted, and a :class:`Notice` says so; a short answer using Moodle's ``*`` wildcard is
  skipped, ``\\*`` is a star).
- matching, essay, cloze (``multianswer``), description, calculated and any other type ->
  :class:`Skipped` with the question's name.
- ``category`` questions set the topic of those after them: ``$course$/top/A/B`` -> ``A/B``
  (the ``$context$`` and ``top`` prefixes left out, ``//`` a literal slash).
- Text in ``html`` (the default) or ``moodle_auto_format`` becomes plain text (line breaks and
  lists kept, see :mod:`bot.formats._html`); ``plain_text``/``markdown`` are kept as written.
  The general feedback, else the right answer's feedback, is the explanation; ``<tags>`` are
  tags; a ``<!-- quizbot-source: "..." -->`` comment (what quizbot's export writes) the source.
- The first picture of the question text (``<img src="@@PLUGINFILE@@/x.png">`` with the
  base64 ``<file>`` it names, or an http(s) address), or Moodle 1.9's ``<image>`` with
  ``<image_base64>``, becomes the question's image (alt text from the ``img``); other
  pictures are shown in the text as ``[alt]``. A named file that is missing or not a PNG,
  JPEG, GIF or WebP picture is an error.
- Grades (``fraction``) are checked as Moodle checks them: a number within 0.001 of one of
  Moodle's grades (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
  16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0, and the same below zero); anything else is an
  error at the answer's line.

The file is read in chunks by expat and only one ``<question>`` is held at a time, so memory
stays flat however big the file. Broken XML is an error at expat's line and column; entity
declarations (the "billion laughs" and external-entity attacks) are refused. Errors in
separate questions are all reported (up to :data:`bot.formats.errors.MAX_ERRORS`).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import unquote
from xml.parsers import expat

from bot.domain import MAX_OPTIONS, Image, Notice, Question, QuestionKind, Skipped
from bot.errors import BankFormatError
from bot.formats._html import HtmlImage, html_to_text
from bot.formats._text import checked
from bot.formats.errors import ErrorList
from bot.i18n import N_, _, ngettext
from bot.images import MAX_IMAGE_BYTES, image_from_bytes, image_from_url, is_web_address

#: How many bytes are handed to expat at a time.
READ_SIZE = 64 * 1024
#: The most characters of one ``<file>`` kept: a picture at the size limit, base64-encoded
#: with line breaks, fits; a bigger file is known to be too big without holding it all.
MAX_FILE_CHARS = MAX_IMAGE_BYTES * 3 // 2 + 4096
PLUGINFILE = "@@PLUGINFILE@@/"
#: The comment quizbot's export writes inside a question to keep its source.
SOURCE_COMMENT = "quizbot-source:"

#: Moodle's grades as fractions (question_bank::fraction_options_full): these and their
#: negatives; a grade is accepted within 0.00001 of one, as Moodle's match_grade_options.
_GRADES = (
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
    0.0,
)
_GRADE_LIST = N_(
    "100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, "
    "16.66667, 14.28571, 12.5, 11.11111, 10, 5 or 0, or the same below zero"
)
_FULL = 99.999  # a fraction at least this is full marks (Moodle's 100)
_CONTEXT = re.compile(r"^\$[a-z]*\$$")
_UNESCAPED_STAR = re.compile(r"(?<!\\)\*")
_SKIPPED_KINDS = {
    "matching": N_("matching"),
    "match": N_("matching"),
    "essay": N_("essay"),
    "cloze": N_("cloze (embedded answers)"),
    "multianswer": N_("cloze (embedded answers)"),
    "description": N_("description (text without answers)"),
    "calculated": N_("calculated"),
    "calculatedsimple": N_("calculated"),
    "calculatedmulti": N_("calculated multiple-choice"),
    "ddwtos": N_("drag-and-drop"),
    "ddimageortext": N_("drag-and-drop"),
    "ddmarker": N_("drag-and-drop"),
    "gapselect": N_("select-missing-words"),
    "randomsamatch": N_("random matching"),
}


@dataclass(slots=True)
class _Node:
    """An element inside a ``<question>``: its children and its own text."""

    tag: str
    attrs: dict[str, str]
    line: int
    children: list[_Node] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    size: int = 0
    too_big: bool = False
    comments: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def child(self, tag: str) -> _Node | None:
        for node in self.children:
            if node.tag == tag:
                return node
        return None

    def all(self, tag: str) -> list[_Node]:
        return [node for node in self.children if node.tag == tag]

    def text_of(self, tag: str) -> str:
        """The ``<text>`` of child ``tag`` (``<tag><text>...</text></tag>``), stripped."""
        node = self.child(tag)
        if node is None:
            return ""
        inner = node.child("text")
        return (inner.text if inner is not None else node.text).strip()


@dataclass(slots=True)
class _Answer:
    text: str
    fraction: float
    feedback: str
    line: int
    tolerance: str = ""  # numerical answers: Moodle's tolerance, as written


class _Stream:
    """Expat over a binary stream: yields each ``<question>`` of ``<quiz>`` once it is read."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.data
        self.parser.CommentHandler = self.comment
        self.parser.EntityDeclHandler = self.refuse_entity
        self.parser.UnparsedEntityDeclHandler = self.refuse_entity
        self.parser.ExternalEntityRefHandler = self.refuse_entity
        self.depth = 0
        self.open: list[_Node] = []  # the elements open inside the current question
        self.done: list[_Node] = []  # questions read since the last chunk

    def fail(self, message: str) -> BankFormatError:
        return BankFormatError(self.source, self.parser.CurrentLineNumber, message)

    def refuse_entity(self, *_args: object) -> None:
        raise self.fail(_("the file declares XML entities, which quizbot refuses (unsafe)"))

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        self.depth += 1
        if self.depth == 1 and tag != "quiz":
            raise self.fail(
                _("not a Moodle XML file: its root element is <{tag}>, not <quiz>").format(tag=tag)
            )
        if self.open:
            node = _Node(tag, attrs, self.parser.CurrentLineNumber)
            self.open[-1].children.append(node)
            self.open.append(node)
        elif self.depth == 2 and tag == "question":
            self.open.append(_Node(tag, attrs, self.parser.CurrentLineNumber))

    def end(self, _tag: str) -> None:
        self.depth -= 1
        if self.open:
            node = self.open.pop()
            if not self.open:
                self.done.append(node)

    def data(self, text: str) -> None:
        if not self.open:
            return
        node = self.open[-1]
        if node.size + len(text) > MAX_FILE_CHARS:
            node.too_big = True
            return
        node.size += len(text)
        node.parts.append(text)

    def comment(self, text: str) -> None:
        if self.open:
            self.open[-1].comments.append(text)

    def questions(self, stream: BinaryIO) -> Iterator[_Node]:
        while True:
            chunk = stream.read(READ_SIZE)
            try:
                self.parser.Parse(chunk, not chunk)
            except expat.ExpatError as error:
                column = (error.offset or 0) + 1
                raise BankFormatError(
                    self.source,
                    error.lineno,
                    _("broken XML: {problem} (column {column})").format(
                        problem=expat.ErrorString(error.code), column=column
                    ),
                ) from None
            except (LookupError, UnicodeError) as error:  # the declared encoding
                raise BankFormatError(
                    self.source,
                    self.parser.CurrentLineNumber,
                    _("cannot read the file's text in its declared encoding: {problem}").format(
                        problem=error
                    ),
                ) from None
            yield from self.done
            self.done.clear()
            if not chunk:
                return


def parse(stream: BinaryIO, source: str) -> Iterator[Question | Skipped | Notice]:
    """Read a Moodle XML file question by question (see the module's description)."""
    reader = _Reader(source)
    with ErrorList(source) as errors:
        for node in _Stream(source).questions(stream):
            try:
                item = reader.item(node)
            except BankFormatError as error:
                errors.add(error)
                continue
            if item is not None:
                yield item
            yield from reader.notices
            reader.notices.clear()


def topic_of(path: str) -> str:
    """A Moodle category path as a topic: ``$course$/top/A/B`` -> ``A/B``."""
    segments = [part.replace("\x00", "/").strip() for part in path.replace("//", "\x00").split("/")]
    if segments and _CONTEXT.match(segments[0]):
        segments.pop(0)
    if segments and segments[0] == "top":
        segments.pop(0)
    return "/".join(part for part in segments if part)


def grade_is_valid(fraction: float) -> bool:
    """Whether ``fraction`` (in percent, as the file writes it) is one of Moodle's grades."""
    value = abs(fraction) / 100
    return math.isfinite(value) and any(abs(value - grade) < 0.00001 for grade in _GRADES)


class _Reader:
    """Turns question elements into items; remembers the topic set by the last category."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.topic = ""
        self.notices: list[Notice] = []  # what the last question lost on the way in

    def fail(self, line: int, message: str) -> BankFormatError:
        return BankFormatError(self.source, line, message)

    def item(self, node: _Node) -> Question | Skipped | None:
        kind = node.attrs.get("type", "").strip().lower()
        if kind == "category":
            category = node.child("category")
            if category is not None:
                inner = category.child("text")
                self.topic = topic_of((inner if inner is not None else category).text)
            return None
        name = html_to_text(node.text_of("name")).text.replace("\n", " ")
        label = (
            _("question {name}").format(name=repr(name)) if name else _("a question without a name")
        )
        read = {
            "multichoice": self.multichoice,
            "truefalse": self.truefalse,
            "shortanswer": self.typed,
            "numerical": self.typed,
        }.get(kind)
        if read is None:
            known = _SKIPPED_KINDS.get(kind)
            what = _(known) if known else repr(kind) if kind else _("untyped")
            return Skipped(
                node.line,
                _("{kind} {question} skipped (quizbot cannot ask it)").format(
                    kind=what, question=label
                ),
            )
        return read(node, kind, label)

    # --- text -----------------------------------------------------------------------------

    def rich(self, raw: str, fmt: str, unmarked: str = "") -> tuple[str, list[HtmlImage]]:
        """Text in a Moodle text format as plain text, and the pictures in it."""
        fmt = fmt.strip() or "html"
        if fmt in ("plain_text", "markdown", "wiki_like"):
            return raw.strip(), []
        if fmt == "moodle_auto_format":
            raw = raw.replace("\r\n", "\n").replace("\n", "<br>")
        converted = html_to_text(raw, image_marks=True, unmarked=unmarked)
        return converted.text, converted.images

    def field(self, node: _Node | None, default_format: str) -> str:
        """The plain text of a ``<generalfeedback>``-like element."""
        if node is None:
            return ""
        inner = node.child("text")
        raw = inner.text if inner is not None else ""
        return self.rich(raw, node.attrs.get("format", default_format))[0]

    # --- pictures -------------------------------------------------------------------------

    def picture(
        self, question: _Node, text: _Node | None, images: list[HtmlImage], label: str
    ) -> tuple[Image | None, str]:
        """The question's picture and the ``src`` it was shown with: the first ``img`` of its
        text that is an embedded file or a web address, else Moodle 1.9's image tags."""
        files = {}
        if text is not None:
            for node in text.all("file"):
                path = node.attrs.get("path", "/")
                files[(path + node.attrs.get("name", "")).lstrip("/")] = node
        for image in images:
            if image.src.startswith(PLUGINFILE):
                name = unquote(image.src[len(PLUGINFILE) :]).lstrip("/")
                node = files.get(name)
                if node is None:
                    raise self.fail(
                        question.line,
                        _("{question} shows {src} but holds no <file> named {name}").format(
                            question=label, src=repr(image.src), name=repr(name)
                        ),
                    )
                return self.decoded(node, name, image.alt), image.src
            if is_web_address(image.src):
                found = image_from_url(
                    image.src, alt=image.alt, source=self.source, line=question.line
                )
                return found, image.src
        old_name = question.child("image")
        old_data = question.child("image_base64")
        if old_name is not None and old_data is not None and old_data.text.strip():
            return self.decoded(old_data, old_name.text.strip(), ""), ""
        return None, ""

    def decoded(self, node: _Node, name: str, alt: str) -> Image:
        encoding = node.attrs.get("encoding", "base64").strip().lower()
        if encoding != "base64":
            raise self.fail(
                node.line,
                _("image {name} is not base64-encoded ({encoding})").format(
                    name=repr(name), encoding=repr(encoding)
                ),
            )
        if node.too_big:
            limit = MAX_IMAGE_BYTES // (1024 * 1024)
            raise self.fail(
                node.line,
                _("image {name} is bigger than the {limit} MB limit").format(
                    name=repr(name), limit=limit
                ),
            )
        try:
            data = base64.b64decode("".join(node.text.split()), validate=True)
        except (binascii.Error, ValueError):
            raise self.fail(
                node.line, _("image {name} is not valid base64").format(name=repr(name))
            ) from None
        return image_from_bytes(data, alt=alt, name=name, source=self.source, line=node.line)

    # --- the parts every kind shares ------------------------------------------------------

    def common(self, node: _Node, label: str) -> tuple[dict[str, object], str]:
        """The fields every question has, and the question text's format."""
        text_node = node.child("questiontext")
        fmt = (text_node.attrs.get("format", "html") if text_node is not None else "html") or "html"
        inner = text_node.child("text") if text_node is not None else None
        raw = inner.text if inner is not None else ""
        prompt, images = self.rich(raw, fmt)
        image, shown = self.picture(node, text_node, images, label)
        if shown:  # the picture is shown beside the text, not as "[alt]" within it
            prompt = self.rich(raw, fmt, unmarked=shown)[0]
        if not prompt.strip() and image is not None:
            prompt = node.text_of("name")  # a picture-only question: its name says what to do
        tags = node.child("tags")
        names = (tag.text_of("text") for tag in (tags.all("tag") if tags is not None else []))
        fields: dict[str, object] = {
            "prompt": prompt,
            "explanation": self.field(node.child("generalfeedback"), fmt),
            "topic": self.topic,
            "tags": tuple(name for name in names if name),
            "source": _source(node),
            "image": image,
            "line": node.line,
        }
        return fields, fmt

    def answers(self, node: _Node, fmt: str, label: str, *, rich: bool) -> list[_Answer]:
        found = []
        for answer in node.all("answer"):
            raw = answer.attrs.get("fraction", "0")
            try:
                fraction = float(raw.strip() or "0")
            except ValueError:
                fraction = math.nan
            if not grade_is_valid(fraction):
                raise self.fail(
                    answer.line,
                    _(
                        "invalid grade fraction={fraction} in {question}: "
                        "Moodle's grades are {grades}"
                    ).format(fraction=repr(raw), question=label, grades=_(_GRADE_LIST)),
                )
            inner = answer.child("text")
            raw_text = inner.text if inner is not None else answer.text
            if rich:
                text = self.rich(raw_text, answer.attrs.get("format", fmt))[0]
            else:
                text = raw_text.strip()
            feedback = self.field(answer.child("feedback"), fmt)
            tolerance = answer.text_of("tolerance")
            found.append(_Answer(text, fraction, feedback, answer.line, tolerance))
        return found

    # --- the kinds ------------------------------------------------------------------------

    def multichoice(self, node: _Node, _kind: str, label: str) -> Question | Skipped:
        fields, fmt = self.common(node, label)
        single = node.text_of("single").lower() not in ("false", "0", "")
        if node.child("single") is None:
            single = True
        answers = self.answers(node, fmt, label, rich=True)
        right = [index for index, answer in enumerate(answers) if answer.fraction >= _FULL]
        credit = [answer for answer in answers if answer.fraction > 0]
        if not credit:
            raise self.fail(
                node.line,
                _("{question} has no right answer (no answer at fraction 100)").format(
                    question=label
                ),
            )
        if not single and (len(right) != 1 or len(credit) != 1):
            return Skipped(
                node.line,
                ngettext(
                    "multiple-answer {question} skipped ({count} answer gives credit; "
                    "quizbot asks for one)",
                    "multiple-answer {question} skipped ({count} answers give credit; "
                    "quizbot asks for one)",
                    len(credit),
                ).format(question=label, count=len(credit)),
            )
        if len(right) > 1:
            return Skipped(
                node.line,
                ngettext(
                    "{question} skipped: {count} answer is fully right",
                    "{question} skipped: {count} answers are fully right",
                    len(right),
                ).format(question=label, count=len(right)),
            )
        if not right:
            return Skipped(
                node.line,
                _("{question} skipped: no answer is fully right (partial credit)").format(
                    question=label
                ),
            )
        if len(answers) > MAX_OPTIONS:
            return Skipped(
                node.line,
                ngettext(
                    "{question} skipped: {count} option (quizbot shows {most})",
                    "{question} skipped: {count} options (quizbot shows {most})",
                    len(answers),
                ).format(question=label, count=len(answers), most=MAX_OPTIONS),
            )
        if not fields["explanation"]:
            fields["explanation"] = answers[right[0]].feedback
        question = Question(
            kind=QuestionKind.MULTIPLE_CHOICE,
            options=tuple(answer.text for answer in answers),
            correct=right[0],
            **fields,  # type: ignore[arg-type]
        )
        return checked(question, self.source, node.line)

    def truefalse(self, node: _Node, _kind: str, label: str) -> Question:
        fields, fmt = self.common(node, label)
        truth: bool | None = None
        feedback = {True: "", False: ""}
        for index, answer in enumerate(node.all("answer")):
            raw = answer.attrs.get("fraction", "0")
            try:
                fraction = float(raw.strip() or "0")
            except ValueError:
                raise self.fail(
                    answer.line,
                    _("invalid grade fraction={fraction} in {question}").format(
                        fraction=repr(raw), question=label
                    ),
                ) from None
            said = answer.text_of("text").lower()
            side = said == "true" if said in ("true", "false") else index == 0  # old: true first
            full = fraction >= _FULL
            truth = full if side else not full
            feedback[side] = self.field(answer.child("feedback"), fmt)
        if truth is None:
            raise self.fail(
                node.line, _("{question} has no answers (true and false)").format(question=label)
            )
        if not fields["explanation"]:
            fields["explanation"] = feedback[truth]
        return checked(
            Question.true_false(answer=truth, **fields),  # type: ignore[arg-type]
            self.source,
            node.line,
        )

    def typed(self, node: _Node, kind: str, label: str) -> Question | Skipped:
        fields, fmt = self.common(node, label)
        answers = self.answers(node, fmt, label, rich=False)
        right = [a for a in answers if a.fraction >= _FULL and a.text and a.text != "*"]
        if not right:
            return Skipped(
                node.line,
                _("{kind} {question} skipped: no answer gives full marks").format(
                    kind=kind, question=label
                ),
            )
        if kind == "shortanswer":
            if any(_UNESCAPED_STAR.search(answer.text) for answer in right):
                return Skipped(
                    node.line,
                    _("{question} skipped: it uses Moodle's '*' wildcard in an answer").format(
                        question=label
                    ),
                )
            for answer in right:
                answer.text = answer.text.replace("\\*", "*")
        if not fields["explanation"]:
            fields["explanation"] = right[0].feedback
        loose = [answer for answer in right if answer.tolerance and _nonzero(answer.tolerance)]
        if kind == "numerical" and loose:
            self.notices.append(
                Notice(
                    node.line,
                    _(
                        "numerical {question}: Moodle's tolerance (±{tolerance}) is not kept; "
                        "only {answer} as written is accepted"
                    ).format(
                        question=label, tolerance=loose[0].tolerance, answer=repr(loose[0].text)
                    ),
                )
            )
        question = Question(
            kind=QuestionKind.TYPED,
            accepted=tuple(answer.text for answer in right),
            **fields,  # type: ignore[arg-type]
        )
        return checked(question, self.source, node.line)


def _nonzero(value: str) -> bool:
    """Whether a tolerance as written is a number other than zero (or not a number)."""
    try:
        return float(value) != 0
    except ValueError:
        return True


def _source(node: _Node) -> str:
    """The source quizbot's export kept in a comment, if any."""
    for comment in node.comments:
        text = comment.strip()
        if text.startswith(SOURCE_COMMENT):
            raw = text[len(SOURCE_COMMENT) :].strip()
            try:
                value = json.loads(raw)
            except ValueError:
                return raw
            return value if isinstance(value, str) else raw
    return ""
