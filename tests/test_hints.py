"""Hints: what they show (pure functions), and through the services on SQLite and PostgreSQL
what they cost, that a second one is refused, and that a hinted right answer rates the
player's mistake card Hard."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.domain import QuestionKind
from bot.hints import letters_shown, removed_option, reveal_order, typed_hint
from bot.scoring import ScoringRules
from bot.services import QuizApp
from bot.services.hints import HintRefused
from bot.store.models import AnswerRow, FlashcardStateRow, RoundHintRow
from bot.views import AnswerStatus, ChannelRef, PlayerRef, QuestionView
from tests.test_engine import correct_letter, wrong_letter

HERE = ChannelRef("slack", "T1", "C1")
ANN = PlayerRef("slack", "T1", "U1", "Ann")
BOB = PlayerRef("slack", "T1", "U2", "Bob")
CAT = PlayerRef("slack", "T1", "U3", "Cat")

# -- what a hint shows ---------------------------------------------------------------------


def test_the_shape_alone_at_the_start_keeps_spaces_and_punctuation() -> None:
    assert typed_hint("Customer life-time value", 0.0, "s") == (
        "_ _ _ _ _ _ _ _   _ _ _ _ - _ _ _ _   _ _ _ _ _"
    )
    assert typed_hint("  Paris ", 0.0, "s") == "_ _ _ _ _"


def test_later_in_the_round_shows_more_letters_first_letters_first_at_most_half() -> None:
    answer = "Customer Relationship Management"  # 30 letters
    shown = [sum(c.isalpha() for c in typed_hint(answer, t, "s")) for t in (0, 0.2, 0.5, 1, 2)]
    assert shown == [0, 3, 7, 15, 15]
    assert shown == sorted(shown)
    early = typed_hint(answer, 0.2, "s")
    assert early.startswith("C _") and "   R _" in early and "   M _" in early
    assert letters_shown("Paris", 1.0) == 2
    # the same round shows the same letters, whoever asks
    assert typed_hint(answer, 0.7, "seed") == typed_hint(answer, 0.7, "seed")
    assert reveal_order("ab cd", "x")[:2] == [0, 3]


def test_markup_characters_are_hidden_not_shown() -> None:
    assert "`" not in typed_hint("a`b*c", 1.0, "s")
    assert typed_hint("a`b", 0.0, "s") == "_ _ _"


def test_fifty_fifty_removes_one_wrong_option_never_the_right_one() -> None:
    removed = {removed_option("ABCD", "B", str(seed)) for seed in range(50)}
    assert removed == {"A", "C", "D"}
    assert removed_option("AB", "A", "s") is None  # true/false: it would tell the answer


def test_hint_cost_comes_off_a_right_answer_never_below_zero() -> None:
    rules = ScoringRules(correct=10, hint_cost=4)
    at = dict(answered_at=0, opened_at=0, deadline=0, streak_before=0)  # no speed bonus
    assert rules.points(correct=True, hinted=True, **at) == 6  # type: ignore[arg-type]
    assert rules.points(correct=False, hinted=True, **at) == 0  # type: ignore[arg-type]
    assert ScoringRules(correct=3, hint_cost=5).points(correct=True, hinted=True, **at) == 0  # type: ignore[arg-type]
    assert ScoringRules.from_dict({"correct": 10}).hint_cost == 5  # older quizzes: the default


# -- through the services --------------------------------------------------------------------


async def _to_kind(app: QuizApp, clock: FakeClock, view: QuestionView, kind: QuestionKind):
    while view.kind is not kind:
        clock.advance(30)
        view = (await app.close_due_rounds())[0].next_question
        assert view is not None
    return view


async def test_a_multiple_choice_hint_costs_the_rules_points_and_rates_the_card_hard(
    app: QuizApp, clock: FakeClock
) -> None:
    rules = ScoringRules(correct=10, hint_cost=3)
    view = await app.start_quiz(HERE, ANN, "demo", 4, 30, seed=3, scoring=rules)
    view = await _to_kind(app, clock, view, QuestionKind.MULTIPLE_CHOICE)
    right = await correct_letter(app, view)
    hint = await app.hint(HERE, ANN)
    assert hint.round_id == view.round_id and hint.cost == 3
    assert hint.shows in {o.label for o in view.options} - {right}
    assert f"it is not {hint.shows}" in hint.text() and "3 points less" in hint.text()
    with pytest.raises(HintRefused, match="one hint per question"):
        await app.hint(HERE, ANN)
    await app.hint(HERE, BOB)  # everyone has their own
    assert (await app.answer(view.round_id, ANN, right)).status is AnswerStatus.RECORDED
    assert (await app.answer(view.round_id, BOB, wrong_letter(view, right))).status
    assert (await app.answer(view.round_id, CAT, right)).status is AnswerStatus.RECORDED
    with pytest.raises(HintRefused, match="already answered"):
        await app.hint(HERE, CAT)
    clock.advance(30)
    await app.close_due_rounds()
    async with app.db.reads() as session:
        cards = {
            row.player_id: row
            for row in (await session.execute(select(FlashcardStateRow))).scalars()
        }
        hints = (await session.execute(select(RoundHintRow.player_id))).scalars().all()
    assert len(hints) == 2
    # Ann: right with a hint, 10 - 3; Bob: wrong; Cat: right without a hint, 10.
    async with app.db.reads() as session:
        by_player = dict(
            (
                await session.execute(
                    select(AnswerRow.player_id, AnswerRow.points).where(
                        AnswerRow.round_id == view.round_id
                    )
                )
            ).all()
        )
    assert sorted(by_player.values()) == [0, 7, 10]
    ratings = sorted(card.last_rating for card in cards.values())
    # Ann's hinted right answer made a card rated Hard; Bob's miss one rated Again; Cat,
    # right unaided the first time, has none.
    assert ratings == ["again", "hard"]
    hard = next(card for card in cards.values() if card.last_rating == "hard")
    assert by_player[hard.player_id] == 7 and hard.misses == 0


async def test_a_typed_hint_shows_the_shape_and_more_letters_later(
    app: QuizApp, clock: FakeClock
) -> None:
    view = await app.start_quiz(HERE, ANN, "demo", 4, 30, seed=3)
    view = await _to_kind(app, clock, view, QuestionKind.TYPED)
    early = await app.hint(HERE, ANN)
    assert early.shows == "_ _ _ _ _" and "`_ _ _ _ _`" in early.text()
    clock.advance(29)
    late = await app.hint(HERE, BOB, view.round_id)
    # near the deadline: two of the five letters (at most half), the first letter first
    assert late.shows.startswith("P ") and sum(c.isalpha() for c in late.shows) == 2
    receipt = await app.answer_text(HERE, ANN, "Paris")
    assert receipt is not None and receipt.status is AnswerStatus.RECORDED
    clock.advance(1)
    await app.close_due_rounds()
    async with app.db.reads() as session:
        points = (await session.execute(select(AnswerRow.points))).scalars().all()
    assert 5 in points  # the default hint cost off the default 10


async def test_no_hint_without_an_open_question_for_true_false_or_when_hints_are_off(
    app: QuizApp, clock: FakeClock
) -> None:
    with pytest.raises(HintRefused, match="no question"):
        await app.hint(HERE, ANN)
    view = await app.start_quiz(HERE, ANN, "demo", 4, 30, seed=3)
    view = await _to_kind(app, clock, view, QuestionKind.TRUE_FALSE)
    with pytest.raises(HintRefused, match="give the answer away"):
        await app.hint(HERE, ANN)
    with pytest.raises(HintRefused, match="no question"):
        await app.hint(ChannelRef("slack", "T1", "elsewhere"), ANN)
    from bot.services.channel_settings import change

    await app.settings.change(HERE, ANN, change(hints=False), is_moderator=True)
    with pytest.raises(HintRefused, match="hints are off"):
        await app.hint(HERE, BOB)
