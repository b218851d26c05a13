"""app_state: small values a process keeps between starts

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 05:00:00

A key-value table for what a running process remembers across restarts (for example the
digest of the chat commands last registered, so they are registered again only when they
change).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "app_state",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("updated_at", bot.store.models.UTCDateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("app_state")
