"""The banks' answer tallies (``bot.services.tallies``), on SQLite and PostgreSQL: kept as
rounds close, they give the same share right and option picks as the item analysis over
every answer, split by workspace; migration 0013 rebuilds the same rows from the answers;
purging a workspace takes its tallies with it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from bot.formats import parse_path
from bot.services import QuizApp
from bot.services.importer import BankImporter
from bot.services.item_stats import bank_item_stats
from bot.services.tallies import bank_tally_stats
from bot.store import migrate
from bot.store.models import BankPlayerRow, QuestionTallyRow
from bot.views import ChannelRef, PlayerRef
from tests.test_item_stats import ITEMS, _play, _wrong_label, bank_file  # noqa: F401

OTHER = ChannelRef("slack", "T-OTHER", "C1")
OTTO = PlayerRef("slack", "T-OTHER", "U-OTTO", "Otto")


async def _play_elsewhere(app: QuizApp) -> None:
    """Otto, in another workspace, answers two questions wrong."""
    view = await app.start_quiz(OTHER, OTTO, "simulated", 2, 30, seed=7)
    while view is not None:
        await app.answer(view.round_id, OTTO, _wrong_label(view))
        outcome = await app.close_round(view.round_id)
        view = outcome.next_question if outcome else None


async def _rows(app: QuizApp) -> tuple[list[tuple], list[tuple]]:
    async with app.db.reads() as session:
        tallies = await session.execute(
            select(
                QuestionTallyRow.question_id,
                QuestionTallyRow.platform,
                QuestionTallyRow.workspace,
                QuestionTallyRow.bank_option,
                QuestionTallyRow.answered,
                QuestionTallyRow.correct,
            ).order_by(
                QuestionTallyRow.question_id,
                QuestionTallyRow.platform,
                QuestionTallyRow.workspace,
                QuestionTallyRow.bank_option,
            )
        )
        players = await session.execute(
            select(BankPlayerRow.bank_id, BankPlayerRow.player_id, BankPlayerRow.workspace)
            .order_by(BankPlayerRow.bank_id, BankPlayerRow.player_id)
        )  # fmt: skip
        return [tuple(r) for r in tallies], [tuple(r) for r in players]


async def test_tallies_agree_with_the_item_analysis_per_workspace(
    app: QuizApp,
    bank_file: Path,  # noqa: F811
) -> None:
    await _play(app, bank_file)  # 60 players of workspace "guild" answer every question
    await _play_elsewhere(app)
    async with app.db.reads() as session:
        full = await bank_item_stats(session, "simulated")
        every = await bank_tally_stats(session, "simulated")
        guild = await bank_tally_stats(session, "simulated", "discord", "guild")
        other = await bank_tally_stats(session, "simulated", "slack", "T-OTHER")
        nobody = await bank_tally_stats(session, "simulated", "slack", "T-NONE")
    population = 60
    assert (every.answers, every.players) == (full.answers, full.players)
    assert (every.answers, every.players) == (population * len(ITEMS) + 2, population + 1)
    assert (guild.answers, guild.players) == (population * len(ITEMS), population)
    assert (other.answers, other.players) == (2, 1)
    assert (nobody.answers, nobody.players) == (0, 0)
    for analysed, tallied in zip(full.items, every.items, strict=True):
        a, t = analysed.stats, tallied.stats
        assert (tallied.number, tallied.question_id) == (analysed.number, analysed.question_id)
        assert (t.asked, t.right) == (a.asked, a.right)
        assert [(o.picks, o.share, o.key) for o in t.options] == [
            (o.picks, o.share, o.key) for o in a.options
        ]
        # Every flag but the one that needs each player's answers.
        assert [f for f in t.flags] == [f for f in a.flags if f.name != "key-may-be-wrong"]
        assert t.discrimination is None
    flagged = {i.question.prompt: {f.name for f in i.stats.flags} for i in guild.items}
    assert "dead-distractor" in flagged["Which question has a distractor nobody picks?"]
    asked_elsewhere = [i.stats for i in other.items if i.stats.asked]
    assert len(asked_elsewhere) == 2 and all(s.right == 0 for s in asked_elsewhere)
    assert all(sum(o.picks for o in s.options) == 1 for s in asked_elsewhere)


async def test_reviews_and_open_rounds_are_not_tallied(
    app: QuizApp,
    bank_file: Path,  # noqa: F811
) -> None:
    async with app.db.transaction() as session:
        await BankImporter(session, app.clock).run(parse_path(bank_file), str(bank_file))
    where = ChannelRef("discord", "guild", "c")
    ann = PlayerRef("discord", "guild", "ann", "Ann")
    view = await app.start_quiz(where, ann, "simulated", 2, 30, seed=1)
    await app.answer(view.round_id, ann, _wrong_label(view))
    first = await app.close_round(view.round_id)
    assert first is not None and first.next_question is not None
    bob = PlayerRef("discord", "guild", "bob", "Bob")
    assert (await app.answer(first.next_question.round_id, bob, "A")).outcome is None
    async with app.db.reads() as session:
        report = await bank_tally_stats(session, "simulated")
    assert (report.answers, report.players) == (1, 1)  # Bob's round is still open
    await app.stop_quiz(where, ann)  # scores the open round: now it counts
    review = await app.start_review(where, ann, count=1)
    await app.answer(review.round_id, ann, "A")
    await app.close_round(review.round_id)
    async with app.db.reads() as session:
        again = await bank_tally_stats(session, "simulated")
        full = await bank_item_stats(session, "simulated")
    assert (again.answers, again.players) == (full.answers, full.players) == (2, 2)


async def test_the_migration_rebuilds_the_same_tallies_and_a_purge_removes_them(
    app: QuizApp,
    bank_file: Path,  # noqa: F811
) -> None:
    await _play(app, bank_file)
    await _play_elsewhere(app)
    kept = await _rows(app)
    assert kept[0] and kept[1]
    await migrate.downgrade(app.db, "0012")
    await migrate.upgrade(app.db)
    assert await _rows(app) == kept  # the backfill counts what settling rounds counted

    await app.purge_workspace("slack", "T-OTHER")
    tallies, players = await _rows(app)
    assert tallies == [row for row in kept[0] if row[2] != "T-OTHER"]
    assert players == [row for row in kept[1] if row[2] != "T-OTHER"]
