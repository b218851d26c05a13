"""A database that is not answering, as a player meets it: "try again", not a traceback.

While PostgreSQL restarts, or the network to it drops, every call into the core fails with
a driver's connection error. The conductor hands the platforms the core through
:func:`guarded`, so each such failure becomes a :class:`DatabaseUnavailableError`: a
:class:`~bot.errors.QuizbotError` whose text is :data:`adapters.kit.texts.DATABASE_UNAVAILABLE`,
which every platform already shows to the one who acted (privately, ephemerally) in its one
place for a user's errors. This is the one place that decides it, for every platform; the
failure is logged as one line, without a traceback. Whatever else goes wrong passes through
unchanged.

Nothing is half-done by such a failure: each call into the core is one transaction, rolled
back when its connection is lost, so a click that was told to try again was not counted
(except in the rare case where the connection is lost after PostgreSQL committed: the retry
is then told "you already answered", and the answer still counts once).
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable, Coroutine
from typing import Any, cast

from adapters.kit import texts
from bot.errors import QuizbotError
from bot.services import QuizApp
from bot.store.failures import classify, is_unavailable

log = logging.getLogger(__name__)


class DatabaseUnavailableError(QuizbotError):
    """The database did not answer a player's request: they are asked to try again."""

    def __init__(self, reason: str = "") -> None:
        super().__init__(texts.database_unavailable())  # in the language of the one who acted
        self.reason = reason


def unavailable(error: BaseException) -> DatabaseUnavailableError | None:
    """``error`` as a player should meet it, when it means the database is not answering."""
    if isinstance(error, DatabaseUnavailableError):
        return error
    if isinstance(error, QuizbotError) or not is_unavailable(error):
        return None
    failure = classify(error)
    return DatabaseUnavailableError(failure.reason if failure else type(error).__name__)


class _Guarded:
    """The core, each of whose calls turns "the database is not answering" into
    :class:`DatabaseUnavailableError`; everything else is the core's own."""

    def __init__(self, app: QuizApp) -> None:
        self._app = app

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._app, name)
        if not inspect.iscoroutinefunction(value):
            return value
        return _guard(name, value)

    def __repr__(self) -> str:
        return f"guarded({self._app!r})"


def _guard(
    name: str, call: Callable[..., Coroutine[Any, Any, Any]]
) -> Callable[..., Coroutine[Any, Any, Any]]:
    @functools.wraps(call)
    async def guarded_call(*args: Any, **kwargs: Any) -> Any:
        try:
            return await call(*args, **kwargs)
        except Exception as error:
            polite = unavailable(error)
            if polite is None or polite is error:
                raise
            log.warning(
                "the database is not answering (%s): %s asked to try again", polite.reason, name
            )
            raise polite from error

    return guarded_call


def guarded(app: QuizApp) -> QuizApp:
    """``app`` as players reach it through a platform (see the module's docstring)."""
    held: object = app
    if isinstance(held, _Guarded):
        return app
    return cast(QuizApp, _Guarded(app))
