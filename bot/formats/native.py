"""quizbot's own bank format: human-editable YAML (or the same structure as JSON).

The shipped banks in ``questions/`` use it and ``docs/BANK_FORMAT.md`` documents it.
The file is parsed into YAML nodes rather than plain values so every error can name
the line it is about.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TextIO

import yaml

from bot.domain import OPTION_LETTERS, BankInfo, Image, Question, QuestionKind
from bot.errors import BankFormatError
from bot.formats._yaml import compose
from bot.formats.errors import ErrorList
from bot.i18n import _, ngettext
from bot.i18n.languages import content_tag
from bot.images import image_from_location, image_from_url

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
TOP_KEYS = {"bank", "title", "description", "source", "language", "questions"}
QUESTION_KEYS = {
    "type",
    "question",
    "front",
    "options",
    "answer",
    "answers",
    "back",
    "explanation",
    "topic",
    "tags",
    "source",
    "image",
}
IMAGE_KEYS = {"file", "url", "alt"}


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Reader:
    """Turns YAML nodes into values, raising BankFormatError with the node's line."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node, message: str) -> BankFormatError:
        return BankFormatError(self.source, _line(node), message)

    def mapping(self, node: yaml.Node, what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, _("{what} must be a mapping of keys to values").format(what=what))
        result: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str):
                raise self.fail(key_node, _("{what} has a key that is not text").format(what=what))
            if key in result:
                raise self.fail(
                    key_node, _("{what} has the key {key} twice").format(what=what, key=repr(key))
                )
            result[key] = value_node
        return result

    def text(self, node: yaml.Node, what: str) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith(":null"):
            raise self.fail(node, _("{what} must be text").format(what=what))
        return str(node.value).strip()

    def text_list(self, node: yaml.Node, what: str) -> tuple[str, ...]:
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, _("{what} must be a list").format(what=what))
        each = _("each item of {key}").format(key=what)
        return tuple(self.text(item, each) for item in node.value)


def _language(reader: _Reader, node: yaml.Node) -> str:
    """``language: es``: the language the bank's questions are written in."""
    try:
        return content_tag(reader.text(node, "language"))
    except ValueError as error:
        raise reader.fail(node, str(error)) from None


def _infer_kind(fields: dict[str, yaml.Node]) -> QuestionKind:
    if "front" in fields or "back" in fields:
        return QuestionKind.FLASHCARD
    if "options" in fields:
        return QuestionKind.MULTIPLE_CHOICE
    if "answers" in fields:
        return QuestionKind.TYPED
    answer = fields.get("answer")
    if isinstance(answer, yaml.ScalarNode) and answer.tag.endswith(":bool"):
        return QuestionKind.TRUE_FALSE
    return QuestionKind.TYPED


def _question(reader: _Reader, node: yaml.Node) -> Question:
    fields = reader.mapping(node, _("a question"))
    for key, value in fields.items():
        if key not in QUESTION_KEYS:
            allowed = ", ".join(sorted(QUESTION_KEYS))
            raise reader.fail(
                value,
                _("unknown key {key} in a question (allowed: {allowed})").format(
                    key=repr(key), allowed=allowed
                ),
            )
    if "type" in fields:
        raw = reader.text(fields["type"], "type")
        try:
            kind = QuestionKind(raw)
        except ValueError:
            kinds = ", ".join(k.value for k in QuestionKind)
            raise reader.fail(
                fields["type"],
                _("unknown type {type} (one of: {kinds})").format(type=repr(raw), kinds=kinds),
            ) from None
    else:
        kind = _infer_kind(fields)

    prompt_key = "front" if kind is QuestionKind.FLASHCARD and "front" in fields else "question"
    if prompt_key not in fields:
        raise reader.fail(
            node,
            _("a {kind} question needs {key}").format(kind=kind.value, key=repr(prompt_key)),
        )
    extra = {
        "prompt": reader.text(fields[prompt_key], prompt_key),
        "explanation": reader.text(fields["explanation"], "explanation")
        if "explanation" in fields
        else "",
        "topic": reader.text(fields["topic"], "topic") if "topic" in fields else "",
        "tags": reader.text_list(fields["tags"], "tags") if "tags" in fields else (),
        "source": reader.text(fields["source"], "source") if "source" in fields else "",
        "image": _image(reader, fields["image"]) if "image" in fields else None,
        "line": _line(node),
    }

    if kind is QuestionKind.MULTIPLE_CHOICE:
        if "options" not in fields or "answer" not in fields:
            raise reader.fail(node, _("a multiple_choice question needs 'options' and 'answer'"))
        options = reader.text_list(fields["options"], "options")
        answer = reader.text(fields["answer"], "answer")
        correct = _correct_index(reader, fields["answer"], answer, options)
        question = Question(kind=kind, options=options, correct=correct, **extra)  # type: ignore[arg-type]
    elif kind is QuestionKind.TRUE_FALSE:
        answer_node = fields.get("answer")
        if not (isinstance(answer_node, yaml.ScalarNode) and answer_node.tag.endswith(":bool")):
            raise reader.fail(
                answer_node or node,
                _("a true_false question needs 'answer: true' or 'answer: false'"),
            )
        value = yaml.safe_load(yaml.serialize(answer_node))
        question = Question.true_false(answer=bool(value), **extra)
    elif kind is QuestionKind.TYPED:
        if "answers" in fields:
            accepted = reader.text_list(fields["answers"], "answers")
        elif "answer" in fields:
            accepted = (reader.text(fields["answer"], "answer"),)
        else:
            raise reader.fail(node, _("a typed question needs 'answers' (a list) or 'answer'"))
        question = Question(kind=kind, accepted=accepted, **extra)  # type: ignore[arg-type]
    else:
        if "back" not in fields:
            raise reader.fail(node, _("a flashcard needs 'back'"))
        question = Question(kind=kind, back=reader.text(fields["back"], "back"), **extra)  # type: ignore[arg-type]

    problems = question.problems()
    if problems:
        raise reader.fail(node, "; ".join(problems))
    return question


def _image(reader: _Reader, node: yaml.Node) -> Image:
    """``image: diagram.png`` (a file beside the bank, or a web address) or
    ``image: {file: diagram.png, alt: ...}`` / ``image: {url: https://..., alt: ...}``."""
    if isinstance(node, yaml.ScalarNode):
        location, alt = reader.text(node, "image"), ""
    else:
        fields = reader.mapping(node, "image")
        for key, value in fields.items():
            if key not in IMAGE_KEYS:
                raise reader.fail(
                    value,
                    _("unknown key {key} in an image (allowed: alt, file, url)").format(
                        key=repr(key)
                    ),
                )
        if ("file" in fields) == ("url" in fields):
            raise reader.fail(node, _("an image needs one of 'file' or 'url'"))
        location = reader.text(fields.get("file") or fields["url"], "image")
        alt = reader.text(fields["alt"], "alt") if "alt" in fields else ""
    if not location:
        raise reader.fail(node, _("the image has no file or address"))
    if isinstance(node, yaml.MappingNode) and "url" in fields:
        return image_from_url(location, alt=alt, source=reader.source, line=_line(node))
    return image_from_location(location, alt=alt, source=reader.source, line=_line(node))


def _correct_index(reader: _Reader, node: yaml.Node, answer: str, options: tuple[str, ...]) -> int:
    letter = answer.upper()
    if len(letter) == 1 and letter in OPTION_LETTERS:
        index = OPTION_LETTERS.index(letter)
        if index >= len(options):
            raise reader.fail(
                node,
                ngettext(
                    "answer {answer} but there is only {count} option",
                    "answer {answer} but there are only {count} options",
                    len(options),
                ).format(answer=repr(answer), count=len(options)),
            )
        return index
    for index, option in enumerate(options):
        if option == answer:
            return index
    raise reader.fail(
        node,
        _("answer {answer} is neither an option letter nor one of the options").format(
            answer=repr(answer)
        ),
    )


def parse(stream: TextIO, source: str) -> Iterator[BankInfo | Question]:
    """Read a native bank: first its :class:`BankInfo`, then its questions in order."""
    reader = _Reader(source)
    try:
        text = stream.read()
    except UnicodeDecodeError:
        raise BankFormatError(source, None, _("the file is not UTF-8 text")) from None
    if text.lstrip().startswith("{"):
        # JSON: a tab can only be whitespace there, but YAML forbids tabs as indentation.
        text = text.replace("\t", " ")
    root = compose(text, source)
    if root is None:
        raise BankFormatError(source, 1, _("the file is empty"))
    top = reader.mapping(root, _("a bank file"))
    for key, value in top.items():
        if key not in TOP_KEYS:
            allowed = ", ".join(sorted(TOP_KEYS))
            raise reader.fail(
                value,
                _("unknown key {key} at the top of a bank (allowed: {allowed})").format(
                    key=repr(key), allowed=allowed
                ),
            )
    if "bank" not in top:
        raise reader.fail(root, _("a bank file needs 'bank: NAME'"))
    name = reader.text(top["bank"], "bank")
    if not NAME_PATTERN.match(name):
        raise reader.fail(
            top["bank"],
            _("bank name {name} must be lower-case letters, digits, '-' or '_'").format(
                name=repr(name)
            ),
        )
    yield BankInfo(
        name=name,
        title=reader.text(top["title"], "title") if "title" in top else "",
        description=reader.text(top["description"], "description") if "description" in top else "",
        source=reader.text(top["source"], "source") if "source" in top else "",
        language=_language(reader, top["language"]) if "language" in top else "",
    )
    questions = top.get("questions")
    if not isinstance(questions, yaml.SequenceNode):
        raise reader.fail(
            questions or root, _("a bank file needs 'questions:' with a list of questions")
        )
    with ErrorList(source) as errors:  # every bad question reported at the end
        for item in questions.value:
            try:
                question = _question(reader, item)
            except BankFormatError as error:
                errors.add(error)
                continue
            yield question  # a repeat is judged by the import and validate, for every format
