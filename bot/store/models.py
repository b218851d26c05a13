"""The SQL schema as SQLAlchemy 2.0 typed models; Alembic migrations are generated from it.

Rules that must hold across processes live here as constraints, not in Python:
one answer per (round, player), one running quiz per channel, one round number per quiz.

The annotations are evaluated as the classes are made (no ``from __future__ import
annotations``): SQLAlchemy then reads each ``Mapped[...]`` as it is instead of evaluating
its text, which makes importing this module (every command does) about a fifth quicker.
"""

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, list[Any]: JSON}


class AppStateRow(Base):
    """A small value a process keeps between starts, by key (e.g. a digest of the chat
    commands last registered)."""

    __tablename__ = "app_state"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime]


class BankRow(Base):
    """A question bank."""

    __tablename__ = "banks"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[str] = mapped_column(Text, default="")
    #: The language of its questions (``es``, ``pt-br``; "" when nobody said).
    language: Mapped[str] = mapped_column(String(20), default="", server_default="")
    created_at: Mapped[datetime]


class ShippedBankRow(Base):
    """Which version of each shipped bank file was loaded, so each is loaded once.

    A moderator who removes a shipped bank does not see it come back until the file changes.
    """

    __tablename__ = "shipped_banks"

    file_name: Mapped[str] = mapped_column(String(200), primary_key=True)
    digest: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime]


class ImageRow(Base):
    """A picture on questions, stored once by its content (``digest``: SHA-256 of ``data``).

    In the database so that every process, and a PaaS without a disk, has it; served by the
    web process at ``/images/<digest>.<ext>``. Questions refer to it by digest.
    """

    __tablename__ = "images"

    digest: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int]
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]


class QuestionRow(Base):
    """One question of a bank; ``active`` is false once a --replace import dropped it."""

    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("bank_id", "identity_key"),
        Index("ix_questions_bank_position", "bank_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    prompt: Mapped[str] = mapped_column(Text)
    options: Mapped[list[Any]] = mapped_column(default=list)
    correct: Mapped[int | None]
    accepted: Mapped[list[Any]] = mapped_column(default=list)
    back: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    topic: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[list[Any]] = mapped_column(default=list)
    source: Mapped[str] = mapped_column(Text, default="")
    identity_key: Mapped[str] = mapped_column(String(32))
    content_hash: Mapped[str] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    #: The question's picture: a stored image (its digest and media type) or a web address,
    #: with its alt text; all empty/None when it has none.
    image_digest: Mapped[str | None] = mapped_column(ForeignKey("images.digest"))
    image_type: Mapped[str] = mapped_column(String(20), default="", server_default="")
    image_url: Mapped[str] = mapped_column(Text, default="", server_default="")
    image_alt: Mapped[str] = mapped_column(Text, default="", server_default="")


class PlayerRow(Base):
    """A user of a workspace on a platform, with the last name we saw for them."""

    __tablename__ = "players"
    __table_args__ = (UniqueConstraint("platform", "workspace", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200), default="")


class ChannelRow(Base):
    """A channel of a workspace on a platform."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("platform", "workspace", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64))
    channel_id: Mapped[str] = mapped_column(String(64))


class ChannelSettingsRow(Base):
    """A channel's quiz defaults, set by its moderators (no row: the built-in defaults)."""

    __tablename__ = "channel_settings"

    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), primary_key=True
    )
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("banks.id", ondelete="SET NULL"))
    questions: Mapped[int | None]
    seconds: Mapped[int | None]
    speed_bonus: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    streak_bonus: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    hints: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    lobby: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("true"))
    relaxed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    relaxed_max_seconds: Mapped[int] = mapped_column(default=120, server_default="120")
    language: Mapped[str | None] = mapped_column(String(20))
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("players.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime]


class QuizRow(Base):
    """A quiz in a channel: the questions chosen for it, its settings and its state.

    ``mode`` is "normal", "review" (one player's mistakes, across banks: no bank, no
    leaderboard points) or "daily" (one question posted by a daily schedule). A channel has at
    most one running normal quiz; its daily question and players' reviews run beside it.
    """

    __tablename__ = "quizzes"
    # Its one partial unique index (one running normal quiz per channel) is made by the
    # migrations and, for ``create_all``, by :data:`ONE_RUNNING_QUIZ` below.

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id"), index=True)
    bank_id: Mapped[int | None] = mapped_column(
        ForeignKey("banks.id", ondelete="CASCADE"), index=True
    )
    mode: Mapped[str] = mapped_column(String(10), default="normal", server_default="normal")
    daily_id: Mapped[int | None] = mapped_column(
        ForeignKey("daily_schedules.id", ondelete="SET NULL")
    )
    started_by: Mapped[int] = mapped_column(ForeignKey("players.id"))
    status: Mapped[str] = mapped_column(String(10))  # running | finished | stopped
    question_ids: Mapped[list[Any]]
    total: Mapped[int]
    seconds: Mapped[int]
    solo: Mapped[bool] = mapped_column(Boolean, default=False)
    seed: Mapped[int]
    scoring: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    stopped_by: Mapped[int | None] = mapped_column(ForeignKey("players.id"))
    #: A quiz with a lobby: its rounds wait for the players who joined (``quiz_players``).
    lobby: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    #: When the join phase ends by itself (None once the game began, or with no lobby).
    lobby_until: Mapped[datetime | None]
    #: Relaxed mode: each round's deadline, waiting for every joined player (None: ``seconds``).
    max_seconds: Mapped[int | None]
    #: The platform message showing the join phase (edited as players join and at the start).
    lobby_message: Mapped[str | None] = mapped_column(String(200))
    teams: Mapped[int | None]  # a team game's number of teams (players: quiz_players.team)


#: The partial unique index "one running normal quiz per channel", as DDL both SQLite and
#: PostgreSQL read. It is not an ``Index(..., postgresql_where=...)`` in ``__table_args__``
#: because SQLAlchemy imports a dialect to check its keyword arguments, and importing the
#: PostgreSQL dialect cost every SQLite command ~30 ms. Autogenerate compares neither a
#: partial index's WHERE nor this name (:data:`UNDECLARED_INDEXES`, ``migrate.include_name``).
ONE_RUNNING_QUIZ = DDL(
    "CREATE UNIQUE INDEX uq_quizzes_one_running_per_channel ON quizzes (channel_id) "
    "WHERE status = 'running' AND mode = 'normal'"
)
event.listen(QuizRow.__table__, "after_create", ONE_RUNNING_QUIZ)
#: Indexes the migrations make that the models declare as DDL, not as ``Index`` objects.
UNDECLARED_INDEXES = frozenset({"uq_quizzes_one_running_per_channel"})


class RoundRow(Base):
    """One question asked in a quiz; open until its deadline or until closed by one UPDATE."""

    __tablename__ = "rounds"
    __table_args__ = (
        UniqueConstraint("quiz_id", "number"),
        Index("ix_rounds_status_deadline", "status", "deadline"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(ForeignKey("quizzes.id", ondelete="CASCADE"))
    number: Mapped[int]
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    option_order: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(10))  # open | closed
    opened_at: Mapped[datetime]
    deadline: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    message_ref: Mapped[str | None] = mapped_column(String(200))
    #: How many answers close the round early: the players of the quiz's earlier rounds
    #: (fixed when the round opens; 0 = wait for the deadline).
    expected: Mapped[int] = mapped_column(default=0, server_default="0")
    #: Kept by each answer under the round's lock: its answers, and those of the players of
    #: the quiz's earlier rounds (the round closes early when that reaches ``expected``).
    answered_count: Mapped[int] = mapped_column(default=0, server_default="0")
    regulars_answered: Mapped[int] = mapped_column(default=0, server_default="0")


class AnswerRow(Base):
    """A player's one answer to a round; points are set when the round closes."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("round_id", "player_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"), index=True)
    choice: Mapped[str] = mapped_column(Text)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime]
    points: Mapped[int] = mapped_column(default=0)


class QuizPlayerRow(Base):
    """A player who joined a quiz (in its lobby, or by answering later); ``team`` in team games."""

    __tablename__ = "quiz_players"

    quiz_id: Mapped[int] = mapped_column(
        ForeignKey("quizzes.id", ondelete="CASCADE"), primary_key=True
    )
    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    joined_at: Mapped[datetime]
    team: Mapped[int | None]


class RoundHintRow(Base):
    """The one hint a player took on a round, and what it showed (see bot.services.hints)."""

    __tablename__ = "round_hints"
    __table_args__ = (UniqueConstraint("round_id", "player_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    hinted_at: Mapped[datetime]
    shown: Mapped[str] = mapped_column(Text)


class ScoreRow(Base):
    """Points per player, channel, bank and day, kept up to date as rounds close.

    Leaderboards read this table, so their cost follows players x days, not answers.
    """

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("player_id", "channel_id", "bank_id", "day"),
        Index("ix_scores_channel_day", "channel_id", "day"),
        Index("ix_scores_workspace_day", "platform", "workspace", "day"),
        Index("ix_scores_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64))
    day: Mapped[date] = mapped_column(Date)
    points: Mapped[int] = mapped_column(default=0)
    correct: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)


class PlayerTotalRow(Base):
    """A player's points over a period: all time, a month or a week (from its first day).

    A player belongs to one workspace, so workspace-wide and everyone-wide leaderboards are
    an index scan of this table, best first, whatever the number of answers or channels.
    """

    __tablename__ = "player_totals"
    __table_args__ = (
        UniqueConstraint("player_id", "period", "starts"),
        Index("ix_player_totals_everyone", "period", "starts", "points"),
        Index("ix_player_totals_workspace", "platform", "workspace", "period", "starts", "points"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64))
    period: Mapped[str] = mapped_column(String(5))  # all | month | week
    starts: Mapped[date] = mapped_column(Date)
    points: Mapped[int] = mapped_column(default=0)
    correct: Mapped[int] = mapped_column(default=0)
    answered: Mapped[int] = mapped_column(default=0)


class QuestionTallyRow(Base):
    """How one question was answered in one workspace, per option of the bank's order
    (``bank_option``; -1 for typed answers and choices that cannot be mapped): how many
    answers and how many of them right. Kept as rounds of normal quizzes and daily
    questions close (not reviews), so a bank page reads a few rows per question, whatever
    the number of answers."""

    __tablename__ = "question_tallies"
    __table_args__ = (UniqueConstraint("question_id", "platform", "workspace", "bank_option"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64))
    bank_option: Mapped[int]
    answered: Mapped[int] = mapped_column(default=0)
    correct: Mapped[int] = mapped_column(default=0)


class BankPlayerRow(Base):
    """A player who answered a bank's questions in a normal quiz or a daily question (the
    bank page's count of players, per workspace)."""

    __tablename__ = "bank_players"
    __table_args__ = (Index("ix_bank_players_workspace", "bank_id", "platform", "workspace"),)

    bank_id: Mapped[int] = mapped_column(
        ForeignKey("banks.id", ondelete="CASCADE"), primary_key=True
    )
    player_id: Mapped[int] = mapped_column(
        ForeignKey("players.id", ondelete="CASCADE"), primary_key=True
    )
    platform: Mapped[str] = mapped_column(String(20))
    workspace: Mapped[str] = mapped_column(String(64))


class FlashcardStateRow(Base):
    """A player's fsrs card for one question: the scheduler's state and when it is due.

    ``deck`` is "flashcard" for flashcards, or "mistake" for a quiz question the player got
    wrong, reviewed by "review my mistakes"; ``misses`` and ``last_missed`` order those.
    """

    __tablename__ = "flashcard_states"
    __table_args__ = (
        UniqueConstraint("player_id", "question_id"),
        Index("ix_flashcard_states_player_due", "player_id", "deck", "due"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id", ondelete="CASCADE"))
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"))
    card: Mapped[dict[str, Any]]
    due: Mapped[datetime]
    reviews: Mapped[int] = mapped_column(default=0)
    last_rating: Mapped[str | None] = mapped_column(String(10))
    last_review: Mapped[datetime | None]
    deck: Mapped[str] = mapped_column(String(10), default="flashcard", server_default="flashcard")
    misses: Mapped[int] = mapped_column(default=0, server_default="0")
    last_missed: Mapped[datetime | None]


class DailyScheduleRow(Base):
    """A channel's daily question: when (local time in a time zone), from which bank, how long.

    ``next_run_at`` is moved on by one conditional UPDATE, so whichever process sees it due
    first posts the question and no other does.
    """

    __tablename__ = "daily_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), unique=True
    )
    bank_id: Mapped[int] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"))
    at_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    open_minutes: Mapped[int]
    next_run_at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("players.id"))
    created_at: Mapped[datetime]


class DailyStreakRow(Base):
    """A player's run of days answering a channel's daily question correctly."""

    __tablename__ = "daily_streaks"
    __table_args__ = (UniqueConstraint("player_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    player_id: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    channel_id: Mapped[int] = mapped_column(ForeignKey("channels.id", ondelete="CASCADE"))
    current: Mapped[int] = mapped_column(default=0)
    best: Mapped[int] = mapped_column(default=0)
    last_day: Mapped[date | None] = mapped_column(Date)


class QuizScheduleRow(Base):
    """A whole quiz that starts itself in a channel, ``every`` "daily" or "weekly" (on
    ``weekday``, 0 = Monday) at a local time in a time zone; unset options (bank, questions,
    seconds) are the channel's defaults when it starts. A channel may have several.

    ``next_run_at`` is moved on by one conditional UPDATE, as for the daily question.
    """

    __tablename__ = "quiz_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    channel_id: Mapped[int] = mapped_column(
        ForeignKey("channels.id", ondelete="CASCADE"), index=True
    )
    every: Mapped[str] = mapped_column(String(10))
    weekday: Mapped[int | None]
    at_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    bank_id: Mapped[int | None] = mapped_column(ForeignKey("banks.id", ondelete="CASCADE"))
    questions: Mapped[int | None]
    seconds: Mapped[int | None]
    next_run_at: Mapped[datetime] = mapped_column(index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("players.id", ondelete="CASCADE"))
    created_at: Mapped[datetime]
