"""Embeds for the core's view objects: questions, reveals, results, leaderboards, banks, cards.

Pure functions from :mod:`bot.views` values to :class:`discord.Embed`; nothing here talks to
Discord. Bank text and player names are untrusted: they are only ever sent with mentions
disabled (see :data:`NO_MENTIONS`), and they are cut to Discord's size limits here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import discord

from adapters.kit import limits, texts
from adapters.kit.dispatch import DailyChanged
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

ANSWERS_FIELD = "Answers"
QUESTION_COLOUR = discord.Colour.blurple()
REVEAL_COLOUR = discord.Colour.green()
RESULTS_COLOUR = discord.Colour.gold()
CARD_COLOUR = discord.Colour.teal()
STATS_COLOUR = discord.Colour.purple()

DAILY = "daily"
REVIEW = "review"
DAILY_TITLE = "Daily question"
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
    head = DAILY_TITLE if mode == DAILY else f"Question {number}/{total}"
    return cut(f"{head} · {bank_title}" if bank_title else head, TITLE_LIMIT)


def _option_lines(options: Iterable[OptionView], correct: str | None = None) -> str:
    lines = []
    for option in options:
        mark = " ✅" if correct is not None and option.label == correct else ""
        lines.append(f"**{option.label}**  {option.text}{mark}")
    return "\n".join(lines)


def answers_text(count: int) -> str:
    return "no answers yet" if count == 0 else f"{count} answered"


def question_embed(view: QuestionView, answered: int = 0) -> discord.Embed:
    """A question as asked: prompt, options (or how to answer a typed one), deadline, count."""
    parts = [view.prompt]
    if view.options:
        parts.append(_option_lines(view.options))
    else:
        parts.append("*Type your answer in the channel, or press **Answer**.*")
    parts.append(f"Closes {timestamp(view.deadline)}")
    embed = discord.Embed(
        title=_title(view.number, view.total, view.bank_title, view.mode),
        description=cut("\n\n".join(parts), DESCRIPTION_LIMIT),
        colour=QUESTION_COLOUR,
    )
    if view.topic:
        embed.set_footer(text=cut(view.topic, 200))
    embed.add_field(name=ANSWERS_FIELD, value=answers_text(answered), inline=False)
    return fit(embed)


def with_answer_count(embed: discord.Embed, count: int) -> discord.Embed:
    """A copy of a question embed showing ``count`` answers so far."""
    embed = embed.copy()
    for index, item in enumerate(embed.fields):
        if item.name == ANSWERS_FIELD:
            embed.set_field_at(index, name=ANSWERS_FIELD, value=answers_text(count), inline=False)
            return embed
    embed.add_field(name=ANSWERS_FIELD, value=answers_text(count), inline=False)
    return embed


def names(players: Iterable[str], limit: int = FIELD_LIMIT) -> str:
    return cut(", ".join(players), limit) or "nobody"


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
    embed.add_field(name="Answer", value=cut(answer or "—", FIELD_LIMIT), inline=False)
    if outcome.explanation:
        embed.add_field(name="Why", value=cut(outcome.explanation, FIELD_LIMIT), inline=False)
    embed.add_field(name="Got it right", value=names(outcome.winners), inline=False)
    embed.add_field(name=ANSWERS_FIELD, value=answers_text(outcome.answered), inline=False)
    if outcome.team_scores:
        embed.add_field(
            name="Teams", value=cut(_teams(outcome.team_scores), FIELD_LIMIT), inline=False
        )
    return fit(embed)


def stopped_embed(embed: discord.Embed) -> discord.Embed:
    """A question message whose quiz was stopped before it closed."""
    embed = embed.copy()
    embed.colour = discord.Colour.dark_grey()
    embed.add_field(name="Stopped", value="This quiz was stopped.", inline=False)
    return embed


def _standing_line(row: Standing) -> str:
    name = row.name or row.player
    return f"**{row.rank}.** {name} — {row.points} pts ({row.correct}/{row.answered} right)"


def _table(rows: Iterable[Standing]) -> str:
    return cut("\n".join(_standing_line(r) for r in rows), DESCRIPTION_LIMIT)


def _teams(teams: Iterable[TeamStanding]) -> str:
    """A team game's teams, a line each: place, name, points, players (names escaped)."""
    return "\n".join(
        f"**{t.rank}.** {t.name} — {t.points} pts ("
        + ", ".join(discord.utils.escape_markdown(n) for n in t.members)
        + ")"
        for t in teams
    )


def link_text(links: Iterable[WebLink]) -> str:
    """Links to web pages as Discord's masked links, labels escaped."""
    return " · ".join(
        f"[{discord.utils.escape_markdown(link.label)}]({link.url})" for link in links
    )


def _add_links(embed: discord.Embed, links: tuple[WebLink, ...]) -> None:
    if links:
        embed.add_field(name="On the web", value=cut(link_text(links), FIELD_LIMIT), inline=False)


def results_embed(results: QuizResults) -> discord.Embed:
    """The end of a quiz: final standings."""
    embed = discord.Embed(
        title=cut(f"Quiz over · {results.bank_title}", TITLE_LIMIT),
        description=_table(results.standings) or "Nobody answered.",
        colour=RESULTS_COLOUR,
    )
    footer = f"{results.rounds_played} question{'s' if results.rounds_played != 1 else ''} played"
    if results.stopped_by:
        footer += f" · stopped by {results.stopped_by}"
    embed.set_footer(text=cut(footer, 2000))
    if results.teams:
        embed.add_field(name="Teams", value=cut(_teams(results.teams), FIELD_LIMIT), inline=False)
    _add_links(embed, results.links)
    return embed


def leaderboard_embed(board: LeaderboardView) -> discord.Embed:
    title = texts.leaderboard_title(board.scope, board.period, WORKSPACE_WORD)
    embed = discord.Embed(
        title=cut(title, TITLE_LIMIT),
        description=_table(board.rows) or "No scores yet.",
        colour=RESULTS_COLOUR,
    )
    _add_links(embed, board.links)
    return embed


def banks_embed(banks: list[BankSummary]) -> discord.Embed:
    lines = []
    for bank in banks:
        counts = f"{bank.questions} questions, {bank.flashcards} flashcards"
        line = f"**{bank.name}** — {bank.title} ({counts})"
        if bank.link is not None:
            line += f" · {link_text([bank.link])}"
        if bank.description:
            line += f"\n{bank.description}"
        lines.append(line)
    return discord.Embed(
        title="Question banks",
        description=cut("\n\n".join(lines), DESCRIPTION_LIMIT) or "No banks yet.",
        colour=QUESTION_COLOUR,
    )


def flashcard_embed(card: FlashcardView, *, show_back: bool = False) -> discord.Embed:
    """A flashcard's front (and back, once asked for), or the end of the review."""
    if card.done or card.card_id is None:
        text = texts.NOTHING_DUE
        if card.next_due is not None:
            text += f"\nNext card due {timestamp(card.next_due)}."
        return discord.Embed(
            title=cut(f"Flashcards · {card.bank}", TITLE_LIMIT),
            description=text,
            colour=CARD_COLOUR,
        )
    embed = discord.Embed(
        title=cut(f"Flashcards · {card.bank}", TITLE_LIMIT),
        description=cut(card.front, DESCRIPTION_LIMIT),
        colour=CARD_COLOUR,
    )
    if show_back:
        embed.add_field(name="Answer", value=cut(card.back or "—", FIELD_LIMIT), inline=False)
    embed.set_footer(text=f"{card.due} due now · {card.new} new")
    return embed


def review_verdict(correct: bool | None) -> str:
    """What a player reviewing their mistakes is told above the answer."""
    if correct is None:
        return ""
    return "✅ Right!" if correct else "❌ Not this time."


def review_results_embed(results: QuizResults) -> discord.Embed:
    """The end of a player's own review of their mistakes."""
    mine = results.standings[0] if results.standings else None
    right, asked = (mine.correct, results.rounds_played) if mine else (0, results.rounds_played)
    text = f"You got {right} of {asked} right."
    if right < asked:
        text += " The ones you missed will come back: `/quiz mistakes` again later."
    return discord.Embed(title="Review over", description=text, colour=RESULTS_COLOUR)


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def stats_embed(stats: PlayerStats) -> discord.Embed:
    """A player's record: answers, accuracy, points, streaks, reviews due, best topics."""
    embed = discord.Embed(
        title=cut(f"Stats · {stats.name or stats.user}", TITLE_LIMIT), colour=STATS_COLOUR
    )
    answers = f"{stats.answered}"
    if stats.answered:
        answers += f" ({stats.correct} right, {_percent(stats.accuracy)})"
    embed.add_field(name="Answers", value=answers, inline=True)
    embed.add_field(name="Points", value=str(stats.points), inline=True)
    embed.add_field(name="Streak", value=f"{stats.streak} (best {stats.best_streak})", inline=True)
    embed.add_field(
        name="Daily streak",
        value=f"{stats.daily_streak} (best {stats.best_daily_streak})",
        inline=True,
    )
    embed.add_field(name="Flashcards due", value=str(stats.cards_due), inline=True)
    embed.add_field(
        name="Mistakes to review",
        value=f"{stats.mistakes} ({stats.mistakes_due} due now)",
        inline=True,
    )
    topics = sorted(stats.topics, key=lambda t: (-t.answered, t.topic))[:TOPIC_LINES]
    if topics:
        lines = [
            f"**{t.topic or 'No topic'}** — {t.correct}/{t.answered} ({_percent(t.accuracy)})"
            for t in topics
        ]
        embed.add_field(name="Topics", value=cut("\n".join(lines), FIELD_LIMIT), inline=False)
    _add_links(embed, stats.links)
    return embed


def daily_text(daily: DailyView) -> str:
    """A channel's daily-question schedule, with when the next one comes."""
    text = daily.describe()
    if daily.enabled and daily.next_run_at is not None:
        text += f" Next one {timestamp(daily.next_run_at, 'F')} ({timestamp(daily.next_run_at)})."
    return text


def receipt_text(receipt: AnswerReceipt) -> str:
    """What the player who answered is told, privately."""
    if receipt.status is AnswerStatus.RECORDED:
        return receipt.message or f"recorded: {receipt.choice}"
    if receipt.status is AnswerStatus.ALREADY_ANSWERED:
        return "you already answered" + (f": {receipt.choice}" if receipt.choice else "")
    return receipt.message or "that did not count"


def help_text(reason: str = "") -> str:
    """The command list (the same entries as every platform's help), under 2,000 characters."""
    entries = texts.help_entries(options_style=True, workspace_word=WORKSPACE_WORD)
    lines = [f"**{entry.usage}** — {entry.does}." for entry in entries]
    text = "\n".join([*lines, "", texts.HOW_TO_ANSWER])
    return cut(f"{reason}\n\n{text}" if reason else text, limits.DISCORD_CONTENT)


def daily_changed_text(change: DailyChanged) -> str:
    """What the channel is told when a moderator sets or stops its daily question."""
    if change.action == "off":
        return texts.daily_turned_off(change.by)
    return daily_text(change.schedule)
