"""Hints: one per player per question, shown to the asker alone, paid for when they score.

:func:`take_hint` finds the round (by id, or the channel's open quiz round), checks the
channel allows hints (its settings, :mod:`bot.services.channel_settings`) and that the player
has neither answered nor had a hint yet, stores the hint in ``round_hints`` (unique on round
and player, so two clicks at once give one hint) and says what it shows (:mod:`bot.hints`).
What it costs is the quiz's ``ScoringRules.hint_cost``, taken off a hinted right answer when
the round is scored (:mod:`bot.services.rounds`); a hinted right answer also rates the
player's mistake card Hard, not Good (:mod:`bot.services.mistakes`).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain import OPTION_LETTERS, QuestionKind
from bot.errors import QuizbotError
from bot.hints import removed_option, typed_hint
from bot.i18n import N_, _, ngettext
from bot.scoring import ScoringRules
from bot.services.records import dialect_insert, ensure_player
from bot.store.database import Database
from bot.store.models import (
    AnswerRow,
    ChannelRow,
    QuestionRow,
    QuizRow,
    RoundHintRow,
    RoundRow,
)
from bot.views import ChannelRef, PlayerRef

HINTS_OFF = N_("hints are off in this channel")
SECOND_HINT = N_("one hint per question: you have had yours for this one")
NO_ROUND = N_("no question is open here to give a hint for")
#: Quizzes whose rounds take hints (a review of one's own mistakes has none).
HINTED_MODES = ("normal", "daily")


class HintRefused(QuizbotError):
    """No hint: a second one, an answered question, hints off, or one that would tell all."""


@dataclass(frozen=True, slots=True)
class Hint:
    """A hint given: what it shows, and what a right answer now costs."""

    round_id: int
    number: int
    kind: QuestionKind
    shows: str  # a typed answer's shape, or the letter of the option removed
    cost: int

    def text(self) -> str:
        """The hint as one line (``code`` in backticks is its only markup), in the current
        language."""
        if self.kind is QuestionKind.TYPED:
            text = ngettext(
                "Hint for question {number}: `{shows}` "
                "(a right answer now scores {cost} point less).",
                "Hint for question {number}: `{shows}` "
                "(a right answer now scores {cost} points less).",
                self.cost,
            )
        else:
            text = ngettext(
                "Hint for question {number}: it is not {shows} "
                "(a right answer now scores {cost} point less).",
                "Hint for question {number}: it is not {shows} "
                "(a right answer now scores {cost} points less).",
                self.cost,
            )
        return text.format(number=self.number, shows=self.shows, cost=self.cost)


async def _hints_allowed(session: AsyncSession, where: ChannelRef) -> bool:
    from bot.services.channel_settings import settings_for

    return (await settings_for(session, where)).hints


async def take_hint(
    db: Database,
    clock: Clock,
    where: ChannelRef,
    who: PlayerRef,
    round_id: int | None = None,
) -> Hint:
    """A hint for ``who`` on a round of the channel ``where`` (``round_id``, else the channel's
    open quiz round); raises :class:`HintRefused` when it gives none."""
    now = clock.now()
    async with db.transaction() as session:
        query = (
            select(RoundRow, QuizRow, QuestionRow)
            .join(QuizRow, QuizRow.id == RoundRow.quiz_id)
            .join(QuestionRow, QuestionRow.id == RoundRow.question_id)
            .join(ChannelRow, ChannelRow.id == QuizRow.channel_id)
            .where(
                ChannelRow.platform == where.platform,
                ChannelRow.workspace == where.workspace,
                ChannelRow.channel_id == where.channel,
                RoundRow.status == "open",
                QuizRow.mode.in_(HINTED_MODES),
            )
            .order_by(QuizRow.mode != "normal", RoundRow.id)
            .limit(1)
        )
        if round_id is not None:
            query = query.where(RoundRow.id == round_id)
        found = (await session.execute(query)).first()
        if found is None or now >= found[0].deadline:
            raise HintRefused(_(NO_ROUND))
        rnd, quiz, question = found
        if who.platform != where.platform or who.workspace != where.workspace:
            raise HintRefused(_(NO_ROUND))
        if not await _hints_allowed(session, where):
            raise HintRefused(_(HINTS_OFF))
        player_id = await ensure_player(session, who)
        answered = await session.scalar(
            select(AnswerRow.id).where(
                AnswerRow.round_id == rnd.id, AnswerRow.player_id == player_id
            )
        )
        if answered is not None:
            raise HintRefused(_("you have already answered this question"))
        earlier = await session.scalar(
            select(RoundHintRow.shown).where(
                RoundHintRow.round_id == rnd.id, RoundHintRow.player_id == player_id
            )
        )
        if earlier is not None:
            raise HintRefused(_(SECOND_HINT))
        kind = QuestionKind(question.kind)
        seed = f"{quiz.seed}:{rnd.number}:hint"
        if kind is QuestionKind.TYPED:
            window = (rnd.deadline - rnd.opened_at).total_seconds()
            elapsed = (now - rnd.opened_at).total_seconds() / window if window > 0 else 0.0
            shows = typed_hint(question.accepted[0] if question.accepted else "", elapsed, seed)
        else:
            labels = OPTION_LETTERS[: len(rnd.option_order)]
            correct = OPTION_LETTERS[rnd.option_order.index(question.correct)]
            removed = removed_option(labels, correct, seed)
            if removed is None:
                raise HintRefused(_("this question has no hint: it would give the answer away"))
            shows = removed
        inserted = await session.execute(
            dialect_insert(session, RoundHintRow)
            .values(round_id=rnd.id, player_id=player_id, hinted_at=now, shown=shows)
            .on_conflict_do_nothing(index_elements=["round_id", "player_id"])
            .returning(RoundHintRow.id)
        )
        if inserted.first() is None:  # another click of theirs got there first
            raise HintRefused(_(SECOND_HINT))
        cost = ScoringRules.from_dict(quiz.scoring).hint_cost
        return Hint(rnd.id, rnd.number, kind, shows, cost)
