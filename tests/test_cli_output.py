"""What the admin commands print of stored text: names from chats cannot drive the terminal.

A chat name can hold anything; the CLI prints it without control characters or escape
sequences, piped and on a terminal (where rich draws tables, and must not read a name as
its markup either).
"""

from __future__ import annotations

import asyncio
import io
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console

from bot.clock import FakeClock
from bot.services import QuizApp
from bot.views import ChannelRef, PlayerRef
from cli import common
from cli.main import cli

EVIL = "\x1b]0;owned\x07Eve\x1b[2J\x9b31m [red]x[/red]"


async def answered_by(url: str, name: str) -> None:
    app = await QuizApp.open(url, FakeClock())
    try:
        where = ChannelRef("discord", "G1", "C1")
        player = PlayerRef("discord", "G1", "U1", name)
        question = await app.start_quiz(where, player, "demo", 1, 30, seed=1)
        await app.answer(question.round_id, player, "A", where)
        await app.close_round(question.round_id)
    finally:
        await app.close()


def test_a_name_with_escape_sequences_prints_plain(prepared_sqlite_url: str) -> None:
    asyncio.run(answered_by(prepared_sqlite_url, EVIL))
    result = CliRunner().invoke(
        cli, ["--database-url", prepared_sqlite_url, "leaderboard", "--platform", "discord"]
    )
    assert result.exit_code == 0, result.output
    assert "Eve" in result.output
    controls = [c for c in result.output if unicodedata.category(c) == "Cc" and c not in "\n\t"]
    assert controls == []


def test_a_terminal_table_shows_a_name_as_text(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    out = io.StringIO()
    monkeypatch.setattr(common.sys.stdout, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("rich.console.Console", lambda: Console(file=out, width=120))
    common.print_table("Board", ["player"], [[EVIL]])
    shown = out.getvalue()
    assert "\x1b" not in shown and "\x9b" not in shown
    assert "[red]x[/red]" in shown  # markup in a name is the name's text
