"""images: pictures on questions, stored by their digest, and the questions' image columns

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 10:00:00

``images`` holds each picture once (content-addressed by its SHA-256); a question refers to
one by ``image_digest`` or carries a web address in ``image_url``, with ``image_alt``.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.store.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "images",
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("media_type", sa.String(20), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", bot.store.models.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_images")),
    )
    with op.batch_alter_table("questions") as batch:
        batch.add_column(sa.Column("image_digest", sa.String(64), nullable=True))
        batch.add_column(sa.Column("image_type", sa.String(20), server_default="", nullable=False))
        batch.add_column(sa.Column("image_url", sa.Text(), server_default="", nullable=False))
        batch.add_column(sa.Column("image_alt", sa.Text(), server_default="", nullable=False))
        batch.create_foreign_key(
            op.f("fk_questions_image_digest_images"), "images", ["image_digest"], ["digest"]
        )


def downgrade() -> None:
    with op.batch_alter_table("questions") as batch:
        batch.drop_constraint(op.f("fk_questions_image_digest_images"), type_="foreignkey")
        batch.drop_column("image_alt")
        batch.drop_column("image_url")
        batch.drop_column("image_type")
        batch.drop_column("image_digest")
    op.drop_table("images")
