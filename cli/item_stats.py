"""``quizbot questions stats``: item analysis of a bank from real play (how often each
question was asked, its share right, its discrimination, each option's pick rate, flags)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from bot.i18n import _, ngettext, pgettext
from cli.common import CliState, emit_json, in_session, pass_state, print_table, share
from cli.help import with_examples
from cli.options import BANK_NAME

if TYPE_CHECKING:
    from bot.quality.items import ItemStats
    from bot.services.item_stats import BankItemStats, QuestionItem


def _share(value: float | None) -> str:
    return "-" if value is None else share(value)


def _r(value: float | None) -> str:
    return "-" if value is None else f"{value:+.2f}"


def _options_text(stats: ItemStats) -> str:
    """'A 12% B 60%* C 20% D 8%': each bank option's pick rate, * on the key."""
    return " ".join(f"{o.letter} {_share(o.share)}{'*' if o.key else ''}" for o in stats.options)


def _item_json(entry: QuestionItem) -> dict[str, Any]:
    stats = entry.stats
    question = entry.question
    return {
        "number": entry.number,
        "id": entry.question_id,
        "kind": question.kind.value,
        "question": question.prompt,
        "asked": stats.asked,
        "right": stats.right,
        "share_right": stats.share_right,
        "discrimination": stats.discrimination,
        "discrimination_answers": stats.discrimination_n,
        "options": [
            {
                "letter": o.letter,
                "text": question.options[o.index],
                "key": o.key,
                "picks": o.picks,
                "share": o.share,
                "discrimination": o.discrimination,
            }
            for o in stats.options
        ],
        "flags": [{"flag": f.name, "message": f.message, "option": f.option} for f in stats.flags],
    }


def _report_json(report: BankItemStats, shown: list[QuestionItem]) -> dict[str, Any]:
    from bot.quality.items import describe_thresholds

    return {
        "bank": report.bank,
        "answers": report.answers,
        "players": report.players,
        "flags_raised_when": dict(describe_thresholds(report.thresholds)),
        "questions": [_item_json(entry) for entry in shown],
    }


@click.command(
    "stats",
    help=with_examples(
        _("Item analysis of BANK from real play: which questions work.")
        + "\n\n"
        + _(
            "Per question: times asked, share right, discrimination (point-biserial against "
            "the player's share right on the bank's other questions: negative means stronger "
            "players get it wrong more often), and each option's pick rate, by the bank's "
            "letters (options are shuffled when asked; * marks the key). Answers to closed "
            "rounds of quizzes and daily questions count; reviews of mistakes do not. Flags, "
            "with the answers each needs, are listed at the end."
        ),
        "quizbot questions stats crm-podcast",
        "quizbot questions stats crm-podcast --flagged --json",
    ),
)
@click.argument("bank", type=BANK_NAME)
@click.option("--flagged", is_flag=True, help=_("Only the questions with a flag."))
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def stats(state: CliState, bank: str, flagged: bool, as_json: bool) -> None:
    """Item analysis of a bank from real play."""
    from bot.quality.items import describe_thresholds
    from bot.quality.text import quoted
    from bot.services.item_stats import bank_item_stats

    report = in_session(state, bank_item_stats, bank)
    shown = [entry for entry in report.items if entry.stats.flags or not flagged]
    if as_json:
        emit_json(_report_json(report, shown))
        return
    answers = ngettext(
        "{count} answer by {players} (closed rounds of quizzes and daily questions)",
        "{count} answers by {players} (closed rounds of quizzes and daily questions)",
        report.answers,
    )
    players = ngettext("{count} player", "{count} players", report.players).format(
        count=report.players
    )
    click.echo(f"{report.bank}: " + answers.format(count=report.answers, players=players))
    if not report.answers:
        click.echo(_("nobody has answered this bank's questions yet"))
        return
    print_table(
        None,
        [
            pgettext("table heading", "Q"),
            pgettext("table heading", "question"),
            pgettext("table heading", "asked"),
            pgettext("table heading", "right"),
            pgettext("table heading", "discr."),
            pgettext("table heading", "options (* key)"),
            pgettext("table heading", "flags"),
        ],
        [
            (
                entry.number,
                quoted(entry.question.prompt, 40),
                entry.stats.asked,
                _share(entry.stats.share_right),
                _r(entry.stats.discrimination),
                _options_text(entry.stats),
                ", ".join(f.name for f in entry.stats.flags),
            )
            for entry in shown
        ],
    )
    for entry in shown:
        for flag in entry.stats.flags:
            click.echo(f"Q{entry.number}: {flag.name}: {flag.message}")
    click.echo(_("Flags are raised when:"))
    for name, when in describe_thresholds(report.thresholds).items():
        click.echo(f"  {name}: {when}")
