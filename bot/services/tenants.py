"""A workspace's life with quizbot ending: its games stopped, its data deleted on request.

When an app is removed from a workspace (a Discord server removes the bot, a Slack
workspace uninstalls the app or revokes its tokens, a Telegram group removes the bot),
:func:`halt_workspace` stops that workspace's running quizzes, its daily questions and its
scheduled quizzes: nothing more is posted there. Its scores stay, so a reinstall finds them.

:func:`purge_workspace` deletes everything quizbot holds about a workspace's people and
channels (players, answers, scores, totals, the banks' answer tallies, flashcard and review
schedules, streaks, quizzes, daily questions) in one transaction: all of it or nothing.
``dry_run`` counts what would go and keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.store.database import Database
from bot.store.models import (
    AnswerRow,
    BankPlayerRow,
    ChannelRow,
    DailyScheduleRow,
    DailyStreakRow,
    FlashcardStateRow,
    PlayerRow,
    PlayerTotalRow,
    QuestionTallyRow,
    QuizRow,
    QuizScheduleRow,
    RoundRow,
    ScoreRow,
)


@dataclass(frozen=True, slots=True)
class WorkspaceHalted:
    """What stopping a workspace's games stopped."""

    quizzes: int
    dailies: int
    schedules: int = 0


class _DryRun(Exception):
    """Raised to roll a dry run's transaction back."""


async def halt_workspace(
    db: Database, clock: Clock, platform: str, workspace: str
) -> WorkspaceHalted:
    """Stop every running quiz and remove every daily question and scheduled quiz of a
    workspace."""
    now = clock.now()
    async with db.transaction() as session:
        channels = select(ChannelRow.id).where(
            ChannelRow.platform == platform, ChannelRow.workspace == workspace
        )
        quizzes = await session.execute(
            update(QuizRow)
            .where(QuizRow.channel_id.in_(channels), QuizRow.status == "running")
            .values(status="stopped", ended_at=now)
            .returning(QuizRow.id)
        )
        stopped = list(quizzes.scalars())
        if stopped:
            await session.execute(
                update(RoundRow)
                .where(RoundRow.quiz_id.in_(stopped), RoundRow.status == "open")
                .values(status="closed", closed_at=now)
            )
        dailies = await session.execute(
            delete(DailyScheduleRow).where(DailyScheduleRow.channel_id.in_(channels))
        )
        scheduled = await session.execute(
            delete(QuizScheduleRow).where(QuizScheduleRow.channel_id.in_(channels))
        )
        return WorkspaceHalted(
            quizzes=len(stopped),
            dailies=dailies.rowcount or 0,
            schedules=scheduled.rowcount or 0,
        )


async def purge_workspace(
    db: Database, platform: str, workspace: str, *, dry_run: bool = False
) -> dict[str, int]:
    """Delete all a workspace's data (see the module's docstring); rows removed per table."""
    counts: dict[str, int] = {}
    try:
        async with db.transaction() as session:
            counts = await _purge(session, platform, workspace)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return counts


async def _purge(session: AsyncSession, platform: str, workspace: str) -> dict[str, int]:
    players = select(PlayerRow.id).where(
        PlayerRow.platform == platform, PlayerRow.workspace == workspace
    )
    channels = select(ChannelRow.id).where(
        ChannelRow.platform == platform, ChannelRow.workspace == workspace
    )
    quizzes = select(QuizRow.id).where(
        or_(QuizRow.channel_id.in_(channels), QuizRow.started_by.in_(players))
    )
    rounds = select(RoundRow.id).where(RoundRow.quiz_id.in_(quizzes))
    steps = [
        (
            "answers",
            delete(AnswerRow).where(
                or_(AnswerRow.player_id.in_(players), AnswerRow.round_id.in_(rounds))
            ),
        ),
        ("rounds", delete(RoundRow).where(RoundRow.quiz_id.in_(quizzes))),
        ("quizzes", delete(QuizRow).where(QuizRow.id.in_(quizzes))),
        (
            "daily questions",
            delete(DailyScheduleRow).where(
                or_(
                    DailyScheduleRow.channel_id.in_(channels),
                    DailyScheduleRow.created_by.in_(players),
                )
            ),
        ),
        (
            "scheduled quizzes",
            delete(QuizScheduleRow).where(
                or_(
                    QuizScheduleRow.channel_id.in_(channels),
                    QuizScheduleRow.created_by.in_(players),
                )
            ),
        ),
        (
            "daily streaks",
            delete(DailyStreakRow).where(
                or_(DailyStreakRow.player_id.in_(players), DailyStreakRow.channel_id.in_(channels))
            ),
        ),
        (
            "scores",
            delete(ScoreRow).where(
                or_(ScoreRow.player_id.in_(players), ScoreRow.channel_id.in_(channels))
            ),
        ),
        ("totals", delete(PlayerTotalRow).where(PlayerTotalRow.player_id.in_(players))),
        (
            "question tallies",
            delete(QuestionTallyRow).where(
                QuestionTallyRow.platform == platform, QuestionTallyRow.workspace == workspace
            ),
        ),
        ("bank players", delete(BankPlayerRow).where(BankPlayerRow.player_id.in_(players))),
        ("cards", delete(FlashcardStateRow).where(FlashcardStateRow.player_id.in_(players))),
        ("players", delete(PlayerRow).where(PlayerRow.id.in_(players))),
        ("channels", delete(ChannelRow).where(ChannelRow.id.in_(channels))),
    ]
    counts = {}
    for name, statement in steps:
        result = await session.execute(statement.execution_options(synchronize_session=False))
        counts[name] = result.rowcount or 0
    return counts


async def workspaces(db: Database, platform: str) -> list[tuple[str, int]]:
    """The workspaces quizbot knows on a platform, with how many players each has."""
    async with db.reads() as session:
        rows = await session.execute(
            select(PlayerRow.workspace, func.count(PlayerRow.id))
            .where(PlayerRow.platform == platform)
            .group_by(PlayerRow.workspace)
            .order_by(PlayerRow.workspace)
        )
        return [(str(w), int(n)) for w, n in rows]
