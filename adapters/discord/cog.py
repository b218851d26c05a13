"""quizbot's Discord commands and interactions, as one cog given what it serves with.

- the slash commands ``/quiz start|stop|leaderboard|banks|help|mistakes|daily|schedule|stats`` and
  ``/flashcards``: each maps its options to the kit's command model and runs it through
  the kit's dispatcher, then shows the reply (see :mod:`adapters.discord.replies`);
- buttons and the typed-answer form (see :mod:`adapters.discord.components`): answers go to
  the core, what follows to the conductor;
- chat messages in a channel with an open typed question answer it.

Every interaction is acknowledged before any database call (Discord's 3 seconds).

Languages: each interaction is served in its user's language (their Discord client's
locale when quizbot speaks it, else the channel's; see :mod:`adapters.kit.languages`), so
private replies and errors are in it; the dispatcher's public replies carry the channel's,
and what the cog posts or edits for everyone (the live answer count) is written in the
channel's. The slash commands' descriptions are localized through
:mod:`adapters.discord.localized`; their names stay English (see there why).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands as ext

from adapters.discord import choices, render
from adapters.discord.components import (
    Answer,
    LobbyAction,
    OpenTypedForm,
    RateCard,
    ShowCard,
    TypedAnswerModal,
    TypedForm,
    flashcard_view,
    parse,
    typed_text,
)
from adapters.discord.localized import described
from adapters.discord.refs import channel_ref, interaction_channel, interaction_player, player_ref
from adapters.discord.refs import is_moderator as has_moderator_rights
from adapters.discord.replies import RENDERER, Responder
from adapters.discord.surface import (
    DiscordSurface,
    ask_for_text,
    lobby_message,
    missing_permissions,
)
from adapters.kit import commands, lobby, texts
from adapters.kit.conductor import Conductor, PostFirst, PostLobby
from adapters.kit.dispatch import Dispatcher, Request
from bot.errors import QuizbotError
from bot.i18n import LANGUAGES, N_, current_language, use_language
from bot.services import QuizApp
from bot.services.channel_settings import MAX_RELAXED_SECONDS, MIN_RELAXED_SECONDS
from bot.views import AnswerStatus, LobbyView, QuestionView, RoundOutcome

log = logging.getLogger(__name__)

RECORDED_REACTION = "📝"
QUESTIONS = app_commands.Range[int, texts.QUESTIONS_RANGE[0], texts.QUESTIONS_RANGE[1]]
SECONDS = app_commands.Range[int, texts.SECONDS_RANGE[0], texts.SECONDS_RANGE[1]]
MISTAKES = app_commands.Range[int, texts.MISTAKES_RANGE[0], texts.MISTAKES_RANGE[1]]
OPEN_MINUTES = app_commands.Range[int, texts.OPEN_MINUTES_RANGE[0], texts.OPEN_MINUTES_RANGE[1]]
SCOPES = {"channel": "channel", "server": "workspace"}
#: The languages quizbot speaks, each by its own name (the same in every client).
LANGUAGE_CHOICES = [app_commands.Choice(name=name, value=code) for code, name in LANGUAGES.items()]
TEAMS = app_commands.Range[int, commands.TEAMS_RANGE[0], commands.TEAMS_RANGE[1]]
RELAXED_SECONDS = app_commands.Range[int, MIN_RELAXED_SECONDS, MAX_RELAXED_SECONDS]
#: How long a form's language may take to learn (the form must be the response, within
#: Discord's 3 seconds); past it, the form is in the current language.
FORM_LANGUAGE_SECONDS = 1.0


def _word(value: object) -> str:
    """A typed option as the word ``/quiz settings`` reads (a boolean as on or off)."""
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


class QuizCog(ext.Cog):
    """Everything a user does with quizbot on Discord."""

    quiz = app_commands.Group(
        name="quiz", description=N_("Quizzes in this channel"), guild_only=True
    )

    def __init__(
        self,
        app: QuizApp,
        surface: DiscordSurface,
        conductor: Conductor,
        dispatcher: Dispatcher,
        moderator_role: str | None,
    ) -> None:
        self.app = app
        self.surface = surface
        self.conductor = conductor
        self.dispatcher = dispatcher
        self.moderator_role = moderator_role

    # -- running a command ----------------------------------------------------------------

    def request(self, interaction: discord.Interaction) -> Request:
        role = self.moderator_role

        async def moderator() -> bool:
            return has_moderator_rights(interaction, role)

        return Request(interaction_channel(interaction), interaction_player(interaction), moderator)

    async def language(self, interaction: discord.Interaction) -> str:
        """The language of what only this user sees: their client's when quizbot speaks it,
        else the channel's."""
        where = interaction_channel(interaction) if interaction.guild_id else None
        return await self.conductor.languages.for_player(where, str(interaction.locale))

    async def private(self, interaction: discord.Interaction, text: Callable[[], str]) -> None:
        """Acknowledge, then tell this user alone ``text()``, written in their language."""
        responder = Responder(interaction)
        await responder.acknowledge()
        with use_language(await self.language(interaction)):
            await responder.private(text())

    async def run(
        self,
        interaction: discord.Interaction,
        command: commands.Command,
        *,
        public: bool = False,
        needs_channel: bool = False,
    ) -> None:
        """Acknowledge, run ``command`` through the dispatcher, show its reply."""
        responder = Responder(interaction)
        await responder.acknowledge(public=public)
        with use_language(await self.language(interaction)):
            await self._run(interaction, responder, command, public, needs_channel)

    async def _run(
        self,
        interaction: discord.Interaction,
        responder: Responder,
        command: commands.Command,
        public: bool,
        needs_channel: bool,
    ) -> None:
        try:
            if needs_channel and (missing := missing_permissions(interaction.app_permissions)):
                raise QuizbotError(ask_for_text(missing))
            post_first = self._post_first(responder) if public else None
            post_lobby = self._post_lobby(responder) if public else None
            reply = await self.dispatcher.run(
                command, self.request(interaction), post_first=post_first, post_lobby=post_lobby
            )
            if reply is None:
                return
            message = await responder.send(reply)
            if isinstance(reply.view, QuestionView):  # a review, shown to its player alone
                await self.app.set_round_message(reply.view.round_id, str(message.id))
        except Exception as error:
            await responder.error(error)

    def _post_first(self, responder: Responder) -> PostFirst:
        """A quiz's first question is the public reply to ``/quiz start``."""

        async def post(question: QuestionView) -> str:
            message = await responder.show(RENDERER.question(question), public=True)
            self.surface.round_opened(question)
            return str(message.id)

        return post

    def _post_lobby(self, responder: Responder) -> PostLobby:
        """A quiz's lobby is the public reply to ``/quiz start`` when it has one."""

        async def post(view: LobbyView) -> str:
            message = await responder.show(lobby_message(view), public=True)
            return str(message.id)

        return post

    # -- /quiz ----------------------------------------------------------------------------

    @quiz.command(name="start", description=N_("Start a quiz in this channel"))
    @app_commands.describe(
        bank=N_("The question bank to play (default: the main bank)"),
        questions=described(
            N_("How many questions ({low}-{high})"),
            low=texts.QUESTIONS_RANGE[0],
            high=texts.QUESTIONS_RANGE[1],
        ),
        seconds=described(
            N_("Seconds to answer each question ({low}-{high})"),
            low=texts.SECONDS_RANGE[0],
            high=texts.SECONDS_RANGE[1],
        ),
        topic=N_("Only questions on this topic"),
        mode=N_("random order, or hardest first (the questions most players miss)"),
        teams=N_("Play in teams (2-4), balanced by each player's accuracy on the bank"),
        lobby=N_("Players join before question 1 (default: this channel's setting)"),
    )
    async def start(
        self,
        interaction: discord.Interaction,
        bank: str | None = None,
        questions: QUESTIONS | None = None,
        seconds: SECONDS | None = None,
        topic: str | None = None,
        mode: Literal["random", "hardest"] = "random",
        teams: TEAMS | None = None,
        lobby: bool | None = None,
    ) -> None:
        command = commands.Start(
            bank=bank or None,
            count=questions,
            seconds=seconds,
            topic=topic or None,
            hardest=mode == "hardest",
            teams=teams,
            lobby=lobby,
        )
        await self.run(interaction, command, public=True, needs_channel=True)

    @start.autocomplete("bank")
    async def start_bank(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.banks(self.app, current, questions=True)

    @start.autocomplete("topic")
    async def start_topic(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.topics(self.app, getattr(interaction.namespace, "bank", None), current)

    @quiz.command(name="stop", description=N_("Stop this channel's quiz"))
    async def stop(self, interaction: discord.Interaction) -> None:
        await self.run(interaction, commands.Stop(), public=True)
        self.surface.quiz_ended(interaction_channel(interaction))

    @quiz.command(name="leaderboard", description=N_("The best players"))
    @app_commands.describe(
        scope=N_("This channel, or this server"), period=N_("Which scores count")
    )
    async def leaderboard(
        self,
        interaction: discord.Interaction,
        scope: Literal["channel", "server"] = "channel",
        period: Literal["all", "today", "week", "month"] = "all",
    ) -> None:
        command = commands.Leaderboard(scope=SCOPES[scope], period=period)
        await self.run(interaction, command, public=True)

    @quiz.command(name="banks", description=N_("The question banks you can play"))
    @app_commands.describe(language=N_("Only the banks whose questions are in this language"))
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def banks(
        self, interaction: discord.Interaction, language: app_commands.Choice[str] | None = None
    ) -> None:
        chosen = language.value if language is not None else None
        await self.run(interaction, commands.Banks(language=chosen))

    @quiz.command(name="help", description=N_("How to play"))
    async def help(self, interaction: discord.Interaction) -> None:
        await self.run(interaction, commands.Help())

    @quiz.command(
        name="mistakes", description=N_("Review the questions you got wrong (only you see it)")
    )
    @app_commands.describe(
        questions=described(
            N_("How many questions ({low}-{high})"),
            low=texts.MISTAKES_RANGE[0],
            high=texts.MISTAKES_RANGE[1],
        )
    )
    async def mistakes(
        self, interaction: discord.Interaction, questions: MISTAKES = texts.DEFAULT_QUESTIONS
    ) -> None:
        await self.run(interaction, commands.Mistakes(count=questions))

    @quiz.command(
        name="daily",
        description=N_("This channel's daily question: show it, set it or turn it off"),
    )
    @app_commands.describe(
        time=N_("When to post it, HH:MM (24-hour), or off (moderators)"),
        timezone=N_("The time zone of that time, e.g. Europe/London"),
        bank=N_("The bank to ask from (default: the main bank)"),
        minutes=described(
            N_("How long each question stays open ({low}-{high}, default 8 hours)"),
            low=texts.OPEN_MINUTES_RANGE[0],
            high=texts.OPEN_MINUTES_RANGE[1],
        ),
    )
    async def daily(
        self,
        interaction: discord.Interaction,
        time: str | None = None,
        timezone: str | None = None,
        bank: str | None = None,
        minutes: OPEN_MINUTES | None = None,
    ) -> None:
        if time is None:
            command: commands.Command = commands.Daily()
        elif time.strip().lower() == choices.OFF:
            command = commands.Daily(action="off")
        elif not timezone:
            await self.private(interaction, texts.need_time_zone)
            return
        else:
            command = commands.Daily("set", time.strip(), timezone, bank or None, minutes)
        setting = command.action == "set"
        await self.run(interaction, command, public=time is not None, needs_channel=setting)

    @daily.autocomplete("time")
    async def daily_time(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices.daily_times(current)

    @daily.autocomplete("timezone")
    async def daily_timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices.time_zones(current)

    @daily.autocomplete("bank")
    async def daily_bank(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.banks(self.app, current, questions=True)

    @quiz.command(
        name="settings", description=N_("This channel's quiz defaults: show them, or set them")
    )
    @app_commands.describe(
        bank=N_("The bank a quiz plays when none is given (moderators; default: reset it)"),
        questions=described(
            N_("How many questions ({low}-{high})"),
            low=texts.QUESTIONS_RANGE[0],
            high=texts.QUESTIONS_RANGE[1],
        ),
        seconds=described(
            N_("Seconds per question ({low}-{high})"),
            low=texts.SECONDS_RANGE[0],
            high=texts.SECONDS_RANGE[1],
        ),
        speed_bonus=N_("Extra points for fast right answers"),
        streak_bonus=N_("Extra points for right answers in a row"),
        hints=N_("Players may take a hint (it costs points)"),
        lobby=N_("Players join before the first question"),
        relaxed=N_("Each question waits for every player who joined"),
        relaxed_max_seconds=N_("The longest a relaxed question waits"),
        language=N_("The language of this channel's messages (moderators)"),
        reset=N_("Forget this channel's settings (back to the defaults)"),
    )
    @app_commands.choices(language=LANGUAGE_CHOICES)
    async def settings(
        self,
        interaction: discord.Interaction,
        bank: str | None = None,
        questions: QUESTIONS | None = None,
        seconds: SECONDS | None = None,
        speed_bonus: bool | None = None,
        streak_bonus: bool | None = None,
        hints: bool | None = None,
        lobby: bool | None = None,
        relaxed: bool | None = None,
        relaxed_max_seconds: RELAXED_SECONDS | None = None,
        language: app_commands.Choice[str] | None = None,
        reset: bool = False,
    ) -> None:
        given = {
            "bank": bank or None,
            "questions": questions,
            "seconds": seconds,
            "speed_bonus": speed_bonus,
            "streak_bonus": streak_bonus,
            "hints": hints,
            "lobby": lobby,
            "relaxed": relaxed,
            "relaxed_max_seconds": relaxed_max_seconds,
            "language": language.value if language is not None else None,
        }
        words = tuple(f"{key}:{_word(value)}" for key, value in given.items() if value is not None)
        if reset:
            command = commands.Settings(action="reset")
        else:
            command = commands.Settings(action="set" if words else "show", words=words)
        await self.run(interaction, command, public=command.action != "show")

    @settings.autocomplete("bank")
    async def settings_bank(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.banks(self.app, current, questions=True)

    @quiz.command(
        name="schedule", description=N_("Quizzes that start themselves here: list, add or remove")
    )
    @app_commands.describe(
        every=N_("daily or weekly adds one (moderators), off removes, list shows them"),
        day=N_("The day of a weekly quiz"),
        time=N_("When it starts, HH:MM (24-hour)"),
        timezone=N_("The time zone of that time, e.g. Europe/London"),
        questions=described(
            N_("How many questions (default: the channel's; {low}-{high})"),
            low=texts.QUESTIONS_RANGE[0],
            high=texts.QUESTIONS_RANGE[1],
        ),
        seconds=described(
            N_("Seconds per question (default: the channel's; {low}-{high})"),
            low=texts.SECONDS_RANGE[0],
            high=texts.SECONDS_RANGE[1],
        ),
        bank=N_("The bank to play (default: the channel's)"),
        number=N_("With off: the number of the one to remove (default: all of them)"),
    )
    async def schedule(
        self,
        interaction: discord.Interaction,
        every: Literal["list", "daily", "weekly", "off"] = "list",
        day: Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"] | None = None,
        time: str | None = None,
        timezone: str | None = None,
        questions: QUESTIONS | None = None,
        seconds: SECONDS | None = None,
        bank: str | None = None,
        number: app_commands.Range[int, 1] | None = None,
    ) -> None:
        if every == "list":
            command = commands.Schedule()
        elif every == "off":
            command = commands.Schedule(action="off", schedule_id=number)
        elif not time or not timezone:
            await self.private(interaction, texts.need_schedule_time)
            return
        else:
            command = commands.Schedule(
                action="add",
                every=every,
                weekday=day,
                at=time.strip(),
                timezone=timezone,
                bank=bank or None,
                questions=questions,
                seconds=seconds,
            )
        adding = command.action == "add"
        await self.run(interaction, command, public=command.action != "list", needs_channel=adding)

    @schedule.autocomplete("time")
    async def schedule_time(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [c for c in choices.daily_times(current) if c.value != choices.OFF]

    @schedule.autocomplete("timezone")
    async def schedule_timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return choices.time_zones(current)

    @schedule.autocomplete("bank")
    async def schedule_bank(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.banks(self.app, current, questions=True)

    @quiz.command(name="hint", description=N_("A hint on the open question, just for you"))
    async def hint(self, interaction: discord.Interaction) -> None:
        await self.run(interaction, commands.Hint())

    @quiz.command(name="stats", description=N_("Your answers, accuracy, streaks and reviews due"))
    async def stats(self, interaction: discord.Interaction) -> None:
        await self.run(interaction, commands.Stats())

    # -- /flashcards ----------------------------------------------------------------------

    @app_commands.command(
        name="flashcards", description=N_("Review the flashcards due for you, privately")
    )
    @app_commands.describe(bank=N_("The bank to review (default: the first with flashcards)"))
    @app_commands.guild_only()
    async def flashcards(self, interaction: discord.Interaction, bank: str | None = None) -> None:
        await self.run(interaction, commands.Flashcards(bank=bank or None))

    @flashcards.autocomplete("bank")
    async def flashcards_bank(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return await choices.banks(self.app, current, flashcards=True)

    # -- buttons and forms ----------------------------------------------------------------

    @ext.Cog.listener()
    async def on_interaction(self, interaction: discord.Interaction) -> None:
        """Buttons and forms, by what their custom id says (so any process serves them)."""
        if interaction.type not in (
            discord.InteractionType.component,
            discord.InteractionType.modal_submit,
        ):
            return
        component = parse(dict(interaction.data or {}))  # type: ignore[arg-type]
        if component is None:
            return
        if isinstance(component, OpenTypedForm):  # the form is the response itself
            with use_language(await self.form_language(interaction)):
                modal = TypedAnswerModal(component.round_id, interaction.user.id)
            await interaction.response.send_modal(modal)
            return
        responder = Responder(interaction)
        try:
            if isinstance(component, Answer | TypedForm):
                await self.answer(interaction, responder, component)
            elif isinstance(component, LobbyAction):
                await self.lobby_action(interaction, responder, component)
            else:
                await self.flashcard(interaction, responder, component)
        except Exception as error:
            with use_language(await self.language(interaction)):
                await responder.error(error)

    async def form_language(self, interaction: discord.Interaction) -> str:
        """:meth:`language`, learnt in time for a form (which cannot be deferred)."""
        try:
            return await asyncio.wait_for(self.language(interaction), FORM_LANGUAGE_SECONDS)
        except TimeoutError:
            return current_language()

    async def answer(
        self, interaction: discord.Interaction, responder: Responder, component: Answer | TypedForm
    ) -> None:
        """Record a click or a typed answer, tell the one who answered, then go on."""
        message = interaction.message
        in_review = message is not None and message.flags.ephemeral
        if in_review:
            await responder.acknowledge_update()
        else:
            await responder.acknowledge()
        with use_language(await self.language(interaction)):
            await self._answer(interaction, responder, component, in_review)

    async def _answer(
        self,
        interaction: discord.Interaction,
        responder: Responder,
        component: Answer | TypedForm,
        in_review: bool,
    ) -> None:
        message = interaction.message
        choice = (
            component.choice
            if isinstance(component, Answer)
            else typed_text(dict(interaction.data or {}))  # type: ignore[arg-type]
        )
        receipt = await self.app.answer(
            component.round_id,
            interaction_player(interaction),
            choice,
            interaction_channel(interaction),
        )
        outcome = receipt.outcome
        if in_review and outcome is not None and outcome.private_to:
            await self.reveal_privately(responder, outcome, receipt.correct)
            return
        await responder.private(render.receipt_text(receipt))
        if in_review:
            return
        edit = None
        if message is not None and message.embeds:
            where, embed = interaction_channel(interaction), message.embeds[0]

            async def edit(count: int) -> None:
                async with self.conductor.in_language_of(where):  # a public message
                    await self.surface.edit_count(where, message.id, embed, count)

        await self.conductor.answered(receipt, edit)

    async def lobby_action(
        self, interaction: discord.Interaction, responder: Responder, component: LobbyAction
    ) -> None:
        """Join (told privately), or Start: the conductor edits the lobby and posts question
        1; a refused Start is told privately (by the caller's error reply)."""
        where, who = interaction_channel(interaction), interaction_player(interaction)
        if component.action == lobby.JOIN:
            await responder.acknowledge()
            with use_language(await self.language(interaction)):
                await self.conductor.join(component.quiz_id, who, where)
                await responder.private(lobby.joined())
            return
        await responder.acknowledge_update()
        request = self.request(interaction)
        with use_language(await self.language(interaction)):
            await self.conductor.begin(component.quiz_id, who, where, request.is_moderator)

    async def reveal_privately(
        self, responder: Responder, outcome: RoundOutcome, correct: bool | None
    ) -> None:
        """A review round: the reveal replaces the player's own question message, then the
        next question (or how the review went) follows, to them alone."""
        verdict = render.review_verdict(correct)
        await responder.update(
            content=verdict or None, embed=render.reveal_embed(outcome), view=None
        )
        if outcome.next_question is not None:
            question = outcome.next_question
            message = await responder.show(RENDERER.question(question))
            await self.app.set_round_message(question.round_id, str(message.id))
        elif outcome.results is not None:
            await responder.show({"embed": render.review_results_embed(outcome.results)})

    async def flashcard(
        self,
        interaction: discord.Interaction,
        responder: Responder,
        component: ShowCard | RateCard,
    ) -> None:
        """Turn a card over, or rate it and show the next one, in the same message."""
        await responder.acknowledge_update()
        with use_language(await self.language(interaction)):
            await self._flashcard(interaction, responder, component)

    async def _flashcard(
        self,
        interaction: discord.Interaction,
        responder: Responder,
        component: ShowCard | RateCard,
    ) -> None:
        who = interaction_player(interaction)
        if isinstance(component, ShowCard):
            card = await self.app.next_flashcard(who, component.bank or None)
            # The card is still the one due unless it was rated elsewhere meanwhile; then
            # the review simply goes on with the card that is due now.
            turned = card.card_id == component.card_id
        else:
            card = await self.app.rate_flashcard(who, component.card_id, component.rating)
            turned = False
        await responder.update(
            embed=render.flashcard_embed(card, show_back=turned),
            view=flashcard_view(card, show_back=turned),
            image=card.image,
        )

    # -- the bot leaving a server -----------------------------------------------------------

    @ext.Cog.listener()
    async def on_guild_remove(self, guild: discord.Guild) -> None:
        """Removed from a server (kicked, or the server deleted): its quizzes and daily
        questions stop, so nothing is posted there any more (its scores stay)."""
        halted = await self.app.halt_workspace("discord", str(guild.id))
        log.info(
            "removed from server %s: stopped %d quiz(zes) and %d daily question(s)",
            guild.id,
            halted.quizzes,
            halted.dailies,
        )

    # -- typed answers in the channel ------------------------------------------------------

    @ext.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """A message in a channel with an open typed-answer round answers it."""
        if message.author.bot or message.guild is None or not message.content:
            return
        if not self.surface.watches(message.channel.id):
            return
        where = channel_ref(message.guild.id, message.channel.id)
        who = player_ref(message.guild.id, message.author)
        try:
            receipt = await self.app.answer_text(where, who, message.content)
        except QuizbotError:
            log.debug("typed answer refused", exc_info=True)
            return
        if receipt is None:
            return
        if receipt.status is AnswerStatus.RECORDED:
            try:
                await message.add_reaction(RECORDED_REACTION)
            except discord.HTTPException:
                log.debug("could not react to a typed answer", exc_info=True)
        # A message has no locale: what follows it is the channel's, in its language.
        with use_language(await self.conductor.languages.for_player(where, None)):
            await self.conductor.answered(receipt)
