"""Anki card templates rendered the simplest correct way: the two sides of one card, as HTML.

An Anki note type has fields and card templates. A standard note type makes one card per
template (a card's ``ord`` picks it: Basic has one, Basic-and-reversed two); a cloze note
type has one template and makes one card per cloze number (card ``ord`` n asks cloze n+1).
This renders what the package's :mod:`bot.formats.apkg` reader needs:

- ``{{Field}}``, and ``{{filter:Field}}`` (``text:``, ``hint:``, ``furigana:``... show the
  field; ``type:`` shows nothing on the front and the field on the back; ``tts`` nothing);
- sections ``{{#Field}}...{{/Field}}`` (shown when the field has content) and
  ``{{^Field}}...{{/Field}}`` (when it has none);
- the special fields ``Tags``, ``Type``, ``Deck``, ``Subdeck``, ``Card``; ``{{FrontSide}}``
  is left out of the back, and the back is what follows ``<hr id=answer>`` when the template
  has one, so the back does not repeat the front;
- ``{{cloze:Field}}``: ``{{c1::answer::hint}}`` is ``[...]`` (or ``[hint]``) on the front of
  card 1 and ``answer`` elsewhere; nested clozes are read from the inside out.

Anything else in ``{{...}}`` names a field; a field the note does not have renders empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

_TAG = re.compile(r"\{\{(.+?)\}\}", re.DOTALL)
#: A cloze with no cloze inside it: ``{{c2::text}}`` or ``{{c2::text::hint}}``.
_CLOZE = re.compile(r"\{\{c(\d+)::((?:(?!\{\{c\d+::).)*?)\}\}", re.DOTALL | re.IGNORECASE)
_ANSWER_RULE = re.compile(r"<hr[^>]*\bid\s*=\s*[\"']?answer\b[^>]*>", re.IGNORECASE)
_TAGS_BUT_IMG = re.compile(r"<(?!img\b)[^>]*>", re.IGNORECASE)
_EMPTYISH = re.compile(r"(&nbsp;|\s|\u200b)+")
#: How many layers of nested clozes are read (Anki's own editor rarely makes more than 2).
_MAX_NESTING = 20


@dataclass(frozen=True, slots=True)
class _Ref:
    """``{{filters:Name}}``: a field (or special field) shown through filters."""

    name: str
    filters: tuple[str, ...]


@dataclass(slots=True)
class _Section:
    """``{{#Name}}...{{/Name}}`` (or ``{{^Name}}``, ``negated``)."""

    name: str
    negated: bool
    children: list[str | _Ref | _Section] = field(default_factory=list)


Node = str | _Ref | _Section


@lru_cache(maxsize=256)
def _parse(template: str) -> tuple[Node, ...]:
    """A template as text, field references and sections; unclosed sections end with it,
    a stray closing tag is ignored (Anki would show an error; this shows what it can)."""
    root: list[Node] = []
    stack: list[tuple[str, list[Node]]] = [("", root)]
    position = 0
    for match in _TAG.finditer(template):
        stack[-1][1].append(template[position : match.start()])
        position = match.end()
        inner = match.group(1).strip()
        if inner[:1] in ("#", "^"):
            section = _Section(inner[1:].strip(), inner[0] == "^")
            stack[-1][1].append(section)
            stack.append((section.name, section.children))
        elif inner[:1] == "/":
            name = inner[1:].strip()
            if len(stack) > 1 and any(open_name == name for open_name, _ in stack[1:]):
                while stack[-1][0] != name:
                    stack.pop()
                stack.pop()
        else:
            *filters, name = inner.split(":")
            stack[-1][1].append(_Ref(name.strip(), tuple(f.strip().lower() for f in filters)))
    stack[-1][1].append(template[position:])
    return tuple(root)


def is_empty(html: str) -> bool:
    """Whether a field shows nothing (Anki's test for sections and empty cards): only
    whitespace, ``&nbsp;`` and tags other than pictures."""
    return not _EMPTYISH.sub("", _TAGS_BUT_IMG.sub("", html))


@dataclass(slots=True)
class Card:
    """What a card shows; ``asked`` says whether a cloze card found its cloze number."""

    front: str
    back: str
    asked: bool = True


@dataclass(slots=True)
class _Context:
    fields: dict[str, str]
    special: dict[str, str]
    cloze: int | None  # the cloze number this card asks, for a cloze note type
    answer_side: bool
    asked: bool = False

    def value(self, name: str) -> str | None:
        if name in self.fields:
            return self.fields[name]
        if name in self.special:
            return self.special[name]
        folded = name.casefold()
        for key, value in self.fields.items():
            if key.casefold() == folded:
                return value
        return None


def _clozes(text: str, context: _Context) -> str:
    """The clozes of ``text`` for this card and side, innermost first."""
    for _ in range(_MAX_NESTING):
        changed = False

        def replace(match: re.Match[str]) -> str:
            nonlocal changed
            changed = True
            answer, _sep, hint = match.group(2).partition("::")
            if int(match.group(1)) != context.cloze:
                return answer
            context.asked = True
            if context.answer_side:
                return answer
            return f"[{hint.strip()}]" if hint.strip() else "[...]"

        text = _CLOZE.sub(replace, text)
        if not changed:
            break
    return text


def _cloze_answers(text: str, context: _Context) -> str:
    """The answers of this card's clozes, for ``{{type:cloze:Field}}`` on the back."""
    found = [
        match.group(2).partition("::")[0]
        for match in _CLOZE.finditer(text)
        if int(match.group(1)) == context.cloze
    ]
    return ", ".join(found)


def _ref(ref: _Ref, context: _Context) -> str:
    if any(f.startswith("tts") for f in ref.filters):
        return ""  # text to speech
    value = context.value(ref.name)
    if value is None:
        return ""
    if "type" in ref.filters:
        if not context.answer_side:
            return ""  # the box the player types into
        if "cloze" in ref.filters:
            return _cloze_answers(value, context)
        return value
    if "cloze" in ref.filters:
        return _clozes(value, context)
    return value


def _render(nodes: tuple[Node, ...] | list[Node], context: _Context) -> str:
    parts: list[str] = []
    for node in nodes:
        if isinstance(node, str):
            parts.append(node)
        elif isinstance(node, _Ref):
            parts.append(_ref(node, context))
        else:
            value = context.value(node.name)
            shown = value is not None and not is_empty(value)
            if shown != node.negated:
                parts.append(_render(node.children, context))
    return "".join(parts)


def render_card(
    question_format: str,
    answer_format: str,
    fields: dict[str, str],
    *,
    cloze: int | None = None,
    tags: str = "",
    note_type: str = "",
    deck: str = "",
    template_name: str = "",
) -> Card:
    """The front and back HTML of one card of a note.

    ``cloze`` is the number the card asks (for a cloze note type), ``deck`` the full deck
    name (``Parent::Child``). The back is the answer template without ``{{FrontSide}}``,
    cut after ``<hr id=answer>`` when it has one.
    """
    special = {
        "Tags": tags.strip(),
        "Type": note_type,
        "Deck": deck,
        "Subdeck": deck.rsplit("::", 1)[-1],
        "Card": template_name,
        "CardFlag": "",
        "FrontSide": "",
    }
    front_context = _Context(fields, special, cloze, answer_side=False)
    front = _render(_parse(question_format), front_context)
    back_context = _Context(fields, special, cloze, answer_side=True)
    back = _render(_parse(answer_format), back_context)
    rule = _ANSWER_RULE.search(back)
    if rule is not None:
        back = back[rule.end() :]
    asked = cloze is None or front_context.asked
    return Card(front=front, back=back, asked=asked)
