"""Studying in the terminal: review my mistakes, flashcards, stats, hardest-first play."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from cli.main import cli


def quizbot(url: str, *args: str, input: str | None = None):
    return CliRunner().invoke(cli, ["--database-url", url, *args], input=input)


def test_review_flashcards_and_stats_in_the_terminal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'study.db'}"
    none_yet = quizbot(url, "review", "--name", "Kim")
    assert none_yet.exit_code == 1 and "no mistakes to review yet" in none_yet.output

    # The demo bank with seed 1: a true/false (A = True is right), then a typed question.
    played = quizbot(
        url, "play", "-b", "demo", "-n", "2", "--seed", "1", "--name", "Kim", input="B\nLyon\n"
    )
    assert "Final score: 0/2 correct" in played.output

    review = quizbot(url, "review", "--name", "Kim", input="Paris\nA\n")
    assert review.exit_code == 0, review.output
    assert review.output.startswith("Your mistakes: 2 questions.")
    # The most recent mistake first: the typed question, then the true/false one.
    assert review.output.index("capital of France") < review.output.index("Water boils")
    assert "Final score: 2/2 correct" in review.output

    cards = quizbot(url, "flashcards", "-b", "demo", "--name", "Kim", input="\nnope\neasy\n")
    assert cards.exit_code == 0, cards.output
    assert "demo: 0 due, 1 new." in cards.output
    assert "Central Processing Unit" in cards.output
    assert "type again, hard, good or easy" in cards.output
    assert "Nothing more due. Next card in " in cards.output

    stats = json.loads(quizbot(url, "stats", "--name", "Kim", "--json").output)
    assert (stats["answered"], stats["correct"], stats["points"]) == (4, 2, 0)
    assert (stats["streak"], stats["best_streak"]) == (2, 2)
    assert stats["mistakes"] == 2 and stats["mistakes_due"] == 0
    assert stats["cards_reviewed"] == 1
    assert {t["topic"] for t in stats["topics"]} == {"Science", "Geography"}

    shown = quizbot(url, "players", "show", "Kim")
    assert "4 answers, 2 correct (50%)" in shown.output
    assert "mistakes to review: 2 (0 due)" in shown.output


def test_flashcards_stop_on_q_and_on_end_of_input(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cards.db'}"
    stopped = quizbot(url, "flashcards", "--name", "Lee", input="\ngood\n\nq\n")
    assert stopped.exit_code == 0
    assert "Reviewed 1. Still waiting: 0 due, 41 new." in stopped.output
    ended = quizbot(url, "flashcards", "--name", "Lee", input="")
    assert ended.exit_code == 0 and "Reviewed 0." in ended.output


def test_play_hardest_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hard.db'}"
    # Miss the true/false question twice: it becomes the hardest of the demo bank.
    for _ in range(2):
        quizbot(url, "play", "-b", "demo", "-n", "1", "--seed", "1", input="B\n")
    hardest = quizbot(url, "play", "-b", "demo", "-n", "1", "--order", "hardest", input="A\n")
    assert hardest.exit_code == 0, hardest.output
    assert "Water boils at 100 degrees" in hardest.output
