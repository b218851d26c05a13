"""rounds keep their answer counts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 19:30:00

Open rounds get their counts from their answers, so a round that was open during the upgrade
still closes early when its last regular answers.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL_OPEN_ROUNDS = """
UPDATE rounds SET
  answered_count = (SELECT count(*) FROM answers WHERE answers.round_id = rounds.id),
  regulars_answered = (
    SELECT count(*) FROM answers AS mine
    WHERE mine.round_id = rounds.id AND EXISTS (
      SELECT 1 FROM answers AS prior JOIN rounds AS earlier ON earlier.id = prior.round_id
      WHERE prior.player_id = mine.player_id
        AND earlier.quiz_id = rounds.quiz_id AND earlier.number < rounds.number))
WHERE status = 'open'
"""


def upgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("answered_count", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("regulars_answered", sa.Integer(), server_default="0", nullable=False)
        )
    op.execute(BACKFILL_OPEN_ROUNDS)


def downgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("regulars_answered")
        batch_op.drop_column("answered_count")
