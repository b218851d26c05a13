"""quiz schedules: whole quizzes that start themselves, daily or weekly at a local time

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 11:00:00

A table of its own rather than a ``kind`` on ``daily_schedules``: a channel has one daily
question (unique channel) with how long it stays open and streaks, but may have several
scheduled quizzes (a weekday, questions, seconds, a bank or the channel's default).
``next_run_at`` is claimed by one conditional UPDATE, as for the daily question.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "quiz_schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("every", sa.String(10), nullable=False),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("at_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=True),
        sa.Column("questions", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("next_run_at", bot.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", bot.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channels.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["bank_id"], ["banks.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by"], ["players.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_quiz_schedules_channel_id", "quiz_schedules", ["channel_id"])
    op.create_index("ix_quiz_schedules_next_run_at", "quiz_schedules", ["next_run_at"])


def downgrade() -> None:
    op.drop_index("ix_quiz_schedules_next_run_at", table_name="quiz_schedules")
    op.drop_index("ix_quiz_schedules_channel_id", table_name="quiz_schedules")
    op.drop_table("quiz_schedules")
