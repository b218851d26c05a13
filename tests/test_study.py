"""Study features through the services, on SQLite and PostgreSQL: mistakes reviewed on the
fsrs schedule, "review my mistakes", hardest-first quizzes, daily questions (across midnight,
a daylight-saving change, and two processes at once) with streaks, and personal stats."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.clock import FakeClock
from bot.errors import EmptyBankError, NotAllowedError, QuizbotError
from bot.services import QuizApp
from bot.services.daily import next_run_after, parse_time, parse_zone
from bot.store.models import FlashcardStateRow
from bot.views import AnswerStatus, ChannelRef, PlayerRef, QuestionView
from tests.test_engine import correct_letter, wrong_letter

HERE = ChannelRef("slack", "T1", "C1")
ANN = PlayerRef("slack", "T1", "U1", "Ann")
BOB = PlayerRef("slack", "T1", "U2", "Bob")


async def play_solo(app: QuizApp, who: PlayerRef, count: int, wrong: set[int], seed: int = 4):
    """A solo quiz answered right except in the rounds numbered in ``wrong``; returns prompts
    of the missed questions in the order they were asked."""
    view: QuestionView | None = await app.start_quiz(
        ChannelRef("slack", "T1", f"solo-{who.user}"),
        who,
        "crm-podcast",
        count,
        60,
        seed=seed,
        solo=True,
    )
    missed = []
    while view is not None:
        right = await correct_letter(app, view)
        miss = view.number in wrong
        receipt = await app.answer(view.round_id, who, wrong_letter(view, right) if miss else right)
        if miss:
            missed.append(view.prompt)
        assert receipt.outcome is not None
        view = receipt.outcome.next_question
    return missed


async def test_wrong_answers_become_fsrs_mistake_cards(app: QuizApp, clock: FakeClock) -> None:
    missed = await play_solo(app, ANN, 5, wrong={2, 4})
    async with app.db.sessions() as session:
        states = (
            (
                await session.execute(
                    select(FlashcardStateRow).where(FlashcardStateRow.deck == "mistake")
                )
            )
            .scalars()
            .all()
        )
    assert len(states) == 2
    assert all(s.misses == 1 and s.last_rating == "again" for s in states)
    assert all("stability" in s.card and s.card["state"] in (1, 3) for s in states)  # fsrs's own
    stats = await app.player_stats(ANN)
    assert (stats.mistakes, stats.answered, stats.correct) == (2, 5, 3)
    assert missed


async def test_new_fsrs_cards_never_sleep_in_the_event_loop(
    app: QuizApp, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """fsrs sleeps 1 ms to make a card id when given none: new mistake cards and flashcards
    must pass their own, or every closed round would block the bot for a while."""
    import fsrs.card

    def no_sleep(_seconds: float) -> None:
        raise AssertionError("time.sleep called while serving")

    monkeypatch.setattr(fsrs.card.time, "sleep", no_sleep)
    assert await play_solo(app, BOB, 3, wrong={1, 2, 3})
    card = await app.next_flashcard(BOB, "demo")
    await app.rate_flashcard(BOB, card.card_id, "again")


async def test_review_my_mistakes(app: QuizApp, clock: FakeClock) -> None:
    with pytest.raises(EmptyBankError, match="no mistakes"):
        await app.start_review(HERE, ANN)
    first_missed = await play_solo(app, ANN, 4, wrong={1, 3}, seed=4)
    clock.advance(minutes=5)
    later_missed = await play_solo(app, ANN, 4, wrong={2}, seed=9)
    board_before = await app.leaderboard(HERE, "all")
    clock.advance(minutes=10)  # every mistake card is due again

    review = await app.start_review(HERE, ANN, count=10)
    assert review.private_to == "U1" and review.mode == "review"
    assert review.bank_title == "Your mistakes"
    asked = []
    view = review
    while view is not None:
        other = await app.answer(view.round_id, BOB, "A")
        assert other.status is AnswerStatus.INVALID  # someone else's review
        asked.append(view.prompt)
        receipt = await app.answer(view.round_id, ANN, await correct_letter(app, view))
        assert receipt.outcome is not None and receipt.outcome.private_to == "U1"
        view = receipt.outcome.next_question
    expected = list(dict.fromkeys(later_missed + list(reversed(first_missed))))
    assert asked[: len(later_missed)] == later_missed
    assert sorted(asked) == sorted(expected)
    assert receipt.outcome.results is not None
    assert receipt.outcome.results.private_to == "U1"
    # Right answers in the review push the cards out; reviews earn no leaderboard points.
    stats = await app.player_stats(ANN)
    assert stats.mistakes_due == 0
    assert (await app.leaderboard(HERE, "all")).rows == board_before.rows
    # A normal quiz in the same channel is not blocked by reviews.
    assert (await app.start_quiz(HERE, BOB, "demo", 1)).mode == "normal"


async def test_hardest_questions_first(app: QuizApp, clock: FakeClock) -> None:
    where = ChannelRef("slack", "T1", "C9")
    view = await app.start_quiz(where, ANN, "demo", 4, 30, seed=1)
    misses: dict[str, int] = {}
    players = [PlayerRef("slack", "T1", f"P{i}", f"P{i}") for i in range(4)]
    while view is not None:
        if view.is_typed:
            right = "Paris"
            wrong = "Lyon"
        else:
            right = await correct_letter(app, view)
            wrong = wrong_letter(view, right)
        # Round n: n-1 of the 4 players miss it, so later rounds are harder.
        for i, player in enumerate(players):
            await app.answer(view.round_id, player, wrong if i < view.number - 1 else right)
        misses[view.prompt] = view.number - 1
        clock.advance(30)
        outcomes = await app.close_due_rounds()
        view = outcomes[0].next_question if outcomes else None
    hardest = await app.start_quiz(where, ANN, "demo", 4, 30, order="hardest")
    assert hardest.prompt == max(misses, key=misses.get)
    with pytest.raises(QuizbotError, match="unknown order"):
        await app.start_quiz(ChannelRef("slack", "T1", "C8"), ANN, "demo", order="easiest")


def test_next_run_keeps_local_time_across_midnight_and_dst() -> None:
    london = parse_zone("Europe/London")
    nine = parse_time("09:00")
    # Winter: 09:00 London is 09:00 UTC; after the clocks go forward (29 March 2026), 08:00 UTC.
    assert next_run_after(datetime(2026, 3, 27, 10, tzinfo=UTC), nine, london) == datetime(
        2026, 3, 28, 9, tzinfo=UTC
    )
    assert next_run_after(datetime(2026, 3, 28, 9, tzinfo=UTC), nine, london) == datetime(
        2026, 3, 29, 8, tzinfo=UTC
    )
    late = parse_time("23:30")
    new_york = parse_zone("America/New_York")
    # 23:30 in New York is the next day in UTC.
    assert next_run_after(datetime(2026, 7, 1, 12, tzinfo=UTC), late, new_york) == datetime(
        2026, 7, 2, 3, 30, tzinfo=UTC
    )
    with pytest.raises(QuizbotError, match="HH:MM"):
        parse_time("9am")
    with pytest.raises(QuizbotError, match="unknown time zone"):
        parse_zone("Mars/Olympus_Mons")


async def test_daily_question_once_a_day_with_streaks(app: QuizApp, clock: FakeClock) -> None:
    clock.set(datetime(2026, 3, 27, 7, 0, tzinfo=UTC))
    with pytest.raises(NotAllowedError):
        await app.set_daily(HERE, BOB, "09:00", "Europe/London", "demo")
    daily = await app.set_daily(
        HERE, ANN, "09:00", "Europe/London", "demo", is_moderator=True, open_minutes=120
    )
    assert daily.next_run_at == datetime(2026, 3, 27, 9, tzinfo=UTC)
    assert "09:00 (Europe/London)" in daily.describe()
    assert await app.start_due_dailies("slack") == []

    streaks = []
    for day, expect_utc_hour, ann_answers in [
        (27, 9, True),
        (28, 9, True),
        (29, 8, True),  # DST starts on the 29th
        (30, 8, None),
        (31, 8, True),  # Ann misses a day: her streak starts again
    ]:
        clock.set(datetime(2026, 3, day, expect_utc_hour, 0, 30, tzinfo=UTC))
        posted = await app.start_due_dailies("slack")
        assert len(posted) == 1, day
        assert await app.start_due_dailies("slack") == []  # once a day
        question = posted[0]
        assert question.mode == "daily" and question.seconds == 120 * 60
        if ann_answers:
            right = "Paris" if question.is_typed else await correct_letter(app, question)
            await app.answer(question.round_id, ANN, right)
        # A normal quiz can run beside the daily question.
        quiz = await app.start_quiz(HERE, BOB, "demo", 1)
        await app.stop_quiz(HERE, BOB)
        assert quiz.mode == "normal"
        clock.advance(hours=2)
        await app.close_due_rounds("slack")
        streaks.append((await app.player_stats(ANN)).daily_streak)
    assert streaks == [1, 2, 3, 0, 1]
    assert (await app.player_stats(ANN)).best_daily_streak == 3
    # Five different questions were asked (the demo bank has four playable: then repeats).
    off = await app.daily_off(HERE, ANN, is_moderator=True)
    assert not off.enabled and (await app.daily(HERE)).enabled is False
    clock.advance(days=1)
    assert await app.start_due_dailies() == []


async def test_two_processes_post_a_daily_question_once(database_url: str) -> None:
    clock = FakeClock(datetime(2026, 6, 1, 4, 0, tzinfo=UTC))
    first = await QuizApp.open(database_url, clock, upgrade=True)
    second = await QuizApp.open(database_url, clock, upgrade=True)
    try:
        for n in range(3):
            await first.set_daily(
                ChannelRef("discord", "g", f"c{n}"),
                ANN,
                "07:00",
                "Europe/Paris",
                "demo",
                is_moderator=True,
            )
        for day in range(3):
            clock.set(datetime(2026, 6, 1 + day, 5, 0, 1, tzinfo=UTC))  # 07:00 in Paris
            posted = await asyncio.gather(
                *(app.start_due_dailies() for app in (first, second, first, second))
            )
            channels = sorted(q.channel.channel for batch in posted for q in batch)
            assert channels == ["c0", "c1", "c2"], day  # each channel once, whoever posted it
    finally:
        await first.close()
        await second.close()


async def test_personal_stats(app: QuizApp, clock: FakeClock) -> None:
    await play_solo(app, ANN, 6, wrong={3})
    card = await app.next_flashcard(ANN)
    await app.rate_flashcard(ANN, card.card_id, "again")
    clock.advance(minutes=30)
    stats = await app.player_stats(ANN)
    assert (stats.answered, stats.correct, stats.points) == (6, 5, 50)
    assert round(stats.accuracy, 3) == round(5 / 6, 3)
    assert (stats.streak, stats.best_streak) == (3, 3)  # right, right, wrong, right x3
    assert stats.cards_reviewed == 1 and stats.cards_due == 1
    assert stats.mistakes == 1
    assert sum(t.answered for t in stats.topics) == 6
    assert all(t.topic for t in stats.topics)
    fresh = await app.player_stats(PlayerRef("slack", "T1", "U9", "New"))
    assert (fresh.answered, fresh.accuracy, fresh.topics) == (0, 0.0, ())


async def test_flashcards_say_when_the_next_card_is_due(app: QuizApp, clock: FakeClock) -> None:
    card = await app.next_flashcard(ANN, "demo")
    done = await app.rate_flashcard(ANN, card.card_id, "good")
    assert done.done and done.next_due is not None and done.next_due > clock.now()
    assert done.next_due - clock.now() < timedelta(days=30)


async def test_an_abandoned_review_ends_at_its_first_unanswered_question(
    app: QuizApp, clock: FakeClock
) -> None:
    await play_solo(app, ANN, 4, wrong={1, 2, 3})
    review = await app.start_review(HERE, ANN, count=3, seconds=60)
    clock.advance(61)
    [outcome] = await app.close_due_rounds()
    assert outcome.next_question is None and outcome.results is not None
    assert outcome.private_to == "U1" and outcome.results.private_to == "U1"
    assert await app.open_rounds("slack") == []
    # Someone else clicking the closed review question is told whose it is.
    late = await app.answer(review.round_id, BOB, "A")
    assert late.message == "this review belongs to someone else"
