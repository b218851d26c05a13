"""Telegram running in a quizbot process: by webhook in the web process, or long polling.

With ``TELEGRAM_WEBHOOK_URL`` set, Telegram delivers updates to ``POST`` on that URL's path
of the shared HTTP server (see :mod:`adapters.kit.web`): a delivery without the right
``X-Telegram-Bot-Api-Secret-Token`` header gets 401 and changes nothing, a body that is not
an update gets 400, anything else is queued for the handlers and answered 200 at once.
Without it the bot long-polls (a laptop, or a worker process). A token Telegram rejects is
one line (:class:`bot.errors.ConfigError`) and exit code 1; so is Telegram not answering at
start-up (:class:`adapters.kit.network.PlatformUnreachableError`). Once polling, the library
retries a network that fails by itself.

At start-up the bot's command menu is registered once per language quizbot speaks
(``setMyCommands`` with ``language_code``: Telegram shows each user the list of their app's
language), and in English for everyone else.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging

from aiohttp import web
from telegram import Bot, BotCommand, Update
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder

from adapters.kit.conductor import Conductor
from adapters.kit.contract import Runtime
from adapters.kit.dispatch import Dispatcher
from adapters.kit.images import Pictures
from adapters.kit.network import unreachable
from adapters.telegram.handlers import TelegramHandlers
from adapters.telegram.settings import TelegramSettings
from adapters.telegram.surface import TelegramSurface
from bot.errors import ConfigError
from bot.i18n import LANGUAGES, N_, _, default_language, use_language

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: The Bot API's address when TELEGRAM_API_URL does not say another.
DEFAULT_API_URL = "https://api.telegram.org/bot"
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
#: How often a flood-limited call is tried again (after Telegram's retry_after).
RATE_LIMIT_RETRIES = 3
#: The command menu: each command and what it does (translated with ``_()``, in the menu's
#: language; the commands themselves are what people type, never translated).
COMMANDS: tuple[tuple[str, str], ...] = (
    ("quiz", N_("Quizzes here: /quiz start, /quiz stop, /quiz help ...")),
    ("flashcards", N_("Review your flashcards (in our private chat)")),
    ("help", N_("How to play")),
)


def command_menu(language: str) -> list[BotCommand]:
    """The command menu in ``language``."""
    with use_language(language):
        return [BotCommand(command, _(does)) for command, does in COMMANDS]


async def register_commands(bot: Bot) -> None:
    """The command menu in the install's language (``QUIZBOT_LANGUAGE``, else English) for
    any user (no ``language_code``), and in each other language quizbot speaks for the users
    whose app is in it."""
    default = default_language()
    await bot.set_my_commands(command_menu(default))
    for language in sorted(LANGUAGES):
        if language != default:
            await bot.set_my_commands(command_menu(language), language_code=language)


def build_application(settings: TelegramSettings) -> Application:  # type: ignore[type-arg]
    builder = (
        ApplicationBuilder()
        .token(settings.token or "")
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(True)
    )
    if settings.api_url:
        base = settings.api_url.rstrip("/")
        root, _sep, last = base.rpartition("/")
        builder = builder.base_url(base).base_file_url(f"{root}/file/{last}")
    if settings.serves_http:
        builder = builder.updater(None)
    return builder.build()


class TelegramService:
    """Telegram in this process (see :class:`adapters.kit.contract.Service`)."""

    name = "telegram"

    def __init__(
        self, runtime: Runtime, settings: TelegramSettings, *, run_ticker: bool = True
    ) -> None:
        self.settings = settings
        self.run_ticker = run_ticker
        self.application = build_application(settings)
        self.surface = TelegramSurface(self.application.bot, Pictures(runtime.app))
        self.conductor = Conductor(runtime.app, self.surface)
        self.dispatcher = Dispatcher(self.conductor)
        self.handlers = TelegramHandlers(
            self.conductor.app, self.conductor, self.dispatcher, self.surface
        )
        self.handlers.register(self.application)
        self.failure: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._polling = False
        if settings.serves_http:
            if runtime.web is None:
                raise RuntimeError("Telegram's webhook needs the web server")
            runtime.web.router.add_post(settings.webhook_path, self.webhook)

    async def start(self) -> None:
        try:
            await self._start()
        except NetworkError as exc:  # a TimedOut too: Telegram is not answering
            raise unreachable("Telegram", self.settings.api_url or DEFAULT_API_URL, exc) from None

    async def _start(self) -> None:
        try:
            await self.application.initialize()  # getMe: checks the token
        except InvalidToken:
            raise ConfigError(_("TELEGRAM_TOKEN was rejected by Telegram")) from None
        log.info("connected to Telegram as @%s", self.application.bot.username)
        await self.application.start()
        try:
            await register_commands(self.application.bot)
        except TelegramError:
            log.warning("could not register the bot's commands", exc_info=True)
        if self.settings.serves_http:
            await self._set_webhook()
        else:
            updater = self.application.updater
            assert updater is not None
            await updater.start_polling(allowed_updates=ALLOWED_UPDATES)
            self._polling = True
            log.info("Telegram: long polling for updates")
        if self.run_ticker:
            await self.conductor.start()

    async def _set_webhook(self) -> None:
        """Point Telegram at this web process (once: several processes agree on it)."""
        bot, url = self.application.bot, self.settings.webhook_url
        info = await bot.get_webhook_info()
        if info.url != url:
            await bot.set_webhook(
                url, secret_token=self.settings.secret, allowed_updates=ALLOWED_UPDATES
            )
        log.info("Telegram: webhook at %s", self.settings.webhook_path)

    async def webhook(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.settings.secret.encode()):
            log.warning("a Telegram webhook delivery with a wrong secret was refused")
            return web.Response(status=401, text="wrong secret token")
        try:
            data = json.loads(await request.text())
            update = Update.de_json(data, self.application.bot)
        except (ValueError, TypeError, KeyError):
            log.warning("a Telegram webhook delivery that is not an update was refused")
            return web.Response(status=400, text="not an update")
        if update is None:
            return web.Response(status=400, text="not an update")
        await self.application.update_queue.put(update)
        return web.Response(text="ok")

    async def stop_taking_work(self) -> None:
        if self._polling and self.application.updater is not None:
            await self.application.updater.stop()
            log.info("Telegram: stopped polling")

    async def finish_in_flight(self, within: float) -> None:
        if self.application.running:
            await asyncio.wait_for(self.application.stop(), within)

    async def close(self) -> None:
        await self.application.shutdown()
