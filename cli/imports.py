"""``quizbot import``, ``validate`` and ``export``: bank files in and out.

Import reads every file in one transaction: any error leaves the database as it was.
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.common import CliState, emit_json, in_session, pass_state, with_app
from cli.options import BANK_NAME

if TYPE_CHECKING:
    from bot.services import QuizApp

FORMAT_NAMES = ["native", "csv", "gift", "aiken", "anki", "redtrivia", "opentdb"]
#: Files at least this big get a progress display on a terminal.
PROGRESS_MIN_BYTES = 512 * 1024

files_argument = click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
format_option = click.option(
    "--format",
    "format_name",
    type=click.Choice(FORMAT_NAMES),
    help="The files' format (default: detected from the extension and content).",
)


class Progress:
    """A live count of questions read, on stderr, for big files on a terminal."""

    def __init__(self, path: Path) -> None:
        self.enabled = sys.stderr.isatty() and path.stat().st_size >= PROGRESS_MIN_BYTES
        self.path = path
        self.done = 0
        self._progress = None
        self._task = None

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.console import Console
            from rich.progress import Progress as RichProgress
            from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

            self._progress = RichProgress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=Console(stderr=True),
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(f"{self.path.name}: 0 questions")
        return self

    def __call__(self, count: int) -> None:
        self.done += count
        if self._progress is not None:
            self._progress.update(
                self._task, description=f"{self.path.name}: {self.done:,} questions"
            )

    def __exit__(self, *_exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


@click.command("import")
@files_argument
@click.option("--bank", type=BANK_NAME, help="Import into this bank (default: named by the file).")
@format_option
@click.option("--dry-run", is_flag=True, help="Read and check everything, write nothing.")
@click.option("--replace", is_flag=True, help="Retire the bank's questions not in the files.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_state
def import_command(
    state: CliState,
    files: tuple[Path, ...],
    bank: str | None,
    format_name: str | None,
    dry_run: bool,
    replace: bool,
    as_json: bool,
) -> None:
    """Import question banks from files (all or nothing).

    Formats: quizbot YAML/JSON, CSV/TSV, Moodle GIFT, Aiken, Anki/Quizlet text,
    Red-DiscordBot trivia lists, Open Trivia DB JSON (see docs/FORMATS.md).
    Importing the same file again changes nothing.

    \b
    Examples:
      quizbot import biology.gift --bank biology
      quizbot import export.txt --format anki --dry-run
      quizbot import questions/*.yaml --replace
    """
    from bot.formats import parse_path
    from bot.services.importer import BankImporter, ImportSummary

    class DryRun(Exception):
        pass

    async def import_all(app: QuizApp) -> list[ImportSummary]:
        summaries = []
        with contextlib.suppress(DryRun):
            async with app.db.transaction() as session:  # all files or nothing
                for path in files:
                    with Progress(path) as progress:
                        importer = BankImporter(
                            session, app.clock, bank_name=bank, replace=replace, progress=progress
                        )
                        summaries.append(
                            await importer.run(parse_path(path, format_name), str(path))
                        )
                if dry_run:
                    raise DryRun  # rolls the transaction back
        return summaries

    summaries = with_app(state, import_all)
    if as_json:
        emit_json(
            [
                {
                    "file": s.source,
                    "bank": s.bank,
                    "new": s.new,
                    "updated": s.updated,
                    "unchanged": s.unchanged,
                    "skipped": s.skipped,
                    "removed": s.removed,
                    "warnings": s.warnings,
                    "dry_run": dry_run,
                }
                for s in summaries
            ]
        )
        return
    for summary in summaries:
        for warning in summary.warnings:
            click.echo(f"warning: {warning}", err=True)
        click.echo(f"{summary.source} -> {summary.bank}: {summary.describe()}")
    if dry_run:
        click.echo("dry run: nothing was written")


@click.command()
@files_argument
@format_option
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def validate(files: tuple[Path, ...], format_name: str | None, as_json: bool) -> None:
    """Check bank files with the same parsers and rules as import; writes nothing.

    Exits with 1 at the first file that has an error, naming file:line. Questions longer
    than a chat platform shows whole are warnings, each at its file:line (the platform
    cuts them); `quizbot lint` checks much more.

    \b
    Examples:
      quizbot validate questions/crm-podcast.yaml
      quizbot validate *.gift --format gift
    """
    from adapters.kit.limits import LIMITS
    from bot.errors import QuizbotError
    from bot.formats import parse_path
    from bot.quality.question_rules import too_long
    from bot.services.importer import CheckedItems

    results = []
    for path in files:
        checked = CheckedItems(parse_path(path, format_name), str(path))
        too_big: list[str] = []
        try:
            count = 0
            for question in checked:
                count += 1
                where = f"{path}:{question.line}" if question.line else str(path)
                too_big += [f"{where}: {message}" for message in too_long(question, LIMITS)]
        except QuizbotError as exc:
            click.echo(f"quizbot: error: {exc}", err=True)
            sys.exit(1)
        warnings = checked.warnings() + too_big
        results.append(
            {
                "file": str(path),
                "questions": count,
                "skipped": len(checked.skipped),
                "warnings": warnings,
            }
        )
        if not as_json:
            for warning in warnings:
                click.echo(f"warning: {warning}", err=True)
            extra = f", {len(checked.skipped)} skipped" if checked.skipped else ""
            click.echo(f"{path}: ok, {count} questions{extra}")
    if as_json:
        emit_json(results)


@click.command()
@click.argument("bank", type=BANK_NAME)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["yaml", "gift", "csv"]),
    default="yaml",
    show_default=True,
    help="Output format.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: standard output).",
)
@pass_state
def export(state: CliState, bank: str, format_name: str, output: Path | None) -> None:
    """Export a bank; importing the export gives the same bank back.

    GIFT cannot hold flashcards: they are left out with a warning.

    \b
    Examples:
      quizbot export crm-podcast > crm-podcast.yaml
      quizbot export crm-podcast --format gift -o crm.gift
    """
    from bot.formats.export import EXPORTERS
    from bot.services.banks import bank_contents

    info, questions = in_session(state, bank_contents, bank)
    if format_name == "gift":
        cards = sum(1 for q in questions if q.kind.value == "flashcard")
        if cards:
            click.echo(f"warning: GIFT has no flashcards: {cards} left out", err=True)
    writer = EXPORTERS[format_name]
    if output is None:
        writer(info, questions, sys.stdout)
    else:
        with output.open("w", encoding="utf-8", newline="") as stream:
            writer(info, questions, stream)
        click.echo(f"wrote {len(questions)} questions of {bank} to {output}", err=True)
