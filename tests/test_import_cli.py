"""``quizbot import / validate / export`` and the bank commands, on SQLite and PostgreSQL.

Real-world-shaped files of every format are imported through click's runner (and once as a
subprocess); counts and content are checked in the database; a failing run leaves the
database as it was; exports round-trip through import unchanged.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from bot.domain import QuestionKind
from bot.services import QuizApp
from bot.services.banks import bank_contents
from bot.store.models import BankRow, QuestionRow
from cli.main import cli

FIXTURES = Path(__file__).parent / "formats" / "fixtures"
run = asyncio.run


def quizbot(url: str, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--database-url", url, *args], input=input)


async def counts(url: str) -> dict[str, int]:
    """Active questions per bank, straight from the database."""
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            rows = await session.execute(
                select(BankRow.name, func.count(QuestionRow.id))
                .join(QuestionRow, QuestionRow.bank_id == BankRow.id)
                .where(QuestionRow.active.is_(True))
                .group_by(BankRow.name)
            )
            return dict(rows.all())
    finally:
        await app.close()


async def contents(url: str, bank: str):
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            return await bank_contents(session, bank)
    finally:
        await app.close()


@pytest.mark.parametrize(
    ("fixture", "bank", "expected"),
    [
        ("native_bank.yaml", None, None),
        ("native_bank.json", None, None),
        ("bank.csv", "csv-bank", None),
        ("bank.tsv", "tsv-bank", None),
        ("moodle_sample.gift", "gift-bank", None),
        ("aiken_sample.txt", "aiken-bank", None),
        ("anki_export.txt", "anki-bank", None),
        ("quizlet_export.txt", "quizlet-bank", None),
        ("redtrivia_games.yaml", "red-bank", None),
        ("opentdb_response.json", "otdb-bank", None),
    ],
)
def test_every_format_imports_and_reimports_as_unchanged(
    database_url: str, fixture: str, bank: str | None, expected: None
) -> None:
    path = FIXTURES / fixture
    args = ["import", str(path), "--json"] + (["--bank", bank] if bank else [])
    first = quizbot(database_url, *args)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)[0]
    assert summary["new"] > 0 and summary["updated"] == 0 and summary["unchanged"] == 0
    name = summary["bank"]
    assert run(counts(database_url))[name] == summary["new"]

    again = quizbot(database_url, *[a for a in args if a != "--json"])
    assert again.exit_code == 0
    assert f"-> {name}: 0 new, 0 updated, {summary['new']} unchanged" in again.output


def test_content_of_an_imported_gift_file(database_url: str) -> None:
    result = quizbot(database_url, "import", str(FIXTURES / "moodle_sample.gift"), "--bank", "g")
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output  # numeric / matching / essay questions
    assert "warning: " in result.output and ".gift:" in result.output
    _info, questions = run(contents(database_url, "g"))
    kinds = {q.kind for q in questions}
    assert {QuestionKind.MULTIPLE_CHOICE, QuestionKind.TRUE_FALSE, QuestionKind.TYPED} <= kinds
    for q in questions:
        assert q.problems() == []


def test_a_failing_run_changes_nothing(database_url: str, tmp_path: Path) -> None:
    before = run(counts(database_url))
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "bank: broken\nquestions:\n  - question: Fine?\n    answer: true\n"
        "  - question: Which?\n    options: [a, b]\n    answer: C\n"
    )
    result = quizbot(
        database_url,
        "import",
        str(FIXTURES / "native_bank.yaml"),
        str(FIXTURES / "bank.csv"),
        str(bad),
    )
    assert result.exit_code == 1
    assert f"{bad}:7: answer 'C' but there are only 2 options" in result.output
    assert run(counts(database_url)) == before  # neither the good files nor the bad one


def test_duplicates_across_batches_name_both_lines(database_url: str, tmp_path: Path) -> None:
    lines = ["question,options,answer,explanation,topic"]
    lines += [f"Question number {i}?,yes|no,A,,t" for i in range(1, 1201)]
    lines.append("Question number 7?,yes|no,B,,t")  # same text as line 8
    big = tmp_path / "big.csv"
    big.write_text("\n".join(lines) + "\n")
    before = run(counts(database_url))
    result = quizbot(database_url, "import", str(big))
    assert result.exit_code == 1
    assert f"{big}:1202: the same question as line 8 with other answers or options" in result.output
    assert run(counts(database_url)) == before


def test_updates_replace_and_dry_run(database_url: str, tmp_path: Path) -> None:
    bank = tmp_path / "mine.yaml"
    bank.write_text(
        "bank: mine\nquestions:\n"
        "  - question: One?\n    answer: true\n"
        "  - question: Two?\n    answers: [two]\n"
        "  - question: Three?\n    options: [x, y]\n    answer: A\n"
    )
    assert "3 new" in quizbot(database_url, "import", str(bank)).output
    bank.write_text(
        "bank: mine\nquestions:\n"
        "  - question: One?\n    answer: false\n"
        "  - question: Two?\n    answers: [two]\n"
        "  - question: Four?\n    answers: [four]\n"
    )
    dry = quizbot(database_url, "import", str(bank), "--replace", "--dry-run")
    assert "1 new, 1 updated, 1 unchanged, 1 removed" in dry.output
    assert "dry run: nothing was written" in dry.output
    assert run(counts(database_url))["mine"] == 3
    real = quizbot(database_url, "import", str(bank), "--replace")
    assert "1 new, 1 updated, 1 unchanged, 1 removed" in real.output
    _info, questions = run(contents(database_url, "mine"))
    assert [q.prompt for q in questions] == ["One?", "Two?", "Four?"]
    assert questions[0].correct_option == "False"


@pytest.mark.parametrize("fmt", ["yaml", "gift", "csv"])
def test_export_round_trips_through_import(database_url: str, tmp_path: Path, fmt: str) -> None:
    source_bank = "crm-podcast" if fmt == "gift" else "demo"
    out = tmp_path / f"export.{'yaml' if fmt == 'yaml' else fmt}"
    exported = quizbot(database_url, "export", source_bank, "--format", fmt, "-o", str(out))
    assert exported.exit_code == 0, exported.output
    result = quizbot(database_url, "import", str(out), "--bank", "copy")
    assert result.exit_code == 0, result.output
    _, original = run(contents(database_url, source_bank))
    _, copy = run(contents(database_url, "copy"))
    assert copy == original
    again = tmp_path / f"again.{'yaml' if fmt == 'yaml' else fmt}"
    quizbot(database_url, "export", "copy", "--format", fmt, "-o", str(again))
    original_text = out.read_text().replace(f"bank: {source_bank}", "bank: copy")
    if fmt == "yaml":
        assert again.read_text().splitlines()[1:] == original_text.splitlines()[1:]


def test_validate_writes_nothing_and_reports_file_line(tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(cli, ["validate", "questions/crm-podcast.yaml", str(FIXTURES / "bank.csv")])
    assert ok.exit_code == 0, ok.output
    assert "questions/crm-podcast.yaml: ok, 44 questions" in ok.output
    bad = tmp_path / "bad.txt"
    bad.write_text("What?\nA) yes\nB) no\nANSWER: C\n")
    result = runner.invoke(cli, ["validate", str(bad), "--format", "aiken"])
    assert result.exit_code == 1
    assert result.output.startswith(f"quizbot: error: {bad}:")


def test_import_as_a_subprocess(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub.db'}"
    args = [sys.executable, "-m", "cli.main", "--database-url", url]
    first = subprocess.run(
        [*args, "import", str(FIXTURES / "aiken_sample.txt"), "--bank", "aiken"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert first.returncode == 0, first.stderr
    assert "aiken_sample.txt -> aiken:" in first.stdout
    missing = subprocess.run(
        [*args, "import", "nope.gift"], capture_output=True, text=True, timeout=60
    )
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    listed = subprocess.run(
        [*args, "banks", "list", "--json"], capture_output=True, text=True, timeout=60
    )
    assert "aiken" in [b["name"] for b in json.loads(listed.stdout)]


def test_banks_remove_asks_and_questions_search(database_url: str) -> None:
    refused = quizbot(database_url, "banks", "remove", "demo", input="n\n")
    assert refused.exit_code == 1 and "Aborted" in refused.output
    assert "demo" in run(counts(database_url))
    found = quizbot(database_url, "questions", "search", "red planet", "--json")
    assert [q["bank"] for q in json.loads(found.output)] == ["demo"]
    removed = quizbot(database_url, "banks", "remove", "demo", input="y\n")
    assert removed.exit_code == 0 and "removed the bank 'demo' (5 questions)" in removed.output
    assert "demo" not in run(counts(database_url))
    unknown = quizbot(database_url, "banks", "show", "demo")
    assert unknown.exit_code == 1 and "no bank called 'demo'" in unknown.output


def test_native_json_indented_with_tabs(tmp_path: Path) -> None:
    bank = tmp_path / "tabs.json"
    bank.write_text(
        '{\n\t"bank": "tabs",\n\t"questions": [\n\t\t{"question": "Q?", "answer": true}\n\t]\n}\n'
    )
    result = CliRunner().invoke(cli, ["validate", str(bank)])
    assert result.exit_code == 0, result.output
    assert "ok, 1 questions" in result.output


def test_deeply_nested_yaml_is_a_clear_error(tmp_path: Path) -> None:
    deep = tmp_path / "deep.yaml"
    deep.write_text("bank: deep\nquestions: " + "[" * 50000 + "\n")
    result = CliRunner().invoke(cli, ["validate", str(deep)])
    assert result.exit_code == 1
    assert "nested too deeply" in result.output


def test_import_help_lists_every_format_on_a_line_of_its_own() -> None:
    """``quizbot import --help`` has one line per format: its --format name, what it is and
    its extensions (each extension detection falls back on, on its format's line)."""
    from bot.formats import EXTENSIONS, FORMAT_MODULES

    result = CliRunner().invoke(cli, ["import", "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    lines = {
        line.split()[0]: line for line in result.output.splitlines() if line.startswith("    ")
    }
    for name in FORMAT_MODULES:
        assert name in lines, f"no line for {name}"
    for extension, name in EXTENSIONS.items():
        assert extension in lines[name], f"{extension} not on {name}'s line"
    assert "Moodle XML" in lines["moodlexml"] and "Anki packages" in lines["apkg"]
