"""``quizbot run``: serve chat platforms until stopped (the PaaS web and worker processes).

The platforms are whatever folders of ``adapters/`` declare one (see
:mod:`adapters.kit.registry`); this module knows none of them by name.
"""

from __future__ import annotations

import os

import click

from bot.i18n import _
from cli.common import CliState, fail, pass_state
from cli.help import examples

EXAMPLES = examples(
    "DISCORD_TOKEN=... quizbot run discord",
    "SLACK_BOT_TOKEN=... SLACK_SIGNING_SECRET=... quizbot run slack",
    "SLACK_APP_TOKEN=... SLACK_BOT_TOKEN=... quizbot run slack --socket",
    "TELEGRAM_TOKEN=... quizbot run telegram",
    "quizbot run web        # " + _("the Procfile's web process: every platform served over HTTP"),
    "quizbot run worker     # " + _("the Procfile's worker: every platform that connects out"),
    "quizbot run all        # " + _("every configured platform in one process"),
)


@click.command(
    "run",
    epilog=EXAMPLES,
    help=_("Run quizbot in chat platforms until SIGTERM or Ctrl-C.")
    + "\n\n"
    + _(
        "Name one or more platforms, or a role: `web` (every configured platform that "
        "receives over HTTP on $PORT, with /health), `worker` (every configured platform that "
        "connects out), or `all` (the default: every configured platform). A platform is "
        "configured when its variables are set (see the README). Missing configuration is "
        "one line and exit code 1."
    ),
)
@click.argument("names", nargs=-1, metavar="[PLATFORM | web | worker | all]...")
@click.option(
    "--socket",
    is_flag=True,
    help=_(
        "Slack: connect over Socket Mode (SLACK_APP_TOKEN) instead of HTTP "
        "(the same as SLACK_SOCKET_MODE=1)."
    ),
)
@click.option("-v", "--verbose", is_flag=True, help=_("Log quizbot's debug details."))
@click.option(
    "--debug",
    "debug",
    multiple=True,
    metavar="LOGGER",
    help=_(
        "Also log this library's debug details (e.g. slack_sdk, discord.http); secrets stay hidden."
    ),
)
@pass_state
def run_command(
    state: CliState, names: tuple[str, ...], socket: bool, verbose: bool, debug: tuple[str, ...]
) -> None:
    """Run quizbot in chat platforms until stopped."""
    from adapters.kit import lifecycle, registry
    from bot.errors import QuizbotError
    from cli.logs import setup_logging

    env = dict(os.environ)
    if socket:
        env["SLACK_SOCKET_MODE"] = "1"
    extras = "discord,slack,telegram"
    try:
        selected = registry.select(list(names), env)
        extras = ",".join(s.platform.extra for s in selected) or extras
        settings = state.settings()
        secrets = [secret for s in selected for secret in s.settings.secrets()]
        setup_logging(settings, verbose or bool(debug), secrets, debug)
        lifecycle.run(
            selected,
            database_url=settings.database_url,
            port=settings.port,
            http=True if names == ("web",) else None,
        )
    except QuizbotError as exc:
        fail(str(exc))
    except ModuleNotFoundError as exc:
        fail(
            _("{module} is not installed: pip install 'quizbot[{extras}]'").format(
                module=exc.name, extras=extras
            )
        )
