"""Small text helpers shared by the bank parsers and exporters.

HTML stripping (Anki, GIFT ``[html]``), option letters, line reading with 1-based numbers,
bank-name slugs, and the final soundness check every parser applies to a question.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from pathlib import PurePath
from typing import TextIO

from bot.domain import OPTION_LETTERS, Question
from bot.errors import BankFormatError
from bot.i18n import _
from bot.text import comparison_key

#: Tags whose start or end begins a new line when HTML is turned into text.
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "tr",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "pre",
        "section",
        "article",
        "header",
        "footer",
        "dt",
        "dd",
        "hr",
    }
)
#: Tags whose content is dropped entirely.
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title"})
_LOOKS_LIKE_HTML = re.compile(
    r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?\s*>|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+\d*);"
)
_BLANK_RUNS = re.compile(r"\n{3,}")
_INLINE_SPACE = re.compile(r"[ \t\f\v\xa0]+")
_SLUG_JUNK = re.compile(r"[^a-z0-9_-]+")


class AnswerProblem(Exception):
    """An answer that does not fit the options; the parser adds the file and line."""


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
        elif tag == "br" or tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" or tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """Whether ``text`` contains something that is plainly an HTML tag or entity."""
    return _LOOKS_LIKE_HTML.search(text) is not None


def strip_html(text: str) -> str:
    """HTML as plain text: tags removed, entities decoded, ``<br>`` and blocks as new lines.

    Source line breaks count as spaces (as in a browser) and runs of spaces collapse.
    """
    extractor = _TextExtractor()
    extractor.feed(text.replace("\r\n", " ").replace("\n", " ").replace("\r", " "))
    extractor.close()
    plain = "".join(extractor.parts)
    lines = [_INLINE_SPACE.sub(" ", line).strip() for line in plain.split("\n")]
    return _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip()


def unescape_entities(text: str) -> str:
    """HTML entities (``&amp;``, ``&#039;``, ``&eacute;``) decoded; no-break spaces as spaces."""
    return html.unescape(text).replace("\xa0", " ")


def letter_range(count: int) -> str:
    """The option letters for ``count`` options, as people write them: ``A-D``."""
    if count <= 0:
        return _("none")
    if count == 1:
        return "A"
    return f"A-{OPTION_LETTERS[min(count, len(OPTION_LETTERS)) - 1]}"


def option_index(answer: str, options: Sequence[str]) -> int:
    """The index of the option an answer names: a letter (``B``, ``b``) or the option's text.

    A single letter wins over text, as in the native format. Raises :class:`AnswerProblem`.
    """
    answer = answer.strip()
    if not answer:
        raise AnswerProblem(_("the answer is empty"))
    letter = answer.upper()
    if len(letter) == 1 and letter in OPTION_LETTERS:
        index = OPTION_LETTERS.index(letter)
        if index >= len(options):
            raise AnswerProblem(
                _("option letter {letter} is not among the options {letters}").format(
                    letter=repr(letter), letters=letter_range(len(options))
                )
            )
        return index
    for index, option in enumerate(options):
        if option == answer:
            return index
    folded = comparison_key(answer)  # case, spacing and invisible characters aside
    for index, option in enumerate(options):
        if comparison_key(option) == folded:
            return index
    raise AnswerProblem(
        _(
            "answer {answer} is neither an option letter ({letters}) nor the text of an option"
        ).format(answer=repr(answer), letters=letter_range(len(options)))
    )


def numbered_lines(stream: TextIO, source: str) -> Iterator[tuple[int, str]]:
    """The stream's lines with their 1-based numbers, line endings removed, read lazily."""
    try:
        for number, line in enumerate(stream, start=1):
            yield number, line.rstrip("\r\n")
    except UnicodeDecodeError:
        raise BankFormatError(source, None, _("the file is not UTF-8 text")) from None


def raw_lines(stream: TextIO, source: str) -> Iterator[str]:
    """The stream's lines as they are (endings kept, for the csv module), read lazily."""
    try:
        yield from stream
    except UnicodeDecodeError:
        raise BankFormatError(source, None, _("the file is not UTF-8 text")) from None


def checked(question: Question, source: str, line: int | None) -> Question:
    """``question`` itself when it is sound, else a :class:`BankFormatError` at ``line``."""
    problems = question.problems()
    if problems:
        raise BankFormatError(source, line, "; ".join(problems))
    return question


def slugify(text: str, fallback: str = "bank") -> str:
    """A bank name made of ``text``: lower-case letters, digits, ``-`` and ``_``."""
    slug = _SLUG_JUNK.sub("-", text.casefold()).strip("-_")[:64].strip("-_")
    return slug or fallback


def name_from_source(source: str, fallback: str = "bank") -> str:
    """A bank name made from the file name in ``source`` (its stem)."""
    return slugify(PurePath(source).stem, fallback)
