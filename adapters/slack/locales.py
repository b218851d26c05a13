"""Each Slack user's own language: their Slack locale, asked once and kept.

Slack sends no locale with a slash command, a click, a modal submission or a message event;
``users.info`` with ``include_locale=true`` gives it (``user.locale``, an IETF tag such as
``es-ES``; the ``users:read`` scope the app already has). A reply only that user sees is
written in it when quizbot speaks it, else in the channel's language
(:meth:`adapters.kit.languages.Languages.for_player`).

The answer is kept for :data:`KEEP_SECONDS` per (workspace, user), at most :data:`MAX_KEPT`
users. The question never holds a reply up for long: a listener asks after acknowledging
the request, and waits at most :data:`WAIT_SECONDS`; a slower answer still arrives and is
kept for the user's next request, while this one falls back to the channel's language. Any
failure (``missing_scope`` on an install made before the scope, ``user_not_found``,
``ratelimited``, the network) falls back the same way and is logged once per kind of
failure; a workspace that refuses the scope is not asked again for :data:`KEEP_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger(__name__)

KEEP_SECONDS = 3600.0
#: How long a passing failure (rate limit, network) is kept before asking again.
RETRY_SECONDS = 60.0
MAX_KEPT = 10_000
#: How long a request waits for ``users.info`` before writing in the channel's language.
WAIT_SECONDS = 1.0
#: Errors that hold for a whole workspace (the install lacks users:read).
WORKSPACE_ERRORS = frozenset({"missing_scope", "not_allowed_token_type", "no_permission"})
#: Errors that hold for one user for a long while (not a passing failure).
USER_ERRORS = frozenset({"user_not_found", "user_not_visible"})

Key = tuple[str, str]


class UserLocales:
    """Slack users' locales (``users.info``), kept a while, asked once at a time per user."""

    def __init__(
        self,
        *,
        keep: float = KEEP_SECONDS,
        retry: float = RETRY_SECONDS,
        wait: float = WAIT_SECONDS,
        max_kept: int = MAX_KEPT,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.keep = keep
        self.retry = retry
        self.wait = wait
        self.max_kept = max_kept
        self.clock = clock
        #: (workspace, user) -> (until when it is good, the locale or None)
        self._kept: dict[Key, tuple[float, str | None]] = {}
        #: workspace -> until when it is not asked (it refused the scope)
        self._refused: dict[str, float] = {}
        self._asking: dict[Key, asyncio.Task[str | None]] = {}
        self._logged: set[str] = set()

    def known(self, workspace: str, user: str) -> bool:
        """Whether a locale (or its absence) is kept for this user now."""
        kept = self._kept.get((workspace, user))
        return kept is not None and kept[0] > self.clock()

    async def locale(
        self, client: AsyncWebClient, workspace: str, user: str, *, wait: float | None = None
    ) -> str | None:
        """The user's Slack locale (``es-ES``), or None when it cannot be had in time
        (``wait`` seconds, default :attr:`wait`; 0: only one already kept, nothing asked)."""
        key = (workspace, user)
        now = self.clock()
        kept = self._kept.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        if self._refused.get(workspace, 0.0) > now:
            return None
        limit = self.wait if wait is None else wait
        if limit <= 0:
            return None
        task = self._asking.get(key)
        if task is None:
            task = asyncio.ensure_future(self._ask(client, workspace, user))
            self._asking[key] = task
            task.add_done_callback(lambda _done: self._asking.pop(key, None))
        try:
            return await asyncio.wait_for(asyncio.shield(task), limit)
        except TimeoutError:
            self._log_once("timeout", "users.info took over %.1f s", self.wait)
            return None

    async def _ask(self, client: AsyncWebClient, workspace: str, user: str) -> str | None:
        """Ask Slack; keep the answer (or the failure, for a while)."""
        key = (workspace, user)
        try:
            info = await client.users_info(user=user, include_locale=True)
        except SlackApiError as exc:
            error = str(exc.response.get("error") or exc.response.status_code)
            self._log_once(error, "users.info refused the user's locale (%s)", error)
            if error in WORKSPACE_ERRORS:
                self._refused[workspace] = self.clock() + self.keep
            self._note(key, None, self.keep if error in USER_ERRORS else self.retry)
            return None
        except Exception as exc:  # the network: the channel's language will do
            self._log_once(type(exc).__name__, "users.info failed (%s)", type(exc).__name__)
            self._note(key, None, self.retry)
            return None
        locale = (info.get("user") or {}).get("locale")
        found = str(locale) if locale else None
        self._note(key, found, self.keep)
        return found

    def _note(self, key: Key, locale: str | None, seconds: float) -> None:
        if len(self._kept) >= self.max_kept:
            now = self.clock()
            self._kept = {k: v for k, v in self._kept.items() if v[0] > now}
            if len(self._kept) >= self.max_kept:
                self._kept.clear()
        self._kept[key] = (self.clock() + seconds, locale)

    def _log_once(self, kind: str, message: str, *args: object) -> None:
        if kind in self._logged:
            log.debug(message, *args)
            return
        self._logged.add(kind)
        log.warning(message + ": replies follow the channel's language", *args)

    async def close(self) -> None:
        """Stop the lookups still under way (the process is stopping)."""
        tasks = list(self._asking.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
