"""Bank text hygiene: what every parsed item goes through, whatever its format.

:func:`tidy` takes one item a parser yielded and gives it back fit to store:

- each text within its length limit (:data:`TEXT_LIMITS`, :data:`COUNT_LIMITS`), else a
  :class:`~bot.errors.BankFormatError` at the question's line;
- control characters and terminal escape sequences removed (:func:`bot.text.clean`), with a
  warning naming the field (``control characters removed from the question text``), which
  the caller puts at the item's line (``q.yaml:12: ...``, :func:`located`);
- in Unicode's composed form (NFC), silently: it looks the same.

The import and ``quizbot validate`` (through :class:`bot.services.importer.CheckedItems`)
and the lint apply it, so the three agree. docs/FORMATS.md lists the limits and why.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from bot.domain import OPTION_LETTERS, BankInfo, Question, QuestionKind, Skipped
from bot.errors import BankFormatError
from bot.i18n import _, ngettext
from bot.i18n import formatting as fmt
from bot.quality.text import join_words
from bot.text import clean, is_clean, without_controls

#: The most characters each text may have, by the kind of field.
TEXT_LIMITS: dict[str, int] = {
    "question": 2_000,
    "option": 1_000,
    "answer": 200,
    "back": 4_000,
    "explanation": 4_000,
    "topic": 200,
    "tag": 100,
    "source": 1_000,
    "bank title": 200,
    "bank description": 4_000,
    "bank source": 1_000,
}
#: The most items a list of one question may have (options: at most 10, see the domain).
COUNT_LIMITS: dict[str, int] = {
    "answers": 100,
    "tags": 50,
}

ParsedItem = BankInfo | Question | Skipped
#: A text of an item: what to call it in a message, its limit's name, the text.
_Field = tuple[str, str, str]


@dataclasses.dataclass(frozen=True, slots=True)
class _Where:
    """Where an item is, for its messages."""

    source: str
    line: int | None

    def error(self, message: str) -> BankFormatError:
        return BankFormatError(self.source, self.line, message)


def _question_fields(question: Question) -> Iterator[_Field]:
    front = question.kind is QuestionKind.FLASHCARD
    yield (_("the front") if front else _("the question text")), "question", question.prompt
    for index, option in enumerate(question.options):
        letter = OPTION_LETTERS[index] if index < len(OPTION_LETTERS) else str(index + 1)
        yield _("option {letter}").format(letter=letter), "option", option
    for number, answer in enumerate(question.accepted, start=1):
        yield _("accepted answer {number}").format(number=number), "answer", answer
    yield _("the back"), "back", question.back
    yield _("the explanation"), "explanation", question.explanation
    yield _("the topic"), "topic", question.topic
    for number, tag in enumerate(question.tags, start=1):
        yield _("tag {number}").format(number=number), "tag", tag
    yield _("the source"), "source", question.source


def _info_fields(info: BankInfo) -> Iterator[_Field]:
    yield _("the bank title"), "bank title", info.title
    yield _("the bank description"), "bank description", info.description
    yield _("the bank source"), "bank source", info.source


def _too_many(what: str, count: int) -> str:
    """``120 answers (at most 100)``: a list of one question over its limit."""
    if what == "answers":
        message = ngettext(
            "{count} answer (at most {limit})", "{count} answers (at most {limit})", count
        )
    else:
        message = ngettext("{count} tag (at most {limit})", "{count} tags (at most {limit})", count)
    return message.format(count=fmt.number(count), limit=fmt.number(COUNT_LIMITS[what]))


def _check_limits(fields: list[_Field], counts: dict[str, int], where: _Where) -> None:
    for what, count in counts.items():
        if count > COUNT_LIMITS[what]:
            raise where.error(_too_many(what, count))
    for label, kind, text in fields:
        if len(text) > TEXT_LIMITS[kind]:
            raise where.error(
                _("{field} is {length} characters (at most {limit})").format(
                    field=label, length=fmt.number(len(text)), limit=fmt.number(TEXT_LIMITS[kind])
                )
            )


def _cleaned(fields: list[_Field]) -> tuple[list[str], list[str]]:
    """Each field's text cleaned, and the labels of those that had control characters."""
    texts, dirty = [], []
    for label, _kind, text in fields:
        tidied, removed = clean(text)
        texts.append(tidied)
        if removed:
            dirty.append(label)
    return texts, dirty


def _note(dirty: list[str]) -> str | None:
    if not dirty:
        return None
    return _("control characters removed from {fields}").format(fields=join_words(dirty))


def _texts(question: Question) -> tuple[str, ...]:
    """The question's texts, in the order of :func:`_question_fields`."""
    return (
        question.prompt,
        *question.options,
        *question.accepted,
        question.back,
        question.explanation,
        question.topic,
        *question.tags,
        question.source,
    )


#: The least limit of a question's texts but its tags': when all its texts together are no
#: longer, each is within its own limit.
_SHORT = min(
    TEXT_LIMITS[kind]
    for kind in ("question", "option", "answer", "back", "explanation", "topic", "source")
)


def _within_limits(question: Question, length: int) -> bool:
    """Whether every text and list of the question is within its limit (a quick look);
    ``length`` is that of all its texts together."""
    tags = question.tags
    if (
        length <= _SHORT
        and len(question.accepted) <= COUNT_LIMITS["answers"]
        and (
            not tags
            or (len(tags) <= COUNT_LIMITS["tags"] and max(map(len, tags)) <= TEXT_LIMITS["tag"])
        )
    ):
        return True  # the usual case: short texts
    return (
        len(question.prompt) <= TEXT_LIMITS["question"]
        and max(map(len, question.options), default=0) <= TEXT_LIMITS["option"]
        and max(map(len, question.accepted), default=0) <= TEXT_LIMITS["answer"]
        and len(question.back) <= TEXT_LIMITS["back"]
        and len(question.explanation) <= TEXT_LIMITS["explanation"]
        and len(question.topic) <= TEXT_LIMITS["topic"]
        and max(map(len, tags), default=0) <= TEXT_LIMITS["tag"]
        and len(question.source) <= TEXT_LIMITS["source"]
        and len(question.accepted) <= COUNT_LIMITS["answers"]
        and len(tags) <= COUNT_LIMITS["tags"]
    )


def _tidy_question(question: Question, source: str) -> tuple[Question, str | None]:
    joined = "".join(_texts(question))
    if not _within_limits(question, len(joined)):
        counts = {"answers": len(question.accepted), "tags": len(question.tags)}
        _check_limits(list(_question_fields(question)), counts, _Where(source, question.line))
    if is_clean(joined):
        return question, None  # the usual case: nothing to do
    cleaned, dirty = _cleaned(list(_question_fields(question)))
    texts = iter(cleaned)
    prompt = next(texts)
    options = tuple(next(texts) for _ in question.options)
    accepted = tuple(next(texts) for _ in question.accepted)
    back, explanation, topic = next(texts), next(texts), next(texts)
    tags = tuple(next(texts) for _ in question.tags)
    tidied = dataclasses.replace(
        question,
        prompt=prompt,
        options=options,
        accepted=accepted,
        back=back,
        explanation=explanation,
        topic=topic,
        tags=tags,
        source=next(texts),
    )
    return tidied, _note(dirty)


def _tidy_info(info: BankInfo, source: str) -> tuple[BankInfo, str | None]:
    where = _Where(source, None)
    fields = list(_info_fields(info))
    _check_limits(fields, {}, where)
    (title, description, bank_source), dirty = _cleaned(fields)
    tidied = dataclasses.replace(info, title=title, description=description, source=bank_source)
    return tidied, _note(dirty)


def tidy(item: ParsedItem, source: str) -> tuple[ParsedItem, str | None]:
    """``item`` fit to store, and a warning when control characters were removed from it
    (``control characters removed from the question text``; the item's line is where).

    Raises :class:`BankFormatError` at the item's line when a text is over its limit."""
    if isinstance(item, Question):
        return _tidy_question(item, source)
    if isinstance(item, BankInfo):
        return _tidy_info(item, source)
    return dataclasses.replace(item, reason=without_controls(item.reason)), None


def located(source: str, line: int | None, message: str) -> str:
    """A message as ``file:line: message`` (``file: message`` without a line)."""
    return f"{source}:{line}: {message}" if line else f"{source}: {message}"
