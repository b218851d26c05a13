"""A game's report, question by question (Kahoot's host report): for one quiz, each round's
question, how many answered, the share right, how many picked each option, who got it right
and how fast, and the quiz's final standings (:func:`bot.services.rounds.quiz_results`).

Every read is bound to the quiz's tenant: :func:`quiz_tenant` says whose a quiz is, and
:func:`game_report` returns None for a quiz outside the platform and workspace it is given.
Options are listed as the players saw them (each round keeps its shuffled order), with the
letters they clicked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from bot.domain import OPTION_LETTERS, QuestionKind
from bot.services.rounds import quiz_results
from bot.store.database import Database
from bot.store.models import AnswerRow, ChannelRow, PlayerRow, QuestionRow, QuizRow, RoundRow
from bot.views import QuizResults


@dataclass(frozen=True, slots=True)
class OptionPicks:
    letter: str  # as the players saw it (the round's shuffled order)
    text: str
    picks: int
    correct: bool


@dataclass(frozen=True, slots=True)
class RightAnswer:
    name: str
    seconds: float  # from the question's opening to the answer
    points: int


@dataclass(frozen=True, slots=True)
class RoundReport:
    number: int
    kind: str
    prompt: str
    topic: str
    answer: str  # the right answer, as text
    answered: int
    right: int
    options: tuple[OptionPicks, ...]
    right_answers: tuple[RightAnswer, ...]  # fastest first
    closed: bool

    @property
    def share_right(self) -> float | None:
        return self.right / self.answered if self.answered else None


@dataclass(frozen=True, slots=True)
class GameReport:
    quiz_id: int
    channel: str
    status: str
    started: datetime
    total: int
    rounds: tuple[RoundReport, ...]
    results: QuizResults


async def quiz_tenant(db: Database, quiz_id: int) -> tuple[str, str] | None:
    """The (platform, workspace) a quiz was played in, or None if there is no such quiz."""
    async with db.reads() as session:
        row = (
            await session.execute(
                select(ChannelRow.platform, ChannelRow.workspace)
                .join(QuizRow, QuizRow.channel_id == ChannelRow.id)
                .where(QuizRow.id == quiz_id)
            )
        ).first()
    return None if row is None else (row.platform, row.workspace)


def _answer_text(question: QuestionRow) -> str:
    if question.kind == QuestionKind.TYPED.value:
        return " / ".join(str(a) for a in question.accepted)
    if question.correct is not None and question.correct < len(question.options):
        return str(question.options[question.correct])
    return question.back


async def game_report(
    db: Database, quiz_id: int, platform: str, workspace: str
) -> GameReport | None:
    """The report of quiz ``quiz_id`` if it was played in ``platform``'s ``workspace``."""
    async with db.reads() as session:
        found = (
            await session.execute(
                select(QuizRow, ChannelRow.channel_id)
                .join(ChannelRow, ChannelRow.id == QuizRow.channel_id)
                .where(
                    QuizRow.id == quiz_id,
                    ChannelRow.platform == platform,
                    ChannelRow.workspace == workspace,
                )
            )
        ).first()
        if found is None:
            return None
        quiz, channel = found
        rounds = (
            await session.execute(
                select(RoundRow, QuestionRow)
                .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
                .where(RoundRow.quiz_id == quiz.id)
                .order_by(RoundRow.number)
            )
        ).all()
        answers = (
            await session.execute(
                select(
                    AnswerRow.round_id,
                    AnswerRow.choice,
                    AnswerRow.correct,
                    AnswerRow.answered_at,
                    AnswerRow.points,
                    PlayerRow.name,
                    PlayerRow.user_id,
                )
                .join(RoundRow, RoundRow.id == AnswerRow.round_id)
                .join(PlayerRow, PlayerRow.id == AnswerRow.player_id)
                .where(RoundRow.quiz_id == quiz.id)
                .order_by(AnswerRow.answered_at, AnswerRow.id)
            )
        ).all()
        results = await quiz_results(session, quiz)
    by_round: dict[int, list] = {}
    for answer in answers:
        by_round.setdefault(answer.round_id, []).append(answer)
    reports = []
    for round_row, question in rounds:
        given = by_round.get(round_row.id, [])
        typed = question.kind == QuestionKind.TYPED.value
        # Options as the players saw them: the round's order, with the letters they clicked.
        order = [] if typed else list(round_row.option_order or range(len(question.options)))
        picks = [0] * len(order)
        right = []
        for answer in given:
            letter = answer.choice.strip().upper()
            if not typed and len(letter) == 1 and letter in OPTION_LETTERS[: len(order)]:
                picks[OPTION_LETTERS.index(letter)] += 1
            if answer.correct:
                seconds = (answer.answered_at - round_row.opened_at).total_seconds()
                right.append(
                    RightAnswer(answer.name or answer.user_id, max(seconds, 0.0), answer.points)
                )
        right.sort(key=lambda r: r.seconds)
        reports.append(
            RoundReport(
                number=round_row.number,
                kind=question.kind,
                prompt=question.prompt,
                topic=question.topic,
                answer=_answer_text(question),
                answered=len(given),
                right=sum(1 for a in given if a.correct),
                options=tuple(
                    OptionPicks(
                        OPTION_LETTERS[shown],
                        str(question.options[index]),
                        picks[shown],
                        index == question.correct,
                    )
                    for shown, index in enumerate(order)
                ),
                right_answers=tuple(right),
                closed=round_row.status == "closed",
            )
        )
    return GameReport(
        quiz_id=quiz.id,
        channel=channel,
        status=quiz.status,
        started=quiz.created_at,
        total=quiz.total,
        rounds=tuple(reports),
        results=results,
    )
