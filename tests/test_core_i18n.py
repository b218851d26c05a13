"""The core speaks the language current when it writes: errors, answer receipts, hints,
settings checks, schedules and team names in Spanish and German, English by default; a
refusal told by a code (a link's expiry), not by its words, works whatever the language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.clock import FakeClock
from bot.domain import Question, QuestionKind
from bot.errors import ConfigError, NotAllowedError, QuizbotError
from bot.i18n import use_language
from bot.links import BadLink, LinkSigner, parse_duration
from bot.services import QuizApp
from bot.services.channel_settings import parse_changes
from bot.services.hints import Hint, HintRefused
from bot.teams import team_name
from bot.views import AnswerStatus, ChannelRef, DailyView, PlayerRef, QuizScheduleView
from tests.test_engine import correct_letter

HERE = ChannelRef("slack", "T1", "C1")
ANN = PlayerRef("slack", "T1", "U1", "Ann")
BOB = PlayerRef("slack", "T1", "U2", "Bob")
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _error(call) -> str:  # type: ignore[no-untyped-def]
    with pytest.raises(QuizbotError) as caught:
        call()
    return str(caught.value)


# -- pure core text ------------------------------------------------------------------------


def test_a_hint_text_follows_the_language_and_its_plural() -> None:
    typed = Hint(1, 3, QuestionKind.TYPED, "C _ _", 1)
    choice = Hint(1, 2, QuestionKind.MULTIPLE_CHOICE, "B", 5)
    assert typed.text() == (
        "Hint for question 3: `C _ _` (a right answer now scores 1 point less)."
    )
    assert choice.text() == (
        "Hint for question 2: it is not B (a right answer now scores 5 points less)."
    )
    with use_language("es"):
        assert typed.text() == (
            "Pista para la pregunta 3: `C _ _` (una respuesta correcta ahora vale 1 punto menos)."
        )
        assert "no es la B" in choice.text() and "5 puntos menos" in choice.text()
    with use_language("de"):
        assert typed.text() == (
            "Tipp für Frage 3: `C _ _` (eine richtige Antwort bringt jetzt 1 Punkt weniger)."
        )
        assert "es ist nicht B" in choice.text() and "5 Punkte weniger" in choice.text()


def test_settings_errors_are_written_in_the_language_current_when_raised() -> None:
    assert _error(lambda: parse_changes(["questions:500"])) == (
        "the number of questions must be between 1 and 100"
    )
    with use_language("es"):
        assert _error(lambda: parse_changes(["questions:500"])) == (
            "el número de preguntas debe estar entre 1 y 100"
        )
        # the keywords a user types stay as they are
        assert _error(lambda: parse_changes(["hints:maybe"])) == (
            "hints puede ser on u off, no 'maybe'"
        )
    with use_language("de"):
        assert _error(lambda: parse_changes(["colour:red"])).startswith(
            "unbekannte Einstellung 'colour' (Einstellungen: bank, questions,"
        )


def test_descriptions_of_schedules_name_the_weekday_and_count_in_the_language() -> None:
    weekly = QuizScheduleView(3, HERE, "weekly", 4, "17:00", "Europe/London", "demo", 1, 30, NOW)
    daily = DailyView(HERE, True, "09:00", "Europe/Berlin", "demo", 60)
    assert weekly.describe() == (
        "#3: a quiz every Friday at 17:00 (Europe/London), 1 question from demo, 30 s each"
    )
    with use_language("es"):
        assert weekly.describe() == (
            "#3: un quiz cada viernes a las 17:00 (Europe/London), "
            "1 pregunta del banco demo, 30 s cada una"
        )
        assert daily.describe().endswith("abierta durante 60 minutos.")
    with use_language("de"):
        assert weekly.describe().startswith("#3: ein Quiz jeden Freitag um 17:00 Uhr")
        assert DailyView(HERE, False).describe() == "Hier gibt es keine Frage des Tages."


def test_team_names_question_problems_and_config_errors_are_translated() -> None:
    assert [team_name(n) for n in (1, 2, 5)] == ["Red", "Blue", "Team 5"]
    broken = Question(kind=QuestionKind.MULTIPLE_CHOICE, prompt="", options=("a",), correct=0)
    assert broken.problems()[0] == "the question text is empty"
    with use_language("es"):
        assert [team_name(n) for n in (1, 2, 5)] == ["Rojo", "Azul", "Equipo 5"]
        assert "una pregunta de opción múltiple necesita al menos 2 opciones" in broken.problems()
        with pytest.raises(ConfigError, match="no es una duración"):
            parse_duration("soon")
    with use_language("de"):
        assert broken.problems()[0] == "der Fragetext ist leer"


def test_an_expired_link_is_told_by_its_code_whatever_the_language() -> None:
    signer = LinkSigner("s" * 32, "http://x")
    url = signer.make("leaderboard", NOW, timedelta(hours=1), platform="slack", workspace="T1")
    token = url.split("/l/", 1)[1]
    with use_language("es"), pytest.raises(BadLink) as expired:
        signer.verify(token, NOW + timedelta(hours=2))
    assert expired.value.expired and str(expired.value) == "el enlace ha caducado"
    assert "expired" not in str(expired.value)  # the words no longer tell it; the code does
    from adapters.web.routes import why

    assert why(expired.value) == "The link has expired"  # the web page tells it in English
    with use_language("de"), pytest.raises(BadLink) as forged:
        signer.verify(token[:-2] + "xx", NOW)
    assert not forged.value.expired and str(forged.value) == "der Link ist ungültig"


# -- through the services ------------------------------------------------------------------


async def test_receipts_and_refusals_in_spanish_and_german(app: QuizApp, clock: FakeClock) -> None:
    view = await app.start_quiz(HERE, ANN, "crm-podcast", 2, 30, seed=7)
    right = await correct_letter(app, view)
    with use_language("es"):
        receipt = await app.answer(view.round_id, ANN, right)
        assert receipt.status is AnswerStatus.RECORDED
        assert receipt.message == f"registrada: {right}"
        again = await app.answer(view.round_id, ANN, right)
        assert again.message == f"ya respondiste: {right}"
        with pytest.raises(QuizbotError) as running:
            await app.start_quiz(HERE, BOB, "crm-podcast", 2, 30)
        assert str(running.value) == "ya hay un quiz en marcha aquí: respóndelo o detenlo primero"
    with use_language("de"), pytest.raises(NotAllowedError) as refused:
        await app.stop_quiz(HERE, BOB)
    assert str(refused.value) == (
        "nur wer dieses Quiz gestartet hat (Ann) oder ein Moderator kann es beenden"
    )
    with pytest.raises(NotAllowedError) as english:
        await app.stop_quiz(HERE, BOB)
    assert str(english.value) == "only Ann, who started this quiz, or a moderator can stop it"
    clock.advance(31)
    with use_language("es"):
        late = await app.answer(view.round_id, BOB, right)
    # the status, not the words, says it was too late
    assert late.status is AnswerStatus.CLOSED
    assert late.message == "demasiado tarde: esta pregunta ya está cerrada"
    assert (await app.answer(view.round_id, BOB, right)).message == (
        "too late: this question has closed"
    )


async def test_moderator_only_and_hint_refusals_in_the_askers_language(app: QuizApp) -> None:
    change = parse_changes(["hints:off"])
    with use_language("es"), pytest.raises(NotAllowedError) as refused:
        await app.change_channel_settings(HERE, BOB, change, is_moderator=False)
    assert str(refused.value) == "solo un moderador puede cambiar los ajustes de este canal"
    with pytest.raises(NotAllowedError, match="only a moderator can change"):
        await app.change_channel_settings(HERE, BOB, change, is_moderator=False)
    await app.change_channel_settings(HERE, None, change, is_moderator=True)
    await app.start_quiz(HERE, ANN, "demo", 2, 30, seed=3)
    with use_language("de"), pytest.raises(HintRefused) as off:
        await app.hint(HERE, ANN)
    assert str(off.value) == "Tipps sind in diesem Kanal ausgeschaltet"


async def test_team_names_are_in_the_channels_language_whoever_asks(app: QuizApp) -> None:
    ann, bob = (PlayerRef("slack", "T1", f"U{n}", n) for n in "AB")
    await app.change_channel_settings(HERE, None, parse_changes(["language:es"]), is_moderator=True)
    lobby = await app.quizzes.start(HERE, ann, "demo", 2, 30, seed=3, lobby_seconds=60, teams=2)
    await app.quizzes.join(lobby.quiz_id, bob, HERE)
    with use_language("de"):  # the starter's own language: the teams are the channel's
        begun = await app.quizzes.begin(lobby.quiz_id, ann, HERE)
    assert begun is not None
    assert [t.name for t in begun.lobby.teams] == ["Rojo", "Azul"]


SPANISH_TRUE_FALSE = """\
bank: verdades
title: Verdades
language: es-MX
questions:
  - question: ¿El agua hierve a 100 °C al nivel del mar?
    type: true_false
    answer: true
"""


async def test_true_false_options_are_in_the_language_of_the_banks_questions(
    app: QuizApp, clock: FakeClock, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from bot.formats import parse_path
    from bot.services.importer import BankImporter

    path = tmp_path / "verdades.yaml"
    path.write_text(SPANISH_TRUE_FALSE, encoding="utf-8")
    async with app.db.transaction() as session:
        await BankImporter(session, app.clock).run(parse_path(path), str(path))
    with use_language("de"):  # whoever starts it: the bank's questions are in Spanish
        view = await app.start_quiz(HERE, ANN, "verdades", 1, 30)
    assert [o.text for o in view.options] == ["Verdadero", "Falso"]
    clock.advance(31)
    outcome = (await app.close_due_rounds())[0]
    assert outcome.correct_text == "Verdadero" and outcome.options[1].text == "Falso"


def test_import_summaries_and_repeat_verdicts_in_the_language() -> None:
    from bot.importing.rows import CONFLICTING, IDENTICAL, judge_repeat
    from bot.services.importer import ImportSummary

    summary = ImportSummary("f.gift", new=3, unchanged=1, repeats=1)
    assert summary.describe() == "3 new, 0 updated, 1 unchanged, 1 repeat skipped"
    conflicting = judge_repeat(12, 4, CONFLICTING)
    assert conflicting.error and conflicting.message == (
        "the same question as line 4 with other answers or options; "
        "keep one, or choose with --on-duplicate first|last"
    )
    with use_language("es"):
        assert summary.describe() == "3 nuevas, 0 actualizadas, 1 sin cambios, 1 repetida omitida"
        assert judge_repeat(12, None, IDENTICAL).message == (
            "repite una pregunta anterior palabra por palabra: importada una sola vez"
        )
    with use_language("de"):
        verdict = judge_repeat(12, 4, CONFLICTING, on_duplicate="last")
        assert not verdict.error and verdict.later_wins
        assert verdict.message == (
            "dieselbe Frage wie in Zeile 4 mit anderen Antworten oder Optionen: "
            "diese behalten (--on-duplicate last)"
        )


async def test_an_unknown_bank_is_named_in_the_askers_language(app: QuizApp) -> None:
    with use_language("de"), pytest.raises(QuizbotError) as unknown:
        await app.start_quiz(HERE, ANN, "nope", 2, 30)
    assert str(unknown.value).startswith("keine Fragenbank namens 'nope' (Fragenbanken: ")
    assert "crm-podcast" in str(unknown.value)
