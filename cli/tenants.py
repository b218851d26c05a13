"""``quizbot tenants``: the workspaces quizbot knows, and deleting one's data on request."""

from __future__ import annotations

import click

from bot.i18n import _, pgettext
from cli.common import CliState, emit_json, fail, number, pass_state, print_table, with_app
from cli.help import with_examples


@click.group(
    help=with_examples(
        _("Workspaces (Discord servers, Slack teams, Telegram groups) and their data."),
        "quizbot tenants list slack",
        "quizbot tenants purge slack T0123ABCD --dry-run",
        "quizbot tenants purge discord 1234567890 --yes",
    )
)
def tenants() -> None:
    """Workspaces and their data."""


def chat_platform(platform: str) -> str:
    """``platform`` if quizbot runs in it (a chat platform, or the terminal's "console"),
    else a one-line error."""
    from adapters.kit.registry import platform_names

    known = sorted([*platform_names(), "console"])
    if platform not in known:
        fail(
            _("unknown platform {platform} (one of: {platforms})").format(
                platform=repr(platform), platforms=", ".join(known)
            )
        )
    return platform


@tenants.command(
    "list",
    help=with_examples(
        _("The workspaces of PLATFORM that have players, with how many."),
        "quizbot tenants list telegram",
    ),
)
@click.argument("platform")
@click.option("--json", "as_json", is_flag=True, help=_("Print JSON for scripts."))
@pass_state
def list_command(state: CliState, platform: str, as_json: bool) -> None:
    """A platform's workspaces."""
    from bot.services.tenants import workspaces

    chat_platform(platform)
    found = with_app(state, lambda app: workspaces(app.db, platform), load_banks=False)
    if as_json:
        emit_json([{"workspace": w, "players": n} for w, n in found])
        return
    print_table(
        _("{platform} workspaces").format(platform=platform),
        [pgettext("table heading", "workspace"), pgettext("table heading", "players")],
        [(name, number(count)) for name, count in found],
    )


@tenants.command(
    help=with_examples(
        _(
            "Delete everything about one workspace: its players, answers, scores, flashcard "
            "and review schedules, streaks, quizzes and daily questions. All of it or nothing."
        )
        + "\n\n"
        + _(
            "Use it when a workspace asks for its data to be deleted; removing the app there "
            "only stops its games (its scores stay for a reinstall)."
        ),
        "quizbot tenants purge slack T0123ABCD --dry-run",
        "quizbot tenants purge discord 1234567890 --yes",
    )
)
@click.argument("platform")
@click.argument("workspace")
@click.option("--dry-run", is_flag=True, help=_("Count what would be deleted; delete nothing."))
@click.option("--yes", is_flag=True, help=_("Do not ask to confirm."))
@click.option("--json", "as_json", is_flag=True, help=_("Print the counts as JSON."))
@pass_state
def purge(
    state: CliState, platform: str, workspace: str, dry_run: bool, yes: bool, as_json: bool
) -> None:
    """Delete one workspace's data."""
    chat_platform(platform)

    def purged(dry: bool) -> dict[str, int]:
        return with_app(
            state,
            lambda app: app.purge_workspace(platform, workspace, dry_run=dry),
            load_banks=False,
        )

    counts = purged(dry=True)
    if not any(counts.values()):
        if as_json:
            emit_json({"dry_run": dry_run, "deleted": counts})
        fail(
            _("quizbot knows nothing of {platform} workspace {workspace}").format(
                platform=platform, workspace=repr(workspace)
            )
        )
    if not dry_run:
        if not yes:
            click.confirm(
                _("Delete all quizbot data of {platform} workspace {workspace}?").format(
                    platform=platform, workspace=workspace
                ),
                abort=True,
                err=True,
            )
        counts = purged(dry=False)
    if as_json:
        emit_json({"dry_run": dry_run, "deleted": counts})
        return
    if dry_run:
        title = _("{platform} {workspace}: would delete")
    else:
        title = _("{platform} {workspace}: deleted")
    rows = [(name, number(count)) for name, count in counts.items() if count]
    print_table(
        title.format(platform=platform, workspace=workspace),
        [pgettext("table heading", "what"), pgettext("table heading", "rows")],
        rows,
    )
