"""Red-DiscordBot trivia lists: a YAML mapping of each question to its accepted answers.

``AUTHOR`` (who wrote the list), ``DESCRIPTION`` (what it is about), ``CONFIG`` (Red's
game settings, ignored) and ``$schema`` (for editors, ignored) are not questions, as in
Red's schema (redbot/cogs/trivia/schema.py). Every other key is a question and becomes a
typed question whose accepted answers are the listed values; numbers and booleans count as
the text written in the file (``- 1984``, ``- yes``). The list's name is its file name, as
in Red; the author becomes the bank's ``source`` and the description its description.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TextIO

import yaml

from bot.domain import BankInfo, Question, QuestionKind
from bot.errors import BankFormatError
from bot.formats._text import checked, name_from_source
from bot.formats._yaml import compose
from bot.formats.errors import ErrorList
from bot.i18n import _

#: The keys of a list that are not questions (Red's schema: ``AUTHOR``, ``DESCRIPTION``,
#: ``CONFIG`` and ``$schema``, the address of the schema editors check the file with).
RESERVED_KEYS = frozenset({"AUTHOR", "DESCRIPTION", "CONFIG", "$schema"})


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar_text(node: yaml.Node) -> str | None:
    if isinstance(node, yaml.ScalarNode) and not node.tag.endswith(":null"):
        return str(node.value).strip()
    return None


def _answers(node: yaml.Node, source: str) -> tuple[str, ...]:
    single = _scalar_text(node)
    if single is not None:
        return (single,)
    if not isinstance(node, yaml.SequenceNode):
        raise BankFormatError(source, _line(node), _("the answers must be a list of texts"))
    answers: list[str] = []
    for item in node.value:
        text = _scalar_text(item)
        if text is None:
            raise BankFormatError(source, _line(item), _("each answer must be a text or a number"))
        if text:
            answers.append(text)
    return tuple(answers)


def _meta_text(key: str, value: yaml.Node, source: str) -> str:
    text = _scalar_text(value)
    if text is None:
        raise BankFormatError(source, _line(value), _("{key} must be a text").format(key=key))
    return text


def parse(stream: TextIO, source: str) -> Iterator[BankInfo | Question]:
    """Read a Red trivia list: a :class:`BankInfo` named after the file, then its questions.

    Every bad question is reported (:mod:`bot.formats.errors`); a repeated question is left
    to the import's check of repeats, which every format shares.
    """
    root = compose(stream, source)
    if root is None:
        raise BankFormatError(source, 1, _("the file is empty"))
    if not isinstance(root, yaml.MappingNode):
        raise BankFormatError(
            source, _line(root), _("a trivia list must be a mapping of questions to answers")
        )
    with ErrorList(source) as errors:
        meta = {"AUTHOR": "", "DESCRIPTION": ""}
        for key, value in root.value:
            name = _scalar_text(key)
            if name in meta:
                try:
                    meta[name] = _meta_text(name, value, source)
                except BankFormatError as error:
                    errors.add(error)
        yield BankInfo(
            name=name_from_source(source, "trivia"),
            description=meta["DESCRIPTION"],
            source=meta["AUTHOR"],
        )
        for key, value in root.value:
            prompt = _scalar_text(key)
            if prompt is None:
                errors.error(_line(key), _("each question must be a text"))
                continue
            if prompt in RESERVED_KEYS:
                continue
            line = _line(key)
            try:
                question = Question(
                    kind=QuestionKind.TYPED,
                    prompt=prompt,
                    accepted=_answers(value, source),
                    line=line,
                )
                yield checked(question, source, line)
            except BankFormatError as error:
                errors.add(error)
