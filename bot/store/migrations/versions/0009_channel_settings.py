"""channel_settings: a channel's quiz defaults, set by its moderators

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:30:00

One row per channel that has settings (none means the built-in defaults): the bank, number
of questions and seconds a ``/quiz start`` without them uses, the speed and streak bonuses,
hints, the lobby, and the relaxed mode (a round waits for every joined player, up to
``relaxed_max_seconds``). ``language`` is reserved.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_settings",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("bank_id", sa.Integer(), nullable=True),
        sa.Column("questions", sa.Integer(), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("speed_bonus", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("streak_bonus", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("hints", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("lobby", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("relaxed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("relaxed_max_seconds", sa.Integer(), server_default="120", nullable=False),
        sa.Column("language", sa.String(20), nullable=True),
        sa.Column("updated_by", sa.Integer(), nullable=True),
        sa.Column("updated_at", bot.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_channel_settings_channel_id_channels"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["bank_id"],
            ["banks.id"],
            name=op.f("fk_channel_settings_bank_id_banks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["updated_by"],
            ["players.id"],
            name=op.f("fk_channel_settings_updated_by_players"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("channel_id", name=op.f("pk_channel_settings")),
    )


def downgrade() -> None:
    op.drop_table("channel_settings")
