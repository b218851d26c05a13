"""What quizbot says in every chat platform, written once: help, ratings, short replies.

Platforms format these (Discord markdown, Slack mrkdwn, Telegram HTML) but do not reword
them. Nothing here is bank text: bank text and names are escaped by each platform's
renderer.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.services.daily import MAX_OPEN_MINUTES
from bot.services.quizzes import MAX_QUESTIONS, MAX_SECONDS, MIN_SECONDS

#: The flashcard ratings, worst to best, as fsrs knows them (and as buttons show them).
RATINGS: tuple[str, ...] = ("again", "hard", "good", "easy")

#: The core's limits, for option ranges and help (the core enforces them).
QUESTIONS_RANGE = (1, MAX_QUESTIONS)
SECONDS_RANGE = (MIN_SECONDS, MAX_SECONDS)
OPEN_MINUTES_RANGE = (1, MAX_OPEN_MINUTES)
MISTAKES_RANGE = (1, 50)
DEFAULT_QUESTIONS = 10
DEFAULT_SECONDS = 30

PERIOD_WORDS = {"all": "all time", "today": "today", "week": "this week", "month": "this month"}

NO_MISTAKES = (
    "No mistakes to review yet: play a quiz, and the questions you miss will come back here."
)
NEED_TIME_ZONE = "Add a time zone too, e.g. `/quiz daily 09:00 Europe/London`."
NEED_SCHEDULE_TIME = (
    "Give the time and its time zone too, e.g. `/quiz schedule weekly fri 17:00 Europe/London`."
)
SOMETHING_WENT_WRONG = "Something went wrong; please try again."
#: A player's click or command met a database that is not answering (restarting, unreachable).
DATABASE_UNAVAILABLE = "The quiz's database is not answering just now; try again in a moment."
NOTHING_DUE = "Nothing is due right now. Well done!"


def sentence(text: str) -> str:
    """A core message ("too late: ...") as a sentence for people."""
    text = text.strip()
    return (text[:1].upper() + text[1:]) if text else text


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def leaderboard_title(scope: str, period: str, workspace_word: str) -> str:
    """ "Leaderboard: this server, this week", in the platform's own word for a workspace."""
    place = {"channel": "this channel", "workspace": f"this {workspace_word}"}.get(
        scope, "everywhere"
    )
    return f"Leaderboard: {place}, {PERIOD_WORDS.get(period, period)}"


def review_started(total: int) -> str:
    return (
        f"Your review of {plural(total, 'missed question')} is in your private chat with me "
        "(just for you)."
    )


def daily_turned_off(name: str) -> str:
    return f"No more daily question here (turned off by {name})."


@dataclass(frozen=True, slots=True)
class HelpEntry:
    """One line of help: how to type the command, and what it does."""

    usage: str
    does: str


def help_entries(*, options_style: bool, workspace_word: str) -> list[HelpEntry]:
    """Every command, in the order help lists them.

    ``options_style``: the platform has typed options (Discord's slash commands) rather
    than words after ``/quiz`` (Slack, Telegram), which changes how usages are written.
    """
    low, high = QUESTIONS_RANGE
    if options_style:
        start = "/quiz start [bank] [questions] [seconds] [topic] [mode]"
        start_does = (
            f"start a quiz in this channel ({low}-{high} questions, one quiz at a time); "
            "`mode: hardest` asks the questions most players miss first"
        )
        board = "/quiz leaderboard [scope] [period]"
        daily_set = "/quiz daily 09:00 Europe/London [bank] [minutes]"
        schedule_add = "/quiz schedule every:weekly day:fri time:17:00 timezone:Europe/London"
    else:
        start = "/quiz start [bank] [questions] [seconds] [topic:NAME] [hardest]"
        start_does = (
            f"start a quiz in this channel ({low}-{high} questions); `topic:Geography` (or "
            '`topic:"Project Management"`, `topic:Project_Management`) asks one topic only, '
            "`hardest` the questions most players miss first"
        )
        board = f"/quiz leaderboard [channel|{workspace_word}] [today|week|month|all]"
        daily_set = "/quiz daily HH:MM Area/City [bank] [minutes]"
        schedule_add = "/quiz schedule weekly fri 17:00 Europe/London [10 questions] [bank]"
    flashcards = "/flashcards [bank]" if options_style else "/quiz flashcards [bank]"
    return [
        HelpEntry(start, start_does),
        HelpEntry("/quiz stop", "stop it (whoever started it, or a moderator)"),
        HelpEntry(
            "/quiz mistakes [questions]", "review the questions you got wrong; only you see it"
        ),
        HelpEntry(
            "/quiz daily",
            f"this channel's daily question. Moderators: `{daily_set}` sets it (e.g. "
            "`/quiz daily 09:00 Europe/London`), `/quiz daily off` stops it",
        ),
        HelpEntry(
            "/quiz schedule",
            f"this channel's scheduled quizzes. Moderators: `{schedule_add}` adds one (or "
            "daily), `/quiz schedule off [number]` removes them",
        ),
        HelpEntry(
            "/quiz settings",
            "this channel's defaults for the next quiz. Moderators: `/quiz settings "
            "questions:10 seconds:20 bank:NAME speed_bonus:on hints:off lobby:on relaxed:off` "
            "changes them, `/quiz settings reset` forgets them",
        ),
        HelpEntry(
            "/quiz hint",
            "a hint on the open question, just for you: one per question, and a right answer "
            "after it scores less",
        ),
        HelpEntry("/quiz stats", "your answers, accuracy per topic, streaks and reviews due"),
        HelpEntry(board, f"the best players of this channel or this {workspace_word}"),
        HelpEntry("/quiz banks", "the question banks you can play"),
        HelpEntry(flashcards, "review your flashcards privately (spaced repetition)"),
        HelpEntry("/quiz help", "this help"),
    ]


HOW_TO_ANSWER = (
    "Answer a question with its buttons; only you see your receipt. Typed-answer questions "
    "take a message in the channel, or the Answer button. Answer the daily question right on "
    "consecutive days to build a streak."
)
