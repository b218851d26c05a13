"""``quizbot lint``: static checks of banks (files, or banks in the database) for CI and
moderators; the rules are in :mod:`bot.quality` and documented in docs/LINT.md."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from bot.i18n import _, ngettext
from cli.common import CliState, emit_json, fail, pass_state, share, with_app
from cli.help import with_examples
from cli.imports import FORMAT_NAMES

if TYPE_CHECKING:
    from bot.domain import Question
    from bot.quality.findings import Finding
    from bot.quality.lint import LintReport
    from bot.services import QuizApp

SEVERITIES = ["error", "warning", "info", "never"]
#: Suffixes that make an argument a file name, even when no such file exists.
_FILE_SUFFIXES = {".yaml", ".yml", ".json", ".csv", ".tsv", ".gift", ".txt"}


@dataclass
class Target:
    """One argument of the command: a bank file or a bank in the database, and its report."""

    name: str
    kind: str  # file | bank
    bank: str = ""
    questions: list[Question] = field(default_factory=list)
    report: LintReport | None = None


def _is_file(argument: str) -> bool:
    path = Path(argument)
    if path.is_dir():
        fail(_("{path}: is a folder; give bank files or bank names").format(path=argument), 2)
    if path.is_file():
        return True
    if "/" in argument or "\\" in argument or path.suffix.lower() in _FILE_SUFFIXES:
        fail(_("{path}: no such file").format(path=argument), 2)
    return False


def _where(target: Target, finding: Finding) -> str:
    from bot.quality.text import quoted

    if target.kind == "file":
        return f"{target.name}:{finding.line}" if finding.line else target.name
    if finding.number is None:
        return target.name
    return f"{target.name} Q{finding.number} {quoted(finding.prompt, 50)}"


def _counts(report: LintReport) -> dict[str, int]:
    return {
        severity: sum(1 for f in report.findings if f.severity == severity)
        for severity in ("error", "warning", "info")
    }


def _summary(target: Target) -> str:
    assert target.report is not None
    report = target.report
    counts = _counts(report)
    figures = report.figures
    text = ngettext(
        "{name}: {questions} question, {errors} error(s), {warnings} warning(s), {infos} info",
        "{name}: {questions} questions, {errors} error(s), {warnings} warning(s), {infos} info",
        figures.questions,
    ).format(
        name=target.name,
        questions=figures.questions,
        errors=counts["error"],
        warnings=counts["warning"],
        infos=counts["info"],
    )
    if figures.multiple_choice:
        text += "; " + _(
            "the key is the longest option in {longest}/{questions} ({share}); absolute words "
            "in {absolute}/{distractors} distractors ({absolute_share})"
        ).format(
            longest=figures.key_longest,
            questions=figures.multiple_choice,
            share=share(figures.key_longest_share),
            absolute=figures.absolute_distractors,
            distractors=figures.distractors,
            absolute_share=share(figures.absolute_share),
        )
    return text


def _finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": str(finding.severity),
        "message": finding.message,
        "question": finding.number,
        "line": finding.line,
        "prompt": finding.prompt,
        "others": list(finding.others),
    }


def _target_json(target: Target) -> dict[str, Any]:
    assert target.report is not None
    figures = target.report.figures
    return {
        "target": target.name,
        "kind": target.kind,
        "bank": target.bank,
        "questions": figures.questions,
        "counts": _counts(target.report),
        "figures": {
            "multiple_choice": figures.multiple_choice,
            "key_longest": figures.key_longest,
            "key_longest_share": round(figures.key_longest_share, 4),
            "key_shortest": figures.key_shortest,
            "distractors": figures.distractors,
            "absolute_distractors": figures.absolute_distractors,
            "absolute_share": round(figures.absolute_share, 4),
            "absolute_keys": figures.absolute_keys,
            "letters": figures.letters,
        },
        "findings": [_finding_json(f) for f in target.report.findings],
    }


def _print_rules() -> None:
    from bot.quality.lint import RULES

    width = max(len(name) for name in RULES)
    for rule in RULES.values():
        click.echo(f"{rule.name:<{width}}  {rule.severity:<7}  {rule.summary}")


@click.command(
    help=with_examples(
        _("Check banks for what makes questions easy to guess or hard to use.")
        + "\n\n"
        + _(
            "Each argument is a bank file (any format import reads) or the name of a bank in "
            'the database. Findings are printed as FILE:LINE (or BANK Qn "question") with a '
            "severity (error, warning, info) and the rule's name; docs/LINT.md explains each "
            "rule."
        )
        + "\n\n"
        + _(
            "Exit status: 0 when nothing reaches --fail-on (warnings, by default), 1 when "
            "something does, 2 when a bank or file cannot be found."
        ),
        "quizbot lint crm-podcast crm-flashcards",
        "quizbot lint questions/*.yaml --fail-on error",
        "quizbot lint my-bank.gift --ignore missing-explanation --json",
    )
)
@click.argument("targets", nargs=-1, metavar="BANK|FILE...")
@click.option(
    "--format",
    "format_name",
    type=click.Choice(FORMAT_NAMES),
    help=_("The files' format (default: detected, as import does)."),
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="warning",
    show_default=True,
    help=_("Exit with 1 when a finding is this severe or worse ('never': always 0)."),
)
@click.option("--ignore", multiple=True, metavar="RULE", help=_("Skip a rule (repeatable)."))
@click.option("--rules", "list_rules", is_flag=True, help=_("List the rules and exit."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the findings as JSON."))
@pass_state
def lint(
    state: CliState,
    targets: tuple[str, ...],
    format_name: str | None,
    fail_on: str,
    ignore: tuple[str, ...],
    list_rules: bool,
    as_json: bool,
) -> None:
    """Check banks (files or in the database) for questions easy to guess or hard to use."""
    if list_rules:
        _print_rules()
        return
    if not targets:
        fail(_("give bank files or bank names to check (or --rules to list the rules)"), 2)
    from adapters.kit.limits import LIMITS
    from bot.quality.files import lint_file
    from bot.quality.lint import RULES, lint

    unknown = sorted(set(ignore) - set(RULES))
    if unknown:
        fail(
            _("unknown rule(s) for --ignore: {rules} (see quizbot lint --rules)").format(
                rules=", ".join(unknown)
            ),
            2,
        )

    checked: list[Target] = []
    banks: list[Target] = []
    for argument in targets:
        if _is_file(argument):
            info, report = lint_file(Path(argument), format_name, LIMITS, ignore=ignore)
            checked.append(Target(argument, "file", bank=info.name if info else "", report=report))
        else:
            target = Target(argument, "bank", bank=argument)
            checked.append(target)
            banks.append(target)

    if banks:

        async def load(app: QuizApp) -> str | None:
            from bot.errors import UnknownBankError
            from bot.services.banks import bank_contents

            async with app.db.reads() as session:
                for target in banks:
                    try:
                        _info, target.questions = await bank_contents(session, target.bank)
                    except UnknownBankError as exc:
                        return str(exc)
            return None

        missing = with_app(state, load)
        if missing:
            fail(missing, 2)
        for target in banks:
            target.report = lint(target.questions, LIMITS, ignore=ignore)

    worst = -1
    for target in checked:
        assert target.report is not None
        worst = max([worst, *(f.severity.rank for f in target.report.findings)])
    if as_json:
        emit_json([_target_json(t) for t in checked])
    else:
        for target in checked:
            assert target.report is not None
            for finding in target.report.findings:
                number = f"Q{finding.number}: " if target.kind == "file" and finding.number else ""
                click.echo(
                    f"{_where(target, finding)}: {finding.severity}: {number}{finding.message} "
                    f"[{finding.rule}]"
                )
        for target in checked:
            click.echo(_summary(target))
    if fail_on != "never":
        from bot.quality.findings import Severity

        if worst >= Severity(fail_on).rank:
            sys.exit(1)
