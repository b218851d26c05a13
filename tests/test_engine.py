"""The quiz engine's rules through the services, on SQLite and PostgreSQL.

Late answers, double answers, invalid answers, deadlines from the injected clock, early
close when everyone has answered, exactly-once closing, ties, streaks and speed bonus,
stopping, and a restart of the process in the middle of a quiz.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from bot.clock import FakeClock
from bot.domain import QuestionKind
from bot.errors import (
    EmptyBankError,
    NoQuizRunningError,
    NotAllowedError,
    QuizAlreadyRunningError,
    QuizbotError,
    UnknownBankError,
)
from bot.scoring import ScoringRules
from bot.services import QuizApp
from bot.store.models import AnswerRow, RoundRow
from bot.views import AnswerStatus, ChannelRef, PlayerRef, QuestionView

HERE = ChannelRef("discord", "guild-1", "chan-1")
ANN = PlayerRef("discord", "guild-1", "u-ann", "Ann")
BOB = PlayerRef("discord", "guild-1", "u-bob", "Bob")
CAT = PlayerRef("discord", "guild-1", "u-cat", "Cat")


async def correct_letter(app: QuizApp, view: QuestionView) -> str:
    """The letter of the right option as shown in this round (read from the store)."""
    async with app.db.sessions() as session:
        row = (
            await session.execute(
                text(
                    "SELECT r.option_order, q.correct FROM rounds r "
                    "JOIN questions q ON q.id = r.question_id WHERE r.id = :rid"
                ),
                {"rid": view.round_id},
            )
        ).one()
    order, correct = row
    if isinstance(order, str):  # SQLite returns JSON text through raw SQL
        import json

        order = json.loads(order)
    return "ABCDEFGHIJ"[order.index(correct)]


def wrong_letter(view: QuestionView, right: str) -> str:
    return next(o.label for o in view.options if o.label != right)


async def start_mc(app: QuizApp, count: int = 3, seconds: int = 30, **kw) -> QuestionView:
    """A quiz on the multiple-choice podcast bank."""
    return await app.start_quiz(HERE, ANN, "crm-podcast", count, seconds, seed=7, **kw)


async def test_a_recorded_answer_and_a_double_answer(app: QuizApp) -> None:
    view = await start_mc(app)
    assert view.kind is QuestionKind.MULTIPLE_CHOICE
    assert [o.label for o in view.options] == ["A", "B", "C", "D"]
    first = await app.answer(view.round_id, ANN, "b")
    assert first.status is AnswerStatus.RECORDED and first.choice == "B"
    assert first.message == "recorded: B"
    again = await app.answer(view.round_id, ANN, "C")
    assert again.status is AnswerStatus.ALREADY_ANSWERED
    assert again.choice == "B" and again.answered == 1
    async with app.db.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(AnswerRow))
    assert count == 1


async def test_invalid_answers_are_refused_and_not_stored(app: QuizApp) -> None:
    view = await start_mc(app)
    for garbage in ["Z", "", "AB", "5", "\x00"]:
        receipt = await app.answer(view.round_id, ANN, garbage)
        assert receipt.status is AnswerStatus.INVALID
        assert "A, B, C, D" in receipt.message
    assert (await app.answer(view.round_id, ANN, "a")).status is AnswerStatus.RECORDED
    unknown = await app.answer(987654, ANN, "A")
    assert unknown.status is AnswerStatus.INVALID


async def test_late_answer_after_the_deadline_is_refused(app: QuizApp, clock: FakeClock) -> None:
    view = await start_mc(app, seconds=20)
    clock.advance(19.9)
    assert (await app.answer(view.round_id, BOB, "A")).status is AnswerStatus.RECORDED
    clock.advance(0.1)  # exactly at the deadline: closed, even before the ticker runs
    late = await app.answer(view.round_id, CAT, "A")
    assert late.status is AnswerStatus.CLOSED
    assert "too late" in late.message


async def test_deadline_closes_the_round_once_and_opens_the_next(
    app: QuizApp, clock: FakeClock
) -> None:
    view = await start_mc(app, count=2, seconds=30)
    right = await correct_letter(app, view)
    await app.answer(view.round_id, ANN, right)
    await app.answer(view.round_id, BOB, wrong_letter(view, right))
    assert await app.close_due_rounds("discord") == []  # not due yet
    clock.advance(30)
    assert await app.close_due_rounds("slack") == []  # another platform's rounds are not ours
    outcomes = await app.close_due_rounds("discord")
    assert len(outcomes) == 1
    outcome = outcomes[0]
    assert outcome.correct_label == right
    assert outcome.winners == ("Ann",)
    assert outcome.answered == 2
    assert outcome.next_question is not None and outcome.next_question.number == 2
    assert outcome.next_question.deadline == clock.now() + timedelta(seconds=30)
    assert await app.close_due_rounds("discord") == []
    assert await app.close_round(view.round_id) is None  # already closed: nobody else announces


async def test_concurrent_closers_get_exactly_one_outcome(app: QuizApp, clock: FakeClock) -> None:
    view = await start_mc(app, count=2)
    clock.advance(31)
    results = await asyncio.gather(*(app.close_round(view.round_id) for _ in range(6)))
    assert sum(r is not None for r in results) == 1
    async with app.db.sessions() as session:
        rounds = (await session.execute(select(RoundRow.number, RoundRow.status))).all()
    assert sorted(rounds) == [(1, "closed"), (2, "open")]


async def test_concurrent_double_clicks_count_once(app: QuizApp) -> None:
    view = await start_mc(app)
    players = [PlayerRef("discord", "guild-1", f"u{i}", f"P{i}") for i in range(12)]
    clicks = [app.answer(view.round_id, p, "A") for p in players for _ in range(3)]
    receipts = await asyncio.gather(*clicks)
    recorded = [r for r in receipts if r.status is AnswerStatus.RECORDED]
    doubles = [r for r in receipts if r.status is AnswerStatus.ALREADY_ANSWERED]
    assert len(recorded) == 12 and len(doubles) == 24
    async with app.db.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(AnswerRow))
    assert count == 12


async def test_round_closes_early_when_everyone_playing_has_answered(
    app: QuizApp, clock: FakeClock
) -> None:
    view = await start_mc(app, count=3)
    # Round 1 has no known players yet: it stays open until its deadline.
    assert (await app.answer(view.round_id, ANN, "A")).outcome is None
    assert (await app.answer(view.round_id, BOB, "A")).outcome is None
    clock.advance(30)
    second = (await app.close_due_rounds())[0].next_question
    assert second is not None
    assert (await app.answer(second.round_id, ANN, "A")).outcome is None
    last = await app.answer(second.round_id, BOB, "B")
    assert last.outcome is not None and last.outcome.round_id == second.round_id
    assert last.outcome.next_question is not None and last.outcome.next_question.number == 3


async def test_a_newcomer_does_not_stand_in_for_a_missing_player(
    app: QuizApp, clock: FakeClock
) -> None:
    """Early close counts the players of earlier rounds, not just how many answers came."""
    view = await start_mc(app, count=3)
    await app.answer(view.round_id, ANN, "A")
    await app.answer(view.round_id, BOB, "A")
    clock.advance(30)
    second = (await app.close_due_rounds())[0].next_question
    first_in = await app.answer(second.round_id, ANN, "A")
    newcomer = await app.answer(second.round_id, CAT, "A")
    assert (first_in.answered, newcomer.answered) == (1, 2)
    assert newcomer.outcome is None  # two answers, as many as round 1 had, but Bob is missing
    again = await app.answer(second.round_id, CAT, "B")
    assert again.status is AnswerStatus.ALREADY_ANSWERED and again.answered == 2
    last = await app.answer(second.round_id, BOB, "A")
    assert last.answered == 3 and last.outcome is not None
    assert last.outcome.round_id == second.round_id


async def test_solo_quiz_closes_each_round_on_the_answer(app: QuizApp) -> None:
    view = await start_mc(app, count=2, solo=True)
    receipt = await app.answer(view.round_id, ANN, "A")
    assert receipt.outcome is not None
    nxt = receipt.outcome.next_question
    assert nxt is not None
    final = await app.answer(nxt.round_id, ANN, "A")
    assert final.outcome is not None and final.outcome.results is not None
    assert final.outcome.results.rounds_played == 2
    assert await app.open_round(HERE) is None


async def test_ties_share_a_rank(app: QuizApp, clock: FakeClock) -> None:
    view = await start_mc(app, count=1)
    right = await correct_letter(app, view)
    await app.answer(view.round_id, ANN, right)
    await app.answer(view.round_id, BOB, right)
    await app.answer(view.round_id, CAT, wrong_letter(view, right))
    clock.advance(30)
    results = (await app.close_due_rounds())[0].results
    assert results is not None
    assert [(s.name, s.rank, s.points) for s in results.standings] == [
        ("Ann", 1, 10),
        ("Bob", 1, 10),
        ("Cat", 3, 0),
    ]


async def test_streak_and_speed_bonus_are_deterministic(app: QuizApp, clock: FakeClock) -> None:
    rules = ScoringRules(correct=10, speed_bonus=10, streak_bonus=5, streak_cap=2)
    view = await start_mc(app, count=4, seconds=20, scoring=rules)
    expected_ann = 0
    for number in range(1, 5):
        right = await correct_letter(app, view)
        clock.advance(5)  # a quarter of the window gone: speed bonus round(10 * 0.75) = 8
        await app.answer(view.round_id, ANN, right)
        bob = await app.answer(
            view.round_id, BOB, right if number != 2 else wrong_letter(view, right)
        )
        expected_ann += 10 + 8 + 5 * min(number - 1, 2)
        # From round 2 on both players answering closes the round early.
        if number == 1:
            assert bob.outcome is None
            clock.advance(15)
            outcome = (await app.close_due_rounds())[0]
        else:
            assert bob.outcome is not None
            outcome = bob.outcome
        if outcome.next_question is None:
            break
        view = outcome.next_question
    assert outcome.results is not None
    points = {s.name: s.points for s in outcome.results.standings}
    # Bob: right in rounds 1, 3, 4 -> streak before round 4 is 1 (round 3 only).
    assert points == {"Ann": expected_ann, "Bob": 18 + 0 + 18 + (18 + 5)}


async def test_scoring_options_are_off_by_default(app: QuizApp, clock: FakeClock) -> None:
    view = await start_mc(app, count=2)
    for _ in range(2):
        receipt = await app.answer(view.round_id, ANN, await correct_letter(app, view))
        clock.advance(30)
        outcome = receipt.outcome or (await app.close_due_rounds())[0]
        view = outcome.next_question or view
    assert outcome.results is not None
    assert outcome.results.standings[0].points == 20  # 10 each, no speed or streak bonus


async def test_one_quiz_per_channel(app: QuizApp) -> None:
    await start_mc(app)
    with pytest.raises(QuizAlreadyRunningError):
        await app.start_quiz(HERE, BOB, "crm-podcast")
    other = ChannelRef("discord", "guild-1", "chan-2")
    assert (await app.start_quiz(other, BOB, "crm-podcast", 2)).number == 1


async def test_the_database_itself_refuses_two_running_quizzes(app: QuizApp) -> None:
    view = await start_mc(app)
    with pytest.raises(IntegrityError):
        async with app.db.transaction() as session:
            await session.execute(
                text(
                    "INSERT INTO quizzes (channel_id, bank_id, started_by, status, question_ids,"
                    " total, seconds, solo, seed, scoring, created_at)"
                    " SELECT channel_id, bank_id, started_by, 'running', question_ids, total,"
                    " seconds, solo, seed, scoring, created_at FROM quizzes WHERE id = :id"
                ),
                {"id": view.quiz_id},
            )


async def test_stop_needs_the_starter_or_a_moderator(app: QuizApp, clock: FakeClock) -> None:
    view = await start_mc(app)
    await app.answer(view.round_id, BOB, await correct_letter(app, view))
    with pytest.raises(NotAllowedError, match="only Ann"):
        await app.stop_quiz(HERE, BOB)
    await app.set_round_message(view.round_id, "msg-1")
    assert (await app.open_round(HERE)).message_ref == "msg-1"
    results = await app.stop_quiz(HERE, CAT, is_moderator=True)
    assert results.stopped_by == "Cat"
    assert [(r.round_id, r.message_ref) for r in results.closed_rounds] == [
        (view.round_id, "msg-1")
    ]
    assert results.closed_rounds[0].next_question is None
    assert results.rounds_played == 1  # the open round was closed and scored
    assert [(s.name, s.points) for s in results.standings] == [("Bob", 10)]
    with pytest.raises(NoQuizRunningError):
        await app.stop_quiz(HERE, ANN)
    clock.advance(60)
    assert await app.close_due_rounds() == []


async def test_typed_answers_match_after_normalisation(app: QuizApp, clock: FakeClock) -> None:
    where = ChannelRef("slack", "T1", "C1")
    ann = PlayerRef("slack", "T1", "U1", "Ann")
    bob = PlayerRef("slack", "T1", "U2", "Bob")
    # The demo bank's typed question is "What is the capital of France?" (Paris).
    view = await app.start_quiz(where, ann, "demo", 4, 30, seed=3)
    while view.kind is not QuestionKind.TYPED:
        clock.advance(30)
        view = (await app.close_due_rounds())[0].next_question
        assert view is not None
    assert await app.answer_text(ChannelRef("slack", "T1", "C2"), ann, "paris") is None
    receipt = await app.answer_text(where, ann, "  PÁRIS! ")
    assert receipt is not None and receipt.status is AnswerStatus.RECORDED
    assert (await app.answer_text(where, bob, "Lyon")).status is AnswerStatus.RECORDED
    clock.advance(30)
    outcome = (await app.close_due_rounds())[0]
    assert outcome.winners == ("Ann",)
    assert outcome.correct_text == "Paris"


async def test_errors_for_unknown_and_empty_banks_and_bad_settings(app: QuizApp) -> None:
    with pytest.raises(UnknownBankError, match=r"no bank called 'nope'.*crm-podcast"):
        await app.start_quiz(HERE, ANN, "nope")
    with pytest.raises(EmptyBankError):
        await app.start_quiz(HERE, ANN, "crm-flashcards")  # flashcards only: nothing to ask
    with pytest.raises(EmptyBankError, match="topic"):
        await app.start_quiz(HERE, ANN, "crm-podcast", topic="Underwater basket weaving")
    with pytest.raises(QuizbotError, match="between 1 and"):
        await app.start_quiz(HERE, ANN, "crm-podcast", count=0)
    with pytest.raises(QuizbotError, match="seconds"):
        await app.start_quiz(HERE, ANN, "crm-podcast", seconds=1)


async def test_same_seed_gives_the_same_quiz(app: QuizApp) -> None:
    a = await app.start_quiz(HERE, ANN, "crm-podcast", 5, seed=42)
    b = await app.start_quiz(ChannelRef("discord", "g", "other"), ANN, "crm-podcast", 5, seed=42)
    assert (a.prompt, a.options) == (b.prompt, b.options)


async def test_a_quiz_survives_a_restart(database_url: str, clock: FakeClock) -> None:
    first = await QuizApp.open(database_url, clock, upgrade=True)
    view = await first.start_quiz(HERE, ANN, "crm-podcast", 2, 30, seed=1)
    await first.set_round_message(view.round_id, "message-123")
    await first.answer(view.round_id, ANN, "A")
    await first.close()

    second = await QuizApp.open(database_url, clock, upgrade=True)
    try:
        resumed = await second.open_rounds("discord")
        assert [(v.round_id, ref) for v, ref in resumed] == [(view.round_id, "message-123")]
        assert (await second.answer(view.round_id, BOB, "B")).status is AnswerStatus.RECORDED
        again = await second.answer(view.round_id, ANN, "B")
        assert again.status is AnswerStatus.ALREADY_ANSWERED
        clock.advance(30)
        outcome = (await second.close_due_rounds())[0]
        assert outcome.answered == 2 and outcome.message_ref == "message-123"
    finally:
        await second.close()


async def test_concurrent_last_answers_still_close_the_round_early(database_url: str) -> None:
    """Two processes' answers committing at once must not both miss the full count."""
    clock = FakeClock()
    first = await QuizApp.open(database_url, clock, upgrade=True)
    second = await QuizApp.open(database_url, clock, upgrade=True)
    try:
        view = await first.start_quiz(HERE, ANN, "crm-podcast", 2, 30)
        players = [PlayerRef("discord", "guild-1", f"p{i}", f"P{i}") for i in range(30)]
        await asyncio.gather(*(first.answer(view.round_id, p, "A") for p in players))
        clock.advance(30)
        nxt = (await first.close_due_rounds())[0].next_question
        receipts = await asyncio.gather(
            *(app.answer(nxt.round_id, p, "B") for p in players for app in (first, second))
        )
        assert sum(r.outcome is not None for r in receipts) == 1
        assert sum(r.status is AnswerStatus.RECORDED for r in receipts) == 30
    finally:
        await first.close()
        await second.close()


async def test_round_lookups_by_id_and_for_typed_answers(app: QuizApp, clock: FakeClock) -> None:
    where = ChannelRef("slack", "T1", "C7")
    ann = PlayerRef("slack", "T1", "U1", "Ann")
    view = await app.start_quiz(where, ann, "demo", 4, 30, seed=3)
    assert (await app.round_view(view.round_id)).prompt == view.prompt
    while not view.is_typed:
        assert await app.open_typed_round(where) is None
        clock.advance(30)
        view = (await app.close_due_rounds())[0].next_question
    assert (await app.open_typed_round(where)).round_id == view.round_id
    assert await app.open_typed_round(ChannelRef("slack", "T1", "other")) is None
    await app.stop_quiz(where, ann)
    assert await app.round_view(view.round_id) is None  # closed: no longer open


async def test_reads_do_not_wait_for_a_writer(app: QuizApp) -> None:
    """While a write transaction holds the database, boards and open rounds still answer
    (on SQLite they use deferred read transactions; the writer keeps its lock)."""
    view = await start_mc(app)
    await app.answer(view.round_id, BOB, "A")
    async with app.db.transaction() as session:
        await session.execute(text("UPDATE players SET name = 'Robert' WHERE user_id = 'u-bob'"))
        reads = asyncio.gather(
            app.leaderboard(HERE, "channel"),
            app.leaderboard(HERE, "all", "week"),
            app.open_round(HERE),
            app.close_due_rounds(),
        )
        board, week, shown, closed = await asyncio.wait_for(reads, timeout=10)
        assert shown.round_id == view.round_id and closed == []
        assert board.rows == () and week.rows == ()  # no round has closed yet


async def test_fifty_clicks_at_once_on_one_round_count_one_to_fifty(app: QuizApp) -> None:
    """Answers to one round take turns under its lock: each is recorded, and each sees the
    round's count with its own answer in it, so the counts are exactly 1 to 50."""
    view = await start_mc(app)
    players = [PlayerRef("discord", "guild-1", f"q{i}", f"Q{i}") for i in range(50)]
    receipts = await asyncio.gather(*(app.answer(view.round_id, p, "A") for p in players))
    assert [r.status for r in receipts] == [AnswerStatus.RECORDED] * 50
    assert sorted(r.answered for r in receipts) == list(range(1, 51))


async def test_the_ticker_announces_due_rounds_side_by_side(app: QuizApp, clock: FakeClock) -> None:
    """Rounds due together are announced side by side: one announcement waiting on a slow
    platform does not hold up the others (it waits here until the last one has started),
    and a failing announcement does not keep the rest from being closed and announced."""
    from bot.ticker import Ticker

    channels = [ChannelRef("discord", "guild-1", f"tick-{i}") for i in range(3)]
    views = [await app.start_quiz(where, ANN, "crm-podcast", 2, 30) for where in channels]
    clock.advance(30)
    announced: list[int] = []
    last_started = asyncio.Event()

    async def announce(outcome) -> None:
        announced.append(outcome.round_id)
        if len(announced) == len(views):
            last_started.set()
        if outcome.round_id == views[0].round_id:
            await last_started.wait()  # a slow reveal: the others must not wait for it
        if outcome.round_id == views[1].round_id:
            raise RuntimeError("the chat platform is down")

    closed = await asyncio.wait_for(Ticker(app, "discord", announce).tick(), 10)
    assert closed == 3
    assert sorted(announced) == sorted(v.round_id for v in views)
    assert await Ticker(app, "discord", announce).tick() == 0


async def test_the_ticker_closes_no_faster_than_it_can_announce(
    app: QuizApp, clock: FakeClock
) -> None:
    """With every announcement slot busy, the ticker waits before closing more rounds."""
    from bot.ticker import Ticker

    channels = [ChannelRef("discord", "guild-1", f"slot-{i}") for i in range(3)]
    views = [await app.start_quiz(where, ANN, "crm-podcast", 2, 30) for where in channels]
    clock.advance(30)
    release, first_seen = asyncio.Event(), asyncio.Event()
    seen_open: list[int] = []

    async def announce(outcome) -> None:
        others = [v.round_id for v in views if v.round_id != outcome.round_id]
        seen_open.append(sum([await app.round_view(rid) is not None for rid in others]))
        first_seen.set()
        await release.wait()

    ticker = Ticker(app, "discord", announce, max_announcing=1)
    passing = asyncio.create_task(ticker.tick())
    await asyncio.wait_for(first_seen.wait(), 10)
    assert seen_open == [2]  # one slot, busy: the other two are not closed yet
    release.set()
    assert await asyncio.wait_for(passing, 10) == 3


async def test_a_close_that_fails_gives_its_announcing_slot_back(
    app: QuizApp, clock: FakeClock
) -> None:
    """A pass that fails while closing (the database went away) leaves no slot taken: the
    next passes still close and announce (with one slot, a lost one would stop the ticker)."""
    from bot.ticker import Ticker

    view = await app.start_quiz(
        ChannelRef("discord", "guild-1", "flaky"), ANN, "crm-podcast", 2, 30
    )
    clock.advance(30)
    announced: list[int] = []

    async def announce(outcome) -> None:
        announced.append(outcome.round_id)

    class DatabaseDown:
        """The real app, but closing fails ``failures`` times first."""

        failures = 3

        def __getattr__(self, name: str):
            return getattr(app, name)

        async def close_round(self, round_id: int):
            if self.failures:
                self.failures -= 1
                raise ConnectionError("the database went away")
            return await app.close_round(round_id)

    ticker = Ticker(DatabaseDown(), "discord", announce, max_announcing=1)
    for _ in range(3):
        with pytest.raises(ConnectionError):
            await asyncio.wait_for(ticker.tick(), 10)
    assert await asyncio.wait_for(ticker.tick(), 10) == 1
    assert announced == [view.round_id]


async def test_a_renamed_player_keeps_their_id_and_shows_the_new_name(
    app: QuizApp, clock: FakeClock
) -> None:
    """Player ids are remembered per process; a new display name still reaches the database."""
    view = await start_mc(app, count=3)
    right = await correct_letter(app, view)
    await app.answer(view.round_id, ANN, right)
    clock.advance(30)
    second = (await app.close_due_rounds())[0].next_question
    renamed = PlayerRef(ANN.platform, ANN.workspace, ANN.user, "Annie")
    receipt = await app.answer(second.round_id, renamed, await correct_letter(app, second))
    assert receipt.outcome is not None  # the same player as round 1: the round is complete
    board = await app.leaderboard(HERE, "channel")
    assert [(r.name, r.points) for r in board.rows] == [("Annie", 20)]
    async with app.db.sessions() as session:
        names = (await session.execute(text("SELECT name FROM players"))).scalars().all()
    assert "Ann" not in names and names.count("Annie") == 1


async def test_a_known_player_not_yet_remembered_is_found_by_the_rounds_own_read(
    app: QuizApp,
) -> None:
    """A click from a player whose row exists but whom this process has not remembered yet
    costs no lookup of its own: the round's read finds the player too. A new player (no row
    yet) is still created, and both answers count."""
    from sqlalchemy import event

    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    view = await start_mc(app)  # Ann started it: her row exists
    right = await correct_letter(app, view)
    event.listen(app.db.engine.sync_engine, "before_cursor_execute", note)
    try:
        ann = await app.answer(view.round_id, ANN, right, HERE)
    finally:
        event.remove(app.db.engine.sync_engine, "before_cursor_execute", note)
    assert ann.status is AnswerStatus.RECORDED
    before_insert = statements[: next(i for i, s in enumerate(statements) if "INSERT" in s)]
    reads = [s for s in before_insert if not s.upper().startswith("BEGIN")]
    assert len(reads) == 1 and "players" in reads[0], reads
    bob = await app.answer(view.round_id, BOB, right, HERE)
    assert (bob.status, bob.answered) == (AnswerStatus.RECORDED, 2)


async def test_a_usual_click_on_postgresql_is_one_statement_and_refuses_what_the_full_path_does(
    app: QuizApp, clock: FakeClock
) -> None:
    """On PostgreSQL a click on a round the process has read, from a player whose row is
    there, is one statement outside a transaction; a repeated click, another channel, a bad
    letter and a click at the deadline still get the full path's receipts."""
    from sqlalchemy import event

    statements: list[str] = []

    def note(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(" ".join(statement.split()))

    view = await start_mc(app, seconds=30)  # Ann's row exists
    assert (await app.answer(view.round_id, BOB, "B", HERE)).status is AnswerStatus.RECORDED
    event.listen(app.db.engine.sync_engine, "before_cursor_execute", note)
    try:
        ann = await app.answer(view.round_id, ANN, "a", HERE)
    finally:
        event.remove(app.db.engine.sync_engine, "before_cursor_execute", note)
    assert (ann.status, ann.choice, ann.answered) == (AnswerStatus.RECORDED, "A", 2)
    if app.db.dialect == "postgresql":
        assert len(statements) == 1 and statements[0].startswith("WITH open_round"), statements
    again = await app.answer(view.round_id, ANN, "C", HERE)
    assert (again.status, again.choice, again.answered) == (AnswerStatus.ALREADY_ANSWERED, "A", 2)
    elsewhere = ChannelRef(HERE.platform, HERE.workspace, "chan-2")
    assert (await app.answer(view.round_id, CAT, "A", elsewhere)).status is AnswerStatus.INVALID
    assert (await app.answer(view.round_id, CAT, "Z", HERE)).status is AnswerStatus.INVALID
    clock.advance(30)  # Cat's row exists now (the bad letter): the fast path is tried
    late = await app.answer(view.round_id, CAT, "A", HERE)
    assert late.status is AnswerStatus.CLOSED
    async with app.db.sessions() as session:
        rows = (await session.execute(select(AnswerRow.choice, AnswerRow.correct))).all()
    right = await correct_letter(app, view)
    assert sorted(rows) == [("A", right == "A"), ("B", right == "B")]


async def test_known_players_clicking_at_once_count_once_each(app: QuizApp) -> None:
    """Many known players, three clicks each at the same moment, on a round already read:
    one answer each, and the round's count is exact."""
    view = await start_mc(app)
    players = [PlayerRef("discord", "guild-1", f"u{i}", f"P{i}") for i in range(12)]
    for player in players:  # a bad letter: each row made, the round read
        assert (await app.answer(view.round_id, player, "Z")).status is AnswerStatus.INVALID
    clicks = [app.answer(view.round_id, p, "A") for p in players for _ in range(3)]
    receipts = await asyncio.gather(*clicks)
    recorded = [r for r in receipts if r.status is AnswerStatus.RECORDED]
    doubles = [r for r in receipts if r.status is AnswerStatus.ALREADY_ANSWERED]
    assert len(recorded) == 12 and len(doubles) == 24
    assert sorted(r.answered for r in recorded) == list(range(1, 13))
    async with app.db.sessions() as session:
        count = await session.scalar(select(func.count()).select_from(AnswerRow))
        counted = await session.scalar(
            select(RoundRow.answered_count).where(RoundRow.id == view.round_id)
        )
    assert count == counted == 12
