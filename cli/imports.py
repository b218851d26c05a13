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

from bot.i18n import N_, _, ngettext
from cli.common import CliState, emit_json, fail, in_session, number, pass_state, with_app
from cli.files import check_output, describe_os_error, replace_when_done
from cli.help import with_examples
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
    help=_("The files' format (default: detected from the extension and content)."),
)
on_duplicate_option = click.option(
    "--on-duplicate",
    type=click.Choice(["error", "first", "last"]),
    default="error",
    show_default=True,
    help=_(
        "A question repeated in a file with other answers or options (same kind and "
        "text): an error naming both lines, or keep the first or the last. A repeat with the "
        "same answers (word for word, or other feedback) is imported once with a warning, "
        "the first kept ('last' keeps the last)."
    ),
)
strict_option = click.option(
    "--strict",
    is_flag=True,
    help=_("Treat every warning (repeats, skipped questions, text cleaned up) as an error."),
)
allow_empty_option = click.option(
    "--allow-empty",
    is_flag=True,
    help=_("Accept a file without questions (an error otherwise; never with --replace)."),
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
            self._task = self._progress.add_task(self._description())
        return self

    def _description(self) -> str:
        return ngettext("{file}: {count} question", "{file}: {count} questions", self.done).format(
            file=self.path.name, count=number(self.done, grouped=True)
        )

    def __call__(self, count: int) -> None:
        self.done += count
        if self._progress is not None:
            self._progress.update(self._task, description=self._description())

    def __exit__(self, *_exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


#: Each --format of import: what it is (its extensions are not translated).
FORMATS_HELP = (
    ("native", N_("quizbot YAML or JSON"), "(.yaml .yml .json)"),
    ("csv", N_("spreadsheet with a header row: CSV or TSV"), "(.csv .tsv)"),
    ("gift", N_("Moodle GIFT"), "(.gift .txt)"),
    ("aiken", N_("Moodle Aiken"), "(.txt)"),
    ("moodlexml", N_("Moodle XML, Moodle's question bank export"), "(.xml)"),
    ("anki", N_("Anki or Quizlet text export"), "(.txt .tsv .csv)"),
    ("apkg", N_("Anki packages"), "(.apkg/.colpkg)"),
    ("redtrivia", N_("Red-DiscordBot trivia list"), "(.yaml .yml)"),
    ("opentdb", N_("Open Trivia DB API response"), "(.json)"),
)


def _import_help() -> str:
    """``quizbot import --help``: what it does, one line per format, the rules, examples."""
    formats = "\n".join(
        f"  {name:<10} {_(what)} {extensions}" for name, what, extensions in FORMATS_HELP
    )
    return with_examples(
        _("Import question banks from files (all or nothing).")
        + "\n\n\b\n"
        + _("Formats (--format, usually detected; see docs/FORMATS.md):")
        + "\n"
        + formats
        + "\n\n"
        + _("Importing the same file again changes nothing.")
        + "\n\n"
        + _(
            "Every error of a file is listed (file:line each) and nothing is written. A "
            "question repeated with the same answers is imported once with a warning; "
            "repeated with other answers or options it is an error unless --on-duplicate "
            "first|last. --strict makes warnings errors. A file without questions is an error "
            "unless --allow-empty (and always with --replace)."
        ),
        "quizbot import biology.gift --bank biology",
        "quizbot import export.txt --format anki --dry-run",
        "quizbot import questions/*.yaml --replace",
        "quizbot import historia.gift --bank historia --language es",
    )


@click.command("import", help=_import_help())
@files_argument
@click.option(
    "--bank", type=BANK_NAME, help=_("Import into this bank (default: named by the file).")
)
@format_option
@click.option(
    "--language",
    type=LANGUAGE_TAG,
    help=_(
        "The language the questions are written in (es, de, pt-br...; default: what the "
        "file says, for the native format's 'language:')."
    ),
)
@click.option("--dry-run", is_flag=True, help=_("Read and check everything, write nothing."))
@click.option("--replace", is_flag=True, help=_("Retire the bank's questions not in the files."))
@on_duplicate_option
@strict_option
@allow_empty_option
@click.option("--json", "as_json", is_flag=True, help=_("Print the summary as JSON."))
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
    """Import bank files into the database."""
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
                        summaries.append(await importer.run_file(path, format_name))
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
            click.echo(_("warning: {message}").format(message=warning), err=True)
        click.echo(f"{summary.source} -> {summary.bank}: {summary.describe()}")
    if dry_run:
        click.echo(_("dry run: nothing was written"))


@click.command(
    help=with_examples(
        _("Check bank files with the same parsers and rules as import; writes nothing.")
        + "\n\n"
        + _(
            "Exits with 1 at the first file that has an error, listing every error of that "
            "file (file:line each). Repeats, skipped questions and questions longer than a "
            "chat platform shows whole are warnings, each at its file:line; --strict makes "
            "them errors. `quizbot lint` checks much more."
        ),
        "quizbot validate questions/crm-podcast.yaml",
        "quizbot validate *.gift --format gift",
    )
)
@files_argument
@format_option
@on_duplicate_option
@strict_option
@allow_empty_option
@click.option("--json", "as_json", is_flag=True, help=_("Print the results as JSON."))
def validate(
    files: tuple[Path, ...],
    format_name: str | None,
    on_duplicate: str,
    strict: bool,
    allow_empty: bool,
    as_json: bool,
) -> None:
    """Check bank files as import does, writing nothing."""
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
                    str(path),
                    None,
                    _("no questions in this file (give --allow-empty to accept it)"),
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
                click.echo(_("warning: {message}").format(message=warning), err=True)
            line = ngettext(
                "{file}: ok, {count} questions", "{file}: ok, {count} questions", count
            ).format(file=path, count=number(count))
            if checked.skipped:
                skipped = len(checked.skipped)
                line += ngettext(", {count} skipped", ", {count} skipped", skipped).format(
                    count=number(skipped)
                )
            if repeats:
                line += ngettext(
                    ", {count} repeat skipped", ", {count} repeats skipped", repeats
                ).format(count=number(repeats))
            click.echo(line)
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
            if suffix:
                problem = _(
                    "cannot tell the export format from {file}: its extension {extension} "
                    "is not one of {known}; give --format {choices} or rename the file"
                )
            else:
                problem = _(
                    "cannot tell the export format from {file}: it has no extension of "
                    "{known}; give --format {choices} or rename the file"
                )
            fail(
                problem.format(file=output, extension=repr(suffix), known=known, choices=choices),
                2,
            )
            raise AssertionError("unreachable")
        return implied
    if implied is not None and implied != given:
        fail(
            _(
                "--format {given} contradicts {file} ({extension} is {implied}); "
                "leave --format out or give the file a {given} extension"
            ).format(given=given, file=output, extension=suffix, implied=implied),
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
        if cards == len(questions):
            problem = _(
                "the bank {bank} has only flashcards ({cards}) and GIFT cannot hold "
                "flashcards; nothing was written: export it as yaml or csv instead "
                "(--format yaml, or -o {name}.yaml)"
            )
        else:
            problem = _(
                "the bank {bank} has no question GIFT can hold ({cards} flashcards, {typed} "
                "typed questions whose answers contain '->'); nothing was written: export it "
                "as yaml or csv instead (--format yaml, or -o {name}.yaml)"
            )
        fail(problem.format(bank=repr(bank), cards=cards, typed=len(questions) - cards, name=bank))
    cards = sum(1 for q, _why in skipped if q.kind is QuestionKind.FLASHCARD)
    warnings = (
        [
            ngettext(
                "GIFT has no flashcards: {count} left out",
                "GIFT has no flashcards: {count} left out",
                cards,
            ).format(count=cards)
        ]
        if cards
        else []
    )
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
            _(
                "the bank {bank} has only flashcards ({cards}) and Moodle XML cannot hold "
                "flashcards; nothing was written: export it as yaml or csv instead "
                "(--format yaml, or -o {name}.yaml)"
            ).format(bank=repr(bank), cards=cards, name=bank)
        )
    if not cards:
        return []
    return [
        ngettext(
            "Moodle XML has no flashcards: {count} left out",
            "Moodle XML has no flashcards: {count} left out",
            cards,
        ).format(count=cards)
    ]


@click.command(
    help=with_examples(
        _("Export a bank; importing the export gives the same bank back.")
        + "\n\n"
        + _(
            "The format is --format if given, else the -o file's extension (.yaml/.yml, "
            ".gift, .csv, .xml for Moodle XML), else yaml on standard output. Another "
            "extension (.txt) needs --format; a --format that contradicts the extension "
            "(--format gift -o x.csv) is an error."
        )
        + "\n\n"
        + _(
            "GIFT and Moodle XML cannot hold flashcards: they are left out with a warning, "
            "and a bank of only flashcards cannot be exported to them. Moodle XML embeds "
            "pictures."
        ),
        "quizbot export crm-podcast > crm-podcast.yaml",
        "quizbot export crm-podcast -o crm.gift",
        "quizbot export crm-podcast --format gift -o crm.txt",
        "quizbot export crm-podcast -o crm.xml",
    )
)
@click.argument("bank", type=BANK_NAME)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(EXPORT_FORMATS),
    help=_("Output format (default: from the -o file's extension; yaml on standard output)."),
)
@click.option(
    "-o",
    "--output",
    metavar="FILE",
    help=_(
        "Write to this file (default: standard output). It is replaced only once the "
        "export is complete."
    ),
)
@pass_state
def export(state: CliState, bank: str, format_name: str | None, output: str | None) -> None:
    """Export a bank to a file or standard output."""
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
                ngettext(
                    "{count} question(s) refer to picture files that are written only with "
                    "-o FILE (beside it)",
                    "{count} question(s) refer to picture files that are written only with "
                    "-o FILE (beside it)",
                    stored,
                ).format(count=stored)
            )
    for warning in warnings:
        click.echo(_("warning: {message}").format(message=warning), err=True)
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
                click.echo(
                    ngettext(
                        "wrote {count} picture(s) beside {file}",
                        "wrote {count} picture(s) beside {file}",
                        written,
                    ).format(count=written, file=output),
                    err=True,
                )
    except OSError as exc:
        fail(describe_os_error(output, exc))
    else:
        if result.skipped:
            wrote = ngettext(
                "wrote {count} question of {bank} to {file} ({skipped} left out)",
                "wrote {count} questions of {bank} to {file} ({skipped} left out)",
                result.written,
            )
        else:
            wrote = ngettext(
                "wrote {count} question of {bank} to {file}",
                "wrote {count} questions of {bank} to {file}",
                result.written,
            )
        click.echo(
            wrote.format(count=result.written, bank=bank, file=output, skipped=result.skipped),
            err=True,
        )
