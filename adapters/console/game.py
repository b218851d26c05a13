"""The terminal adapter: play a quiz on stdin/stdout with no token and no server.

It reads one answer per line, so it works interactively and piped
(``printf 'A\\nC\\n' | quizbot play --bank demo --count 2 --seed 1``). The quiz is a real
one in the database (platform "console"), run by the adapter kit's conductor over a
:class:`~adapters.console.surface.ConsoleSurface` like any chat channel's, so the score
lands on the leaderboard.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from dataclasses import dataclass, field
from typing import TextIO

from adapters.console.lines import TerminalLines
from adapters.console.surface import (
    CHANNEL,
    PLATFORM,
    WORKSPACE,
    ConsoleSurface,
    TerminalLanguages,
    local_player,
)
from adapters.kit.conductor import Conductor
from adapters.kit.images import Pictures
from bot.errors import EmptyBankError, NoQuizRunningError, QuizbotError
from bot.i18n import _, ngettext
from bot.services import QuizApp
from bot.views import AnswerStatus, ChannelRef, PlayerRef, QuestionView, QuizResults

#: How many unusable lines in a row are tolerated before giving up on a question.
MAX_BAD_LINES = 3
#: A line that asks for a hint instead of answering.
HINT_LINE = "?"


class InputEndedError(QuizbotError):
    """Standard input ended (or kept giving garbage) before the quiz finished."""


async def is_flashcard_deck(app: QuizApp, bank: str | None) -> bool:
    """Whether ``bank`` has flashcards but nothing to play as a quiz."""
    found = next((b for b in await app.list_banks() if b.name == bank), None)
    return found is not None and found.flashcards > 0 and found.questions == 0


@dataclass
class ConsoleGame:
    """One player's quiz in the terminal."""

    app: QuizApp
    stdin: TextIO
    stdout: TextIO
    player: PlayerRef
    where: ChannelRef = field(default_factory=lambda: ChannelRef(PLATFORM, WORKSPACE, CHANNEL))

    def __post_init__(self) -> None:
        self.surface = ConsoleSurface(self.stdout, self.player, Pictures(self.app))
        self.conductor = Conductor(self.app, self.surface)
        self.conductor.languages = TerminalLanguages()  # type: ignore[assignment]
        self.lines = TerminalLines(self.stdin)

    def say(self, text: str = "") -> None:
        self.surface.say(text)

    async def read_line(self) -> str | None:
        """One line of input without blocking the event loop; None at end of input."""
        line = await self.lines.readline()
        return None if line is None else line.strip()

    async def _introduce(self, question: QuestionView) -> str:
        """Question 1, after a line saying what the quiz is."""
        introduction = ngettext(
            "{bank}: {count} question. Answer with a letter,\n"
            "or type the answer where there are no options; {hint} asks for a hint.",
            "{bank}: {count} questions. Answer with a letter,\n"
            "or type the answer where there are no options; {hint} asks for a hint.",
            question.total,
        ).format(bank=question.bank_title, count=question.total, hint=HINT_LINE)
        for line in introduction.splitlines():
            self.say(line)
        return await self.surface.post_question(question)

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
        try:
            await self._start(bank, count, seconds, seed, topic, order)
        except EmptyBankError as error:
            if await is_flashcard_deck(self.app, bank) and not topic:
                raise EmptyBankError(
                    _(
                        "{error}: it is a flashcard deck, review it with "
                        "`quizbot flashcards --bank {bank}`"
                    ).format(error=error, bank=bank)
                ) from None
            raise
        return await self.run()

    async def _start(
        self,
        bank: str | None,
        count: int,
        seconds: int,
        seed: int | None,
        topic: str | None,
        order: str,
    ) -> None:
        await self.conductor.start_quiz(
            self.where,
            self.player,
            post_first=self._introduce,
            bank=bank,
            count=count,
            seconds=seconds,
            topic=topic,
            seed=seed,
            solo=True,
            order=order,
        )

    async def review(self, count: int, seconds: int) -> QuizResults:
        """Review my mistakes: the questions this player got wrong, most recent first."""
        question = await self.app.start_review(self.where, self.player, count, seconds)
        await self.app.set_round_message(question.round_id, await self._introduce(question))
        return await self.run()

    async def run(self) -> QuizResults:
        """Answer every question of the started quiz from input; the conductor shows the
        reveals, the next questions and the results. Ctrl-C stops the quiz (answers given so
        far stay on the leaderboard) and ends the command."""
        try:
            while self.surface.results is None:
                question = self.surface.current
                if question is None:
                    raise QuizbotError(_("the quiz ended without results"))  # pragma: no cover
                await self._ask(question)
        except asyncio.CancelledError:
            await self._give_up()
            self.say()
            self.say(_("Stopped. Your answers so far are kept."))
            raise
        return self.surface.results

    async def _stop_leftover(self) -> None:
        """A quiz left running here by an interrupted session is ours: stop it."""
        try:
            await self.app.stop_quiz(self.where, self.player, is_moderator=True)
        except NoQuizRunningError:
            return
        self.say(_("(stopped an unfinished quiz from an earlier session)"))

    async def _ask(self, question: QuestionView) -> None:
        """Read answers to ``question`` until one closes it."""
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
                    _(
                        "input ended at question {number} of {total}; "
                        "the quiz was stopped and the score so far kept"
                    ).format(number=question.number, total=question.total)
                )
            if line == HINT_LINE:
                await self._hint(question)
                continue
            receipt = await self.app.answer(question.round_id, self.player, line, question.channel)
            if receipt.outcome is not None:
                await self.conductor.announce(receipt.outcome)
                return
            if receipt.status is AnswerStatus.CLOSED:
                self.say(_("Time is up for this question."))
                outcome = await self.app.close_round(question.round_id)
                if outcome is None:
                    raise QuizbotError(_("this question was closed elsewhere"))
                await self.conductor.announce(outcome)
                return
            bad_lines += 1
            self.say(receipt.message)
            if bad_lines >= MAX_BAD_LINES and not self.stdin.isatty():
                await self._give_up()
                raise InputEndedError(
                    ngettext(
                        "no usable answer to question {number} in {count} line ({reason})",
                        "no usable answer to question {number} in {count} lines ({reason})",
                        MAX_BAD_LINES,
                    ).format(number=question.number, count=MAX_BAD_LINES, reason=receipt.message)
                )

    async def _hint(self, question: QuestionView) -> None:
        """A hint on ``question`` (one per question; it costs points, as in chat)."""
        try:
            hint = await self.app.hint(question.channel, self.player, question.round_id)
        except QuizbotError as exc:  # a second hint, none for true/false, hints off
            self.say(str(exc))
            return
        self.say(hint.text().replace("`", ""))

    async def _give_up(self) -> None:
        with contextlib.suppress(NoQuizRunningError):
            await self.app.stop_quiz(self.where, self.player, is_moderator=True)
        # A review ends when the next one starts; its open round closes at its deadline.


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
