"""The lobby through the services, on SQLite and PostgreSQL: joining, the starter's Start,
the timeout, late joiners raising a round's ``expected``, and the relaxed mode."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.errors import NotAllowedError, QuizbotError
from bot.services import QuizApp
from bot.store.models import RoundRow
from bot.views import AnswerStatus, ChannelRef, LobbyView, PlayerRef, QuestionView
from tests.test_engine import ANN, BOB, CAT, HERE, correct_letter

DAN = PlayerRef("discord", "guild-1", "u-dan", "Dan")


async def lobby_quiz(app: QuizApp, **options: object) -> LobbyView:
    started = await app.quizzes.start(
        HERE, ANN, "crm-podcast", 3, 30, seed=1, lobby_seconds=30, **options
    )  # type: ignore[arg-type]
    assert isinstance(started, LobbyView)
    return started


async def expected_of(app: QuizApp, round_id: int) -> int:
    async with app.db.reads() as session:
        return int(await session.scalar(select(RoundRow.expected).where(RoundRow.id == round_id)))


async def test_players_join_and_the_starters_start_opens_question_1(app: QuizApp) -> None:
    lobby = await lobby_quiz(app)
    assert lobby.players == ("Ann",) and lobby.starter == "Ann" and not lobby.begun
    assert await app.quizzes.open_round(HERE) is None  # no question during the join phase
    view, new = await app.quizzes.join(lobby.quiz_id, BOB, HERE)
    assert new and view.players == ("Ann", "Bob")
    view, new = await app.quizzes.join(lobby.quiz_id, BOB, HERE)
    assert not new and view.players == ("Ann", "Bob")
    await app.quizzes.join(lobby.quiz_id, CAT, HERE)

    with pytest.raises(NotAllowedError, match="only Ann, who started this quiz, can start it"):
        await app.quizzes.begin(lobby.quiz_id, BOB, HERE)
    begun = await app.quizzes.begin(lobby.quiz_id, ANN, HERE)
    assert begun is not None and begun.lobby.begun and begun.question.number == 1
    assert await app.quizzes.begin(lobby.quiz_id, ANN, HERE) is None  # once only
    first = begun.question
    assert await expected_of(app, first.round_id) == 3

    right = await correct_letter(app, first)
    assert (await app.answer(first.round_id, ANN, right)).outcome is None
    assert (await app.answer(first.round_id, BOB, right)).outcome is None
    receipt = await app.answer(first.round_id, CAT, right)
    assert receipt.outcome is not None and receipt.outcome.number == 1  # closed at once
    assert receipt.outcome.answered == 3 and receipt.outcome.next_question is not None


async def test_a_moderator_may_start_it_and_a_quiz_elsewhere_cannot_be_joined(
    app: QuizApp,
) -> None:
    lobby = await lobby_quiz(app)
    elsewhere = ChannelRef("discord", "guild-1", "chan-2")
    with pytest.raises(QuizbotError, match="not started here"):
        await app.quizzes.join(lobby.quiz_id, BOB, elsewhere)
    begun = await app.quizzes.begin(lobby.quiz_id, BOB, HERE, is_moderator=True)
    assert begun is not None and await expected_of(app, begun.question.round_id) == 1


async def test_the_timeout_begins_the_game_once(app: QuizApp, clock: FakeClock) -> None:
    lobby = await lobby_quiz(app)
    await app.quizzes.join(lobby.quiz_id, BOB, HERE)
    clock.advance(29)
    assert await app.quizzes.begin_due("discord") == []
    clock.advance(1)
    begun = await app.quizzes.begin_due("discord")
    assert [b.lobby.quiz_id for b in begun] == [lobby.quiz_id]
    assert begun[0].lobby.players == ("Ann", "Bob")
    assert await app.quizzes.begin_due("discord") == []  # begun once
    assert await expected_of(app, begun[0].question.round_id) == 2


async def test_late_joiners_raise_expected_so_the_round_waits_for_them(app: QuizApp) -> None:
    lobby = await lobby_quiz(app)
    await app.quizzes.join(lobby.quiz_id, BOB, HERE)
    begun = await app.quizzes.begin(lobby.quiz_id, ANN, HERE)
    assert begun is not None
    first = begun.question
    right = await correct_letter(app, first)
    # Cat joins with the button after the start; Dan by answering.
    await app.quizzes.join(lobby.quiz_id, CAT, HERE)
    assert await expected_of(app, first.round_id) == 3
    assert (await app.answer(first.round_id, DAN, right, HERE)).outcome is None
    assert await expected_of(app, first.round_id) == 4
    assert (await app.answer(first.round_id, ANN, right, HERE)).outcome is None
    assert (await app.answer(first.round_id, BOB, right, HERE)).outcome is None
    receipt = await app.answer(first.round_id, CAT, right, HERE)
    assert receipt.status is AnswerStatus.RECORDED and receipt.outcome is not None
    second = receipt.outcome.next_question
    assert second is not None and await expected_of(app, second.round_id) == 4
    joined = await app.quizzes.lobby(lobby.quiz_id)
    assert joined is not None and joined.players == ("Ann", "Bob", "Cat", "Dan")


async def test_relaxed_rounds_wait_for_everyone_up_to_the_maximum(
    app: QuizApp, clock: FakeClock
) -> None:
    lobby = await lobby_quiz(app, max_seconds=120)
    await app.quizzes.join(lobby.quiz_id, BOB, HERE)
    begun = await app.quizzes.begin(lobby.quiz_id, ANN, HERE)
    assert begun is not None
    first = begun.question
    assert first.deadline == clock.now() + timedelta(seconds=120)
    right = await correct_letter(app, first)
    await app.answer(first.round_id, ANN, right, HERE)
    clock.advance(60)  # past the quiz's 30 s: still open, waiting for Bob
    assert await app.quizzes.due_rounds("discord") == []
    receipt = await app.answer(first.round_id, BOB, right, HERE)
    assert receipt.status is AnswerStatus.RECORDED and receipt.outcome is not None
    second = receipt.outcome.next_question
    assert second is not None
    clock.advance(120)  # nobody answers: the maximum closes it
    assert await app.quizzes.due_rounds("discord") == [second.round_id]


async def test_without_a_lobby_question_1_still_opens_at_once(app: QuizApp) -> None:
    started = await app.quizzes.start(HERE, ANN, "crm-podcast", 3, 30, seed=1)
    assert isinstance(started, QuestionView) and started.number == 1
    assert await expected_of(app, started.round_id) == 0
    with pytest.raises(QuizbotError, match="no lobby"):
        await app.quizzes.join(started.quiz_id, BOB, HERE)
