"""Rich HTML from bank files (Moodle XML, LMS exports) as safe plain text, with its pictures.

Unlike :func:`bot.formats._text.strip_html` (one-line Anki fields and GIFT ``[html]``), this
keeps the shape a reader sees: paragraphs and ``<br>`` as line breaks, list items as
``- item`` or ``1. item``, table cells separated. Entities are decoded; scripts, styles and
comments are dropped (their text is never shown); whatever text results is plain characters,
so a ``&lt;script&gt;`` written in a question stays the visible text ``<script>``.
Images are collected (``src`` and ``alt``) so a parser can make one the question's picture;
in the text an image is left out, or shown as ``[alt]`` when the caller asks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
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
        "dl",
        "dt",
        "dd",
        "figure",
        "figcaption",
        "hr",
        "address",
    }
)
_LIST_TAGS = frozenset({"ul", "ol"})
_HIDDEN_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
_CELL_TAGS = frozenset({"td", "th"})
_INLINE_SPACE = re.compile(r"[ \t\f\v\r\n\xa0]+")
_BLANK_RUNS = re.compile(r"\n{3,}")
_SPACE_RUNS = re.compile(r" {2,}")
_LIST_ITEM = re.compile(r"(-|\d+\.) ")
_PRE_BREAK = "\x00"  # a line break inside <pre>, kept apart from the layout's own breaks


@dataclass(frozen=True, slots=True)
class HtmlImage:
    """An ``<img>`` found in the HTML: its address as written and its alt text."""

    src: str
    alt: str


@dataclass(slots=True)
class HtmlText:
    """The text of some HTML and the images in it, in order."""

    text: str
    images: list[HtmlImage] = field(default_factory=list)


class _Converter(HTMLParser):
    def __init__(self, image_marks: bool, unmarked: str) -> None:
        super().__init__(convert_charrefs=True)
        self.image_marks = image_marks
        self.unmarked = unmarked
        self.parts: list[str] = []
        self.images: list[HtmlImage] = []
        self.hidden = 0
        self.pre = 0
        self.lists: list[list[int]] = []  # per open list: [next number] (ol) or [] (ul)
        self.cell = False

    def _break(self) -> None:
        """A block's edge: one line break, however many blocks meet here."""
        while self.parts and self.parts[-1] != "\n" and not self.parts[-1].strip(" "):
            self.parts.pop()  # spaces between blocks show nothing
        if self.parts and self.parts[-1] != "\n":
            self.parts.append("\n")

    def _line_break(self) -> None:
        """``<br>``: always a line break of its own."""
        self.parts.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden += 1
            return
        if self.hidden:
            return
        if tag == "br":
            self._line_break()
        elif tag == "img":
            values = {name: value or "" for name, value in attrs}
            image = HtmlImage(
                values.get("src", "").strip(), " ".join(values.get("alt", "").split())
            )
            self.images.append(image)
            if self.image_marks and image.alt and image.src != self.unmarked:
                self.parts.append(f"[{image.alt}]")
        elif tag in _LIST_TAGS:
            self._break()
            self.lists.append([1] if tag == "ol" else [])
        elif tag == "li":
            self._break()
            numbering = self.lists[-1] if self.lists else []
            indent = "  " * max(0, len(self.lists) - 1)
            if numbering:
                self.parts.append(f"{indent}{numbering[0]}. ")
                numbering[0] += 1
            else:
                self.parts.append(f"{indent}- ")
        elif tag in _CELL_TAGS:
            if self.cell:
                self.parts.append(" | ")
            self.cell = True
        elif tag in _BLOCK_TAGS:
            if tag == "tr":
                self.cell = False
            if tag == "pre":
                self.pre += 1
            self._break()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self.hidden = max(0, self.hidden - 1)
            return
        if self.hidden:
            return
        if tag in _LIST_TAGS:
            if self.lists:
                self.lists.pop()
            self._break()
        elif tag == "li":
            self._break()
        elif tag in _BLOCK_TAGS:
            if tag == "pre":
                self.pre = max(0, self.pre - 1)
            if tag in ("tr", "table"):
                self.cell = False
            self._break()

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.pre:  # kept as written, its line breaks protected from the squeezing below
            self.parts.append(data.replace("\r\n", "\n").replace("\n", _PRE_BREAK))
        else:
            self.parts.append(_INLINE_SPACE.sub(" ", data))


def html_to_text(markup: str, *, image_marks: bool = False, unmarked: str = "") -> HtmlText:
    """``markup`` as plain text (see the module's description) and the images in it.

    With ``image_marks`` an image with alt text is shown as ``[alt]`` where it stood, except
    one whose ``src`` is ``unmarked`` (the picture shown beside the text).
    """
    if "<" not in markup and "&" not in markup:  # no tags, no entities: spacing alone
        return HtmlText(_INLINE_SPACE.sub(" ", markup).strip(" "), [])
    converter = _Converter(image_marks, unmarked)
    converter.feed(markup)
    converter.close()
    lines = [_tidy_line(line) for line in "".join(converter.parts).split("\n")]
    text = _BLANK_RUNS.sub("\n\n", "\n".join(lines)).strip("\n")
    return HtmlText(text.replace(_PRE_BREAK, "\n"), converter.images)


def _tidy_line(line: str) -> str:
    """One line with runs of spaces squeezed and its ends trimmed; a nested list item keeps
    its indent, preformatted text its spaces."""
    if _PRE_BREAK in line:
        return line.rstrip(" ")
    body = _SPACE_RUNS.sub(" ", line.strip(" "))
    if not body:
        return ""
    indent = len(line) - len(line.lstrip(" "))
    if indent and _LIST_ITEM.match(body):
        return " " * indent + body
    return body
