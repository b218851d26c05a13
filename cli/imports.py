"""``quizbot import``, ``validate`` and ``export``: bank files in and out.

Import reads every file in one transaction: any error leaves the database as it was.
Export writes a file completely or not at all (see :mod:`cli.files`).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from cli.common import CliState, emit_json, fail, in_session, pass_state, with_app
from cli.files import check_output, describe_os_error, replace_when_done
from cli.options import BANK_NAME, LANGUAGE_TAG

if TYPE_CHECKING:
    from bot.domain import Question
    from bot.services import QuizApp

FORMAT_NAMES = [
    "native", "csv", "gift", "aiken", "anki", "redtrivia", "opentdb", "moodlexml", "apkg"
]  # fmt: skip
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
on_duplicate_option = click.option(
    "--on-duplicate",
    type=click.Choice(["error", "first", "last"]),
    default="error",
    show_default=True,
    help="A question repeated in a file with other answers or options (same kind and "
    "text): an error naming both lines, or keep the first or the last. A repeat with the "
    "same answers (word for word, or other feedback) is imported once with a warning, "
    "the first kept ('last' keeps the last).",
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help="Treat every warning (repeats, skipped questions, text cleaned up) as an error.",
)
allow_empty_option = click.option(
    "--allow-empty",
    is_flag=True,
    help="Accept a file without questions (an error otherwise; never with --replace).",
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
@click.option(
    "--language",
    type=LANGUAGE_TAG,
    help="The language the questions are written in (es, de, pt-br...; default: what the "
    "file says, for the native format's 'language:').",
)
@click.option("--dry-run", is_flag=True, help="Read and check everything, write nothing.")
@click.option("--replace", is_flag=True, help="Retire the bank's questions not in the files.")
@on_duplicate_option
@strict_option
@allow_empty_option
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_state
def import_command(
    state: CliState,
    files: tuple[Path, ...],
    bank: str | None,
    format_name: str | None,
    dry_run: bool,
    replace: bool,
    on_duplicate: str,
    strict: bool,
    allow_empty: bool,
    as_json: bool,
    language: str | None = None,
) -> None:
    """Import question banks from files (all or nothing).

    \b
    Formats (--format, usually detected; see docs/FORMATS.md):
      native     quizbot YAML or JSON (.yaml .yml .json)
      csv        spreadsheet with a header row: CSV or TSV (.csv .tsv)
      gift       Moodle GIFT (.gift .txt)
      aiken      Moodle Aiken (.txt)
      moodlexml  Moodle XML, Moodle's question bank export (.xml)
      anki       Anki or Quizlet text export (.txt .tsv .csv)
      apkg       Anki packages (.apkg/.colpkg)
      redtrivia  Red-DiscordBot trivia list (.yaml .yml)
      opentdb    Open Trivia DB API response (.json)

    Importing the same file again changes nothing.

    Every error of a file is listed (file:line each) and nothing is written. A question
    repeated with the same answers is imported once with a warning; repeated with other
    answers or options it is an error unless --on-duplicate first|last. --strict makes
    warnings errors. A file without questions is an error unless --allow-empty (and
    always with --replace).

    \b
    Examples:
      quizbot import biology.gift --bank biology
      quizbot import export.txt --format anki --dry-run
      quizbot import questions/*.yaml --replace
      quizbot import historia.gift --bank historia --language es
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
                            session,
                            app.clock,
                            bank_name=bank,
                            replace=replace,
                            progress=progress,
                            on_duplicate=on_duplicate,
                            strict=strict,
                            allow_empty=allow_empty,
                            language=language,
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
                    "repeats": s.repeats,
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
@on_duplicate_option
@strict_option
@allow_empty_option
@click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
def validate(
    files: tuple[Path, ...],
    format_name: str | None,
    on_duplicate: str,
    strict: bool,
    allow_empty: bool,
    as_json: bool,
) -> None:
    """Check bank files with the same parsers and rules as import; writes nothing.

    Exits with 1 at the first file that has an error, listing every error of that file
    (file:line each). Repeats, skipped questions and questions longer than a chat
    platform shows whole are warnings, each at its file:line; --strict makes them
    errors. `quizbot lint` checks much more.

    \b
    Examples:
      quizbot validate questions/crm-podcast.yaml
      quizbot validate *.gift --format gift
    """
    from adapters.kit.limits import LIMITS
    from bot.errors import BankFormatError, QuizbotError
    from bot.formats import parse_path
    from bot.quality.question_rules import too_long
    from bot.services.importer import CheckedItems
    from cli.failures import EXIT_FAILURE, report_error

    results = []
    for path in files:
        checked = CheckedItems(
            parse_path(path, format_name), str(path), on_duplicate=on_duplicate, strict=strict
        )
        try:
            count = 0
            for question in checked:
                count += 1
                for message in too_long(question, LIMITS):
                    checked.findings.warn(question.line, message)
            checked.raise_errors()
            if not count and not allow_empty:
                raise BankFormatError(
                    str(path), None, "no questions in this file (give --allow-empty to accept it)"
                )
        except QuizbotError as exc:
            report_error(exc, EXIT_FAILURE, as_json=as_json)
        warnings = checked.warnings()
        repeats = checked.findings.repeats
        results.append(
            {
                "file": str(path),
                "questions": count,
                "skipped": len(checked.skipped),
                "repeats": repeats,
                "warnings": warnings,
            }
        )
        if not as_json:
            for warning in warnings:
                click.echo(f"warning: {warning}", err=True)
            extra = f", {len(checked.skipped)} skipped" if checked.skipped else ""
            if repeats:
                extra += f", {repeats} repeat{'s' if repeats != 1 else ''} skipped"
            click.echo(f"{path}: ok, {count} questions{extra}")
    if as_json:
        emit_json(results)


#: Export formats that refer to stored pictures as files written beside the export.
_PICTURE_FILES = ("yaml", "gift", "csv")

#: ``quizbot export --format`` choices (the keys of bot.formats.export.EXPORTERS).
EXPORT_FORMATS = ["yaml", "gift", "csv", "moodlexml"]


def export_format(given: str | None, output: str | None) -> str:
    """The format to export in: ``--format``, else the output file's extension, else yaml.

    An extension quizbot does not know needs ``--format``; a ``--format`` that contradicts a
    known extension (``--format gift -o x.csv``) is an error, since importing that file
    back would read it in the wrong format. Both are usage errors (exit code 2).
    """
    from bot.formats.export import EXTENSIONS, format_for_extension

    if output is None:
        return given or "yaml"
    suffix = Path(output).suffix
    implied = format_for_extension(suffix)
    known = ", ".join(EXTENSIONS)
    choices = "|".join(EXPORT_FORMATS)
    if given is None:
        if implied is None:
            what = f"its extension {suffix!r} is not one of" if suffix else "it has no extension of"
            fail(
                f"cannot tell the export format from {output}: {what} {known}; "
                f"give --format {choices} or rename the file",
                2,
            )
            raise AssertionError("unreachable")
        return implied
    if implied is not None and implied != given:
        fail(
            f"--format {given} contradicts {output} ({suffix} is {implied}); "
            f"leave --format out or give the file a {given} extension",
            2,
        )
    return given


def _gift_warnings(bank: str, questions: list[Question]) -> list[str]:
    """Warnings for what GIFT leaves out; fails when it would leave out every question."""
    from bot.domain import QuestionKind
    from bot.formats.export import gift_skip_reason

    skipped = [(q, why) for q in questions if (why := gift_skip_reason(q)) is not None]
    if questions and len(skipped) == len(questions):
        cards = sum(1 for q in questions if q.kind is QuestionKind.FLASHCARD)
        what = (
            f"has only flashcards ({cards}) and GIFT cannot hold flashcards"
            if cards == len(questions)
            else f"has no question GIFT can hold ({cards} flashcards, "
            f"{len(questions) - cards} typed questions whose answers contain '->')"
        )
        fail(
            f"the bank {bank!r} {what}; nothing was written: "
            f"export it as yaml or csv instead (--format yaml, or -o {bank}.yaml)"
        )
    cards = sum(1 for q, _why in skipped if q.kind is QuestionKind.FLASHCARD)
    warnings = [f"GIFT has no flashcards: {cards} left out"] if cards else []
    for question, why in skipped:
        if question.kind is not QuestionKind.FLASHCARD:
            first = question.prompt.strip().split("\n", 1)[0][:60]
            warnings.append(f"{first!r}: {why}")
    return warnings


def _moodle_warnings(bank: str, questions: list[Question]) -> list[str]:
    """Warnings for what Moodle XML leaves out (flashcards); fails when that is everything."""
    from bot.formats.moodle_xml_writer import skip_reason

    cards = sum(1 for q in questions if skip_reason(q) is not None)
    if questions and cards == len(questions):
        fail(
            f"the bank {bank!r} has only flashcards ({cards}) and Moodle XML cannot hold "
            f"flashcards; nothing was written: export it as yaml or csv instead "
            f"(--format yaml, or -o {bank}.yaml)"
        )
    return [f"Moodle XML has no flashcards: {cards} left out"] if cards else []


@click.command()
@click.argument("bank", type=BANK_NAME)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(EXPORT_FORMATS),
    help="Output format (default: from the -o file's extension; yaml on standard output).",
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help="Write to this file (default: standard output). It is replaced only once the "
    "export is complete.",
)
@pass_state
def export(state: CliState, bank: str, format_name: str | None, output: str | None) -> None:
    """Export a bank; importing the export gives the same bank back.

    The format is --format if given, else the -o file's extension (.yaml/.yml, .gift,
    .csv, .xml for Moodle XML), else yaml on standard output. Another extension (.txt)
    needs --format; a --format that contradicts the extension (--format gift -o x.csv)
    is an error.

    GIFT and Moodle XML cannot hold flashcards: they are left out with a warning, and a
    bank of only flashcards cannot be exported to them. Moodle XML embeds pictures.

    \b
    Examples:
      quizbot export crm-podcast > crm-podcast.yaml
      quizbot export crm-podcast -o crm.gift
      quizbot export crm-podcast --format gift -o crm.txt
      quizbot export crm-podcast -o crm.xml
    """
    if output is not None and (problem := check_output(output)) is not None:
        fail(problem)
    fmt = export_format(format_name, output)

    from bot.formats.export import EXPORTERS
    from bot.services.images import export_contents

    # Pictures: embedded in Moodle XML, files beside a YAML, GIFT or CSV export (-o only).
    pictures = fmt == "moodlexml" or (output is not None and fmt in _PICTURE_FILES)
    info, questions = in_session(state, export_contents, bank, pictures)
    warnings = _gift_warnings(bank, questions) if fmt == "gift" else []
    if fmt == "moodlexml":
        warnings = _moodle_warnings(bank, questions)
    if output is None and fmt in _PICTURE_FILES:
        stored = sum(1 for q in questions if q.image is not None and q.image.digest)
        if stored:
            warnings.append(
                f"{stored} question(s) refer to picture files that are written only with "
                "-o FILE (beside it)"
            )
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    writer = EXPORTERS[fmt]
    if output is None:
        try:
            writer(info, questions, sys.stdout)
            sys.stdout.flush()
        except BrokenPipeError:  # `quizbot export bank | head`: the reader has had enough
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        return
    try:
        with replace_when_done(Path(output)) as stream:
            result = writer(info, questions, stream)
        if fmt in _PICTURE_FILES:
            from bot.services.images import write_image_files

            written = write_image_files(questions, Path(output).parent)
            if written:
                click.echo(f"wrote {written} picture(s) beside {output}", err=True)
    except OSError as exc:
        fail(describe_os_error(output, exc))
    else:
        left_out = f" ({result.skipped} left out)" if result.skipped else ""
        click.echo(f"wrote {result.written} questions of {bank} to {output}{left_out}", err=True)
