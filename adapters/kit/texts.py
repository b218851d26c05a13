"""What quizbot says in every chat platform, written once: help, ratings, short replies.

Platforms format these (Discord markdown, Slack mrkdwn, Telegram HTML) but do not reword
them. Nothing here is bank text: bank text and names are escaped by each platform's
renderer.

Every text is in the current language (:func:`bot.i18n.use_language`): call the functions
(``something_went_wrong()``, ``no_mistakes()``...) where the text is shown. The upper-case
constants are the English messages, marked with ``N_`` (``_(texts.NO_MISTAKES)`` shows one
translated); they stay for the callers that have not switched to the functions yet.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_, _, ngettext
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

#: A leaderboard's period, in words (shown with ``_()``; see :func:`period_words`).
PERIOD_WORDS = {
    "all": N_("all time"),
    "today": N_("today"),
    "week": N_("this week"),
    "month": N_("this month"),
}

NO_MISTAKES = N_(
    "No mistakes to review yet: play a quiz, and the questions you miss will come back here."
)
NEED_TIME_ZONE = N_("Add a time zone too, e.g. `/quiz daily 09:00 Europe/London`.")
NEED_SCHEDULE_TIME = N_(
    "Give the time and its time zone too, e.g. `/quiz schedule weekly fri 17:00 Europe/London`."
)
SOMETHING_WENT_WRONG = N_("Something went wrong; please try again.")
#: A player's click or command met a database that is not answering (restarting, unreachable).
DATABASE_UNAVAILABLE = N_("The quiz's database is not answering just now; try again in a moment.")
NOTHING_DUE = N_("Nothing is due right now. Well done!")

#: The rating buttons' labels, by rating (see :func:`rating_label`).
RATING_LABELS = {"again": N_("Again"), "hard": N_("Hard"), "good": N_("Good"), "easy": N_("Easy")}


def no_mistakes() -> str:
    """``/quiz mistakes`` with nothing to review."""
    return _(NO_MISTAKES)


def need_time_zone() -> str:
    """``/quiz daily`` given a time but no time zone."""
    return _(NEED_TIME_ZONE)


def need_schedule_time() -> str:
    """``/quiz schedule`` given no time or time zone."""
    return _(NEED_SCHEDULE_TIME)


def something_went_wrong() -> str:
    """What a player is told when something unexpected failed."""
    return _(SOMETHING_WENT_WRONG)


def database_unavailable() -> str:
    """What a player is told while the database is not answering."""
    return _(DATABASE_UNAVAILABLE)


def nothing_due() -> str:
    """Flashcards with nothing due."""
    return _(NOTHING_DUE)


def how_to_answer() -> str:
    """The last paragraph of help: how answering works."""
    return _(HOW_TO_ANSWER)


def rating_label(rating: str) -> str:
    """A flashcard rating's button label ("Again", "Hard", "Good", "Easy")."""
    label = RATING_LABELS.get(rating)
    return _(label) if label is not None else rating.capitalize()


def period_words(period: str) -> str:
    """A leaderboard's period in words: "this week"."""
    words = PERIOD_WORDS.get(period)
    return _(words) if words is not None else period


def sentence(text: str) -> str:
    """A core message ("too late: ...") as a sentence for people."""
    text = text.strip()
    return (text[:1].upper() + text[1:]) if text else text


def plural(count: int, one: str, many: str | None = None) -> str:
    """English only ("3 questions"): text for people counts with ``ngettext`` instead."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


#: "this server": the platform's own word for a workspace (``workspace_word``), by word.
THIS_WORKSPACE = {
    "workspace": N_("this workspace"),
    "server": N_("this server"),
    "group": N_("this group"),
    "team": N_("this team"),
}
#: Help's line for the leaderboard, by the platform's word for a workspace.
BEST_PLAYERS = {
    "workspace": N_("the best players of this channel or this workspace"),
    "server": N_("the best players of this channel or this server"),
    "group": N_("the best players of this channel or this group"),
    "team": N_("the best players of this channel or this team"),
}


def this_workspace(workspace_word: str) -> str:
    """ "this server", in the platform's own word for a workspace."""
    return _(THIS_WORKSPACE.get(workspace_word, THIS_WORKSPACE["workspace"]))


def leaderboard_title(scope: str, period: str, workspace_word: str) -> str:
    """ "Leaderboard: this server, this week", in the platform's own word for a workspace."""
    if scope == "channel":
        place = _("this channel")
    elif scope == "workspace":
        place = this_workspace(workspace_word)
    else:
        place = _("everywhere")
    return _("Leaderboard: {place}, {period}").format(place=place, period=period_words(period))


def review_started(total: int) -> str:
    return ngettext(
        "Your review of {count} missed question is in your private chat with me (just for you).",
        "Your review of {count} missed questions is in your private chat with me (just for you).",
        total,
    ).format(count=total)


def daily_turned_off(name: str) -> str:
    return _("No more daily question here (turned off by {name}).").format(name=name)


@dataclass(frozen=True, slots=True)
class HelpEntry:
    """One line of help: how to type the command, and what it does."""

    usage: str
    does: str


def help_entries(*, options_style: bool, workspace_word: str) -> list[HelpEntry]:
    """Every command, in the order help lists them (what each does in the current language;
    the usages are what people type, in English).

    ``options_style``: the platform has typed options (Discord's slash commands) rather
    than words after ``/quiz`` (Slack, Telegram), which changes how usages are written.
    """
    low, high = QUESTIONS_RANGE
    if options_style:
        start = "/quiz start [bank] [questions] [seconds] [topic] [mode]"
        start_does = _(
            "start a quiz in this channel ({low}-{high} questions, one quiz at a time); "
            "`mode: hardest` asks the questions most players miss first"
        ).format(low=low, high=high)
        board = "/quiz leaderboard [scope] [period]"
        daily_set = "/quiz daily 09:00 Europe/London [bank] [minutes]"
        schedule_add = "/quiz schedule every:weekly day:fri time:17:00 timezone:Europe/London"
    else:
        start = "/quiz start [bank] [questions] [seconds] [topic:NAME] [hardest]"
        start_does = _(
            "start a quiz in this channel ({low}-{high} questions); `topic:Geography` (or "
            '`topic:"Project Management"`, `topic:Project_Management`) asks one topic only, '
            "`hardest` the questions most players miss first"
        ).format(low=low, high=high)
        board = f"/quiz leaderboard [channel|{workspace_word}] [today|week|month|all]"
        daily_set = "/quiz daily HH:MM Area/City [bank] [minutes]"
        schedule_add = "/quiz schedule weekly fri 17:00 Europe/London [10 questions] [bank]"
    flashcards = "/flashcards [bank]" if options_style else "/quiz flashcards [bank]"
    if options_style:
        banks = HelpEntry("/quiz banks", _("the question banks you can play"))
    else:
        banks = HelpEntry(
            "/quiz banks [en|es|de]",
            _("the question banks you can play; `/quiz banks es` lists those in one language"),
        )
    best = BEST_PLAYERS.get(workspace_word, BEST_PLAYERS["workspace"])
    return [
        HelpEntry(start, start_does),
        HelpEntry("/quiz stop", _("stop it (whoever started it, or a moderator)")),
        HelpEntry(
            "/quiz mistakes [questions]", _("review the questions you got wrong; only you see it")
        ),
        HelpEntry(
            "/quiz daily",
            _(
                "this channel's daily question. Moderators: `{daily_set}` sets it (e.g. "
                "`/quiz daily 09:00 Europe/London`), `/quiz daily off` stops it"
            ).format(daily_set=daily_set),
        ),
        HelpEntry(
            "/quiz schedule",
            _(
                "this channel's scheduled quizzes. Moderators: `{schedule_add}` adds one (or "
                "daily), `/quiz schedule off [number]` removes them"
            ).format(schedule_add=schedule_add),
        ),
        HelpEntry(
            "/quiz settings",
            _(
                "this channel's defaults for the next quiz, and its language. Moderators: "
                "`/quiz settings questions:10 seconds:20 bank:NAME speed_bonus:on hints:off "
                "lobby:on relaxed:off language:es` changes them, `/quiz settings reset` "
                "forgets them"
            ),
        ),
        HelpEntry(
            "/quiz hint",
            _(
                "a hint on the open question, just for you: one per question, and a right "
                "answer after it scores less"
            ),
        ),
        HelpEntry("/quiz stats", _("your answers, accuracy per topic, streaks and reviews due")),
        HelpEntry(board, _(best)),
        banks,
        HelpEntry(flashcards, _("review your flashcards privately (spaced repetition)")),
        HelpEntry("/quiz help", _("this help")),
    ]


HOW_TO_ANSWER = N_(
    "Answer a question with its buttons; only you see your receipt. Typed-answer questions "
    "take a message in the channel, or the Answer button. Answer the daily question right on "
    "consecutive days to build a streak."
)
