"""``quizbot questions``: find questions across banks."""

from __future__ import annotations

import click

from cli.common import CliState, emit_json, in_session, pass_state, print_table
from cli.options import BANK_NAME


@click.group()
def questions() -> None:
    """Look through the questions of the banks.

    \b
    Example:
      quizbot questions search "customer retention"
    """


@questions.command()
@click.argument("text")
@click.option("--bank", type=BANK_NAME, help="Only this bank.")
@click.option("--limit", default=20, show_default=True, help="How many to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def search(state: CliState, text: str, bank: str | None, limit: int, as_json: bool) -> None:
    """Find questions (or flashcards) whose text contains TEXT, ignoring case.

    \b
    Examples:
      quizbot questions search loyalty
      quizbot questions search "scope creep" --bank crm-podcast --json
    """
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
        click.echo(f"no question contains {text!r}")
        return
    print_table(
        f"Questions containing {text!r}",
        ["bank", "id", "kind", "question"],
        [(name, qid, q.kind.value, q.prompt) for name, qid, q in found],
    )
