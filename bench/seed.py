"""A large, consistent play history written straight into the real tables, fast.

What the services would have left after ``answers`` answers: 10,000 players in 10
workspaces (1,000 each), 1,000 channels (100 per workspace), each channel with a roster of
30 of its workspace's players; quizzes of 10 rounds on the shipped ``crm-podcast`` bank,
each played by 10 of the channel's roster (100 answers a quiz), spread over the 90 days up
to the benchmark's "today"; every round closed, every quiz finished; answers scored with the
default rules (10 points when right, 60% right); and the ``scores`` daily aggregate holding
exactly the sums the services keep as rounds close (per player, channel, bank and the day the
round closed), and the players' running totals (``player_totals``: all time, month and week)
summed from the same figures; the bank page's tallies (``question_tallies``: answers and right
ones per question, workspace and bank option, the letter mapped through the round's shown
order) and ``bank_players``, as settling the rounds keeps them. Row ids are explicit and the
PostgreSQL sequences are moved past them, so the services can keep playing on top.

PostgreSQL is written with asyncpg's ``copy_records_to_table`` (COPY), SQLite with the
``sqlite3`` module's ``executemany`` in the storage formats SQLAlchemy uses (naive UTC
``YYYY-MM-DD HH:MM:SS.ffffff`` timestamps, JSON text, 0/1 booleans). Rows are generated and
written in chunks, so memory stays small whatever the size. Both end with ``ANALYZE``
(PostgreSQL: ``VACUUM ANALYZE``), as autovacuum would do on a live server.
"""

from __future__ import annotations

import json
import random
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from bench.common import PLATFORM

WORKSPACES = 10
CHANNELS_PER_WORKSPACE = 100
PLAYERS_PER_WORKSPACE = 1000
ROSTER = 30
PLAYERS_PER_QUIZ = 10
ROUNDS_PER_QUIZ = 10
DAYS = 90
ROUND_SECONDS = 30
RIGHT_RATE = 0.6
POINTS = 10
CHUNK_QUIZZES = 500

ANSWER_COLUMNS = ["id", "round_id", "player_id", "choice", "correct", "answered_at", "points"]
ROUND_COLUMNS = [
    "id",
    "quiz_id",
    "number",
    "question_id",
    "option_order",
    "status",
    "opened_at",
    "deadline",
    "closed_at",
    "message_ref",
]
QUIZ_COLUMNS = [
    "id",
    "channel_id",
    "bank_id",
    "started_by",
    "status",
    "question_ids",
    "total",
    "seconds",
    "solo",
    "seed",
    "scoring",
    "created_at",
    "ended_at",
    "stopped_by",
]
SCORE_COLUMNS = [
    "id",
    "player_id",
    "channel_id",
    "bank_id",
    "platform",
    "workspace",
    "day",
    "points",
    "correct",
    "answered",
]


def workspace_name(index: int) -> str:
    return f"guild-{index}"


def channel_name(index: int) -> str:
    return f"chan-{index}"


@dataclass(frozen=True)
class Layout:
    """Ids of what the seed made: channel c has id c + 1, player p has id p + 1."""

    channels: int = WORKSPACES * CHANNELS_PER_WORKSPACE
    players: int = WORKSPACES * PLAYERS_PER_WORKSPACE

    @staticmethod
    def workspace_of_channel(channel: int) -> int:
        return channel // CHANNELS_PER_WORKSPACE

    @staticmethod
    def roster(channel: int) -> list[int]:
        """The player indexes who play in a channel (each player is in 3 rosters)."""
        ws = channel // CHANNELS_PER_WORKSPACE
        local = channel % CHANNELS_PER_WORKSPACE
        return [
            ws * PLAYERS_PER_WORKSPACE + (local * 10 + j) % PLAYERS_PER_WORKSPACE
            for j in range(ROSTER)
        ]


@dataclass
class Chunk:
    quizzes: list[tuple[Any, ...]]
    rounds: list[tuple[Any, ...]]
    answers: list[tuple[Any, ...]]


def generate(
    answers: int,
    bank_id: int,
    questions: dict[int, int],
    today: date,
    scores: dict,
    tallies: dict | None = None,
) -> Iterator[Chunk]:
    """Chunks of quiz, round and answer rows; ``scores`` is filled with the daily sums and
    ``tallies`` with each (question, workspace, bank option)'s [answers, right ones].

    ``questions`` maps each playable question id to its number of options.
    """
    rng = random.Random(10)
    qids = sorted(questions)
    scoring = json.dumps({"correct": 10, "speed_bonus": 0, "streak_bonus": 0, "streak_cap": 5})
    layout = Layout()
    quizzes = max(1, answers // (PLAYERS_PER_QUIZ * ROUNDS_PER_QUIZ))
    round_id = answer_id = 0
    chunk = Chunk([], [], [])
    for quiz in range(quizzes):
        quiz_id = quiz + 1
        channel = quiz % layout.channels
        ws = layout.workspace_of_channel(channel)
        day = today - timedelta(days=rng.randrange(DAYS))
        created = datetime.combine(day, time(8, 0), UTC) + timedelta(seconds=rng.randrange(10800))
        chosen = rng.sample(qids, ROUNDS_PER_QUIZ)
        players = rng.sample(layout.roster(channel), PLAYERS_PER_QUIZ)
        opened = created
        for number, question_id in enumerate(chosen, start=1):
            round_id += 1
            order = list(range(questions[question_id]))
            rng.shuffle(order)
            deadline = opened + timedelta(seconds=ROUND_SECONDS)
            closed = opened + timedelta(seconds=20)
            chunk.rounds.append(
                (round_id, quiz_id, number, question_id, json.dumps(order), "closed",
                 opened, deadline, closed, None)
            )  # fmt: skip
            for player in players:
                answer_id += 1
                right = rng.random() < RIGHT_RATE
                points = POINTS if right else 0
                answered_at = opened + timedelta(milliseconds=rng.randrange(1000, 19000))
                chunk.answers.append(
                    (answer_id, round_id, player + 1, "A", right, answered_at, points)
                )
                if tallies is not None:  # "A" is the bank's option order[0] (-1: typed)
                    tally = tallies.setdefault((question_id, ws, order[0] if order else -1), [0, 0])
                    tally[0] += 1
                    tally[1] += int(right)
                key = (player + 1, channel + 1, closed.date())
                total = scores.get(key)
                if total is None:
                    scores[key] = [points, int(right), 1, ws]
                else:
                    total[0] += points
                    total[1] += int(right)
                    total[2] += 1
            opened = closed
        chunk.quizzes.append(
            (quiz_id, channel + 1, bank_id, players[0] + 1, "finished", json.dumps(chosen),
             ROUNDS_PER_QUIZ, ROUND_SECONDS, False, quiz, scoring, created, opened, None)
        )  # fmt: skip
        if len(chunk.quizzes) >= CHUNK_QUIZZES:
            yield chunk
            chunk = Chunk([], [], [])
    if chunk.quizzes:
        yield chunk


def score_rows(scores: dict, bank_id: int) -> list[tuple[Any, ...]]:
    return [
        (index, player, channel, bank_id, PLATFORM, workspace_name(ws), day, pts, right, answered)
        for index, ((player, channel, day), (pts, right, answered, ws)) in enumerate(
            sorted(scores.items()), start=1
        )
    ]


TOTAL_COLUMNS = [
    "id",
    "player_id",
    "platform",
    "workspace",
    "period",
    "starts",
    "points",
    "correct",
    "answered",
]


def total_rows(scores: dict) -> list[tuple[Any, ...]]:
    """The players' running totals (all time, month, week), as closing rounds keeps them."""
    from bot.services.periods import TOTAL_PERIODS, total_start

    totals: dict[tuple[Any, ...], list[int]] = {}
    for (player, _channel, day), (pts, right, answered, ws) in scores.items():
        for period in TOTAL_PERIODS:
            key = (player, workspace_name(ws), period, total_start(period, day))
            total = totals.setdefault(key, [0, 0, 0])
            total[0] += pts
            total[1] += right
            total[2] += answered
    return [
        (index, player, PLATFORM, ws, period, starts, *total)
        for index, ((player, ws, period, starts), total) in enumerate(
            sorted(totals.items()), start=1
        )
    ]


TALLY_COLUMNS = ["id", "question_id", "platform", "workspace", "bank_option", "answered", "correct"]
BANK_PLAYER_COLUMNS = ["bank_id", "player_id", "platform", "workspace"]


def tally_rows(tallies: dict, scores: dict, bank_id: int) -> tuple[list[tuple], list[tuple]]:
    """The bank page's tallies and the bank's players, as settling rounds keeps them."""
    rows = [
        (index, question, PLATFORM, workspace_name(ws), option, answered, right)
        for index, ((question, ws, option), (answered, right)) in enumerate(
            sorted(tallies.items()), start=1
        )
    ]
    players = sorted({(player, ws) for (player, _channel, _day), (*_, ws) in scores.items()})
    return rows, [(bank_id, player, PLATFORM, workspace_name(ws)) for player, ws in players]


def people_rows() -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    layout = Layout()
    players = [
        (p + 1, PLATFORM, workspace_name(p // PLAYERS_PER_WORKSPACE), f"user-{p}", f"Player {p}")
        for p in range(layout.players)
    ]
    channels = [
        (c + 1, PLATFORM, workspace_name(layout.workspace_of_channel(c)), channel_name(c))
        for c in range(layout.channels)
    ]
    return players, channels


# -- writers ----------------------------------------------------------------------------


async def seed(url: str, answers: int, today: date) -> dict[str, int]:
    """Write the history into the (migrated, banks loaded, otherwise empty) database."""
    from sqlalchemy import select

    from bot.domain import PLAYABLE_KINDS
    from bot.store.database import Database
    from bot.store.models import BankRow, QuestionRow

    db = Database(url)
    try:
        async with db.sessions() as session:
            bank_id = (
                await session.execute(select(BankRow.id).where(BankRow.name == "crm-podcast"))
            ).scalar_one()
            rows = await session.execute(
                select(QuestionRow.id, QuestionRow.options).where(
                    QuestionRow.bank_id == bank_id,
                    QuestionRow.active.is_(True),
                    QuestionRow.kind.in_([k.value for k in PLAYABLE_KINDS]),
                )
            )
            questions = {qid: len(options) for qid, options in rows}
    finally:
        await db.dispose()
    if db.dialect == "postgresql":
        return await _seed_postgres(url, answers, today, bank_id, questions)
    return _seed_sqlite(url, answers, today, bank_id, questions)


async def _seed_postgres(
    url: str, answers: int, today: date, bank_id: int, questions: dict[int, int]
) -> dict[str, int]:
    import asyncpg

    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    counts = {"answers": 0, "rounds": 0, "quizzes": 0}
    scores: dict = {}
    tallies: dict = {}
    try:
        async with conn.transaction():
            players, channels = people_rows()
            await conn.copy_records_to_table(
                "players",
                records=players,
                columns=["id", "platform", "workspace", "user_id", "name"],
            )
            await conn.copy_records_to_table(
                "channels", records=channels, columns=["id", "platform", "workspace", "channel_id"]
            )
            for chunk in generate(answers, bank_id, questions, today, scores, tallies):
                await conn.copy_records_to_table(
                    "quizzes", records=chunk.quizzes, columns=QUIZ_COLUMNS
                )
                await conn.copy_records_to_table(
                    "rounds", records=chunk.rounds, columns=ROUND_COLUMNS
                )
                await conn.copy_records_to_table(
                    "answers", records=chunk.answers, columns=ANSWER_COLUMNS
                )
                counts["quizzes"] += len(chunk.quizzes)
                counts["rounds"] += len(chunk.rounds)
                counts["answers"] += len(chunk.answers)
            score_table = score_rows(scores, bank_id)
            await conn.copy_records_to_table("scores", records=score_table, columns=SCORE_COLUMNS)
            counts["scores"] = len(score_table)
            await conn.copy_records_to_table(
                "player_totals", records=total_rows(scores), columns=TOTAL_COLUMNS
            )
            tally_table, bank_players = tally_rows(tallies, scores, bank_id)
            await conn.copy_records_to_table(
                "question_tallies", records=tally_table, columns=TALLY_COLUMNS
            )
            await conn.copy_records_to_table(
                "bank_players", records=bank_players, columns=BANK_PLAYER_COLUMNS
            )
            tables = ("players", "channels", "quizzes", "rounds", "answers", "scores")
            for table in (*tables, "player_totals", "question_tallies"):
                await conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
        await conn.execute("VACUUM ANALYZE")
    finally:
        await conn.close()
    return counts


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def _sqlite_insert(conn: sqlite3.Connection, table: str, columns: list[str], rows: list) -> None:
    marks = ", ".join("?" for _ in columns)
    conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",  # noqa: S608
        ([_sqlite_value(v) for v in row] for row in rows),
    )


def _seed_sqlite(
    url: str, answers: int, today: date, bank_id: int, questions: dict[int, int]
) -> dict[str, int]:
    path = url.split("///", 1)[1]
    conn = sqlite3.connect(path, isolation_level=None)
    counts = {"answers": 0, "rounds": 0, "quizzes": 0}
    scores: dict = {}
    tallies: dict = {}
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("BEGIN")
        players, channels = people_rows()
        _sqlite_insert(conn, "players", ["id", "platform", "workspace", "user_id", "name"], players)
        _sqlite_insert(conn, "channels", ["id", "platform", "workspace", "channel_id"], channels)
        for chunk in generate(answers, bank_id, questions, today, scores, tallies):
            _sqlite_insert(conn, "quizzes", QUIZ_COLUMNS, chunk.quizzes)
            _sqlite_insert(conn, "rounds", ROUND_COLUMNS, chunk.rounds)
            _sqlite_insert(conn, "answers", ANSWER_COLUMNS, chunk.answers)
            counts["quizzes"] += len(chunk.quizzes)
            counts["rounds"] += len(chunk.rounds)
            counts["answers"] += len(chunk.answers)
        score_table = score_rows(scores, bank_id)
        _sqlite_insert(conn, "scores", SCORE_COLUMNS, score_table)
        counts["scores"] = len(score_table)
        _sqlite_insert(conn, "player_totals", TOTAL_COLUMNS, total_rows(scores))
        tally_table, bank_players = tally_rows(tallies, scores, bank_id)
        _sqlite_insert(conn, "question_tallies", TALLY_COLUMNS, tally_table)
        _sqlite_insert(conn, "bank_players", BANK_PLAYER_COLUMNS, bank_players)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return counts
