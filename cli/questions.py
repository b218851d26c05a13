"""``quizbot questions``: find questions across banks."""

from __future__ import annotations

import click

from bot.i18n import _, pgettext
from cli.common import CliState, emit_json, in_session, pass_state, print_table
from cli.help import with_examples
from cli.options import BANK_NAME


@click.group(
    help=with_examples(
        _("Look through the questions of the banks."),
        'quizbot questions search "customer retention"',
    )
)
def questions() -> None:
    """Questions across banks."""


@questions.command(
    help=with_examples(
        _("Find questions (or flashcards) whose text contains TEXT, ignoring case."),
        "quizbot questions search loyalty",
        'quizbot questions search "scope creep" --bank crm-podcast --json',
    )
)
@click.argument("text")
@click.option("--bank", type=BANK_NAME, help=_("Only this bank."))
@click.option("--limit", default=20, show_default=True, help=_("How many to show."))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def search(state: CliState, text: str, bank: str | None, limit: int, as_json: bool) -> None:
    """Find questions by their text."""
    from bot.services.banks import search_questions

    found = in_session(state, search_questions, text, bank, limit)
    if as_json:
        emit_json(
            [
                {
                    "bank": name,
                    "id": qid,
                    "kind": q.kind.value,
                    "question": q.prompt,
                    "answer": q.correct_option or " / ".join(q.accepted) or q.back,
                    "topic": q.topic,
                }
                for name, qid, q in found
            ]
        )
        return
    if not found:
        click.echo(_("no question contains {text}").format(text=repr(text)))
        return
    print_table(
        _("Questions containing {text}").format(text=repr(text)),
        [
            pgettext("table heading", "bank"),
            pgettext("table heading", "id"),
            pgettext("table heading", "kind"),
            pgettext("table heading", "question"),
        ],
        [(name, qid, q.kind.value, q.prompt) for name, qid, q in found],
    )
