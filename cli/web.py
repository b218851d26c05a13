"""``quizbot web``: serve the web pages alone, and print signed links to them.

``quizbot web`` serves the pages (and ``/health``) on ``$PORT`` over the configured database,
for Discord-only or terminal users with no web process; ``quizbot web link ...`` prints the
address of one page, signed for a while (``--expires``). Both sign with
``QUIZBOT_SECRET_KEY``, or on the SQLite default with a secret made once and kept beside
the database (see :mod:`adapters.web.settings`), so they need no setting up on a laptop.
"""

from __future__ import annotations

import asyncio
import contextlib

import click

from bot.i18n import _
from cli.common import CliState, fail, pass_state, with_app
from cli.help import examples, with_examples
from cli.options import BANK_NAME

EXAMPLES = examples(
    "quizbot web                       # " + _("serve the pages on $PORT (default 3000)"),
    "quizbot web link leaderboard --platform console --workspace local --channel terminal",
    "quizbot web link player --platform discord --workspace 1234 --user 5678 --expires 7d",
    "quizbot web link report 42",
    "quizbot web link bank crm-podcast",
)

EXPIRES = click.option(
    "--expires",
    default="24h",
    show_default=True,
    metavar="DURATION",
    help=_("How long the link works: minutes, hours, days or weeks (90m, 24h, 7d, 2w)."),
)


@click.group(
    "web",
    invoke_without_command=True,
    epilog=EXAMPLES,
    help=_("Serve the web pages (leaderboards, game reports, players' progress, banks).")
    + "\n\n"
    + _(
        "The pages open only through signed links: print one with `quizbot web link`. "
        "Stop with Ctrl-C."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help=_("Address to listen on."))
@click.option("--port", type=int, help=_("Port to listen on (default: $PORT, else 3000)."))
@click.pass_context
def web(ctx: click.Context, host: str, port: int | None) -> None:
    """Serve the web pages."""
    if ctx.invoked_subcommand is not None:
        return
    state = ctx.ensure_object(CliState)
    serve(state, host, port)


def serve(state: CliState, host: str, port: int | None) -> None:
    from adapters.kit.lifecycle import StopSignals
    from adapters.kit.web import WebServer, web_application
    from adapters.web.routes import add_pages
    from adapters.web.settings import signer_for
    from bot.errors import QuizbotError
    from bot.services import QuizApp
    from cli.logs import setup_logging

    try:
        settings = state.settings()
        signer = signer_for(settings)
    except QuizbotError as exc:
        fail(str(exc))
    setup_logging(settings, False, [], ())

    async def go() -> None:
        stop = asyncio.Event()
        signals = StopSignals(stop)
        signals.install()
        app = await QuizApp.open(settings.database_url)
        application = web_application(app)
        add_pages(application, signer)
        server = WebServer(application, host, port if port is not None else settings.port)
        try:
            await server.start()
            click.echo(
                _(
                    "Serving the web pages on {address} "
                    "(open them with a link from 'quizbot web link'); Ctrl-C stops."
                ).format(address=f"http://{host}:{server.port}/"),
                err=True,
            )
            await stop.wait()
        finally:
            signals.remove()
            await server.stop_listening()
            await server.close()
            await app.close()

    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(go())
    except QuizbotError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(
            _("cannot listen on {address}: {reason}").format(
                address=f"{host}:{port or settings.port}", reason=exc.strerror or exc
            )
        )


@web.group("link", epilog=EXAMPLES, help=_("Print a signed link to one page."))
def link() -> None:
    """Print a signed link to one page."""


def _print_link(state: CliState, kind: str, expires: str, **fields: object) -> None:
    from adapters.web.settings import signer_for
    from bot.clock import SystemClock
    from bot.errors import QuizbotError
    from bot.links import parse_duration

    try:
        valid_for = parse_duration(expires)
        signer = signer_for(state.settings())
    except QuizbotError as exc:
        fail(str(exc))
    click.echo(signer.make(kind, SystemClock().now(), valid_for, **fields))


@link.command(
    "leaderboard",
    help=with_examples(
        _("A channel's or a workspace's leaderboard."),
        "quizbot web link leaderboard --platform console --workspace local --channel terminal",
    ),
)
@click.option("--platform", required=True, help=_("console, discord, slack or telegram."))
@click.option("--workspace", required=True, help=_("Discord server id, Slack team id, ..."))
@click.option("--channel", help=_("Only this channel (default: the whole workspace)."))
@EXPIRES
@pass_state
def link_leaderboard(
    state: CliState, platform: str, workspace: str, channel: str | None, expires: str
) -> None:
    """A link to a leaderboard."""
    _print_link(
        state, "leaderboard", expires, platform=platform, workspace=workspace, channel=channel or ""
    )


@link.command(
    "player",
    help=with_examples(
        _("One player's progress page (with their answers to download)."),
        "quizbot web link player --platform console --workspace local --user alice",
    ),
)
@click.option("--platform", required=True, help=_("console, discord, slack or telegram."))
@click.option("--workspace", required=True, help=_("Discord server id, Slack team id, ..."))
@click.option("--user", required=True, help=_("The player's user id on that platform."))
@EXPIRES
@pass_state
def link_player(state: CliState, platform: str, workspace: str, user: str, expires: str) -> None:
    """A link to a player's progress page."""
    _print_link(state, "player", expires, platform=platform, workspace=workspace, user=user)


@link.command(
    "report",
    help=with_examples(
        _(
            "One quiz's report, question by question "
            "(its id: quizbot players / the chat's results)."
        ),
        "quizbot web link report 42 --expires 7d",
    ),
)
@click.argument("quiz_id", type=click.IntRange(min=1))
@EXPIRES
@pass_state
def link_report(state: CliState, quiz_id: int, expires: str) -> None:
    """A link to a quiz's report."""
    from bot.services.reports import quiz_tenant

    found = with_app(state, lambda app: quiz_tenant(app.db, quiz_id), load_banks=False)
    if found is None:
        fail(_("no quiz {number}").format(number=quiz_id))
    platform, workspace = found
    _print_link(state, "report", expires, platform=platform, workspace=workspace, quiz=quiz_id)


@link.command(
    "bank",
    help=with_examples(
        _("A bank's questions with how each is answered (for moderators)."),
        "quizbot web link bank crm-podcast --expires 7d",
    ),
)
@click.argument("name", type=BANK_NAME)
@click.option("--platform", default="", help=_("Count only this platform's answers."))
@click.option("--workspace", default="", help=_("Count only this workspace's answers."))
@EXPIRES
@pass_state
def link_bank(state: CliState, name: str, platform: str, workspace: str, expires: str) -> None:
    """A link to a bank's page."""

    async def exists(app: object) -> bool:
        return name in await app.bank_names()  # type: ignore[attr-defined]

    if not with_app(state, exists, load_banks=False):
        fail(_("no bank named {name} (see quizbot banks list)").format(name=repr(name)))
    _print_link(state, "bank", expires, platform=platform, workspace=workspace, bank=name)
