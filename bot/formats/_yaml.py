"""Reading YAML into nodes (which keep line numbers) with every failure as a BankFormatError.

An alias (``*name``) stands for its anchor's whole value, so a small file can name a long
text many times over; the text aliases repeat is counted and bounded
(:data:`MAX_ALIAS_TEXT`), so that a bank's size in the database stays in proportion to its
file's.
"""

from __future__ import annotations

from typing import TextIO

import yaml

from bot.errors import BankFormatError
from bot.i18n import _
from bot.i18n import formatting as fmt

#: The most characters of text the aliases of one YAML file may repeat, in all.
MAX_ALIAS_TEXT = 1_000_000


class _RepeatedTooMuch(Exception):
    """The aliases up to ``line`` repeat more than :data:`MAX_ALIAS_TEXT` characters."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, counting the text each alias repeats."""

    def __init__(self, stream: str | TextIO) -> None:
        super().__init__(stream)
        self.repeated = 0
        self.sizes: dict[int, int] = {}  # id(node) -> the characters of text in it

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            anchored = self.anchors.get(event.anchor)
            if anchored is not None:
                self.repeated += self._text_size(anchored)
                if self.repeated > MAX_ALIAS_TEXT:
                    raise _RepeatedTooMuch(event.start_mark.line + 1)
        return super().compose_node(parent, index)

    def _text_size(self, node: yaml.Node) -> int:
        """The characters of text in ``node``, aliases within it counted each time."""
        known = self.sizes.get(id(node))
        if known is not None:
            return known
        self.sizes[id(node)] = 0  # a node within itself (a recursive alias) adds nothing
        if isinstance(node, yaml.ScalarNode):
            size = len(node.value)
        elif isinstance(node, yaml.SequenceNode):
            size = sum(map(self._text_size, node.value))
        else:
            size = sum(self._text_size(k) + self._text_size(v) for k, v in node.value)
        self.sizes[id(node)] = size
        return size


def compose(document: str | TextIO, source: str) -> yaml.Node | None:
    """The YAML node tree of a document; None for an empty one."""
    try:
        return yaml.compose(document, Loader=_Loader)
    except _RepeatedTooMuch as exc:
        raise BankFormatError(
            source,
            exc.line,
            _(
                "aliases (*name) repeat more than {limit} characters of text in this file; "
                "write long texts out instead of repeating them"
            ).format(limit=fmt.number(MAX_ALIAS_TEXT)),
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise BankFormatError(
            source, line, _("not valid YAML: {problem}").format(problem=exc.problem or exc)
        ) from None
    except yaml.YAMLError as exc:
        raise BankFormatError(
            source, None, _("not valid YAML: {problem}").format(problem=exc)
        ) from None
    except UnicodeDecodeError:
        raise BankFormatError(source, None, _("the file is not UTF-8 text")) from None
    except RecursionError:
        raise BankFormatError(source, None, _("the YAML is nested too deeply")) from None
