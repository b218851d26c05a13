"""``quizbot tenants``: the workspaces quizbot knows, and deleting one's data on request."""

from __future__ import annotations

import click

from cli.common import CliState, emit_json, fail, pass_state, print_table, with_app


@click.group()
def tenants() -> None:
    """Workspaces (Discord servers, Slack teams, Telegram groups) and their data.

    \b
    Examples:
      quizbot tenants list slack
      quizbot tenants purge slack T0123ABCD --dry-run
      quizbot tenants purge discord 1234567890 --yes
    """


def chat_platform(platform: str) -> str:
    """``platform`` if quizbot runs in it (a chat platform, or the terminal's "console"),
    else a one-line error."""
    from adapters.kit.registry import platform_names

    known = sorted([*platform_names(), "console"])
    if platform not in known:
        fail(f"unknown platform {platform!r} (one of: {', '.join(known)})")
    return platform


@tenants.command("list")
@click.argument("platform")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@pass_state
def list_command(state: CliState, platform: str, as_json: bool) -> None:
    """The workspaces of PLATFORM that have players, with how many.

    \b
    Example:
      quizbot tenants list telegram
    """
    from bot.services.tenants import workspaces

    chat_platform(platform)
    found = with_app(state, lambda app: workspaces(app.db, platform), load_banks=False)
    if as_json:
        emit_json([{"workspace": w, "players": n} for w, n in found])
        return
    print_table(f"{platform} workspaces", ["workspace", "players"], found)


@tenants.command()
@click.argument("platform")
@click.argument("workspace")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option("--yes", is_flag=True, help="Do not ask to confirm.")
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
@pass_state
def purge(
    state: CliState, platform: str, workspace: str, dry_run: bool, yes: bool, as_json: bool
) -> None:
    """Delete everything about one workspace: its players, answers, scores, flashcard and
    review schedules, streaks, quizzes and daily questions. All of it or nothing.

    Use it when a workspace asks for its data to be deleted; removing the app there only
    stops its games (its scores stay for a reinstall).

    \b
    Examples:
      quizbot tenants purge slack T0123ABCD --dry-run
      quizbot tenants purge discord 1234567890 --yes
    """
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
        fail(f"quizbot knows nothing of {platform} workspace {workspace!r}")
    if not dry_run:
        if not yes:
            click.confirm(
                f"Delete all quizbot data of {platform} workspace {workspace}?",
                abort=True,
                err=True,
            )
        counts = purged(dry=False)
    if as_json:
        emit_json({"dry_run": dry_run, "deleted": counts})
        return
    what = "would delete" if dry_run else "deleted"
    rows = [(name, count) for name, count in counts.items() if count]
    print_table(f"{platform} {workspace}: {what}", ["what", "rows"], rows)
