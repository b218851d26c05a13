"""The chat kit speaks the channel's language in public and the asker's in private.

Its texts (settings, leaderboards, counts, times, help, parse errors) come out in Spanish and
German from the catalogs, with numbers and weekdays written each language's way, and in
English exactly as before. Through the dispatcher, a public reply is marked with the
channel's language and a private one with the asker's (their client's ``es-ES`` in a channel
set to German); the conductor posts a question, a lobby and a "stopped" notice in the
channel's language whatever language the event came in.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from adapters.kit import commands, lobby, schedules, settings, texts, words
from adapters.kit.commands import Banks, Help, Leaderboard, Settings, Stats, parse
from adapters.kit.conductor import Conductor
from adapters.kit.dispatch import BanksView, Dispatcher, Notice, Request
from adapters.kit.surface import Capabilities, PostRefused
from bot.errors import QuizbotError
from bot.i18n import current_language, use_language
from bot.i18n import formatting as fmt
from bot.services import QuizApp
from bot.services.channel_settings import ChannelSettings, parse_changes
from bot.views import (
    ChannelRef,
    LobbyView,
    QuestionView,
    QuizResults,
    QuizScheduleView,
    RoundOutcome,
    Standing,
)
from tests.test_engine import ANN, HERE


@pytest.fixture(autouse=True)
def _no_install_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUIZBOT_LANGUAGE", raising=False)


# -- texts -----------------------------------------------------------------------------------


def test_settings_show_the_channel_language_in_each_language() -> None:
    chosen = ChannelSettings(questions=5, language="de", hints=False)
    with use_language("es"):
        text = settings.shown(chosen)
    assert "Ajustes del quiz de este canal:" in text
    assert "Preguntas: `5`" in text and "Segundos por pregunta: `30` (predeterminado)" in text
    assert "Pistas: no" in text and "Idioma: `de` (Deutsch)" in text
    assert "language:es" in text and "idiomas: `en`, `es`, `de`" in text
    with use_language("de"):
        assert "Sprache: `de` (Deutsch)" in settings.describe(chosen)
        assert "Tipps: aus" in settings.describe(chosen)
    with use_language("en"):
        english = settings.shown(ChannelSettings())
    assert "Questions: `10` (default)" in english
    assert "Language: `en` (English) (default)" in english  # unset: the install's language
    assert "language:es" in english and "Hints: on" in english


def test_the_install_language_is_the_default_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZBOT_LANGUAGE", "es")
    with use_language("en"):
        assert settings.language_line(ChannelSettings()) == "Language: `es` (Español) (default)"


def test_leaderboard_titles() -> None:
    with use_language("en"):
        assert texts.leaderboard_title("workspace", "week", "server") == (
            "Leaderboard: this server, this week"
        )
    with use_language("es"):
        assert texts.leaderboard_title("workspace", "week", "server") == (
            "Clasificación: este servidor, esta semana"
        )
    with use_language("de"):
        assert texts.leaderboard_title("channel", "all", "group") == (
            "Bestenliste: dieser Kanal, gesamt"
        )


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [
        ("en", "1 point", "1,250 points"),
        ("es", "1 punto", "1.250 puntos"),
        ("de", "1 Punkt", "1.250 Punkte"),
    ],
)
def test_counts_take_the_plural_and_the_grouping_of_the_language(
    language: str, one: str, many: str
) -> None:
    with use_language(language):
        assert (words.points(1), words.points(1250)) == (one, many)


def test_a_review_started_counts_its_questions() -> None:
    with use_language("es"):
        assert texts.review_started(1).startswith("Tu repaso de 1 pregunta fallada ")
        assert texts.review_started(3).startswith("Tu repaso de 3 preguntas falladas ")
    with use_language("de"):
        assert "3 falsch beantworteten Fragen" in texts.review_started(3)


SCHEDULE = QuizScheduleView(
    schedule_id=3,
    channel=HERE,
    every="weekly",
    weekday=4,
    at_time="17:00",
    timezone="Europe/London",
    bank="demo",
    questions=10,
    seconds=None,
    next_run_at=datetime(2026, 12, 4, 17, tzinfo=UTC),
)


def test_scheduled_quizzes_name_weekdays_months_and_times_in_the_language() -> None:
    with use_language("en"):
        assert schedules.line(SCHEDULE) == (
            "#3: a quiz every Friday at 17:00 (Europe/London), 10 questions from demo; "
            "next: Fri 4 Dec 2026, 17:00"
        )
    with use_language("es"):
        assert schedules.line(SCHEDULE) == (
            "#3: un quiz cada viernes a las 17:00 (Europe/London), 10 preguntas de demo; "
            "el próximo: vie 4 dic 2026, 17:00"
        )
    with use_language("de"):
        assert schedules.next_run(SCHEDULE) == "Fr., 4. Dez. 2026, 17:00"
        assert "ein Quiz jeden Freitag um 17:00" in schedules.describe(SCHEDULE)
        assert schedules.clock("9:05") == "09:05"


def test_stats_percentages_and_a_daily_ending() -> None:
    with use_language("de"):
        assert words.percent(3, 4) == fmt.percent(0.75) and words.percent(3, 4).startswith("75")
        assert words.percent(0, 0) == "k. A."
        assert words.heading("quiz", 2, 5) == "Frage 2/5"
    with use_language("en"):
        assert words.heading("daily", 1, 1) == "Daily question"
        assert words.percent(3, 4) == "75%"


def test_results_and_standings_in_german() -> None:
    row = Standing(rank=1, player="u-ann", name="Ann", points=1500, correct=4, answered=5)
    done = QuizResults(1, HERE, "Geography", 5, (row,), stopped_by="Bob")
    with use_language("de"):
        assert words.results_heading(done, words.PLAIN) == (
            "Quiz vorbei · Geography · 5 Fragen\nBeendet von Bob."
        )
        assert words.standing(row, words.PLAIN) == "1. Ann — 1.500 Punkte (4/5 richtig)"
    with use_language("en"):
        assert words.standing(row, words.PLAIN) == "1. Ann — 1,500 points (4/5 right)"


def test_help_lists_the_language_setting() -> None:
    with use_language("es"):
        entries = texts.help_entries(options_style=False, workspace_word="group")
    said = {entry.usage: entry.does for entry in entries}
    assert "language:es" in said["/quiz settings"] and "y su idioma" in said["/quiz settings"]
    assert said["/quiz leaderboard [channel|group] [today|week|month|all]"].endswith("este grupo")
    assert "/quiz banks [en|es|de]" in said
    with use_language("en"):
        english = texts.help_entries(options_style=True, workspace_word="server")
    assert any("language:es" in entry.does for entry in english)


def test_the_lobby_message_in_spanish() -> None:
    view = LobbyView(
        quiz_id=1,
        channel=HERE,
        bank_title="Geography",
        total=3,
        seconds=20,
        starter="Ann",
        players=("Ann", "Bob"),
        until=datetime(2026, 12, 4, 17, tzinfo=UTC),
    )
    with use_language("es"):
        text = lobby.lobby_text(view)
        assert lobby.joined() == "Estás dentro: responde cada pregunta según vaya llegando."
    assert text.startswith("Geography: 3 preguntas, 20 s cada una, iniciado por Ann. Pulsa Unirme")
    assert text.endswith("Se han unido (2): Ann, Bob")


def test_kit_constants_stay_english_and_their_functions_translate() -> None:
    assert texts.SOMETHING_WENT_WRONG == "Something went wrong; please try again."
    with use_language("de"):
        assert (
            texts.something_went_wrong()
            == "Etwas ist schiefgelaufen; bitte versuch es noch einmal."
        )
        assert texts.rating_label("again") == "Nochmal"
    with use_language("en"):
        assert texts.no_mistakes() == texts.NO_MISTAKES
        assert texts.rating_label("easy") == "Easy"


# -- parsing ---------------------------------------------------------------------------------


def test_banks_take_a_language() -> None:
    assert parse("banks") == Banks()
    assert parse("banks es") == Banks(language="es")
    assert parse("banks language:DE") == Banks(language="de")
    assert parse("banks language: es-ES") == Banks(language="es")
    assert isinstance(parse("banks es de"), Help)
    unknown = parse("banks klingon")
    assert isinstance(unknown, Help)
    assert unknown.reason == "I don't know the language `klingon`; use one of `en`, `es`, `de`."
    with pytest.raises(QuizbotError, match="`en`, `es`, `de`"):
        commands.language_named("xx")


def test_a_parse_error_is_said_again_in_the_askers_language() -> None:
    with use_language("en"):
        command = parse("leaderboard forever")
    assert isinstance(command, Help) and command.reason.endswith("not `forever`.")
    with use_language("de"):
        assert command.said() == (
            "`leaderboard` nimmt einen Bereich (channel, workspace) und dann einen Zeitraum "
            "(today, week, month, all), nicht `forever`."
        )
    with use_language("es"):
        assert parse("start 0").said() == "Un quiz necesita al menos una pregunta."  # type: ignore[union-attr]
    assert Help().said() == ""


# -- the dispatcher and the conductor, on both databases --------------------------------------


class RecordingSurface:
    """A platform that records what it was asked to show, and in which language."""

    platform = "discord"

    def __init__(self, *, lobby: bool = False, refuse: bool = False) -> None:
        self.capabilities = Capabilities(private_chats=False, lobby=lobby)
        self.refuse = refuse
        self.shown: list[tuple[str, str]] = []  # (language, text)

    async def post_question(self, question: QuestionView) -> str:
        if self.refuse:
            raise PostRefused("no permission")
        self.shown.append((current_language(), words.heading("quiz", question.number, 3)))
        return f"msg-{question.round_id}"

    async def post_lobby(self, view: LobbyView) -> str:
        self.shown.append((current_language(), lobby.lobby_text(view)))
        return "lobby-msg"

    async def edit_lobby(self, view: LobbyView) -> None:
        self.shown.append((current_language(), lobby.lobby_text(view)))

    async def reveal(self, outcome: RoundOutcome, *, stopped: bool = False) -> None:
        self.shown.append((current_language(), words.who_got_it(outcome, words.PLAIN)))

    async def post_results(self, results: QuizResults) -> None: ...
    async def end_daily(self, outcome: RoundOutcome) -> None: ...
    async def open_private(self, where: ChannelRef, user: str) -> str:
        raise AssertionError("no private chats")

    async def tell(self, where: ChannelRef, user: str, text: str) -> None:
        self.shown.append((current_language(), text))

    def owns(self, workspace: str) -> bool:
        return True


async def yes() -> bool:
    return True


async def german_channel(app: QuizApp) -> None:
    await app.change_channel_settings(HERE, ANN, parse_changes(["language:de"]), is_moderator=True)


async def test_public_replies_are_in_the_channels_language_private_ones_in_the_askers(
    app: QuizApp,
) -> None:
    await german_channel(app)
    conductor = Conductor(app, RecordingSurface())
    dispatcher = Dispatcher(conductor)
    request = Request(HERE, ANN, yes)
    asker = await conductor.languages.for_player(HERE, "es-ES")
    assert asker == "es" and await conductor.languages.for_player(HERE, None) == "de"
    with use_language(asker):
        board = await dispatcher.run(Leaderboard(), request)
        stats = await dispatcher.run(Stats(), request)
        shown = await dispatcher.run(Settings(), request)
        changed = await dispatcher.run(Settings("set", ("questions:5",)), request)
        helped = await dispatcher.run(parse("start 0"), request)
    assert board is not None and board.public and board.language == "de"
    assert stats is not None and not stats.public and stats.language == "es"
    assert shown is not None and shown.language == "es" and isinstance(shown.view, Notice)
    assert "Idioma: `de` (Deutsch)" in shown.view.text
    assert changed is not None and changed.public and changed.language == "de"
    assert isinstance(changed.view, Notice)
    assert changed.view.text.startswith("Ann hat die Einstellungen dieses Kanals geändert.")
    assert "Fragen: `5`" in changed.view.text
    assert helped is not None and helped.language == "es"
    assert helped.view.reason == "Un quiz necesita al menos una pregunta."  # type: ignore[union-attr]


async def test_banks_are_listed_by_language(app: QuizApp) -> None:
    dispatcher = Dispatcher(Conductor(app, RecordingSurface()))
    request = Request(HERE, ANN, yes)
    every = await dispatcher.run(Banks(), request)
    english = await dispatcher.run(parse("banks language:en"), request)
    spanish = await dispatcher.run(Banks(language="es"), request)
    assert isinstance(every.view, BanksView) and every.view.banks  # type: ignore[union-attr]
    assert english.view == every.view  # type: ignore[union-attr]  # the shipped banks are English
    assert spanish.view == BanksView(())  # type: ignore[union-attr]
    with use_language("de"), pytest.raises(QuizbotError, match="kenne ich nicht"):
        await dispatcher.run(Banks(language="klingon"), request)


async def test_the_conductor_posts_in_the_channels_language(app: QuizApp) -> None:
    await german_channel(app)
    surface = RecordingSurface()
    conductor = Conductor(app, surface)
    with use_language("es"):  # the one who typed the command reads Spanish
        await conductor.start_quiz(HERE, ANN, bank="crm-podcast", count=3, seconds=30)
        assert current_language() == "es"
    assert surface.shown == [("de", "Frage 1/3")]


async def test_the_lobby_and_a_refusal_are_in_the_channels_language(app: QuizApp) -> None:
    await german_channel(app)
    surface = RecordingSurface(lobby=True, refuse=True)
    conductor = Conductor(app, surface)
    with use_language("es"):
        started = await conductor.start_quiz(
            HERE, ANN, bank="crm-podcast", count=3, seconds=30, lobby_seconds=30
        )
        assert isinstance(started, LobbyView)
        await conductor.begin(started.quiz_id, ANN, HERE, yes)  # question 1 is refused
    languages = {language for language, _text in surface.shown}
    assert languages == {"de"}
    texts_shown = [text for _language, text in surface.shown]
    assert "crm" in texts_shown[0].lower() and "Drück Mitmachen" in texts_shown[0]
    assert texts_shown[-1] == "Ich habe das Quiz beendet: no permission"
