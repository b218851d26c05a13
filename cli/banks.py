"""``quizbot banks``: list and inspect the question banks in the database."""

from __future__ import annotations

import click

from bot.i18n import _, ngettext, pgettext
from cli.common import (
    CliState,
    emit_json,
    in_session,
    pass_state,
    print_table,
    shown,
    with_app,
)
from cli.help import with_examples
from cli.options import BANK_NAME, LANGUAGE_TAG


@click.group(
    help=with_examples(
        _("List, show and remove question banks."),
        "quizbot banks list",
        "quizbot banks show crm-podcast",
    )
)
def banks() -> None:
    """The question banks in the database."""


@banks.command("list", help=_("List every bank with its number of questions and flashcards."))
@click.option(
    "--language",
    type=LANGUAGE_TAG,
    help=_("Only the banks whose questions are in this language (es also lists es-mx)."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def list_banks(state: CliState, as_json: bool, language: str | None = None) -> None:
    """List every bank."""

    summaries = with_app(state, lambda app: app.list_banks(language=language))
    if as_json:
        emit_json(
            [
                {
                    "name": s.name,
                    "title": s.title,
                    "questions": s.questions,
                    "flashcards": s.flashcards,
                    "topics": list(s.topics),
                    "language": s.language,
                }
                for s in summaries
            ]
        )
        return
    print_table(
        _("Banks"),
        [
            pgettext("table heading", "name"),
            pgettext("table heading", "title"),
            pgettext("table heading", "language"),
            pgettext("table heading", "questions"),
            pgettext("table heading", "flashcards"),
        ],
        [(s.name, s.title, s.language, s.questions, s.flashcards) for s in summaries],
    )


@banks.command(
    "show",
    help=with_examples(
        _("Show a bank: its description, topics and first questions."),
        "quizbot banks show crm-podcast --limit 5",
    ),
)
@click.argument("name", type=BANK_NAME)
@click.option("--limit", default=20, show_default=True, help=_("How many questions to list."))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def show_bank(state: CliState, name: str, limit: int, as_json: bool) -> None:
    """Show a bank."""
    from bot.services.banks import bank_contents

    info, questions = in_session(state, bank_contents, name)
    topics = sorted({q.topic for q in questions if q.topic})
    if as_json:
        emit_json(
            {
                "name": info.name,
                "title": info.title,
                "description": info.description,
                "source": info.source,
                "questions": len(questions),
                "topics": topics,
                "first": [{"kind": q.kind.value, "question": q.prompt} for q in questions[:limit]],
            }
        )
        return
    click.echo(shown(f"{info.name}: {info.title}"))
    if info.description:
        click.echo(shown(info.description))
    if info.source:
        click.echo(shown(_("Source: {source}").format(source=info.source)))
    if topics:
        summary = ngettext(
            "{count} question; topics: {topics}",
            "{count} questions; topics: {topics}",
            len(questions),
        ).format(count=len(questions), topics=", ".join(topics))
    else:
        summary = ngettext(
            "{count} question; topics: none", "{count} questions; topics: none", len(questions)
        ).format(count=len(questions))
    click.echo(shown(summary))
    print_table(
        None,
        [
            "#",
            pgettext("table heading", "kind"),
            pgettext("table heading", "question"),
        ],
        [(i, q.kind.value, q.prompt) for i, q in enumerate(questions[:limit], start=1)],
    )


@banks.command(
    "remove",
    help=with_examples(
        _(
            "Delete a bank with its questions, past quizzes and the points scored on it, and "
            "the pictures no other bank's questions show."
        ),
        "quizbot banks remove old-bank --yes",
    ),
)
@click.argument("name", type=BANK_NAME)
@click.option("--yes", is_flag=True, help=_("Do not ask for confirmation."))
@pass_state
def remove_bank_command(state: CliState, name: str, yes: bool) -> None:
    """Delete a bank."""
    from bot.services.banks import remove_bank

    if not yes:
        click.confirm(
            _("Delete the bank {name}, its questions, its past quizzes and their points?").format(
                name=repr(name)
            ),
            abort=True,
        )

    removed = in_session(state, remove_bank, name, write=True)
    click.echo(
        ngettext(
            "removed the bank {name} ({count} question)",
            "removed the bank {name} ({count} questions)",
            removed,
        ).format(name=repr(name), count=removed)
    )
