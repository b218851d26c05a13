"""The tables of slack_sdk's installation and OAuth state stores, on quizbot's database.

Many-workspace installs (``SLACK_CLIENT_ID``/``SLACK_CLIENT_SECRET``) keep their tokens in
slack_sdk's own SQLAlchemy stores. Their tables are made by the release step
(``quizbot db upgrade``), once, before any web process starts: two web processes starting
together never race to make them. The SQLite default makes them itself on start, as it
upgrades its own schema; a PostgreSQL web process without them stops with one line saying
to run ``quizbot db upgrade``.
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import inspect

from adapters.kit.contract import PlatformSettings
from adapters.slack.settings import SlackSettings
from bot.errors import ConfigError
from bot.i18n import _
from bot.store.database import Database

TABLES = ("slack_installations", "slack_bots", "slack_oauth_states")


async def missing_tables(db: Database) -> list[str]:
    async with db.engine.connect() as conn:
        present = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    return [t for t in TABLES if t not in present]


async def create_tables(db: Database, client_id: str) -> None:
    await AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=db.engine).create_tables()
    await AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=db.engine).create_tables()


async def prepare(db: Database, settings: PlatformSettings) -> list[str]:
    """The release step: make the stores' tables when installs go through OAuth."""
    assert isinstance(settings, SlackSettings)
    if not settings.uses_oauth or not settings.client_id:
        return []
    missing = await missing_tables(db)
    if not missing:
        return []
    await create_tables(db, settings.client_id)
    return [_("slack: created {tables}").format(tables=", ".join(missing))]


async def ensure_tables(db: Database, client_id: str) -> None:
    """At a web process's start: the tables must be there (SQLite makes them itself)."""
    missing = await missing_tables(db)
    if not missing:
        return
    if db.dialect == "sqlite":
        await create_tables(db, client_id)
        return
    raise ConfigError(
        _(
            "Slack's installation tables are missing ({tables}): "
            "run `quizbot db upgrade` (the Procfile's release step does)"
        ).format(tables=", ".join(missing))
    )
