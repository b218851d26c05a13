"""The terminal adapter: play a quiz on stdin/stdout with no token and no server.

It reads one answer per line, so it works interactively and piped
(``printf 'A\\nC\\n' | quizbot play --bank demo --count 2 --seed 1``). The quiz is a real
one in the database (platform "console"), so the score lands on the leaderboard.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import sys
from dataclasses import dataclass, field
from typing import TextIO

from bot.errors import NoQuizRunningError, QuizbotError
from bot.services import QuizApp
from bot.views import (
    AnswerStatus,
    ChannelRef,
    PlayerRef,
    QuestionView,
    QuizResults,
    RoundOutcome,
)

PLATFORM = "console"
WORKSPACE = "local"
CHANNEL = "terminal"
#: How many unusable lines in a row are tolerated before giving up on a question.
MAX_BAD_LINES = 3


class InputEndedError(QuizbotError):
    """Standard input ended (or kept giving garbage) before the quiz finished."""


def local_player(name: str | None = None) -> PlayerRef:
    """The person at this terminal."""
    try:
        user = name or getpass.getuser()
    except (KeyError, OSError):
        user = name or "player"
    return PlayerRef(PLATFORM, WORKSPACE, user, user)


@dataclass
class ConsoleGame:
    """One player's quiz in the terminal."""

    app: QuizApp
    stdin: TextIO
    stdout: TextIO
    player: PlayerRef
    where: ChannelRef = field(default_factory=lambda: ChannelRef(PLATFORM, WORKSPACE, CHANNEL))

    def say(self, text: str = "") -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()

    async def read_line(self) -> str | None:
        """One line of input without blocking the event loop; None at end of input."""
        line = await asyncio.to_thread(self.stdin.readline)
        if line == "":
            return None
        return line.strip()

    async def play(
        self,
        bank: str | None,
        count: int,
        seconds: int,
        seed: int | None,
        topic: str | None,
        order: str = "random",
    ) -> QuizResults:
        await self._stop_leftover()
        first = await self.app.start_quiz(
            self.where,
            self.player,
            bank,
            count,
            seconds,
            topic=topic,
            seed=seed,
            solo=True,
            order=order,
        )
        return await self.run(first)

    async def review(self, count: int, seconds: int) -> QuizResults:
        """Review my mistakes: the questions this player got wrong, most recent first."""
        return await self.run(await self.app.start_review(self.where, self.player, count, seconds))

    async def run(self, first: QuestionView) -> QuizResults:
        """Ask every question of a started quiz, then show the results."""
        question: QuestionView | None = first
        self.say(f"{first.bank_title}: {first.total} questions. Answer with a letter,")
        self.say("or type the answer where there are no options.")
        while question is not None:
            outcome = await self._ask(question)
            self._reveal(outcome)
            if outcome.results is not None:
                self._results(outcome.results)
                return outcome.results
            question = outcome.next_question
        raise QuizbotError("the quiz ended without results")  # pragma: no cover

    async def _stop_leftover(self) -> None:
        """A quiz left running here by an interrupted session is ours: stop it."""
        try:
            await self.app.stop_quiz(self.where, self.player, is_moderator=True)
        except NoQuizRunningError:
            return
        self.say("(stopped an unfinished quiz from an earlier session)")

    async def _ask(self, question: QuestionView) -> RoundOutcome:
        self.say()
        topic = f"  [{question.topic}]" if question.topic else ""
        self.say(f"Question {question.number}/{question.total}{topic}")
        self.say(question.prompt)
        for option in question.options:
            self.say(f"  {option.label}) {option.text}")
        bad_lines = 0
        while True:
            self.stdout.write("> ")
            self.stdout.flush()
            line = await self.read_line()
            if line is not None and not self.stdin.isatty():
                self.say(line)  # piped: show the answer so the transcript reads well
            elif line is None:
                self.say()
                await self._give_up()
                raise InputEndedError(
                    f"input ended at question {question.number} of {question.total}; "
                    "the quiz was stopped and the score so far kept"
                )
            receipt = await self.app.answer(question.round_id, self.player, line)
            if receipt.outcome is not None:
                return receipt.outcome
            if receipt.status is AnswerStatus.CLOSED:
                self.say("Time is up for this question.")
                outcome = await self.app.close_round(question.round_id)
                if outcome is not None:
                    return outcome
                raise QuizbotError("this question was closed elsewhere")
            bad_lines += 1
            self.say(receipt.message)
            if bad_lines >= MAX_BAD_LINES and not self.stdin.isatty():
                await self._give_up()
                raise InputEndedError(
                    f"no usable answer to question {question.number} in {MAX_BAD_LINES} lines "
                    f"({receipt.message})"
                )

    async def _give_up(self) -> None:
        with contextlib.suppress(NoQuizRunningError):
            await self.app.stop_quiz(self.where, self.player, is_moderator=True)
        # A review ends when the next one starts; its open round closes at its deadline.

    def _reveal(self, outcome: RoundOutcome) -> None:
        right = self.player.display_name in outcome.winners
        answer = (
            f"{outcome.correct_label}) {outcome.correct_text}"
            if outcome.correct_label
            else outcome.correct_text
        )
        self.say("Correct!" if right else f"Wrong. The answer was {answer}.")
        if outcome.explanation:
            self.say(outcome.explanation)

    def _results(self, results: QuizResults) -> None:
        self.say()
        mine = next((s for s in results.standings if s.player == self.player.user), None)
        correct = mine.correct if mine else 0
        points = mine.points if mine else 0
        self.say(f"Final score: {correct}/{results.rounds_played} correct, {points} points.")
        self.say("See the leaderboard with: quizbot leaderboard")


async def play_in_terminal(
    app: QuizApp,
    *,
    bank: str | None,
    count: int,
    seconds: int,
    seed: int | None = None,
    topic: str | None = None,
    order: str = "random",
    name: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> QuizResults:
    """Play one quiz in the terminal and return its results."""
    game = ConsoleGame(app, stdin or sys.stdin, stdout or sys.stdout, local_player(name))
    return await game.play(bank, count, seconds, seed, topic, order)


async def review_in_terminal(
    app: QuizApp,
    *,
    count: int,
    seconds: int,
    name: str | None = None,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> QuizResults:
    """Review the local player's mistakes in the terminal."""
    game = ConsoleGame(app, stdin or sys.stdin, stdout or sys.stdout, local_player(name))
    return await game.review(count, seconds)
