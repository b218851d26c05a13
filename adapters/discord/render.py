"""Embeds for the core's view objects: questions, reveals, results, leaderboards, banks, cards.

Pure functions from :mod:`bot.views` values to :class:`discord.Embed`; nothing here talks to
Discord. Bank text and player names are untrusted: they are only ever sent with mentions
disabled (see :data:`NO_MENTIONS`), and they are cut to Discord's size limits here.

Everything quizbot itself writes is in the current language (:mod:`bot.i18n`): the caller
chooses it (the channel's for a public message, the player's for their own reply).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import discord

from adapters.kit import limits, texts
from adapters.kit.dispatch import DailyChanged
from bot.i18n import LANGUAGES, N_, _, current_language, ngettext, use_language
from bot.i18n import formatting as fmt
from bot.views import (
    AnswerReceipt,
    AnswerStatus,
    BankSummary,
    DailyView,
    FlashcardView,
    LeaderboardView,
    OptionView,
    PlayerStats,
    QuestionView,
    QuizResults,
    RoundOutcome,
    Standing,
    TeamStanding,
    WebLink,
)

#: Every message and edit the bot sends uses this: nothing it sends pings anyone.
NO_MENTIONS = discord.AllowedMentions.none()

ANSWERS_FIELD = N_("Answers")
QUESTION_COLOUR = discord.Colour.blurple()
REVEAL_COLOUR = discord.Colour.green()
RESULTS_COLOUR = discord.Colour.gold()
CARD_COLOUR = discord.Colour.teal()
STATS_COLOUR = discord.Colour.purple()

DAILY = "daily"
REVIEW = "review"
DAILY_TITLE = N_("Daily question")
TOPIC_LINES = 8

DESCRIPTION_LIMIT = 4000
FIELD_LIMIT = limits.DISCORD_EMBED_FIELD_VALUE
TITLE_LIMIT = limits.DISCORD_EMBED_TITLE
#: What Discord calls a workspace.
WORKSPACE_WORD = "server"


def cut(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters (with an ellipsis when cut)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def timestamp(moment: datetime, style: str = "R") -> str:
    """A Discord timestamp tag, which every client shows in its own time zone."""
    return f"<t:{int(moment.timestamp())}:{style}>"


def _title(number: int, total: int, bank_title: str, mode: str = "normal") -> str:
    if mode == DAILY:
        head = _(DAILY_TITLE)
    else:
        head = _("Question {number}/{total}").format(number=number, total=total)
    return cut(f"{head} · {bank_title}" if bank_title else head, TITLE_LIMIT)


def _option_lines(options: Iterable[OptionView], correct: str | None = None) -> str:
    lines = []
    for option in options:
        mark = " ✅" if correct is not None and option.label == correct else ""
        lines.append(f"**{option.label}**  {option.text}{mark}")
    return "\n".join(lines)


def answers_text(count: int) -> str:
    if count == 0:
        return _("no answers yet")
    return ngettext("{count} answered", "{count} answered", count).format(count=count)


def question_embed(view: QuestionView, answered: int = 0) -> discord.Embed:
    """A question as asked: prompt, options (or how to answer a typed one), deadline, count."""
    parts = [view.prompt]
    if view.options:
        parts.append(_option_lines(view.options))
    else:
        parts.append(_("*Type your answer in the channel, or press **Answer**.*"))
    parts.append(_("Closes {time}").format(time=timestamp(view.deadline)))
    embed = discord.Embed(
        title=_title(view.number, view.total, view.bank_title, view.mode),
        description=cut("\n\n".join(parts), DESCRIPTION_LIMIT),
        colour=QUESTION_COLOUR,
    )
    if view.topic:
        embed.set_footer(text=cut(view.topic, 200))
    embed.add_field(name=_(ANSWERS_FIELD), value=answers_text(answered), inline=False)
    return fit(embed)


def answers_field_names() -> set[str]:
    """The answer count's field name in every language (a question posted before its
    channel's language changed keeps its own)."""
    names = {ANSWERS_FIELD}
    for language in LANGUAGES:
        with use_language(language):
            names.add(_(ANSWERS_FIELD))
    return names


def with_answer_count(embed: discord.Embed, count: int) -> discord.Embed:
    """A copy of a question embed showing ``count`` answers so far."""
    embed = embed.copy()
    names = answers_field_names()
    for index, item in enumerate(embed.fields):
        if item.name in names:
            embed.set_field_at(index, name=item.name, value=answers_text(count), inline=False)
            return embed
    embed.add_field(name=_(ANSWERS_FIELD), value=answers_text(count), inline=False)
    return embed


def names(players: Iterable[str], limit: int = FIELD_LIMIT) -> str:
    return cut(", ".join(players), limit) or _("nobody")


def embed_size(embed: discord.Embed) -> int:
    """The characters Discord counts towards an embed's 6,000."""
    fields = sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    footer = len(embed.footer.text or "") if embed.footer else 0
    return len(embed.title or "") + len(embed.description or "") + fields + footer


def fit(embed: discord.Embed, limit: int = limits.DISCORD_EMBEDS_TOTAL) -> discord.Embed:
    """``embed`` cut to Discord's total (the description first), so it is never refused."""
    over = embed_size(embed) - limit
    if over > 0 and embed.description:
        embed.description = cut(embed.description, max(200, len(embed.description) - over))
    for index, item in enumerate(list(embed.fields)):
        over = embed_size(embed) - limit
        if over <= 0:
            break
        value = item.value or ""
        if len(value) > 100:
            shorter = cut(value, max(100, len(value) - over))
            embed.set_field_at(index, name=item.name, value=shorter, inline=item.inline)
    return embed


def reveal_embed(outcome: RoundOutcome) -> discord.Embed:
    """A closed round: the question with the right option marked, the explanation, who got it."""
    parts = [outcome.prompt]
    if outcome.options:
        parts.append(_option_lines(outcome.options, outcome.correct_label))
    embed = discord.Embed(
        title=_title(outcome.number, outcome.total, "", outcome.mode),
        description=cut("\n\n".join(parts), DESCRIPTION_LIMIT),
        colour=REVEAL_COLOUR,
    )
    answer = (
        f"**{outcome.correct_label}**  {outcome.correct_text}"
        if outcome.correct_label
        else outcome.correct_text
    )
    embed.add_field(name=_("Answer"), value=cut(answer or "—", FIELD_LIMIT), inline=False)
    if outcome.explanation:
        embed.add_field(name=_("Why"), value=cut(outcome.explanation, FIELD_LIMIT), inline=False)
    embed.add_field(name=_("Got it right"), value=names(outcome.winners), inline=False)
    embed.add_field(name=_(ANSWERS_FIELD), value=answers_text(outcome.answered), inline=False)
    if outcome.team_scores:
        embed.add_field(
            name=_("Teams"), value=cut(_teams(outcome.team_scores), FIELD_LIMIT), inline=False
        )
    return fit(embed)


def stopped_embed(embed: discord.Embed) -> discord.Embed:
    """A question message whose quiz was stopped before it closed."""
    embed = embed.copy()
    embed.colour = discord.Colour.dark_grey()
    embed.add_field(name=_("Stopped"), value=_("This quiz was stopped."), inline=False)
    return embed


def _standing_line(row: Standing) -> str:
    name = row.name or row.player
    return _("**{rank}.** {name} — {points} pts ({correct}/{answered} right)").format(
        rank=row.rank,
        name=name,
        points=fmt.number(row.points),
        correct=row.correct,
        answered=row.answered,
    )


def _table(rows: Iterable[Standing]) -> str:
    return cut("\n".join(_standing_line(r) for r in rows), DESCRIPTION_LIMIT)


def _teams(teams: Iterable[TeamStanding]) -> str:
    """A team game's teams, a line each: place, name, points, players (names escaped)."""
    return "\n".join(
        _("**{rank}.** {team} — {points} pts ({players})").format(
            rank=t.rank,
            team=t.name,
            points=fmt.number(t.points),
            players=", ".join(discord.utils.escape_markdown(n) for n in t.members),
        )
        for t in teams
    )


def link_text(links: Iterable[WebLink]) -> str:
    """Links to web pages as Discord's masked links, labels escaped."""
    return " · ".join(
        f"[{discord.utils.escape_markdown(link.label)}]({link.url})" for link in links
    )


def _add_links(embed: discord.Embed, links: tuple[WebLink, ...]) -> None:
    if links:
        embed.add_field(
            name=_("On the web"), value=cut(link_text(links), FIELD_LIMIT), inline=False
        )


def results_embed(results: QuizResults) -> discord.Embed:
    """The end of a quiz: final standings."""
    embed = discord.Embed(
        title=cut(_("Quiz over · {bank}").format(bank=results.bank_title), TITLE_LIMIT),
        description=_table(results.standings) or _("Nobody answered."),
        colour=RESULTS_COLOUR,
    )
    played = results.rounds_played
    footer = ngettext("{count} question played", "{count} questions played", played).format(
        count=played
    )
    if results.stopped_by:
        footer = _("{played} · stopped by {name}").format(played=footer, name=results.stopped_by)
    embed.set_footer(text=cut(footer, 2000))
    if results.teams:
        embed.add_field(
            name=_("Teams"), value=cut(_teams(results.teams), FIELD_LIMIT), inline=False
        )
    _add_links(embed, results.links)
    return embed


def leaderboard_embed(board: LeaderboardView) -> discord.Embed:
    title = texts.leaderboard_title(board.scope, board.period, WORKSPACE_WORD)
    embed = discord.Embed(
        title=cut(title, TITLE_LIMIT),
        description=_table(board.rows) or _("No scores yet."),
        colour=RESULTS_COLOUR,
    )
    _add_links(embed, board.links)
    return embed


def banks_embed(banks: list[BankSummary]) -> discord.Embed:
    lines = []
    for bank in banks:
        counts = _("{questions}, {flashcards}").format(
            questions=ngettext("{count} question", "{count} questions", bank.questions).format(
                count=bank.questions
            ),
            flashcards=ngettext("{count} flashcard", "{count} flashcards", bank.flashcards).format(
                count=bank.flashcards
            ),
        )
        line = f"**{bank.name}** — {bank.title} ({counts})"
        if bank.language:
            line += " · " + _("questions in {language}").format(
                language=language_name(bank.language)
            )
        if bank.link is not None:
            line += f" · {link_text([bank.link])}"
        if bank.description:
            line += f"\n{bank.description}"
        lines.append(line)
    return discord.Embed(
        title=_("Question banks"),
        description=cut("\n\n".join(lines), DESCRIPTION_LIMIT) or _("No banks yet."),
        colour=QUESTION_COLOUR,
    )


def flashcard_embed(card: FlashcardView, *, show_back: bool = False) -> discord.Embed:
    """A flashcard's front (and back, once asked for), or the end of the review."""
    if card.done or card.card_id is None:
        text = texts.nothing_due()
        if card.next_due is not None:
            text += "\n" + _("Next card due {time}.").format(time=timestamp(card.next_due))
        return discord.Embed(
            title=cut(_("Flashcards · {bank}").format(bank=card.bank), TITLE_LIMIT),
            description=text,
            colour=CARD_COLOUR,
        )
    embed = discord.Embed(
        title=cut(_("Flashcards · {bank}").format(bank=card.bank), TITLE_LIMIT),
        description=cut(card.front, DESCRIPTION_LIMIT),
        colour=CARD_COLOUR,
    )
    if show_back:
        embed.add_field(name=_("Answer"), value=cut(card.back or "—", FIELD_LIMIT), inline=False)
    embed.set_footer(text=_("{due} due now · {new} new").format(due=card.due, new=card.new))
    return embed


def review_verdict(correct: bool | None) -> str:
    """What a player reviewing their mistakes is told above the answer."""
    if correct is None:
        return ""
    return _("✅ Right!") if correct else _("❌ Not this time.")


def review_results_embed(results: QuizResults) -> discord.Embed:
    """The end of a player's own review of their mistakes."""
    mine = results.standings[0] if results.standings else None
    right, asked = (mine.correct, results.rounds_played) if mine else (0, results.rounds_played)
    text = _("You got {right} of {asked} right.").format(right=right, asked=asked)
    if right < asked:
        text += " " + _("The ones you missed will come back: `/quiz mistakes` again later.")
    return discord.Embed(title=_("Review over"), description=text, colour=RESULTS_COLOUR)


def _percent(share: float) -> str:
    return fmt.percent(share)


def language_name(code: str) -> str:
    """A language's name in the current language (``es`` -> ``Spanish`` / ``español``)."""
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(current_language()).languages.get(code, code))
    except (ValueError, UnknownLocaleError):
        return code


def stats_embed(stats: PlayerStats) -> discord.Embed:
    """A player's record: answers, accuracy, points, streaks, reviews due, best topics."""
    embed = discord.Embed(
        title=cut(_("Stats · {name}").format(name=stats.name or stats.user), TITLE_LIMIT),
        colour=STATS_COLOUR,
    )
    answers = fmt.number(stats.answered)
    if stats.answered:
        answers = _("{answered} ({correct} right, {percent})").format(
            answered=answers,
            correct=fmt.number(stats.correct),
            percent=_percent(stats.accuracy),
        )
    best = _("{streak} (best {best})")
    embed.add_field(name=_(ANSWERS_FIELD), value=answers, inline=True)
    embed.add_field(name=_("Points"), value=fmt.number(stats.points), inline=True)
    embed.add_field(
        name=_("Streak"),
        value=best.format(streak=stats.streak, best=stats.best_streak),
        inline=True,
    )
    embed.add_field(
        name=_("Daily streak"),
        value=best.format(streak=stats.daily_streak, best=stats.best_daily_streak),
        inline=True,
    )
    embed.add_field(name=_("Flashcards due"), value=str(stats.cards_due), inline=True)
    embed.add_field(
        name=_("Mistakes to review"),
        value=_("{mistakes} ({due} due now)").format(
            mistakes=stats.mistakes, due=stats.mistakes_due
        ),
        inline=True,
    )
    topics = sorted(stats.topics, key=lambda t: (-t.answered, t.topic))[:TOPIC_LINES]
    if topics:
        untitled = _("No topic")
        lines = [
            f"**{t.topic or untitled}** — {t.correct}/{t.answered} ({_percent(t.accuracy)})"
            for t in topics
        ]
        embed.add_field(name=_("Topics"), value=cut("\n".join(lines), FIELD_LIMIT), inline=False)
    _add_links(embed, stats.links)
    return embed


def daily_text(daily: DailyView) -> str:
    """A channel's daily-question schedule, with when the next one comes."""
    text = daily.describe()
    if daily.enabled and daily.next_run_at is not None:
        text += " " + _("Next one {date} ({relative}).").format(
            date=timestamp(daily.next_run_at, "F"), relative=timestamp(daily.next_run_at)
        )
    return text


def receipt_text(receipt: AnswerReceipt) -> str:
    """What the player who answered is told, privately."""
    if receipt.status is AnswerStatus.RECORDED:
        return receipt.message or _("recorded: {choice}").format(choice=receipt.choice)
    if receipt.status is AnswerStatus.ALREADY_ANSWERED:
        if receipt.choice:
            return _("you already answered: {choice}").format(choice=receipt.choice)
        return _("you already answered")
    return receipt.message or _("that did not count")


def help_text(reason: str = "") -> str:
    """The command list (the same entries as every platform's help), under 2,000 characters."""
    entries = texts.help_entries(options_style=True, workspace_word=WORKSPACE_WORD)
    lines = [f"**{entry.usage}** — {entry.does}." for entry in entries]
    text = "\n".join([*lines, "", texts.how_to_answer()])
    return cut(f"{reason}\n\n{text}" if reason else text, limits.DISCORD_CONTENT)


def daily_changed_text(change: DailyChanged) -> str:
    """What the channel is told when a moderator sets or stops its daily question."""
    if change.action == "off":
        return texts.daily_turned_off(change.by)
    return daily_text(change.schedule)
