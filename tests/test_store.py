"""The store: migrations from empty, models and migrations agreeing, URLs and connection errors."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from bot.config import Settings, normalise_database_url
from bot.errors import ConfigError
from bot.store import migrate
from bot.store.database import Database
from bot.store.models import Base


async def test_upgrade_from_empty_and_autogenerate_finds_no_difference(
    empty_database_url: str,
) -> None:
    db = Database(empty_database_url)
    try:
        assert await migrate.current_revision(db) is None
        await migrate.upgrade(db)
        assert await migrate.current_revision(db) == migrate.head_revision()
        async with db.engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert set(Base.metadata.tables) <= tables
        assert await migrate.schema_diff(db) == []
        await migrate.upgrade(db)  # a second upgrade is a no-op
    finally:
        await db.dispose()


async def test_autogenerate_diff_notices_a_missing_table(empty_database_url: str) -> None:
    """The diff check can fail: drop a table and it reports it."""
    db = Database(empty_database_url)
    try:
        await migrate.upgrade(db)
        async with db.engine.begin() as conn:
            await conn.exec_driver_sql("DROP TABLE flashcard_states")
        diff = await migrate.schema_diff(db)
        assert any(change[0] == "add_table" for change in diff if isinstance(change, tuple))
    finally:
        await db.dispose()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u:p@h:5432/db", "postgresql+asyncpg://u:p@h:5432/db"),
        ("postgresql://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///tmp/x.db", "sqlite+aiosqlite:///tmp/x.db"),
        ("sqlite+aiosqlite:////abs/x.db", "sqlite+aiosqlite:////abs/x.db"),
    ],
)
def test_database_urls_paas_providers_hand_out_are_accepted(given: str, expected: str) -> None:
    assert normalise_database_url(given) == expected


@pytest.mark.parametrize("bad", ["", "nonsense", "mysql://u@h/db", "ftp://x"])
def test_unusable_database_urls_are_a_config_error(bad: str) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        normalise_database_url(bad)


def test_default_database_is_a_sqlite_file_in_the_data_folder(tmp_path) -> None:
    settings = Settings.from_env({"XDG_DATA_HOME": str(tmp_path)})
    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/quizbot/quizbot.db"


async def test_an_unreachable_database_is_one_clear_error() -> None:
    db = Database("postgresql://nobody@127.0.0.1:1/nowhere")
    try:
        with pytest.raises(ConfigError, match=r"cannot connect to the database .*127\.0\.0\.1:1"):
            await db.check()
    finally:
        await db.dispose()


def test_passwords_are_hidden_when_a_url_is_shown() -> None:
    db = Database("postgresql://user:s3cret@127.0.0.1/db")
    assert "s3cret" not in db.display_url


async def test_shipped_banks_load_once_and_a_removed_one_stays_removed(
    empty_database_url: str, tmp_path
) -> None:
    from bot.clock import FakeClock
    from bot.services import QuizApp
    from bot.services.banks import remove_bank
    from bot.services.importer import load_shipped_banks

    app = await QuizApp.open(empty_database_url, FakeClock(), upgrade=True)
    try:
        assert [b.name for b in await app.list_banks()] == ["crm-flashcards", "crm-podcast", "demo"]
        async with app.db.transaction() as session:
            assert await load_shipped_banks(session, app.clock) == []  # nothing new to load
            await remove_bank(session, "demo")
        await app.load_shipped_banks()
        assert "demo" not in [b.name for b in await app.list_banks()]
        # A changed file is loaded again.
        folder = tmp_path / "shipped"
        folder.mkdir()
        (folder / "demo.yaml").write_text(
            "bank: demo\nquestions:\n  - question: New?\n    answer: true\n"
        )
        async with app.db.transaction() as session:
            loaded = await load_shipped_banks(session, app.clock, folder)
        assert [(s.bank, s.new) for s in loaded] == [("demo", 1)]
    finally:
        await app.close()


async def test_player_totals_are_backfilled_from_daily_scores(empty_database_url: str) -> None:
    from datetime import UTC, date, datetime

    from sqlalchemy import text

    db = Database(empty_database_url)
    try:
        await migrate.upgrade(db, "0004")
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO players (id, platform, workspace, user_id, name)"
                    " VALUES (1, 'slack', 'T1', 'U1', 'Ann'), (2, 'slack', 'T1', 'U2', 'Bob')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO channels (id, platform, workspace, channel_id)"
                    " VALUES (1, 'slack', 'T1', 'C1'), (2, 'slack', 'T1', 'C2')"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO banks (id, name, title, description, source, created_at)"
                    " VALUES (1, 'b', 'b', '', '', :now)"
                ),
                {"now": datetime(2026, 1, 1, tzinfo=UTC)},
            )
            rows = [  # (player, channel, day, points): Monday 5 Jan and Wednesday 28 Jan
                (1, 1, date(2026, 1, 5), 10),
                (1, 2, date(2026, 1, 5), 20),
                (1, 1, date(2026, 1, 28), 30),
                (2, 1, date(2026, 1, 28), 40),
            ]
            for player, channel, day, points in rows:
                await conn.execute(
                    text(
                        "INSERT INTO scores (player_id, channel_id, bank_id, platform, workspace,"
                        " day, points, correct, answered)"
                        " VALUES (:p, :c, 1, 'slack', 'T1', :d, :pts, 1, 1)"
                    ),
                    {"p": player, "c": channel, "d": day, "pts": points},
                )
        await migrate.upgrade(db)
        async with db.engine.connect() as conn:
            totals = {
                (p, period, str(starts)): (points, answered)
                for p, period, starts, points, answered in await conn.execute(
                    text("SELECT player_id, period, starts, points, answered FROM player_totals")
                )
            }
        assert totals == {
            (1, "all", "1970-01-01"): (60, 3),
            (1, "month", "2026-01-01"): (60, 3),
            (1, "week", "2026-01-05"): (30, 2),
            (1, "week", "2026-01-26"): (30, 1),
            (2, "all", "1970-01-01"): (40, 1),
            (2, "month", "2026-01-01"): (40, 1),
            (2, "week", "2026-01-26"): (40, 1),
        }
    finally:
        await db.dispose()


async def test_open_rounds_get_their_answer_counts_when_upgraded(empty_database_url: str) -> None:
    """Migration 0006 counts the answers of rounds that are open during the upgrade, so such
    a round still closes early on its last regular's answer."""
    from bot.clock import FakeClock
    from bot.services import QuizApp
    from bot.views import ChannelRef, PlayerRef

    here = ChannelRef("slack", "T1", "C1")
    ann, bob, cat = (PlayerRef("slack", "T1", f"U{n}", n) for n in ("Ann", "Bob", "Cat"))
    clock = FakeClock()
    app = await QuizApp.open(empty_database_url, clock, upgrade=True)
    try:
        view = await app.start_quiz(here, ann, "crm-podcast", 3, 30, seed=1)
        for who in (ann, bob):
            await app.answer(view.round_id, who, "A")
        clock.advance(30)
        second = (await app.close_due_rounds())[0].next_question
        for who in (ann, cat):  # Cat is new: she does not stand in for Bob
            assert (await app.answer(second.round_id, who, "A")).outcome is None

        await migrate.downgrade(app.db, "0005")
        await migrate.upgrade(app.db)
        async with app.db.engine.connect() as conn:
            counts = await conn.execute(
                text("SELECT answered_count, regulars_answered FROM rounds WHERE id = :r"),
                {"r": second.round_id},
            )
            assert counts.one() == (2, 1)
        last = await app.answer(second.round_id, bob, "A")
        assert last.answered == 3 and last.outcome is not None
    finally:
        await app.close()


async def test_upgrading_an_old_database_keeps_its_questions(empty_database_url: str) -> None:
    """SQLite migrations that rebuild a table (0002 rebuilds ``banks``) must not let the
    old table's DROP cascade to the rows that point at it."""
    from datetime import UTC, datetime

    db = Database(empty_database_url)
    try:
        await migrate.upgrade(db, "0001")
        async with db.engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO banks (id, name, title, description, source, created_at)"
                    " VALUES (1, 'old', 'Old', '', '', :now)"
                ),
                {"now": datetime(2026, 1, 1, tzinfo=UTC)},
            )
            for position in (1, 2):
                await conn.execute(
                    text(
                        "INSERT INTO questions (bank_id, position, kind, prompt, options,"
                        " correct, accepted, back, explanation, topic, tags, source,"
                        " identity_key, content_hash, active)"
                        " VALUES (1, :n, 'flashcard', :prompt, '[]', NULL, '[]', 'back', '',"
                        " '', '[]', '', :key, 'h', true)"
                    ),
                    {"n": position, "prompt": f"card {position}", "key": f"k{position}"},
                )
        await migrate.upgrade(db)
        async with db.engine.connect() as conn:
            kept = await conn.scalar(text("SELECT count(*) FROM questions WHERE bank_id = 1"))
            foreign_keys = (
                await conn.scalar(text("PRAGMA foreign_keys")) if db.dialect == "sqlite" else 1
            )
        assert kept == 2
        assert foreign_keys == 1  # switched back on for the connections that follow
    finally:
        await db.dispose()


async def test_models_alone_make_the_one_running_quiz_per_channel_index(
    empty_database_url: str,
) -> None:
    """``create_all`` from the models (no migrations) still makes the partial unique index:
    a second running normal quiz in a channel fails, a review beside it does not."""
    from datetime import UTC, datetime

    from sqlalchemy import insert
    from sqlalchemy.exc import IntegrityError

    from bot.store.models import ChannelRow, PlayerRow, QuizRow

    db = Database(empty_database_url)
    where = {"platform": "console", "workspace": "local"}
    quiz = {
        "channel_id": 1, "started_by": 1, "status": "running", "question_ids": [], "total": 1,
        "seconds": 30, "seed": 1, "scoring": {}, "created_at": datetime.now(UTC),
    }  # fmt: skip
    try:
        async with db.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
            await conn.execute(insert(ChannelRow).values(id=1, channel_id="c", **where))
            await conn.execute(insert(PlayerRow).values(id=1, user_id="u", **where))
            await conn.execute(insert(QuizRow).values(mode="normal", **quiz))
            await conn.execute(insert(QuizRow).values(mode="review", **quiz))
        with pytest.raises(IntegrityError):
            async with db.engine.begin() as conn:
                await conn.execute(insert(QuizRow).values(mode="normal", **quiz))
    finally:
        await db.dispose()


def test_the_models_do_not_import_a_database_dialect() -> None:
    """Importing the models (every command does) loads neither SQLAlchemy dialect: on SQLite
    the PostgreSQL one cost ~30 ms a command (it was loaded to check ``postgresql_where``)."""
    import subprocess
    import sys

    code = (
        "import sys, bot.store.models; "
        "print(sorted(m for m in sys.modules if m.startswith('sqlalchemy.dialects.')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
