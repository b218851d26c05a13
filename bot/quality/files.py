"""Linting a bank file: parse it with the import's parsers, then lint its questions.

A file that does not parse gives a ``parse`` error at each line the parser names (a parser
reports every bad question it can, up to a cap, as import does; see
:mod:`bot.formats.errors`); questions a parser skipped (an essay, a
numeric question...) give ``skipped`` infos. Each question is tidied as import tidies it
(:func:`bot.formats.hygiene.tidy`): a text over its limit is a ``parse`` error, control
characters removed give a ``text`` warning. None of these can be ``--ignore``\\ d.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path

from bot.domain import BankInfo, Notice, Question, Skipped
from bot.errors import BankFormatError, BankFormatErrors
from bot.formats import parse_path
from bot.formats.hygiene import tidy
from bot.i18n import _, ngettext
from bot.quality.findings import Finding, Severity
from bot.quality.lint import BankFigures, LintReport, lint
from bot.quality.question_rules import TextLimits


def lint_file(
    path: Path,
    format_name: str | None = None,
    limits: Mapping[str, TextLimits] | None = None,
    *,
    ignore: Collection[str] = (),
) -> tuple[BankInfo | None, LintReport]:
    """The bank a file describes (when it says) and the lint's report on it."""
    info: BankInfo | None = None
    questions: list[Question] = []
    skipped: list[Skipped] = []
    tidied: list[Finding] = []
    try:
        for parsed in parse_path(path, format_name):
            item, note = tidy(parsed, str(path))
            if note:
                line = None if isinstance(item, BankInfo) else item.line
                tidied.append(Finding("text", Severity.WARNING, note, line=line))
            if isinstance(item, BankInfo):
                info = item
            elif isinstance(item, Skipped):
                skipped.append(item)
            elif isinstance(item, Notice):
                tidied.append(Finding("import", Severity.INFO, item.reason, line=item.line))
            else:
                questions.append(item)
    except BankFormatError as exc:
        errors = exc.errors if isinstance(exc, BankFormatErrors) else [exc]
        failed = [Finding("parse", Severity.ERROR, e.message, line=e.line) for e in errors]
        if isinstance(exc, BankFormatErrors) and exc.more:
            more = ngettext("and {count} more error", "and {count} more errors", exc.more)
            failed.append(Finding("parse", Severity.ERROR, more.format(count=exc.more)))
        return info, LintReport(failed, BankFigures())
    report = lint(questions, limits, ignore=ignore)
    extra = [
        Finding(
            "skipped", Severity.INFO, _("skipped: {reason}").format(reason=s.reason), line=s.line
        )
        for s in skipped
    ]
    return info, LintReport(tidied + extra + report.findings, report.figures)
