"""``quizbot banks``: list and inspect the question banks in the database."""

from __future__ import annotations

import click

from cli.common import (
    CliState,
    emit_json,
    in_session,
    pass_state,
    print_table,
    shown,
    with_app,
)
from cli.options import BANK_NAME, LANGUAGE_TAG


@click.group()
def banks() -> None:
    """List, show and remove question banks.

    \b
    Examples:
      quizbot banks list
      quizbot banks show crm-podcast
    """


@banks.command("list")
@click.option(
    "--language",
    type=LANGUAGE_TAG,
    help="Only the banks whose questions are in this language (es also lists es-mx).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def list_banks(state: CliState, as_json: bool, language: str | None = None) -> None:
    """List every bank with its number of questions and flashcards."""

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
        "Banks",
        ["name", "title", "language", "questions", "flashcards"],
        [(s.name, s.title, s.language, s.questions, s.flashcards) for s in summaries],
    )


@banks.command("show")
@click.argument("name", type=BANK_NAME)
@click.option("--limit", default=20, show_default=True, help="How many questions to list.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def show_bank(state: CliState, name: str, limit: int, as_json: bool) -> None:
    """Show a bank: its description, topics and first questions.

    \b
    Example:
      quizbot banks show crm-podcast --limit 5
    """
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
        click.echo(shown(f"Source: {info.source}"))
    click.echo(shown(f"{len(questions)} questions; topics: {', '.join(topics) or 'none'}"))
    print_table(
        None,
        ["#", "kind", "question"],
        [(i, q.kind.value, q.prompt) for i, q in enumerate(questions[:limit], start=1)],
    )


@banks.command("remove")
@click.argument("name", type=BANK_NAME)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_state
def remove_bank_command(state: CliState, name: str, yes: bool) -> None:
    """Delete a bank with its questions, past quizzes and the points scored on it, and the
    pictures no other bank's questions show.

    \b
    Example:
      quizbot banks remove old-bank --yes
    """
    from bot.services.banks import remove_bank

    if not yes:
        click.confirm(
            f"Delete the bank {name!r}, its questions, its past quizzes and their points?",
            abort=True,
        )

    removed = in_session(state, remove_bank, name, write=True)
    click.echo(f"removed the bank {name!r} ({removed} questions)")
