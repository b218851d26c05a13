"""Moodle's Aiken format: multiple-choice questions in plain text.

Each question is its text, then its options ``A) text`` or ``A. text`` (letters in order;
as in Moodle, ``A)text`` without the space too), then ``ANSWER: X``; blank lines separate
questions. Read line by line; a bad question is reported and reading goes on with the next,
so one run reports every error (:mod:`bot.formats.errors`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TextIO

from bot.domain import OPTION_LETTERS, Question, QuestionKind
from bot.errors import BankFormatError
from bot.formats._text import checked, letter_range, numbered_lines
from bot.formats.errors import ErrorList
from bot.i18n import _, ngettext

#: An option line: its letter, ``)`` or ``.``, then its text; as in Moodle
#: (``/^[A-Z][).][ \t]?/``), the space after the letter may be left out (``A)text``).
_OPTION = re.compile(r"^\s*([A-Z])\s*[.)]\s*(.*?)\s*$")
_ANSWER = re.compile(r"^\s*ANSWER\s*:\s*(.*?)\s*$", re.IGNORECASE)


@dataclass(slots=True)
class _Draft:
    line: int
    prompt: list[str]
    options: list[str] = field(default_factory=list)


def _finish(draft: _Draft, answer: str, answer_line: int, source: str) -> Question:
    letter = answer.upper()
    if len(draft.options) < 2:
        raise BankFormatError(
            source,
            draft.line,
            ngettext(
                "the question has {count} option(s); it needs at least 2 "
                "(lines like 'A) text' or 'A. text')",
                "the question has {count} option(s); it needs at least 2 "
                "(lines like 'A) text' or 'A. text')",
                len(draft.options),
            ).format(count=len(draft.options)),
        )
    if len(letter) != 1 or letter not in OPTION_LETTERS:
        raise BankFormatError(
            source,
            answer_line,
            _("'ANSWER:' must be followed by an option letter, not {answer}").format(
                answer=repr(answer)
            ),
        )
    index = OPTION_LETTERS.index(letter)
    if index >= len(draft.options):
        raise BankFormatError(
            source,
            answer_line,
            _("option letter {letter} is not among the options {letters}").format(
                letter=repr(letter), letters=letter_range(len(draft.options))
            ),
        )
    question = Question(
        kind=QuestionKind.MULTIPLE_CHOICE,
        prompt="\n".join(draft.prompt).strip(),
        options=tuple(draft.options),
        correct=index,
        line=draft.line,
    )
    return checked(question, source, draft.line)


def _missing_answer(draft: _Draft, source: str, where: str) -> BankFormatError:
    return BankFormatError(
        source,
        draft.line,
        _("the question has no 'ANSWER: <letter>' line ({where})").format(where=where),
    )


def parse(stream: TextIO, source: str) -> Iterator[Question]:
    """Read an Aiken file question by question, reporting every bad question at the end."""
    with ErrorList(source) as errors:
        draft: _Draft | None = None
        broken = False  # the question being read already has an error: skip to its ANSWER
        gap = False  # a blank line since the last line of the question
        for number, line in numbered_lines(stream, source):
            text = line.strip()
            if draft is None:
                if not text:
                    continue
                if _ANSWER.match(text):
                    errors.error(number, _("'ANSWER:' line without a question before it"))
                    continue
                draft, broken, gap = _Draft(line=number, prompt=[text]), False, False
                continue
            answer = _ANSWER.match(text)
            if answer:
                if not broken:
                    try:
                        question = _finish(draft, answer.group(1), number, source)
                    except BankFormatError as error:
                        errors.add(error)
                    else:
                        yield question
                draft = None
            elif not text:
                gap = True
            elif broken:
                continue
            elif (option := _OPTION.match(text)) and (draft.options or text[0] == "A"):
                letter = option.group(1)
                count = len(draft.options)
                if count >= len(OPTION_LETTERS):
                    errors.error(
                        number,
                        _("a question has at most {count} options").format(
                            count=len(OPTION_LETTERS)
                        ),
                    )
                    broken = True
                elif letter != OPTION_LETTERS[count]:
                    expected = OPTION_LETTERS[count]
                    errors.error(
                        number,
                        _("expected option {expected} here but found {letter}").format(
                            expected=repr(expected), letter=repr(letter)
                        ),
                    )
                    broken = True
                else:
                    draft.options.append(option.group(2))
                    gap = False
            elif draft.options:
                where = _("line {number} starts something else").format(number=number)
                errors.add(_missing_answer(draft, source, where))
                draft, gap = _Draft(line=number, prompt=[text]), False  # likely the next question
            else:
                # The question text goes on over several lines (until option A).
                if gap:
                    draft.prompt.append("")
                draft.prompt.append(text)
                gap = False
        if draft is not None and not broken:
            errors.add(_missing_answer(draft, source, _("the file ends first")))
