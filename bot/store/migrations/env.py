"""Alembic environment for quizbot: runs migrations on the connection bot.store.migrate hands in."""

from __future__ import annotations

from alembic import context

from bot.store.migrate import include_name
from bot.store.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through 'quizbot db upgrade' (bot.store.migrate)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=include_name,
)
with context.begin_transaction():
    context.run_migrations()
