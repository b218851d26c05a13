"""The lint's pieces the documentation's examples do not cover, and ``quizbot lint``.

The rules themselves are exercised by docs/LINT.md's examples (tests/test_lint_docs.py);
here: the words it compares, the platform limits, --ignore, files that do not parse, big
banks, and the command (locations, exit codes, JSON) on files and on banks in the database.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from adapters.kit.limits import LIMITS
from bot.domain import Question, QuestionKind
from bot.quality.files import lint_file
from bot.quality.lint import lint
from bot.quality.text import absolutes, content_stems, stem
from cli.main import cli


def mc(prompt: str, options: list[str], correct: int = 0, explanation: str = "Why.") -> Question:
    return Question(
        kind=QuestionKind.MULTIPLE_CHOICE,
        prompt=prompt,
        options=tuple(options),
        correct=correct,
        explanation=explanation,
    )


def card(front: str, back: str) -> Question:
    return Question(kind=QuestionKind.FLASHCARD, prompt=front, back=back)


def rules_of(questions: list[Question], **kw) -> list[str]:
    return [f.rule for f in lint(questions, **kw).findings]


def quizbot(*args: str, url: str | None = None) -> Result:
    prefix = ["--database-url", url] if url else []
    return CliRunner().invoke(cli, [*prefix, *args])


# -- words ----------------------------------------------------------------------------------


def test_the_stemmer_joins_forms_of_one_word_and_keeps_others_apart():
    assert stem("personalization") == stem("personalized")
    assert stem("differentiates") == stem("different")
    assert stem("customers") == stem("customer")
    assert stem("measuring") == stem("measurement")
    assert stem("company") != stem("comparison")
    assert content_stems("Which of the following is a CRM?") == {"crm"}


def test_absolute_words_are_whole_words_across_line_breaks():
    assert absolutes("It no\n longer needs backups, and never will") == ["no longer", "never"]
    assert absolutes("Allowed, everyday, nonetheless, onlyness") == []
    assert absolutes("ALL of them, Guaranteed") == ["all", "guaranteed"]


def test_a_key_with_the_same_absolute_word_is_not_flagged():
    fine = mc("Who may stop a quiz?", ["Only its starter or a moderator", "Only the bot", "X", "Y"])
    assert "absolute-words" not in rules_of([fine])
    giveaway = mc("Who may stop a quiz?", ["Its starter or a moderator", "Only the bot", "X", "Y"])
    assert "absolute-words" in rules_of([giveaway])


# -- platforms, ignore ------------------------------------------------------------------------


def test_too_long_names_the_platform_whose_limit_is_broken():
    long_why = mc("Short?", ["A", "B", "C"], explanation="x" * 1500)
    (finding,) = [f for f in lint([long_why], LIMITS).findings if f.rule == "too-long"]
    assert "discord" in finding.message and "explanation is 1500" in finding.message
    assert "slack" not in finding.message and "telegram" not in finding.message
    long_prompt = mc("y" * 3000 + "?", ["A", "B", "C"])
    (finding,) = [f for f in lint([long_prompt], LIMITS).findings if f.rule == "too-long"]
    assert finding.message.startswith("too long for slack")
    assert "question is 3001" in finding.message
    long_back = card("Front?", "z" * 4000)
    messages = [f.message for f in lint([long_back], LIMITS).findings if f.rule == "too-long"]
    assert len(messages) == 3  # every platform
    assert "too-long" not in rules_of([long_prompt])  # no limits given: not checked


def test_ignore_skips_a_rule_and_refuses_unknown_ones():
    question = mc("What is it?", ["All of the above", "Thing", "Other"])
    assert "all-none-of-the-above" in rules_of([question])
    assert "all-none-of-the-above" not in rules_of([question], ignore={"all-none-of-the-above"})
    with pytest.raises(ValueError, match="unknown rule"):
        lint([question], ignore={"no-such-rule"})


def test_near_duplicates_are_found_in_a_big_bank():
    rng = random.Random(5)
    vocabulary = [f"w{n:04d}x" for n in range(2000)]
    questions = [
        mc(" ".join(rng.sample(vocabulary, 6)) + "?", [f"a{n}", f"b{n}", f"c{n}"])
        for n in range(3000)
    ]
    twin = questions[16]
    questions.append(mc(twin.prompt.replace("?", " really?"), list(twin.options)))
    report = lint(questions, ignore={"option-form"})
    twins = [f for f in report.findings if f.rule == "near-duplicate-questions"]
    assert [(f.number, f.others) for f in twins] == [(3001, (17,))]


# -- files ---------------------------------------------------------------------------------


def test_a_file_that_does_not_parse_is_one_error_at_its_line(tmp_path: Path):
    path = tmp_path / "broken.yaml"
    path.write_text(
        "bank: broken\nquestions:\n  - question: Q?\n    options: [A, B]\n    answer: C\n"
    )
    info, report = lint_file(path)
    assert info is not None and info.name == "broken"
    (finding,) = report.findings
    assert (finding.rule, finding.severity, finding.line) == ("parse", "error", 5)


def test_every_parse_error_of_a_file_is_a_finding(tmp_path: Path):
    path = tmp_path / "broken.txt"
    path.write_text("Q1\nA) one\nANSWER: A\n\nGood?\nA) a\nB) b\nANSWER: B\n\nQ3\nANSWER: A\n")
    _info, report = lint_file(path, "aiken")
    assert [(f.rule, f.severity, f.line) for f in report.findings] == [
        ("parse", "error", 1),
        ("parse", "error", 10),
    ]


def test_skipped_questions_are_infos(tmp_path: Path):
    path = tmp_path / "essay.gift"
    path.write_text("::Q1:: Write an essay about CRM. {}\n\n::Q2:: CRM is long-term. {T#Yes.}\n")
    _info, report = lint_file(path)
    skipped = [f for f in report.findings if f.rule == "skipped"]
    assert [(f.severity, f.line) for f in skipped] == [("info", 1)]


# -- the command ---------------------------------------------------------------------------


BAD_BANK = """\
bank: bad
questions:
  - question: What is the purpose of ongoing CRM maintenance?
    options:
      - To keep the system effective and customers satisfied
      - To make sure customers never complain again
      - To hand the system over to the IT department
    answer: A
    explanation: Maintenance keeps the system effective.
  - question: Which is a benefit of CRM?
    options: [More repeat sales, Lower set-up costs, Less need for surveys]
    answer: A
"""


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(BAD_BANK, encoding="utf-8")
    return path


def test_the_command_prints_file_lines_and_fails_on_warnings(bad_file: Path):
    result = quizbot("lint", str(bad_file))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"{bad_file}:3: warning: Q1: absolute words in distractor(s) B ('never')" in lines[0]
    assert lines[0].endswith("[absolute-words]")
    assert lines[1].startswith(f"{bad_file}:10: warning: Q2: no explanation")
    assert lines[-1].startswith(f"{bad_file}: 2 questions, 0 error(s), 2 warning(s), 0 info")
    assert quizbot("lint", str(bad_file), "--fail-on", "error").exit_code == 0
    assert quizbot("lint", str(bad_file), "--fail-on", "never").exit_code == 0
    ignored = quizbot("lint", str(bad_file), "--ignore", "absolute-words", "--ignore",
                      "missing-explanation")  # fmt: skip
    assert ignored.exit_code == 0, ignored.output


def test_the_command_is_clean_on_a_clean_file_and_says_why_it_cannot_read(tmp_path: Path):
    clean = Path(__file__).resolve().parents[1] / "questions" / "demo.yaml"
    result = quizbot("lint", str(clean))
    assert result.exit_code == 0, result.output
    missing = quizbot("lint", str(tmp_path / "nope.yaml"))
    assert missing.exit_code == 2
    assert "quizbot: error:" in missing.output and "no such file" in missing.output
    assert quizbot("lint").exit_code == 2
    assert quizbot("lint", str(clean), "--ignore", "nope").exit_code == 2
    listed = quizbot("lint", "--rules")
    assert listed.exit_code == 0 and "confusable-fronts" in listed.output


def test_the_command_prints_json(bad_file: Path):
    result = quizbot("lint", str(bad_file), "--json")
    assert result.exit_code == 1
    (report,) = json.loads(result.output)
    assert report["kind"] == "file" and report["bank"] == "bad"
    assert report["counts"] == {"error": 0, "warning": 2, "info": 0}
    assert report["figures"]["absolute_distractors"] == 1
    first = report["findings"][0]
    assert first["rule"] == "absolute-words" and first["line"] == 3 and first["question"] == 1


def test_the_command_lints_banks_in_the_database(database_url: str, bad_file: Path):
    assert quizbot("import", str(bad_file), url=database_url).exit_code == 0
    result = quizbot("lint", "bad", "demo", url=database_url)
    assert result.exit_code == 1, result.output
    first = result.output.splitlines()[0]
    assert first.startswith('bad Q1 "What is the purpose of ongoing CRM maintenance?": warning:')
    assert "demo: 5 questions, 0 error(s), 0 warning(s)" in result.output
    unknown = quizbot("lint", "bad", "no-such-bank", url=database_url)
    assert unknown.exit_code == 2 and "no bank called 'no-such-bank'" in unknown.output


def test_the_shipped_crm_banks_lint_clean_from_the_database(database_url: str):
    result = quizbot("lint", "crm-podcast", "crm-flashcards", url=database_url)
    assert result.exit_code == 0, result.output
    assert "crm-podcast: 44 questions, 0 error(s), 0 warning(s), 1 info" in result.output
    assert "crm-flashcards: 42 questions, 0 error(s), 0 warning(s), 0 info" in result.output
