"""What an import makes of a parsed stream before the database: checked questions and rows.

Every parsed item passes through :class:`CheckedItems` (text limits, control characters,
repeats for validate), then goes out in batches of row values (:func:`batches`), each with
its identity keys and the verdicts on repeats within the batch. Nothing here touches the
database or imports SQLAlchemy, so the parsing process of a big import
(:mod:`bot.importing.parse_process`) starts quickly; :mod:`bot.services.importer` writes what
comes out. Import and validate share the rules on repeats (:func:`judge_repeat`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from bot.domain import BankInfo, Image, Notice, Question, Skipped
from bot.errors import BankFormatError
from bot.formats.errors import ErrorList
from bot.formats.hygiene import located, tidy
from bot.i18n import _, ngettext

BATCH_SIZE = 1000
#: A batch ends early once its questions' new pictures reach this many bytes, so an import
#: holds only a few batches' images in memory whatever the file.
BATCH_IMAGE_BYTES = 16 * 1024 * 1024
#: The cyclic garbage collector's first threshold while a file is imported (Python's is 700;
#: see :func:`bot.services.importer._fewer_collections`), in the parsing process too.
IMPORT_GC_THRESHOLD = 10_000


def image_values(image: Image | None) -> dict[str, Any]:
    """A question's image columns (:class:`bot.store.models.QuestionRow`)."""
    if image is None:
        return {"image_digest": None, "image_type": "", "image_url": "", "image_alt": ""}
    return {
        "image_digest": image.digest or None,
        "image_type": image.media_type if image.digest else "",
        "image_url": "" if image.digest else image.url,
        "image_alt": image.alt,
    }


def row_values(question: Question) -> dict[str, Any]:
    return {
        "kind": question.kind.value,
        "prompt": question.prompt,
        "options": list(question.options),
        "correct": question.correct,
        "accepted": list(question.accepted),
        "back": question.back,
        "explanation": question.explanation,
        "topic": question.topic[:200],
        "tags": list(question.tags),
        "source": question.source,
        "identity_key": question.identity_key(),
        "content_hash": question.content_hash(),
        "active": True,
        **image_values(question.image),
    }


#: The list columns (JSON) an import writes as JSON text it makes itself: json.dumps through
#: the column type, three times a row, costs a third of a bulk insert's time in Python.
JSON_COLUMNS = ("options", "accepted", "tags")
_encode_str = json.encoder.encode_basestring_ascii  # what json.dumps does to a string


def json_text(items: Iterable[Any]) -> str:
    """The text ``json.dumps(list(items))`` gives, made quicker for a list of strings."""
    try:
        return "[" + ", ".join(map(_encode_str, items)) + "]"
    except TypeError:  # not all strings: json.dumps's own way
        return json.dumps(list(items))


def insert_values(question: Question) -> dict[str, Any]:
    """:func:`row_values` with the list columns as JSON text, for the import's own INSERT
    (:func:`bot.services.importer._question_insert`); written out rather than made from
    :func:`row_values`, as it runs for every question."""
    return {
        "kind": question.kind.value,
        "prompt": question.prompt,
        "options": json_text(question.options),
        "correct": question.correct,
        "accepted": json_text(question.accepted),
        "back": question.back,
        "explanation": question.explanation,
        "topic": question.topic[:200],
        "tags": json_text(question.tags),
        "source": question.source,
        "identity_key": question.identity_key(),
        "content_hash": question.content_hash(),
        "active": True,
        **image_values(question.image),
    }


#: What ``--on-duplicate`` may say about a conflicting repeat: an error (the default), or
#: which of the two is kept.
ON_DUPLICATE = ("error", "first", "last")
#: How many repeats an import or validate lists as warnings; the rest are counted.
MAX_REPEAT_NOTES = 100


@dataclass(frozen=True, slots=True)
class Repeat:
    """What to do with a question whose identity key (kind and text) came earlier in the file.

    ``later_wins``: the later one replaces the earlier (``--on-duplicate last`` on a
    conflict); otherwise the later is dropped. ``message`` names both lines; ``error`` says
    whether it is an error (a conflict without ``--on-duplicate``) or a warning.
    """

    line: int | None
    message: str
    error: bool
    later_wins: bool


def answers_digest(question: Question) -> str:
    """A digest of what a question asks players to choose or type: its options, its right
    option, its accepted answers and its back. Two repeats of a question with equal digests
    differ only in wording (spacing, case), explanation, topic, tags or source.

    Python's own hash of those values (a few times quicker than SHA-256, and the strings
    keep their hashes): valid within one process, which is all an import or a validate
    needs (the import's key table is temporary).
    """
    value = hash((question.options, question.correct, question.accepted, question.back))
    return format(value & 0xFFFF_FFFF_FFFF_FFFF, "x")


#: How a repeat compares with the question it repeats (see :func:`judge_repeat`).
IDENTICAL, SAME_ANSWERS, CONFLICTING = "identical", "same answers", "conflicting"


def compare_repeat(earlier: tuple[str, str], later: tuple[str, str]) -> str:
    """:data:`IDENTICAL`, :data:`SAME_ANSWERS` or :data:`CONFLICTING`, from the
    (content hash, :func:`answers_digest`) of a question and of its repeat."""
    if earlier[0] == later[0]:
        return IDENTICAL
    return SAME_ANSWERS if earlier[1] == later[1] else CONFLICTING


def judge_repeat(
    line: int | None, earlier: int | None, how: str, on_duplicate: str = "error"
) -> Repeat:
    """The verdict on a repeat at ``line`` of the question first at line ``earlier``;
    ``how`` is what :func:`compare_repeat` says.

    An identical repeat (same content hash) is imported once, with a warning. One with the
    same options and answers but other wording, explanation, topic or tags (Moodle's own
    example GIFT file has such repeats) is imported once too, the first kept unless
    ``on_duplicate`` is ``last``. A conflicting one (other options or answers) is an error
    unless ``on_duplicate`` is ``first`` or ``last``, which says which of the two is kept.
    """
    text, error, keep_later = _repeat_verdict(how, on_duplicate, earlier is not None)
    return Repeat(line, text.format(earlier=earlier), error, keep_later)


def _repeat_verdict(how: str, on_duplicate: str, known: bool) -> tuple[str, bool, bool]:
    """What a repeat's verdict says (in the current language; ``{earlier}`` is the first
    one's line when ``known``), whether it is an error, and whether the later one is kept."""
    if how == IDENTICAL:
        if known:
            return _("repeats line {earlier} word for word: imported once"), False, False
        return _("repeats an earlier question word for word: imported once"), False, False
    if how == SAME_ANSWERS:
        if on_duplicate == "last":
            if known:
                text = _(
                    "repeats line {earlier} with the same answers but other wording or "
                    "explanation: this one kept (--on-duplicate last)"
                )
            else:
                text = _(
                    "repeats an earlier question with the same answers but other wording or "
                    "explanation: this one kept (--on-duplicate last)"
                )
            return text, False, True
        if known:
            text = _(
                "repeats line {earlier} with the same answers but other wording or "
                "explanation: line {earlier} kept"
            )
        else:
            text = _(
                "repeats an earlier question with the same answers but other wording or "
                "explanation: an earlier question kept"
            )
        return text, False, False
    if on_duplicate == "first":
        if known:
            text = _(
                "the same question as line {earlier} with other answers or options: "
                "line {earlier} kept (--on-duplicate first)"
            )
        else:
            text = _(
                "the same question as an earlier question with other answers or options: "
                "an earlier question kept (--on-duplicate first)"
            )
        return text, False, False
    if on_duplicate == "last":
        if known:
            text = _(
                "the same question as line {earlier} with other answers or options: "
                "this one kept (--on-duplicate last)"
            )
        else:
            text = _(
                "the same question as an earlier question with other answers or options: "
                "this one kept (--on-duplicate last)"
            )
        return text, False, True
    if known:
        text = _(
            "the same question as line {earlier} with other answers or options; "
            "keep one, or choose with --on-duplicate first|last"
        )
    else:
        text = _(
            "the same question as an earlier question with other answers or options; "
            "keep one, or choose with --on-duplicate first|last"
        )
    return text, True, False


class Findings:
    """A file's warnings and errors as an import or validate finds them.

    Warnings are kept as ``file:line: message`` in the order of their lines (repeats beyond
    :data:`MAX_REPEAT_NOTES` are counted, not listed); errors go to an
    :class:`~bot.formats.errors.ErrorList`. ``strict`` (``--strict``) makes every warning
    an error.
    """

    def __init__(self, source: str, *, strict: bool = False) -> None:
        self.source = source
        self.strict = strict
        self.errors = ErrorList(source)
        self.notes: list[tuple[int, str]] = []
        self.repeats = 0
        self.unlisted_repeats = 0

    def warn(self, line: int | None, message: str) -> None:
        if self.strict:
            self.errors.error(line, message)
        else:
            self.notes.append((line or 0, located(self.source, line, message)))

    def inform(self, line: int | None, message: str) -> None:
        """A warning that stays one under ``strict``: a parser's :class:`Notice` (what the
        format cannot carry, such as an Anki package's scheduling), not a fault of the file."""
        self.notes.append((line or 0, located(self.source, line, message)))

    def repeat(self, verdict: Repeat) -> None:
        if verdict.error:
            self.errors.error(verdict.line, verdict.message)
            return
        self.repeats += 1
        if self.strict or self.repeats <= MAX_REPEAT_NOTES:
            self.warn(verdict.line, verdict.message)
        else:
            self.unlisted_repeats += 1

    def absorb(self, other: Findings) -> None:
        """Take in the warnings, repeats and errors ``other`` found in the same file."""
        self.notes += other.notes
        self.repeats += other.repeats
        self.unlisted_repeats += other.unlisted_repeats
        combined = other.errors.combined()
        if combined is not None:
            self.errors.add(combined)

    def state(self) -> dict[str, Any]:
        """What was found, as plain data (to cross from the parsing process, see
        :meth:`from_state`)."""
        return {
            "source": self.source,
            "strict": self.strict,
            "notes": self.notes,
            "repeats": self.repeats,
            "unlisted_repeats": self.unlisted_repeats,
            "errors": [(error.source, error.line, error.message) for error in self.errors.kept],
            "more_errors": self.errors.more,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Findings:
        """The findings :meth:`state` describes."""
        findings = cls(state["source"], strict=state["strict"])
        findings.notes = [(line, text) for line, text in state["notes"]]
        findings.repeats = state["repeats"]
        findings.unlisted_repeats = state["unlisted_repeats"]
        for source, line, message in state["errors"]:
            findings.errors.add(BankFormatError(source, line, message))
        findings.errors.more += state["more_errors"]
        return findings

    def warnings(self) -> list[str]:
        """The warnings, each ``file:line: message``, in the order of their lines."""
        listed = [text for _line, text in sorted(self.notes, key=itemgetter(0))]
        if self.unlisted_repeats:
            more = ngettext(
                "and {count} more repeat, not listed",
                "and {count} more repeats, not listed",
                self.unlisted_repeats,
            ).format(count=self.unlisted_repeats)
            listed.append(f"{self.source}: {more}")
        return listed


class CheckedItems:
    """The questions of a parsed stream, tidied (:func:`bot.formats.hygiene.tidy`: text
    limits, control characters, NFC) and checked for repeats, with its bank info, skips,
    warnings and errors (:attr:`findings`).

    Import and validate share it, so both apply the same rules. Every parsed item passes
    through here, whatever its format.

    Errors do not stop the iteration: the parser's (raised when it stops), the text limits'
    and conflicting repeats go to the findings' errors, so one run reports them all; the
    questions that are fine are still yielded. The consumer calls :meth:`raise_errors` at
    the end.

    With ``check_repeats`` (validate) a repeat of a question (same kind and text) is judged
    here (:func:`judge_repeat`), remembering each key in memory; the import leaves that to
    its key table in the database (``check_repeats=False``), so its memory stays flat.
    """

    def __init__(
        self,
        items: Iterable[Any],
        source: str,
        *,
        check_repeats: bool = True,
        on_duplicate: str = "error",
        strict: bool = False,
    ) -> None:
        self.items = items
        self.source = source
        self.check_repeats = check_repeats
        self.on_duplicate = on_duplicate
        self.info: BankInfo | None = None
        self.skipped: list[Skipped] = []
        #: identity key -> (line, (content hash, answers digest)) of the question kept
        self.seen: dict[str, tuple[int | None, tuple[str, str]]] = {}
        self.findings = Findings(source, strict=strict)
        self.count = 0  # questions kept

    @property
    def errors(self) -> ErrorList:
        return self.findings.errors

    def __iter__(self) -> Iterator[Question]:
        findings = self.findings
        try:  # a BankFormatError out of the loop is the parser's: it stopped there
            for parsed in self.items:
                try:
                    item, note = tidy(parsed, self.source)
                except BankFormatError as error:
                    findings.errors.add(error)
                    continue
                line = None if isinstance(item, BankInfo) else item.line
                if note:
                    findings.warn(line, note)
                if isinstance(item, BankInfo):
                    self.info = item
                elif isinstance(item, Skipped):
                    self.skipped.append(item)
                    findings.warn(line, item.reason)
                elif isinstance(item, Notice):
                    findings.inform(line, item.reason)
                elif not self.check_repeats:
                    yield item
                else:
                    key = item.identity_key()
                    digests = (item.content_hash(), answers_digest(item))
                    earlier = self.seen.get(key)
                    if earlier is not None:
                        how = compare_repeat(earlier[1], digests)
                        verdict = judge_repeat(item.line, earlier[0], how, self.on_duplicate)
                        findings.repeat(verdict)
                        if verdict.later_wins:
                            self.seen[key] = (item.line, digests)
                        continue
                    self.seen[key] = (item.line, digests)
                    self.count += 1
                    yield item
        except BankFormatError as error:  # the parser's own errors, or a fatal one
            findings.errors.add(error)

    def raise_errors(self, more: ErrorList | None = None) -> None:
        """Raise every error found (with those in ``more``), if any: one, or several as a
        :class:`bot.errors.BankFormatErrors`."""
        if more:
            self.errors.add(more.combined())  # type: ignore[arg-type]
        self.errors.raise_if_any()

    def warnings(self) -> list[str]:
        """What was skipped, removed or repeated, each as ``file:line: what``, in the order
        of their lines."""
        return self.findings.warnings()


@dataclass(slots=True)
class Batch:
    """Parsed questions as the row values to write (made where the stream is parsed).

    It holds no :class:`Question` but those with a picture (``pictured``, for
    :func:`bot.services.images.store_images`): the rows are all the import writes, and a
    batch made in the parsing process crosses to the importer as plain data.
    """

    rows: list[dict[str, Any]]  # each question's :func:`insert_values`
    lines: dict[str, int | None]  # each row's identity key -> the line of its question
    keys: str  # ``{key: [line, content_hash, answers]}`` as JSON, for the import's key table
    info: BankInfo | None  # the bank info read so far
    last: bool  # the stream's last batch (it may be empty)
    #: The verdicts on questions repeated within the batch (the import records them).
    repeats: list[Repeat] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # each row's answers_digest
    #: The kept questions that have a picture, by identity key.
    pictured: dict[str, Question] = field(default_factory=dict)


def prepare_batch(
    questions: list[Question], info: BankInfo | None, last: bool, on_duplicate: str = "error"
) -> Batch:
    """A batch's row values; a key twice in the batch is a repeat, judged here
    (:func:`judge_repeat`): only the question that wins is kept."""
    rows: list[dict[str, Any]] = []
    kept: list[Question] = []
    answers: list[str] = []
    at: dict[str, int] = {}  # identity key -> index in rows
    lines: dict[str, int | None] = {}
    remembered: dict[str, list[Any]] = {}
    repeats: list[Repeat] = []
    for question in questions:
        values = insert_values(question)
        digest = answers_digest(question)
        key = values["identity_key"]
        index = at.get(key)
        if index is None:
            at[key] = len(rows)
            rows.append(values)
            kept.append(question)
            answers.append(digest)
            lines[key] = question.line
            remembered[key] = [question.line, values["content_hash"], digest]
            continue
        how = compare_repeat(
            (rows[index]["content_hash"], answers[index]), (values["content_hash"], digest)
        )
        verdict = judge_repeat(question.line, kept[index].line, how, on_duplicate)
        repeats.append(verdict)
        if verdict.later_wins:
            rows[index], kept[index], answers[index] = values, question, digest
            lines[key] = question.line
            remembered[key] = [question.line, values["content_hash"], digest]
    pictured = {key: kept[index] for key, index in at.items() if kept[index].image is not None}
    return Batch(rows, lines, json.dumps(remembered), info, last, repeats, answers, pictured)


def batches(
    checked: CheckedItems, size: int = BATCH_SIZE, on_duplicate: str = "error"
) -> Iterator[Batch]:
    """The checked questions in batches of ``size`` (fewer once their new pictures reach
    :data:`BATCH_IMAGE_BYTES`); the last batch says so, and may be empty."""
    batch: list[Question] = []
    image_bytes = 0
    for question in checked:
        batch.append(question)
        if question.image is not None and question.image.data is not None:
            image_bytes += len(question.image.data)
        if len(batch) >= size or image_bytes >= BATCH_IMAGE_BYTES:
            yield prepare_batch(batch, checked.info, False, on_duplicate)
            batch, image_bytes = [], 0
    yield prepare_batch(batch, checked.info, True, on_duplicate)


def update_values(row: dict[str, Any]) -> dict[str, Any]:
    """An :func:`insert_values` row as :func:`row_values` makes it (the list columns as
    lists), for an UPDATE through the columns' own types."""
    values = {**row}
    for column in JSON_COLUMNS:
        values[column] = json.loads(row[column])
    values.pop("bank_id", None)
    values.pop("position", None)
    return values
