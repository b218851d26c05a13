"""``quizbot banks``: list and inspect the question banks in the database."""

from __future__ import annotations

import click

from cli.common import CliState, emit_json, open_app, pass_state, print_table, run


@click.group()
def banks() -> None:
    """List, show and remove question banks.

    \b
    Examples:
      quizbot banks list
      quizbot banks show crm-podcast
    """


@banks.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def list_banks(state: CliState, as_json: bool) -> None:
    """List every bank with its number of questions and flashcards."""

    async def go() -> None:
        app = await open_app(state)
        try:
            summaries = await app.list_banks()
        finally:
            await app.close()
        if as_json:
            emit_json(
                [
                    {
                        "name": s.name,
                        "title": s.title,
                        "questions": s.questions,
                        "flashcards": s.flashcards,
                        "topics": list(s.topics),
                    }
                    for s in summaries
                ]
            )
            return
        print_table(
            "Banks",
            ["name", "title", "questions", "flashcards"],
            [(s.name, s.title, s.questions, s.flashcards) for s in summaries],
        )

    run(go)
