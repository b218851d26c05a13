"""Help texts in the reader's language: a command's help with its examples, and the help of
the top-level command, which is imported before the terminal's language is known.

Subcommand modules are imported after :class:`cli.failures.QuizbotGroup` has set the
terminal's language, so they translate their help where they declare it
(``help=_("...")``); example command lines stay as they are typed (:func:`with_examples`).
The ``quizbot`` group itself marks its texts with ``N_`` and translates them as help is
written (:class:`TranslatedOption`).
"""

from __future__ import annotations

import click

from bot.i18n import _, ngettext


def examples(*lines: str) -> str:
    """An ``Examples:`` block (``Example:`` for one), each command line as typed; ``\\b``
    keeps click from rewrapping it."""
    heading = ngettext("Example:", "Examples:", len(lines))
    return "\b\n" + heading + "\n" + "\n".join(f"  {line}" for line in lines)


def with_examples(text: str, *lines: str) -> str:
    """A command's help: its (translated) ``text``, then its example command lines."""
    return f"{text}\n\n{examples(*lines)}"


class TranslatedOption(click.Option):
    """An option of the top-level group: its help, marked with ``N_``, translated when the
    help is written (the group is declared before the terminal's language is set)."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        marked = self.help
        if marked:
            self.help = _(marked)
        try:
            return super().get_help_record(ctx)
        finally:
            self.help = marked
