"""Repeats inside one file, empty files and every error at once, through ``quizbot import``
and ``validate`` on SQLite and PostgreSQL.

Moodle's own GIFT examples file, and a file shaped like it (word-for-word repeats, and
repeats with other feedback), import with their repeats reported; a conflicting repeat is an
error naming both lines unless ``--on-duplicate first|last``, which really keeps the first
or the last, also across batches; ``--strict`` makes warnings errors; a file without
questions is refused unless ``--allow-empty``, and always with ``--replace``; a file with
many errors lists them all (up to the cap) and writes nothing. Every test runs twice: the
file parsed in the importing process, and in a second one (``QUIZBOT_IMPORT_PROCESS=on``,
:mod:`bot.importing.parse_process`), with the same results.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.importing.parse_process import SETTING
from bot.services import QuizApp
from bot.services.banks import bank_contents
from cli.main import cli
from tests.test_import_cli import counts

FIXTURES = Path(__file__).parent / "formats" / "fixtures"
MOODLE = FIXTURES / "moodle_examples_shaped.gift"
run = asyncio.run


@pytest.fixture(autouse=True, params=["in-process", "parse-process"])
def parsing(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Where the imports parse their files (see the module's docstring)."""
    monkeypatch.setenv(SETTING, "off" if request.param == "in-process" else "on")
    return str(request.param)


def quizbot(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def imported(url: str, *args: str) -> Result:
    return quizbot("--database-url", url, "import", *args)


async def answers(url: str, bank: str) -> dict[str, tuple[object, ...]]:
    """Each question's text -> (options, right option, accepted answers, explanation)."""
    app = await QuizApp.open(url, load_banks=False)
    try:
        async with app.db.sessions() as session:
            _info, questions = await bank_contents(session, bank)
    finally:
        await app.close()
    return {q.prompt: (q.options, q.correct, q.accepted, q.explanation) for q in questions}


def _repeat_lines(output: str) -> list[tuple[int, int]]:
    return [
        (int(later), int(earlier))
        for later, earlier in re.findall(r":(\d+): repeats line (\d+)", output)
    ]


def test_a_file_shaped_like_moodles_examples_imports_with_its_repeats_reported(
    database_url: str,
) -> None:
    result = imported(database_url, str(MOODLE), "--bank", "moodle")
    assert result.exit_code == 0, result.output
    assert (
        f"{MOODLE} -> moodle: 18 new, 0 updated, 0 unchanged, 13 skipped, 12 repeats skipped"
        in (result.output)
    )
    assert _repeat_lines(result.output) == [
        (25, 8),
        (27, 10),
        (43, 14),
        (49, 12),
        (93, 29),
        (103, 14),
        (113, 12),
        (167, 8),
        (169, 10),
        (171, 12),
        (173, 14),
        (184, 10),
    ]
    assert f"{MOODLE}:25: repeats line 8 word for word: imported once" in result.output
    assert f"{MOODLE}:184: repeats line 10 with the same answers but other wording" in (
        result.output
    )
    assert run(counts(database_url))["moodle"] == 18
    # the first of a repeat with other feedback is kept: line 10 has no feedback, 184 has
    kept = run(answers(database_url, "moodle"))
    assert kept["The Moon _____ the Earth."] == (("heats", "orbits", "pushes"), 1, (), "")
    again = imported(database_url, str(MOODLE), "--bank", "moodle")
    assert "0 new, 0 updated, 18 unchanged, 13 skipped, 12 repeats skipped" in again.output


def test_a_moodle_shaped_txt_file_is_read_as_gift_with_its_repeats_reported(
    database_url: str, tmp_path: Path
) -> None:
    """Moodle's example file is a .txt (question/format/gift/examples.txt): the same text
    under that name is detected as GIFT and imports with its repeats reported."""
    txt = tmp_path / "examples.txt"
    txt.write_text(MOODLE.read_text(encoding="utf-8"), encoding="utf-8")
    result = imported(database_url, str(txt), "--bank", "examples")
    assert result.exit_code == 0, result.output
    assert f"{txt} -> examples: 18 new, 0 updated, 0 unchanged, 13 skipped, 12 repeats" in (
        result.output
    )
    assert _repeat_lines(result.output) == [
        (25, 8), (27, 10), (43, 14), (49, 12), (93, 29), (103, 14),
        (113, 12), (167, 8), (169, 10), (171, 12), (173, 14), (184, 10),
    ]  # fmt: skip
    kept = run(answers(database_url, "examples"))
    assert kept["The Moon _____ the Earth."] == (("heats", "orbits", "pushes"), 1, (), "")


def test_validate_reports_the_same_repeats_and_json_counts_them() -> None:
    result = quizbot("validate", str(MOODLE), "--json")
    assert result.exit_code == 0, result.output
    [report] = json.loads(result.stdout)
    assert report["questions"] == 18 and report["skipped"] == 13 and report["repeats"] == 12
    assert len([w for w in report["warnings"] if ": repeats line " in w]) == 12


def test_strict_makes_every_warning_an_error(database_url: str) -> None:
    before = run(counts(database_url))
    result = imported(database_url, str(MOODLE), "--strict")
    assert result.exit_code == 1
    assert f"{MOODLE}:25: repeats line 8 word for word: imported once" in result.output
    assert f"{MOODLE}:16: numeric question skipped" in result.output
    assert "and 5 more errors" in result.output  # 25 warnings: 20 listed
    assert "quizbot: error: 25 errors in" in result.output
    assert run(counts(database_url)) == before
    validated = quizbot("validate", str(MOODLE), "--strict", "--json")
    assert validated.exit_code == 1
    error = json.loads(validated.stdout)
    assert error["error"] == f"25 errors in {MOODLE}" and len(error["errors"]) == 21


def _conflicting_csv(path: Path, size: int) -> Path:
    """``size`` questions, then question 7 again with another answer, then question 3 again
    word for word."""
    lines = ["question,options,answer,explanation,topic"]
    lines += [f"Question number {i}?,yes|no,A,,t" for i in range(1, size + 1)]
    lines.append("Question number 7?,yes|no,B,,t")  # line size + 2, conflicts with line 8
    lines.append("Question number 3?,yes|no,A,,t")  # line size + 3, repeats line 4
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("size", [20, 1200])  # within one batch, and across batches
def test_a_conflicting_repeat_is_an_error_naming_both_lines(
    database_url: str, tmp_path: Path, size: int
) -> None:
    path = _conflicting_csv(tmp_path / "conflict.csv", size)
    before = run(counts(database_url))
    result = imported(database_url, str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:{size + 2}: the same question as line 8 with other answers or options; "
        "keep one, or choose with --on-duplicate first|last"
    ) in result.output
    assert f"{path}:{size + 3}" not in result.output  # a word-for-word repeat is no error
    assert run(counts(database_url)) == before
    checked = quizbot("validate", str(path))
    assert checked.exit_code == 1 and f"{path}:{size + 2}: the same question as line 8" in (
        checked.output
    )


@pytest.mark.parametrize("size", [20, 1200])
@pytest.mark.parametrize(("choice", "answer"), [("first", 0), ("last", 1)])
def test_on_duplicate_says_which_one_wins(
    database_url: str, tmp_path: Path, size: int, choice: str, answer: int
) -> None:
    path = _conflicting_csv(tmp_path / "conflict.csv", size)
    result = imported(database_url, str(path), "--on-duplicate", choice, "--json")
    assert result.exit_code == 0, result.output
    [summary] = json.loads(result.stdout)
    assert (summary["new"], summary["updated"], summary["repeats"]) == (size, 0, 2)
    assert (
        f"{path}:{size + 2}: the same question as line 8 with other answers or options"
        in (summary["warnings"][0])
    )
    kept = run(answers(database_url, "conflict"))
    assert len(kept) == size
    assert kept["Question number 7?"][1] == answer
    # into a bank that has the questions already: the same winner, counted as unchanged
    again = imported(database_url, str(path), "--on-duplicate", choice, "--json")
    [summary] = json.loads(again.stdout)
    assert (summary["new"], summary["updated"], summary["unchanged"]) == (0, 0, size)
    assert run(answers(database_url, "conflict"))["Question number 7?"][1] == answer
    # and the other choice changes that one question
    other = "first" if choice == "last" else "last"
    flipped = imported(database_url, str(path), "--on-duplicate", other)
    assert flipped.exit_code == 0, flipped.output
    assert run(answers(database_url, "conflict"))["Question number 7?"][1] == 1 - answer


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("empty.csv", ""),
        ("header.csv", "question,answer,options\n"),
        ("header.tsv", "question\tanswer\n"),
        ("empty.gift", "\n\n// only a comment\n"),
        ("skipped.gift", "An essay.{}\n\nA number?{#4}\n"),
        ("empty.txt", "#separator:tab\n#html:false\n"),
    ],
)
def test_a_file_without_questions_is_an_error_unless_allowed(
    database_url: str, tmp_path: Path, name: str, text: str
) -> None:
    path = tmp_path / name
    path.write_text(text)
    args = ["--bank", "empty"] + (["--format", "anki"] if name.endswith(".txt") else [])
    before = run(counts(database_url))
    result = imported(database_url, str(path), *args)
    assert result.exit_code == 1
    assert f"{path}: " in result.output
    if name != "empty.csv":  # an empty CSV has no header row, which it says
        assert "no questions in this file" in result.output
        assert "--allow-empty" in result.output
    assert run(counts(database_url)) == before
    if name == "empty.csv":
        return
    checked = quizbot("validate", str(path), *args[2:])
    assert checked.exit_code == 1 and "no questions in this file" in checked.output
    allowed = imported(database_url, str(path), *args, "--allow-empty")
    assert allowed.exit_code == 0, allowed.output
    assert "-> empty: 0 new" in allowed.output
    assert quizbot("validate", str(path), *args[2:], "--allow-empty").exit_code == 0


def test_replace_with_no_questions_is_always_refused(database_url: str, tmp_path: Path) -> None:
    bank = tmp_path / "bank.csv"
    bank.write_text("question,answer\nOne?,1\nTwo?,2\n")
    assert imported(database_url, str(bank), "--bank", "kept").exit_code == 0
    header = tmp_path / "header.csv"
    header.write_text("question,answer\n")
    for extra in ([], ["--allow-empty"]):
        result = imported(database_url, str(header), "--bank", "kept", "--replace", *extra)
        assert result.exit_code == 1
        assert "--replace would retire every question of the bank 'kept'" in result.output
    assert run(counts(database_url))["kept"] == 2


def test_every_error_of_a_file_is_listed_up_to_a_cap(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "broken.txt"
    good = "A good question?\nA) yes\nB) no\nANSWER: A\n"
    bad = [f"Bad question {i}?\nA) only one\nANSWER: A\n" for i in range(25)]
    path.write_text("\n".join([good, *bad]))
    before = run(counts(database_url))
    result = imported(database_url, str(path), "--format", "aiken")
    assert result.exit_code == 1
    listed = [line for line in result.output.splitlines() if line.startswith(f"{path}:")]
    assert len(listed) == 20
    assert listed[0] == (
        f"{path}:6: the question has 1 option(s); it needs at least 2 "
        "(lines like 'A) text' or 'A. text')"
    )
    assert "and 5 more errors" in result.output
    assert f"quizbot: error: 25 errors in {path}" in result.output
    assert run(counts(database_url)) == before
    as_json = imported(database_url, str(path), "--format", "aiken", "--json")
    assert as_json.exit_code == 1
    error = json.loads(as_json.stdout)
    assert error["error"] == f"25 errors in {path}" and error["exit_code"] == 1
    assert error["errors"][:20] == listed and error["errors"][20] == "and 5 more errors"


def test_parser_errors_and_repeat_conflicts_come_out_together(
    database_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        "question,options,answer\n"
        "One?,yes|no,A\n"
        "Two?,yes|no,Z\n"  # line 3: a bad answer
        "One?,yes|no,B\n"  # line 4: conflicts with line 2
        "Three?,,\n"  # line 5: no answer
    )
    result = imported(database_url, str(path))
    assert result.exit_code == 1
    listed = [line for line in result.output.splitlines() if line.startswith(f"{path}:")]
    assert [line.split(":")[1] for line in listed] == ["3", "4", "5"]
    assert f"{path}:4: the same question as line 2" in listed[1]
    validated = quizbot("validate", str(path), "--json")
    assert len(json.loads(validated.stdout)["errors"]) == 3


def test_native_yaml_reports_every_bad_question_and_repeats_like_any_format(
    tmp_path: Path,
) -> None:
    path = tmp_path / "bank.yaml"
    path.write_text(
        "bank: mine\n"
        "questions:\n"
        "  - question: One?\n"  # 3
        "    answer: yes\n"
        "  - question: Two?\n"  # 5
        "    options: [a, b]\n"
        "    answer: C\n"
        "  - question: One?\n"  # 8: word for word
        "    answer: yes\n"
        "  - question: Three?\n"  # 10
        "    colour: red\n"
        "    answer: x\n"
    )
    result = quizbot("validate", str(path))
    assert result.exit_code == 1
    listed = [line for line in result.output.splitlines() if line.startswith(f"{path}:")]
    assert [line.split(":")[1] for line in listed] == ["7", "11"]
    fixed = path.read_text().replace("answer: C", "answer: B").replace("    colour: red\n", "")
    path.write_text(fixed)
    result = quizbot("validate", str(path))
    assert result.exit_code == 0, result.output
    assert f"{path}:8: repeats line 3 word for word: imported once" in result.output
    assert f"{path}: ok, 3 questions, 1 repeat skipped" in result.output
