"""The terminal as a surface: questions, reveals and results printed, one player reading.

The conductor drives a terminal quiz exactly as it drives a chat channel; this surface
"posts" by printing, and remembers the question being asked (the one the next line of
input answers) and the results once the quiz is over. Everything it prints goes through
:meth:`ConsoleSurface.say`, which drops control characters and escape sequences
(:func:`bot.text.without_controls`): bank text and player names already in the database,
from before imports removed them, cannot move the cursor, clear the screen or set the
window title.
"""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, TextIO

from adapters.kit.surface import Capabilities
from bot.i18n import _, current_language, ngettext
from bot.text import without_controls
from bot.views import ChannelRef, PlayerRef, QuestionView, QuizResults, RoundOutcome

if TYPE_CHECKING:  # pictures bring aiohttp (~150 ms): not for `quizbot stats` (local_player)
    from adapters.kit.images import Pictures

PLATFORM = "console"
WORKSPACE = "local"
CHANNEL = "terminal"


def local_player(name: str | None = None) -> PlayerRef:
    """The person at this terminal."""
    try:
        user = name or getpass.getuser()
    except (KeyError, OSError):
        user = name or "player"
    return PlayerRef(PLATFORM, WORKSPACE, user, user)


class TerminalLanguages:
    """The terminal's language for everything a terminal quiz writes (``LANG`` and friends,
    set by the CLI as it starts), whatever the console channel's settings say: its one
    reader chose it. Stands in for the conductor's :class:`adapters.kit.languages.Languages`.
    """

    async def of_channel(self, where: ChannelRef) -> str:
        return current_language()

    async def for_player(self, where: ChannelRef | None, client_locale: str | None) -> str:
        return current_language()

    def forget(self, where: ChannelRef) -> None:
        return None


class ConsoleSurface:
    """Prints what the conductor posts (see :class:`adapters.kit.surface.Surface`)."""

    platform = PLATFORM
    capabilities = Capabilities(
        private_chats=True,  # everything in the terminal is for its one player
        live_counts=False,
    )

    def __init__(self, out: TextIO, player: PlayerRef, pictures: Pictures | None = None) -> None:
        self.out = out
        self.player = player
        self.pictures = pictures  # stored pictures, written to files to be opened
        #: The question the next line of input answers, and the results once over.
        self.current: QuestionView | None = None
        self.results: QuizResults | None = None

    def say(self, text: str = "") -> None:
        """Print a line; any control characters in it are dropped, not obeyed."""
        self.out.write(without_controls(text) + "\n")
        self.out.flush()

    async def post_question(self, question: QuestionView) -> str:
        self.current = question
        self.say()
        if question.topic:
            heading = _("Question {number}/{total}  [{topic}]").format(
                number=question.number, total=question.total, topic=question.topic
            )
        else:
            heading = _("Question {number}/{total}").format(
                number=question.number, total=question.total
            )
        self.say(heading)
        self.say(question.prompt)
        from adapters.console.pictures import picture_line

        picture = await picture_line(self.pictures, question.image)
        if picture is not None:
            self.say(picture)
        for option in question.options:
            self.say(f"  {option.label}) {option.text}")
        return f"{CHANNEL}:{question.round_id}"

    async def reveal(self, outcome: RoundOutcome, *, stopped: bool = False) -> None:
        if stopped:
            return
        right = self.player.display_name in outcome.winners
        answer = (
            f"{outcome.correct_label}) {outcome.correct_text}"
            if outcome.correct_label
            else outcome.correct_text
        )
        self.say(
            _("Correct!") if right else _("Wrong. The answer was {answer}.").format(answer=answer)
        )
        if outcome.explanation:
            self.say(outcome.explanation)

    async def post_results(self, results: QuizResults) -> None:
        self.results = results
        self.current = None
        self.say()
        mine = next((s for s in results.standings if s.player == self.player.user), None)
        correct = mine.correct if mine else 0
        points = mine.points if mine else 0
        self.say(
            ngettext(
                "Final score: {correct}/{total} correct, {points} point.",
                "Final score: {correct}/{total} correct, {points} points.",
                points,
            ).format(correct=correct, total=results.rounds_played, points=points)
        )
        self.say(_("See the leaderboard with: quizbot leaderboard"))

    async def end_daily(self, outcome: RoundOutcome) -> None:
        return None

    async def open_private(self, where: ChannelRef, user: str) -> str:
        return CHANNEL

    async def tell(self, where: ChannelRef, user: str, text: str) -> None:
        self.say(text)

    def owns(self, workspace: str) -> bool:
        return True  # every process serves every workspace
