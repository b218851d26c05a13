"""``quizbot export``: how the format is chosen, what is written, and what a failure leaves.

The commands run through click's runner on a copy of the migrated SQLite database with the
shipped banks (demo: 4 questions and 1 flashcard; crm-flashcards: flashcards only), and as a
real subprocess where the point is what a user sees on the terminal or a real write failure
(a file size limit set on the process).
"""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.domain import Question
from bot.formats import parser_for
from cli.main import cli

FIXTURES = Path(__file__).parent / "formats" / "fixtures"
#: The real command, run as a subprocess.
QUIZBOT = [sys.executable, "-m", "cli.main"]
PARSERS = {"yaml": "native", "gift": "gift", "csv": "csv"}
#: What each format's file starts with.
STARTS = {"yaml": "bank: demo\n", "gift": "// quizbot bank: demo\n", "csv": "question,options,"}


def quizbot(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", url, *args])


def one_error_line(result: Result, code: int = 1) -> str:
    """The command failed with ``code`` and said why in one line; that line."""
    assert result.exit_code == code, result.output
    assert isinstance(result.exception, SystemExit), result.exception  # not a crash
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("quizbot: error: "), result.output
    return lines[0]


def parsed_count(path: Path, fmt: str) -> int:
    """How many questions a parser of ``fmt`` reads back from ``path``."""
    with path.open(encoding="utf-8", newline="") as stream:
        return sum(isinstance(i, Question) for i in parser_for(PARSERS[fmt])(stream, str(path)))


def leftovers(folder: Path) -> list[str]:
    """Temporary files an export left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


# --- the format -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("out.yaml", "yaml"),
        ("out.yml", "yaml"),
        ("out.YAML", "yaml"),
        ("out.gift", "gift"),
        ("out.csv", "csv"),
        ("out.CSV", "csv"),
    ],
)
def test_the_format_follows_the_file_extension(
    prepared_sqlite_url: str, tmp_path: Path, name: str, fmt: str
) -> None:
    out = tmp_path / name
    result = quizbot(prepared_sqlite_url, "export", "demo", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith(STARTS[fmt])


def test_standard_output_is_yaml_unless_told(prepared_sqlite_url: str) -> None:
    plain = quizbot(prepared_sqlite_url, "export", "demo")
    assert plain.exit_code == 0, plain.output
    assert plain.stdout.startswith(STARTS["yaml"])
    as_csv = quizbot(prepared_sqlite_url, "export", "demo", "--format", "csv")
    assert as_csv.stdout.startswith(STARTS["csv"])


@pytest.mark.parametrize(("name", "named"), [("out.txt", "'.txt'"), ("out", "no extension")])
def test_an_unknown_extension_needs_format(
    prepared_sqlite_url: str, tmp_path: Path, name: str, named: str
) -> None:
    out = tmp_path / name
    line = one_error_line(quizbot(prepared_sqlite_url, "export", "demo", "-o", str(out)), 2)
    assert named in line and "--format yaml|gift|csv" in line and ".yml" in line
    assert not out.exists()
    told = quizbot(prepared_sqlite_url, "export", "demo", "--format", "gift", "-o", str(out))
    assert told.exit_code == 0, told.output
    assert out.read_text(encoding="utf-8").startswith(STARTS["gift"])


def test_a_format_that_contradicts_the_extension_is_an_error(
    prepared_sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "out.csv"
    out.write_text("keep me\n")
    result = quizbot(prepared_sqlite_url, "export", "demo", "--format", "gift", "-o", str(out))
    line = one_error_line(result, 2)
    assert "--format gift" in line and "out.csv" in line and "csv" in line
    assert out.read_text() == "keep me\n"
    agreeing = quizbot(prepared_sqlite_url, "export", "demo", "--format", "csv", "-o", str(out))
    assert agreeing.exit_code == 0, agreeing.output
    assert out.read_text(encoding="utf-8").startswith(STARTS["csv"])


# --- counts and GIFT ------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "written"), [("yaml", 5), ("csv", 5), ("gift", 4)])
def test_the_count_is_what_was_written(
    prepared_sqlite_url: str, tmp_path: Path, fmt: str, written: int
) -> None:
    out = tmp_path / f"demo.{fmt}"
    result = quizbot(prepared_sqlite_url, "export", "demo", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert parsed_count(out, fmt) == written
    assert f"wrote {written} questions of demo to {out}" in result.stderr
    if fmt == "gift":
        assert "warning: GIFT has no flashcards: 1 left out" in result.stderr
        assert "(1 left out)" in result.stderr


def test_a_bank_of_flashcards_cannot_be_exported_to_gift(
    prepared_sqlite_url: str, tmp_path: Path
) -> None:
    out = tmp_path / "cards.gift"
    line = one_error_line(quizbot(prepared_sqlite_url, "export", "crm-flashcards", "-o", str(out)))
    assert "only flashcards (42)" in line and "yaml or csv" in line
    assert not out.exists() and leftovers(tmp_path) == []
    existing = tmp_path / "old.gift"
    existing.write_text("// old\n")
    quizbot(prepared_sqlite_url, "export", "crm-flashcards", "-o", str(existing))
    assert existing.read_text() == "// old\n"
    to_stdout = quizbot(prepared_sqlite_url, "export", "crm-flashcards", "--format", "gift")
    one_error_line(to_stdout)
    assert to_stdout.stdout == ""
    as_yaml = quizbot(
        prepared_sqlite_url, "export", "crm-flashcards", "-o", str(tmp_path / "c.yml")
    )
    assert "wrote 42 questions" in as_yaml.stderr


# --- where it is written --------------------------------------------------------------------


def test_a_missing_folder_is_one_line_in_a_real_terminal(
    prepared_sqlite_url: str, tmp_path: Path
) -> None:
    target = tmp_path / "nonexistent" / "dir" / "x.yaml"
    done = subprocess.run(
        [*QUIZBOT, "--database-url", prepared_sqlite_url, "export", "demo", "-o", str(target)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1, done.stderr  # no traceback
    assert done.stderr.startswith(f"quizbot: error: cannot write {target}: ")
    assert f"the folder {target.parent} does not exist" in done.stderr
    assert not target.parent.exists()


@pytest.mark.parametrize("trailing", ["", "/"])
def test_output_naming_a_folder(prepared_sqlite_url: str, tmp_path: Path, trailing: str) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    line = one_error_line(
        quizbot(prepared_sqlite_url, "export", "demo", "-o", f"{folder}{trailing}")
    )
    assert "names a folder" in line and "give a file name" in line
    assert list(folder.iterdir()) == []
    new = f"{tmp_path / 'new'}/"
    assert "names a folder" in one_error_line(
        quizbot(prepared_sqlite_url, "export", "demo", "-o", new)
    )
    assert not (tmp_path / "new").exists()


def test_a_file_where_a_folder_should_be(prepared_sqlite_url: str, tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x\n")
    line = one_error_line(
        quizbot(prepared_sqlite_url, "export", "demo", "-o", str(tmp_path / "a.yaml" / "b.yaml"))
    )
    assert "is not a folder" in line


@pytest.fixture
def unwritable_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder no file can be created in: read-only permissions, or immutable for root."""
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    immutable = False
    try:
        probe = folder / "probe"
        try:
            probe.touch()
        except PermissionError:
            yield folder
            return
        probe.unlink()  # root ignores permissions; an immutable folder stops root too
        made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
        if made.returncode != 0:
            pytest.skip(f"cannot make a folder unwritable here: {made.stderr!r}")
        immutable = True
        yield folder
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        folder.chmod(0o755)


def test_an_unwritable_folder(prepared_sqlite_url: str, unwritable_folder: Path) -> None:
    target = unwritable_folder / "x.yaml"
    line = one_error_line(quizbot(prepared_sqlite_url, "export", "demo", "-o", str(target)))
    assert line.startswith(f"quizbot: error: cannot write {target}: ")
    assert "permissions" in line and "nothing was written" in line
    assert list(unwritable_folder.iterdir()) == []


def _limit_file_size() -> None:
    """In the child: files may not grow beyond 48 KiB (Python ignores SIGXFSZ: writes fail)."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (48 * 1024, 48 * 1024))


def test_a_write_that_fails_halfway_leaves_the_old_file(
    prepared_sqlite_url: str, tmp_path: Path
) -> None:
    big = tmp_path / "big.csv"
    rows = [
        f"Question number {i} about something long enough to add up?,yes|no,A,,t"
        for i in range(2000)
    ]
    big.write_text("question,options,answer,explanation,topic\n" + "\n".join(rows) + "\n")
    imported = quizbot(prepared_sqlite_url, "import", str(big), "--bank", "big")
    assert imported.exit_code == 0, imported.output
    out = tmp_path / "exports" / "big.yaml"
    out.parent.mkdir()
    out.write_text("the old export\n")
    done = subprocess.run(
        [*QUIZBOT, "--database-url", prepared_sqlite_url, "export", "big", "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_limit_file_size,
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"quizbot: error: cannot write {out}: File too large")
    assert out.read_text() == "the old export\n"
    assert leftovers(out.parent) == []
    unlimited = quizbot(prepared_sqlite_url, "export", "big", "-o", str(out))
    assert unlimited.exit_code == 0, unlimited.output
    assert parsed_count(out, "yaml") == 2000


def test_a_replaced_file_keeps_its_permissions(prepared_sqlite_url: str, tmp_path: Path) -> None:
    out = tmp_path / "demo.yaml"
    out.write_text("old\n")
    out.chmod(0o640)
    result = quizbot(prepared_sqlite_url, "export", "demo", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert out.read_text(encoding="utf-8").startswith(STARTS["yaml"])
    fresh = tmp_path / "fresh.yaml"
    assert quizbot(prepared_sqlite_url, "export", "demo", "-o", str(fresh)).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~umask
    assert leftovers(tmp_path) == []


def test_a_closed_pipe_on_standard_output_ends_quietly(prepared_sqlite_url: str) -> None:
    """`quizbot export bank | head -1`: the reader is gone (here before the first write).

    Not a database that stopped answering (a closed pipe is a ConnectionError too).
    """
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            [*QUIZBOT, "--database-url", prepared_sqlite_url, "export", "crm-podcast"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr == ""
