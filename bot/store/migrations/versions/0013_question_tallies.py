"""question tallies and bank players: the bank page's figures, kept as rounds close

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 11:00:00

``question_tallies`` holds, per question, workspace and option of the bank's order (-1 for a
typed answer or a choice that cannot be mapped), how many answers and how many right;
``bank_players`` who answered a bank's questions. Both count what item analysis counts:
answers to closed rounds of normal quizzes and daily questions. The upgrade fills them from
the answers already there (a round's shown order maps a letter back to the bank's option).
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def upgrade() -> None:
    op.create_table(
        "question_tallies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.Column("bank_option", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["questions.id"],
            name=op.f("fk_question_tallies_question_id_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question_tallies")),
        sa.UniqueConstraint(
            "question_id",
            "platform",
            "workspace",
            "bank_option",
            name=op.f("uq_question_tallies_question_id"),
        ),
    )
    op.create_table(
        "bank_players",
        sa.Column("bank_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("workspace", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["bank_id"],
            ["banks.id"],
            name=op.f("fk_bank_players_bank_id_banks"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["players.id"],
            name=op.f("fk_bank_players_player_id_players"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("bank_id", "player_id", name=op.f("pk_bank_players")),
    )
    op.create_index(
        "ix_bank_players_workspace", "bank_players", ["bank_id", "platform", "workspace"]
    )
    _backfill()


def _bank_option(order_text: object, choice: str) -> int:
    """The bank's option a letter picked, through the round's shown order; -1 if none."""
    order = json.loads(order_text) if isinstance(order_text, str) else order_text
    letter = (choice or "").strip().upper()
    if not isinstance(order, list) or len(letter) != 1 or letter not in LETTERS:
        return -1
    shown = LETTERS.index(letter)
    if shown >= len(order) or not isinstance(order[shown], int):
        return -1
    return order[shown]


def _backfill() -> None:
    connection = op.get_bind()
    answers = sa.table(
        "answers", sa.column("round_id"), sa.column("player_id"), sa.column("choice"),
        sa.column("correct"),
    )  # fmt: skip
    rounds = sa.table(
        "rounds", sa.column("id"), sa.column("quiz_id"), sa.column("question_id"),
        sa.column("option_order"), sa.column("status"),
    )  # fmt: skip
    quizzes = sa.table("quizzes", sa.column("id"), sa.column("channel_id"), sa.column("mode"))
    channels = sa.table("channels", sa.column("id"), sa.column("platform"), sa.column("workspace"))
    questions = sa.table("questions", sa.column("id"), sa.column("bank_id"), sa.column("kind"))
    players = sa.table("players", sa.column("id"), sa.column("platform"), sa.column("workspace"))
    counted = sa.and_(rounds.c.status == "closed", quizzes.c.mode.in_(("normal", "daily")))
    joined = (
        answers.join(rounds, rounds.c.id == answers.c.round_id)
        .join(quizzes, quizzes.c.id == rounds.c.quiz_id)
        .join(questions, questions.c.id == rounds.c.question_id)
    )
    # One row per question, workspace, shown order, choice and rightness (JSON grouped as
    # text: PostgreSQL's json type has no equality).
    order_text = sa.cast(rounds.c.option_order, sa.Text)
    grouped = connection.execute(
        sa.select(
            rounds.c.question_id, questions.c.kind, channels.c.platform, channels.c.workspace,
            order_text, answers.c.choice, answers.c.correct, sa.func.count(),
        )
        .select_from(joined.join(channels, channels.c.id == quizzes.c.channel_id))
        .where(counted)
        .group_by(
            rounds.c.question_id, questions.c.kind, channels.c.platform, channels.c.workspace,
            order_text, answers.c.choice, answers.c.correct,
        )
    )  # fmt: skip
    tallies: dict[tuple[int, str, str, int], list[int]] = {}
    for question, kind, platform, workspace, order, choice, correct, count in grouped:
        option = -1 if kind == "typed" else _bank_option(order, choice)
        tally = tallies.setdefault((question, platform, workspace, option), [0, 0])
        tally[0] += int(count)
        tally[1] += int(count) if correct else 0
    table = sa.table(
        "question_tallies", sa.column("question_id"), sa.column("platform"),
        sa.column("workspace"), sa.column("bank_option"), sa.column("answered"),
        sa.column("correct"),
    )  # fmt: skip
    values = [
        {"question_id": q, "platform": p, "workspace": w, "bank_option": o,
         "answered": t[0], "correct": t[1]}
        for (q, p, w, o), t in sorted(tallies.items())
    ]  # fmt: skip
    for start in range(0, len(values), 5000):
        connection.execute(sa.insert(table), values[start : start + 5000])
    who = (
        sa.select(questions.c.bank_id, answers.c.player_id, players.c.platform,
                  players.c.workspace)
        .select_from(joined.join(players, players.c.id == answers.c.player_id))
        .where(counted)
        .distinct()
    )  # fmt: skip
    op.execute(
        sa.insert(sa.table("bank_players", sa.column("bank_id"), sa.column("player_id"),
                           sa.column("platform"), sa.column("workspace")))
        .from_select(["bank_id", "player_id", "platform", "workspace"], who)
    )  # fmt: skip
    if connection.dialect.name == "postgresql":
        op.execute("ANALYZE question_tallies")
        op.execute("ANALYZE bank_players")


def downgrade() -> None:
    op.drop_index("ix_bank_players_workspace", table_name="bank_players")
    op.drop_table("bank_players")
    op.drop_table("question_tallies")
