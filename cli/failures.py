"""How a failed command ends: one line that says what is wrong and what to do, an exit code.

Every ``quizbot`` command runs inside :class:`QuizbotGroup`, the one place that turns
failures into that line (as ``{"error": ...}`` on standard output when the command was given
``--json``):

- quizbot's own errors (:class:`bot.errors.QuizbotError`): their message, exit 1;
- database failures (schema missing, read-only, full, not answering; see
  :mod:`bot.store.failures`): what to do about them, exit 1;
- Ctrl-C: "interrupted", exit 130;
- anything else: one line naming the error and the file its full traceback was written
  to, exit 1; ``quizbot -v`` prints the traceback instead.

Click's own usage errors (exit 2) are left to click.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from bot.i18n import _, ngettext

EXIT_FAILURE = 1
EXIT_INTERRUPTED = 130  # 128 + SIGINT, what shells report for Ctrl-C


def report(message: str, code: int, *, as_json: bool, details: list[str] | None = None) -> NoReturn:
    """Print ``message`` as the command's one error line and exit with ``code``.

    ``details`` (several errors of a bank file, each ``file:line: message``) come first, one
    a line, and under ``--json`` as the list ``errors``.
    """
    if as_json:
        data: dict[str, Any] = {"error": message, "exit_code": code}
        if details:
            data["errors"] = details
        click.echo(json.dumps(data, ensure_ascii=False))
    else:
        for line in details or ():
            click.echo(line, err=True)
        click.echo(f"quizbot: error: {message}", err=True)
    sys.exit(code)


def report_error(exc: BaseException, code: int, *, as_json: bool) -> NoReturn:
    """:func:`report` for an exception: a bank file's several errors one a line, then a line
    that counts them; any other error as its one line."""
    from bot.errors import BankFormatErrors

    if isinstance(exc, BankFormatErrors):
        summary = ngettext(
            "{count} error in {source}", "{count} errors in {source}", exc.count
        ).format(count=exc.count, source=exc.source)
        report(summary, code, as_json=as_json, details=exc.lines())
    report(str(exc), code, as_json=as_json)


def explain(exc: BaseException, database: str | None, *, verbose: bool) -> tuple[str, int]:
    """The one line and exit code for ``exc``."""
    from bot.errors import QuizbotError
    from bot.store.failures import classify

    if isinstance(exc, KeyboardInterrupt):
        return _("interrupted"), EXIT_INTERRUPTED
    if isinstance(exc, QuizbotError):
        return str(exc), EXIT_FAILURE
    failure = classify(exc)
    if failure is not None:
        return failure.describe(database or _("in use")), EXIT_FAILURE
    error = type(exc).__name__
    first = _first_line(exc)
    if verbose:
        traceback.print_exception(exc, file=sys.stderr)
        return _("unexpected error: {error}: {message}").format(
            error=error, message=first
        ), EXIT_FAILURE
    kept = _keep_traceback(exc)
    if kept:
        line = _(
            "unexpected error: {error}: {message} (the full traceback is in {file}; "
            "please report it)"
        ).format(error=error, message=first, file=kept)
    else:
        line = _(
            "unexpected error: {error}: {message} (run with -v to see the traceback; "
            "please report it)"
        ).format(error=error, message=first)
    return line, EXIT_FAILURE


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else _("(no message)")


def crash_folder(env: Any = None) -> Path:
    """Where tracebacks of unexpected errors are kept (XDG state folder)."""
    env = os.environ if env is None else env
    base = env.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "quizbot"


def _keep_traceback(exc: BaseException) -> Path | None:
    """Write ``exc``'s traceback to a new file; None when that cannot be done."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    path = crash_folder() / f"error-{stamp}.txt"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            f"quizbot {' '.join(sys.argv[1:])}\n\n" + "".join(traceback.format_exception(exc)),
            encoding="utf-8",
        )
    except OSError:
        return None
    return path


class QuizbotGroup(click.Group):
    """The top-level group: runs a command in the terminal's language (``LANGUAGE``,
    ``LC_ALL``, ``LC_MESSAGES``, ``LANG``; else ``QUIZBOT_LANGUAGE``), and ends any failure of
    it in one line."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        from bot.i18n import set_default_language
        from bot.i18n.languages import terminal
        from cli.click_words import speak_click

        set_default_language(terminal())  # before a subcommand's module is imported
        speak_click()  # click's own words (Usage:, its errors) in the same language
        return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            raise  # standard output closed (| head): click ends quietly
        except (Exception, KeyboardInterrupt) as exc:
            state = ctx.obj
            message, code = explain(
                exc,
                _display_database(state),
                verbose=bool(getattr(state, "verbose", False)),
            )
            as_json = bool(getattr(state, "json_output", False))
            from bot.errors import BankFormatErrors

            if isinstance(exc, BankFormatErrors):
                report_error(exc, code, as_json=as_json)
            report(message, code, as_json=as_json)


def _display_database(state: Any) -> str | None:
    """The configured database's URL without its password, for the error line."""
    if state is None:
        return None
    try:
        from sqlalchemy.engine import make_url

        url = state.settings().database_url
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return None
