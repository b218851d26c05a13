"""Flashcards from Anki text exports and Quizlet exports: one card per row, front then back.

Anki's ``#key:value`` header lines at the top of the file are honoured: ``#separator:``
(tab, comma, semicolon, space, pipe, colon or the character itself), ``#html:`` (strip
HTML or not), ``#columns:`` (column names; Front/Back/Tags/Deck are found by name),
``#tags:`` (tags for every card), ``#deck:`` (the topic), ``#notetype:`` and the
``#notetype column:``, ``#deck column:``, ``#tags column:`` and ``#guid column:`` numbers;
other ``#`` lines at the top are ignored. Without a ``#separator:`` line the separator is
guessed from the first card (tab first). Fields are quoted as Anki writes them (``"`` around
fields holding the separator, quotes or new lines). HTML is turned into text when
``#html:true`` or, without that header, when a field looks like HTML.

Quizlet's export (term, tab, definition, one card per line; or another separator) reads the
same way; when there is no Anki header and the separator is not a tab, separators after the
first belong to the definition. ``[sound:...]`` references are dropped; cloze notes and
cards without text on a side are skipped. In a *cards* export (each card's rendered sides)
the back repeats the front up to ``<hr id=answer>``; only what follows it is the back.
Every bad card is reported (:mod:`bot.formats.errors`). The first ``<img src="...">`` on a
front becomes the card's picture when the file is beside the export or in a
``collection.media`` folder there (or the ``src`` is a web address); a front that is only a
picture reads as its alt text, or "(picture)". Pictures on the back are left out (they
would give the answer away).
"""

from __future__ import annotations

import csv
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from bot.domain import Image, Question, QuestionKind, Skipped
from bot.errors import BankFormatError
from bot.formats._text import checked, looks_like_html, raw_lines, strip_html
from bot.formats.errors import ErrorList
from bot.i18n import _, ngettext
from bot.images import html_image, image_from_location, is_web_address

SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "space": " ",
    "pipe": "|",
    "colon": ":",
}
_SEPARATOR_NAMES = {char: name for name, char in SEPARATORS.items()}
#: Separators guessed when there is no ``#separator:`` line, in order of preference.
_GUESSES = ("\t", ";", "|", ",")
_COLUMN_KEYS = {
    "notetype column": "notetype",
    "deck column": "deck",
    "tags column": "tags",
    "guid column": "guid",
}
_CLOZE = "{{c"
#: The rule Anki's answer side puts between the front it repeats (``{{FrontSide}}``) and the
#: answer: ``<hr id=answer>``, or ``<hr id="answer">``, ``<HR ID='answer' />`` and the like.
_ANSWER_RULE = re.compile(r"<\s*hr\s+[^<>]*?\bid\s*=\s*[\"']?answer\b[\"']?[^<>]*>", re.IGNORECASE)
_MEDIA = re.compile(r"\[sound:[^\]]*\]")  # Anki's audio references
#: Where an export's pictures may be, relative to its folder (Anki keeps them in
#: ``collection.media``; a moderator may copy them beside the file).
MEDIA_FOLDERS = (".", "collection.media")
#: The front of a card that is a picture and nothing else.
PICTURE_ONLY = "(picture)"


@dataclass(slots=True)
class _Header:
    """What the ``#`` lines at the top of the file say."""

    separator: str | None = None
    html: bool | None = None
    columns: str | None = None
    columns_line: int = 0
    tags: tuple[str, ...] = ()
    deck: str = ""
    notetype: str = ""
    meta: dict[str, int] = field(default_factory=dict)  # role -> 0-based column
    lines: int = 0
    seen: bool = False  # whether any Anki header line was present


def _fail(source: str, line: int, message: str) -> BankFormatError:
    return BankFormatError(source, line, message)


def _header_line(header: _Header, line: str, number: int, source: str) -> None:
    body = line.rstrip("\r\n")[1:]
    key, colon, value = body.partition(":")
    if not colon:
        return  # a comment
    key = key.strip().lower()
    if key == "separator":
        name = value.strip().lower()
        if name in SEPARATORS:
            header.separator = SEPARATORS[name]
        elif value == '"':
            raise _fail(source, number, _("the separator cannot be '\"', which quotes fields"))
        elif len(value) == 1:
            header.separator = value
        else:
            names = ", ".join(SEPARATORS)
            raise _fail(
                source,
                number,
                _("unknown separator {separator} (one of {names}, or one character)").format(
                    separator=repr(value), names=names
                ),
            )
    elif key == "html":
        flag = value.strip().lower()
        if flag not in ("true", "false"):
            raise _fail(
                source,
                number,
                _("'#html:' must be true or false, not {value}").format(value=repr(value.strip())),
            )
        header.html = flag == "true"
    elif key == "columns":
        header.columns = value
        header.columns_line = number
    elif key == "tags":
        header.tags = tuple(value.split())
    elif key == "deck":
        header.deck = value.strip()
    elif key == "notetype":
        header.notetype = value.strip()
    elif key in _COLUMN_KEYS:
        raw = value.strip()
        if not raw.isdecimal() or int(raw) < 1:
            raise _fail(
                source,
                number,
                _("'#{key}:' needs a column number (1, 2, ...), not {value}").format(
                    key=key, value=repr(raw)
                ),
            )
        header.meta[_COLUMN_KEYS[key]] = int(raw) - 1
    else:
        return  # an Anki header this reader has no use for
    header.seen = True


def _guess_separator(line: str) -> str | None:
    """The separator of a card line: a tab if there is one, else the first of ``;|,``."""
    if "\t" in line:
        return "\t"
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in _GUESSES:
            return char
    return None


@dataclass(slots=True)
class _Layout:
    """Which column holds what (0-based); ``rest`` joins extra columns into the back."""

    front: int
    back: int
    tags: int | None
    deck: int | None
    notetype: int | None
    rest: bool


def _layout(header: _Header, separator: str, source: str) -> _Layout:
    meta = dict(header.meta)
    front = back = None
    if header.columns is not None:
        try:
            names = next(csv.reader([header.columns], delimiter=separator), [])
        except csv.Error:
            raise _fail(
                source, header.columns_line, _("cannot read the '#columns:' line")
            ) from None
        lowered = [name.strip().lower() for name in names]
        for role, aliases in (
            ("tags", ("tags",)),
            ("deck", ("deck",)),
            ("notetype", ("notetype", "note type")),
            ("guid", ("guid",)),
        ):
            for alias in aliases:
                if role not in meta and alias in lowered:
                    meta[role] = lowered.index(alias)
        if "front" in lowered:
            front = lowered.index("front")
        if "back" in lowered:
            back = lowered.index("back")
    taken = set(meta.values())
    free = (index for index in itertools.count() if index not in taken)
    if front is None:
        front = next(index for index in free if index != back)
    if back is None:
        back = next(index for index in free if index != front)
    return _Layout(
        front=front,
        back=back,
        tags=meta.get("tags"),
        deck=meta.get("deck"),
        notetype=meta.get("notetype"),
        rest=not header.seen and separator != "\t" and (front, back) == (0, 1),
    )


def _field(text: str, html: bool | None) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "[sound:" in text:
        text = _MEDIA.sub("", text)
    if html or (html is None and looks_like_html(text)):
        return strip_html(text)
    return text.strip()


def answer_side(back: str) -> str:
    """The answer alone from a card's rendered back (an Anki *cards* export): what follows
    the last ``<hr id=answer>``, which ends the front that ``{{FrontSide}}`` repeats there.
    A back without that rule is returned as it is."""
    if "<" not in back:
        return back
    end = None
    for rule in _ANSWER_RULE.finditer(back):
        end = rule.end()
    return back if end is None else back[end:]


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _card(
    row: list[str], layout: _Layout, header: _Header, separator: str, source: str, line: int
) -> Question | Skipped:
    if max(layout.front, layout.back) >= len(row):
        name = _SEPARATOR_NAMES.get(separator, repr(separator))
        raise _fail(
            source,
            line,
            ngettext(
                "expected a front and a back separated by {separator} but found {count} field(s)",
                "expected a front and a back separated by {separator} but found {count} field(s)",
                len(row),
            ).format(separator=name, count=len(row)),
        )
    notetype = _cell(row, layout.notetype) or header.notetype
    raw_front = row[layout.front]
    raw_back = separator.join(row[layout.back :]) if layout.rest else row[layout.back]
    if "cloze" in notetype.lower() or _CLOZE in raw_front:
        return Skipped(line, _("cloze note skipped"))
    raw_back = answer_side(raw_back)
    image = _front_image(raw_front, source, line) if "<img" in raw_front.lower() else None
    front = _field(raw_front, header.html)
    if image is not None and not front:
        front = image.alt or PICTURE_ONLY
    back = _field(raw_back, header.html)
    if not front:
        return Skipped(line, _("card with no text on the front (images or sounds only?) skipped"))
    if not back:
        return Skipped(line, _("card with no text on the back skipped"))
    deck = _cell(row, layout.deck).strip() or header.deck
    tags = header.tags + tuple(_cell(row, layout.tags).split())
    question = Question(
        kind=QuestionKind.FLASHCARD,
        prompt=front,
        back=back,
        topic=deck.split("::")[-1].strip(),
        tags=tuple(dict.fromkeys(tags)),
        image=image,
        line=line,
    )
    return checked(question, source, line)


def _front_image(raw_front: str, source: str, line: int) -> Image | None:
    """The first ``<img>`` on a card's front: a web address, or a file found beside the
    export or in a ``collection.media`` folder there (an export carries no media, so a
    picture not found is left out). A file found that is not a picture is an error."""
    found = html_image(raw_front)
    if found is None:
        return None
    location, alt = found
    if is_web_address(location):
        return image_from_location(location, alt=alt, source=source, line=line)
    folder = Path(source).parent
    for media in MEDIA_FOLDERS:
        if (folder / media / location).is_file():
            return image_from_location(
                location, alt=alt, base_dir=folder / media, source=source, line=line
            )
    return None


def parse(stream: TextIO, source: str) -> Iterator[Question | Skipped]:
    """Read an Anki or Quizlet text export card by card."""
    lines = raw_lines(stream, source)
    header = _Header()
    first: str | None = None
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            _header_line(header, line, number, source)
        elif number == 1 and line.startswith("tags:"):  # Anki's old tags header
            header.tags = tuple(line[len("tags:") :].split())
        elif not line.strip():
            pass  # blank lines before the first card
        else:
            first = line
            header.lines = number - 1
            break
    if first is None:
        return
    separator = header.separator or _guess_separator(first)
    if separator is None:
        raise _fail(
            source,
            header.lines + 1,
            _(
                "cannot find the separator between front and back (a tab, ';', '|' or ','); "
                "add a '#separator:tab' line at the top"
            ),
        )
    layout = _layout(header, separator, source)
    reader = csv.reader(itertools.chain([first], lines), delimiter=separator)
    read = 0
    with ErrorList(source) as errors:  # every bad card reported at the end
        try:
            for row in reader:
                start = header.lines + read + 1
                read = reader.line_num
                if not any(cell.strip() for cell in row):
                    continue
                try:
                    card = _card(row, layout, header, separator, source, start)
                except BankFormatError as error:
                    errors.add(error)
                    continue
                yield card
        except csv.Error as exc:
            raise _fail(
                source,
                header.lines + read + 1,
                _("cannot read the card that starts here: {problem}").format(problem=exc),
            ) from None
