"""hints and teams: the hints players took, and a quiz's number of teams

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 10:50:00

``round_hints`` holds the one hint a player may take per round (unique on round and player),
with what it showed; a hinted right answer scores the quiz's ``hint_cost`` less and rates the
player's mistake card Hard. ``quizzes.teams`` is how many teams a team game has (NULL: not a
team game); who is in which team is ``quiz_players.team``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "round_hints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("player_id", sa.Integer(), nullable=False),
        sa.Column("hinted_at", bot.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("shown", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_round_hints_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["player_id"],
            ["players.id"],
            name=op.f("fk_round_hints_player_id_players"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_round_hints")),
        sa.UniqueConstraint("round_id", "player_id", name=op.f("uq_round_hints_round_id")),
    )
    with op.batch_alter_table("quizzes") as batch:
        batch.add_column(sa.Column("teams", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("quizzes") as batch:
        batch.drop_column("teams")
    op.drop_table("round_hints")
