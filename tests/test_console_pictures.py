"""Pictures in the terminal: ``quizbot play`` and ``quizbot flashcards`` print an
``Image: ...`` line under the question: a stored picture written to a file the player can
open (its bytes exactly), a bank's web address as it is.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from adapters.console.pictures import image_folder
from cli.main import cli
from tests.image_samples import GIF, png


def _import(runner: CliRunner, env: dict[str, str], path: Path) -> None:
    result = runner.invoke(cli, ["import", str(path)], env=env)
    assert result.exit_code == 0, result.output


def test_play_and_flashcards_show_an_image_line(tmp_path: Path, prepared_sqlite_url: str) -> None:
    env = {"DATABASE_URL": prepared_sqlite_url}
    runner = CliRunner()
    (tmp_path / "dot.png").write_bytes(png(42))
    (tmp_path / "card.gif").write_bytes(GIF)
    bank = tmp_path / "pictures.yaml"
    bank.write_text(
        "bank: pictures\nquestions:\n"
        "  - question: What is shown?\n    image: {file: dot.png, alt: A grey dot}\n"
        "    options: [A dot, A line]\n    answer: A\n"
        "  - question: Which flag?\n    image: https://example.org/flag.png\n"
        "    answer: France\n",
        encoding="utf-8",
    )
    cards = tmp_path / "cards.yaml"
    cards.write_text(
        "bank: picture-cards\nquestions:\n  - front: Name it\n    back: A pixel\n"
        "    image: card.gif\n",
        encoding="utf-8",
    )
    _import(runner, env, bank)
    _import(runner, env, cards)

    played = runner.invoke(
        cli, ["play", "--bank", "pictures", "--count", "2", "--seed", "1"], "A\nFrance\n", env=env
    )
    assert played.exit_code == 0, played.output
    lines = played.output.splitlines()
    stored = next(line for line in lines if line.startswith("Image: ") and "grey dot" in line)
    path = Path(stored.removeprefix("Image: ").removesuffix(" (A grey dot)"))
    assert path.parent == image_folder() and path.suffix == ".png"
    assert path.read_bytes() == png(42)
    assert "Image: https://example.org/flag.png" in lines
    # The picture comes right after its question's text.
    assert lines[lines.index(stored) - 1] == "What is shown?"

    reviewed = runner.invoke(cli, ["flashcards", "--bank", "picture-cards"], "\ngood\n", env=env)
    assert reviewed.exit_code == 0, reviewed.output
    [line] = [line for line in reviewed.output.splitlines() if line.startswith("Image: ")]
    assert Path(line.removeprefix("Image: ")).read_bytes() == GIF
