"""quiz_players: who joined a quiz; the quiz's lobby and relaxed deadline

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:40:00

``quiz_players`` holds each player who joined a quiz (in its lobby, or later by answering),
with ``team`` for team games. ``quizzes.lobby`` marks a quiz whose rounds wait for its joined
players (the count of them is each round's ``expected``); ``quizzes.lobby_until`` is when its
join phase ends by itself (NULL once the game began, or with no lobby); ``quizzes.max_seconds``
is the relaxed mode's deadline of each round (NULL: the quiz's ``seconds``);
``quizzes.lobby_message`` is the platform message showing the join phase.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz_players",
        sa.Column("quiz_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", bot.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("team", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["quiz_id"],
            ["quizzes.id"],
            name=op.f("fk_quiz_players_quiz_id_quizzes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["players.id"],
            name=op.f("fk_quiz_players_player_id_players"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("quiz_id", "player_id", name=op.f("pk_quiz_players")),
    )
    with op.batch_alter_table("quizzes") as batch:
        batch.add_column(
            sa.Column("lobby", sa.Boolean(), server_default=sa.text("false"), nullable=False)
        )
        batch.add_column(
            sa.Column("lobby_until", bot.store.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch.add_column(sa.Column("max_seconds", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("lobby_message", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quizzes") as batch:
        batch.drop_column("lobby_message")
        batch.drop_column("max_seconds")
        batch.drop_column("lobby_until")
        batch.drop_column("lobby")
    op.drop_table("quiz_players")
