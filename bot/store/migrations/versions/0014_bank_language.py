"""bank language: the language a bank's questions are written in

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 13:00:00

``banks.language`` holds a language tag (``es``, ``pt-br``) from the bank file (the native
format's ``language:``) or ``quizbot import --language``; "" when nobody said. ``/quiz banks``
and ``quizbot banks list`` filter by it. The channel's ``language`` setting (the language of
quizbot's own messages) has been in ``channel_settings`` since 0009.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("banks") as batch:
        batch.add_column(sa.Column("language", sa.String(20), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("banks") as batch:
        batch.drop_column("language")
