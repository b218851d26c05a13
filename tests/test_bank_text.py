"""Bank text hygiene: control characters, Unicode forms, invisible characters, length limits.

Whatever the format, a question's text reaches the database without control characters or
terminal escape sequences (with a ``file:line`` warning naming the field), in NFC; texts
that look the same (``a`` and ``a`` + a zero-width space, ``é`` composed and decomposed)
are the same option or the same question; a text over its limit, or YAML aliases repeating
a long text, is refused at ``file:line`` and nothing is written. The terminal prints no
control characters even from rows stored before imports removed them.
"""

from __future__ import annotations

import asyncio
import json
import sys
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from bot.clock import FakeClock
from bot.domain import BankInfo, Question, QuestionKind
from bot.formats._yaml import MAX_ALIAS_TEXT
from bot.formats.hygiene import COUNT_LIMITS, TEXT_LIMITS
from bot.importing.rows import row_values as _row_values
from bot.quality.files import lint_file
from bot.quality.text import quoted
from bot.services import QuizApp
from bot.services.banks import bank_contents
from bot.store.models import BankRow, QuestionRow
from bot.text import (
    INVISIBLE,
    clean,
    comparison_key,
    is_clean,
    shows_nothing,
    without_controls,
)
from cli.main import cli
from tests.test_bank_importer import _bank_count

ESC = "\x1b"
#: What a hostile bank puts in its text: clear the screen, set the window title (OSC ended
#: by BEL and by ST), colours, a bell, NUL, DEL, 8-bit CSI and NEL, a bare escape.
NASTY = f"{ESC}[2J{ESC}]0;pwned\x07{ESC}]2;again{ESC}\\{ESC}[1;31m\x07\x00\x7f\x9b31m\x85{ESC}c"
CONTROL_CHARS = {chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]} - {"\n", "\t"}


def _quizbot(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def _has_controls(text: str) -> bool:
    return any(c in CONTROL_CHARS for c in text)


def _contents(url: str, bank: str) -> tuple[BankInfo, list[Question]]:
    """A bank's description and questions as stored."""

    async def read() -> tuple[BankInfo, list[Question]]:
        app = await QuizApp.open(url, load_banks=False)
        try:
            async with app.db.sessions() as session:
                return await bank_contents(session, bank)
        finally:
            await app.close()

    return asyncio.run(read())


# --- the text functions ------------------------------------------------------------------


def test_escape_sequences_and_control_characters_are_removed_whole() -> None:
    assert without_controls(f"Clear{NASTY} me?") == "Clear me?"
    assert without_controls(f"{ESC}[38;5;196mred{ESC}[0m") == "red"
    assert without_controls(f"{ESC}P1$r{ESC}\\dcs") == "dcs"
    assert without_controls("tab\tand\nnew line") == "tab\tand\nnew line"
    assert without_controls("windows\r\nold mac\rend") == "windows\nold mac\nend"
    # an OSC that never ends: its introducer goes, what followed is plain text
    assert without_controls(f"a{ESC}]0;title") == "a0;title"


@given(st.text(alphabet=st.characters(codec="utf-8")))
def test_no_control_character_survives_and_cleaning_twice_changes_nothing(text: str) -> None:
    once = without_controls(text)
    assert not _has_controls(once)
    assert without_controls(once) == once
    stored, _removed = clean(text)
    assert clean(stored) == (stored, False)
    assert unicodedata.is_normalized("NFC", stored)


def test_line_endings_are_not_reported_as_control_characters() -> None:
    assert clean("one\r\ntwo") == ("one\ntwo", False)
    assert clean("bell\x07") == ("bell", True)
    assert clean("Cafe\u0301") == ("Café", False)


def test_invisible_is_every_format_character_but_those_scripts_need() -> None:
    needed = {0x0600, 0x0601, 0x0602, 0x0603, 0x0604, 0x0605, 0x06DD, 0x070F, 0x0890, 0x0891}
    needed |= {0x08E2, 0x110BD, 0x110CD, 0xE0001, *range(0x13430, 0x13440)}
    needed |= set(range(0xE0020, 0xE0080))  # tags: which subdivision flag
    invisible = {chr(c) for c in range(sys.maxunicode + 1) if comparison_key(f"a{chr(c)}b") == "ab"}
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if unicodedata.category(char) == "Cf":
            assert (char in invisible) != (code in needed), f"U+{code:04X}"
    assert {"\u034f", "\ufe0f", "\u200d"} <= invisible and "\u00ad" in INVISIBLE


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("a", "a\u200b"),
        ("Café", "Cafe\u0301"),
        ("soft", "so\u00adft"),
        ("joined", "jo\u2060ined\ufeff"),
        ("Straße", "STRASSE"),
        ("two  words", " two words "),
    ],
)
def test_texts_that_look_the_same_compare_the_same(one: str, other: str) -> None:
    assert comparison_key(one) == comparison_key(other)


#: Text of the characters the quick looks of bot.text tell apart: spaces and other
#: whitespace, controls and letters of both cases; and with an invisible one, a combining one.
_PRINTABLE = st.text(alphabet=" aB[")
_ASCII = st.text(alphabet=" \t\n\r\x0b\x0c\x1c\x1f\x01\x1b[\x7faAb")
_SPACED = st.text(alphabet=" \t\n\x1c\x85\xa0\x01\x9baAb\u200b\u034f\u0301é")
_AWKWARD = ["", " ", "  ", "a ", " a", "a  b", "A b", "a\tb", "\x01", " \x1c ", "\u200b", "\u034f"]


def _assert_the_quick_looks_agree(text: str) -> None:
    assert shows_nothing(text) == (not comparison_key(text))
    assert is_clean(text) == (clean(text)[0] == text)
    if text.isascii():  # the key's quick path: spacing squashed, case folded
        assert comparison_key(text) == " ".join(without_controls(text).split()).casefold()


@pytest.mark.parametrize("text", _AWKWARD)
def test_the_quick_looks_agree_on_awkward_spacing(text: str) -> None:
    _assert_the_quick_looks_agree(text)


@given(_PRINTABLE | _ASCII | _SPACED | st.text(alphabet=st.characters(codec="utf-8")))
def test_the_quick_looks_agree_with_the_keys_and_the_cleaning(text: str) -> None:
    _assert_the_quick_looks_agree(text)


def test_texts_that_look_different_compare_different() -> None:
    assert comparison_key("a b") != comparison_key("ab")
    assert comparison_key("resume") != comparison_key("résumé")
    scotland, england = (
        "\U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
        ("\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"),
    )
    assert comparison_key(scotland) != comparison_key(england)


# --- control characters at validate and import -------------------------------------------


def _native_with_controls(path: Path) -> None:
    """Every text field of a native bank has escape sequences; returns nothing (lines known)."""
    yaml_nasty = json.dumps(NASTY)  # a YAML double-quoted string is JSON's
    path.write_text(
        f"bank: nasty\n"  # 1
        f"title: {json.dumps('Nasty ' + NASTY + 'bank')}\n"  # 2
        f"description: {yaml_nasty}\n"  # 3
        f"source: {yaml_nasty}\n"  # 4
        "questions:\n"  # 5
        f"  - question: {json.dumps('Clear' + NASTY + ' me?')}\n"  # 6
        f"    options: [{json.dumps('yes' + NASTY)}, 'no']\n"
        "    answer: A\n"
        f"    explanation: {json.dumps('Why' + NASTY)}\n"
        f"    topic: {json.dumps('t' + NASTY)}\n"
        f"    tags: [{json.dumps('x' + NASTY)}]\n"
        f"    source: {json.dumps('s' + NASTY)}\n"
        f"  - question: {json.dumps('NUL ' + chr(0) + ' here?')}\n"  # 13
        f"    answers: [{json.dumps('nul' + chr(0))}, 'zero']\n"
        f"  - front: {json.dumps('Card' + NASTY)}\n"  # 15
        f"    back: {json.dumps('Back' + NASTY)}\n",
        encoding="utf-8",
    )


NATIVE_WARNINGS = [
    "nasty.yaml: control characters removed from the bank title, the bank description and "
    "the bank source",
    "nasty.yaml:6: control characters removed from the question text, option A, the "
    "explanation, the topic, tag 1 and the source",
    "nasty.yaml:13: control characters removed from the question text and accepted answer 1",
    "nasty.yaml:15: control characters removed from the front and the back",
]


def test_validate_warns_about_each_field_with_control_characters(tmp_path: Path) -> None:
    path = tmp_path / "nasty.yaml"
    _native_with_controls(path)
    result = _quizbot("validate", str(path), "--json")
    assert result.exit_code == 0, result.output
    warnings = json.loads(result.stdout)[0]["warnings"]
    assert warnings == [f"{tmp_path}/{w}" for w in NATIVE_WARNINGS]


def test_import_stores_the_text_without_control_characters(
    database_url: str, tmp_path: Path
) -> None:
    """A NUL byte used to pass validate and crash the import on PostgreSQL."""
    path = tmp_path / "nasty.yaml"
    _native_with_controls(path)
    result = _quizbot("--database-url", database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    for warning in NATIVE_WARNINGS:
        assert f"warning: {tmp_path}/{warning}" in result.output

    info, questions = _contents(database_url, "nasty")
    assert (info.title, info.description, info.source) == ("Nasty bank", "", "nasty.yaml")
    picked, typed, card = questions
    assert picked.prompt == "Clear me?" and picked.options == ("yes", "no")
    assert (picked.explanation, picked.topic, picked.tags, picked.source) == (
        "Why",
        "t",
        ("x",),
        "s",
    )
    assert typed.prompt == "NUL  here?" and typed.accepted == ("nul", "zero")
    assert (card.prompt, card.back) == ("Card", "Back")


@pytest.mark.parametrize(
    ("name", "content", "line"),
    [
        ("q.csv", f"question,options,answer\nPick{ESC}[2J one,a|b,A\n", 2),
        ("q.gift", f"::T:: Pick{ESC}]0;x\x07 one {{=a ~b}}\n", 1),
        ("q.txt", f"Pick{ESC}[2J one\nA. a\nB. b\nANSWER: A\n", 1),  # Aiken
        ("cards.tsv", f"#separator:tab\nPick{ESC}[2J one\tback\n", 2),  # Anki
        ("trivia.yaml", 'AUTHOR: me\n"Pick\\e[2J one":\n  - a\n', 2),  # Red
        (
            "otdb.json",
            json.dumps(
                {
                    "response_code": 0,
                    "results": [
                        {
                            "type": "multiple",
                            "category": "c",
                            "difficulty": "easy",
                            "question": f"Pick{ESC}[2J one",
                            "correct_answer": "a",
                            "incorrect_answers": ["b"],
                        }
                    ],
                },
                indent=1,
            ),
            4,
        ),
    ],
)
def test_every_format_passes_through_the_same_cleaning(
    tmp_path: Path, name: str, content: str, line: int
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    result = _quizbot("validate", str(path))
    assert result.exit_code == 0, result.output
    front = "front" if name == "cards.tsv" else "question text"
    assert f"warning: {path}:{line}: control characters removed from the {front}" in result.output


def test_line_breaks_in_a_csv_cell_are_not_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(b'question,options,answer\r\n"Two\r\nlines",a|b,A\r\n')
    result = _quizbot("validate", str(path))
    assert result.exit_code == 0 and "warning" not in result.output, result.output


def test_the_lint_reports_the_same_warnings(tmp_path: Path) -> None:
    path = tmp_path / "nasty.yaml"
    _native_with_controls(path)
    _info, report = lint_file(path)
    texts = [(f.rule, f.line, f.message) for f in report.findings if f.rule == "text"]
    assert texts == [
        ("text", None, NATIVE_WARNINGS[0].split(": ", 1)[1]),
        ("text", 6, NATIVE_WARNINGS[1].split(": ", 1)[1]),
        ("text", 13, NATIVE_WARNINGS[2].split(": ", 1)[1]),
        ("text", 15, NATIVE_WARNINGS[3].split(": ", 1)[1]),
    ]


def test_lint_messages_quote_text_without_control_characters() -> None:
    """The lint also checks banks in the database, stored before imports removed them."""
    assert quoted(f"Clear{NASTY} me?") == '"Clear me?"'


# --- the terminal, with rows stored before the fix ---------------------------------------


async def _store_raw_bank(url: str) -> None:
    """A bank as an older import stored it: escape sequences in every text."""
    app = await QuizApp.open(url, FakeClock(), load_banks=False)
    try:
        async with app.db.transaction() as session:
            bank = BankRow(
                name="old",
                title=f"Old{ESC}]0;pwned\x07 bank",
                description="",
                source="",
                created_at=app.clock.now(),
            )
            session.add(bank)
            await session.flush()
            question = Question(
                kind=QuestionKind.MULTIPLE_CHOICE,
                prompt=f"Clear{NASTY} me?",
                options=(f"yes{ESC}[31m", f"no{ESC}[2J"),
                correct=1,
                explanation=f"Because{ESC}]0;t\x07 so.",
                topic=f"top{ESC}[5mic",
            )
            session.add(QuestionRow(**_row_values(question), bank_id=bank.id, position=1))
            cards = BankRow(
                name="old-cards",
                title="Cards",
                description="",
                source="",
                created_at=bank.created_at,
            )
            session.add(cards)
            await session.flush()
            card = Question(
                kind=QuestionKind.FLASHCARD, prompt=f"Front{NASTY}?", back=f"Back{ESC}]0;t\x07."
            )
            session.add(QuestionRow(**_row_values(card), bank_id=cards.id, position=1))
    finally:
        await app.close()


def test_play_prints_no_control_characters_from_old_rows(prepared_sqlite_url: str) -> None:
    asyncio.run(_store_raw_bank(prepared_sqlite_url))
    played = _quizbot(
        "--database-url",
        prepared_sqlite_url,
        "play",
        "--bank",
        "old",
        "-n",
        "1",
        "--name",
        f"Eve{ESC}[2J",
        stdin=f"{ESC}[2J\nB\n",  # a line the terminal echoes, then an answer
    )
    assert played.exit_code == 0, played.output
    out = played.stdout
    assert not _has_controls(out), repr(out)
    assert "Old]0;pwned bank" not in out and "Old bank: 1 question." in out
    assert "Clear me?" in out and ") yes\n" in out and ") no\n" in out
    assert "answer with one of the letters A, B" in out
    assert "Correct!" in out or "Wrong. The answer was A) no." in out
    assert "Because so." in out and "[topic]" in out


def test_flashcards_print_no_control_characters_from_old_rows(prepared_sqlite_url: str) -> None:
    asyncio.run(_store_raw_bank(prepared_sqlite_url))
    reviewed = _quizbot(
        "--database-url", prepared_sqlite_url, "flashcards", "--bank", "old-cards", stdin="\ngood\n"
    )
    assert reviewed.exit_code == 0, reviewed.output
    assert not _has_controls(reviewed.stdout), repr(reviewed.stdout)
    assert "Front?" in reviewed.stdout and "Back." in reviewed.stdout


# --- Unicode: NFC stored, look-alikes the same ------------------------------------------


def test_text_is_stored_in_nfc(database_url: str, tmp_path: Path) -> None:
    path = tmp_path / "nfc.csv"
    path.write_text("question,options,answer,type\nCafe\u0301?,cre\u0300me|the\u0301,A,\n")
    result = _quizbot("--database-url", database_url, "import", str(path))
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    _info, (question,) = _contents(database_url, "nfc")
    assert question.prompt == "Café?" and question.options == ("crème", "thé")


@pytest.mark.parametrize(
    ("one", "other"),
    [("a", "a\u200b"), ("é", "e\u0301"), ("Ok", "O\u00adk"), ("x", "x\ufeff")],
)
def test_options_that_look_the_same_are_the_same_option(
    tmp_path: Path, one: str, other: str
) -> None:
    native = tmp_path / "same.yaml"
    native.write_text(
        "bank: same\nquestions:\n"
        "  - question: Fine?\n    options: [p, q]\n    answer: A\n"
        f"  - question: Which?\n    options: [{json.dumps(one)}, {json.dumps(other)}]\n"
        "    answer: A\n",
        encoding="utf-8",
    )
    csv = tmp_path / "same.csv"
    csv.write_text(f"question,options,answer\nFine?,p|q,A\nWhich?,{one}|{other},A\n")
    for path, line in ((native, 6), (csv, 3)):
        result = _quizbot("validate", str(path))
        assert result.exit_code == 1
        assert f"{path}:{line}: two options are the same" in result.output


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".gift"])
def test_questions_that_look_the_same_are_the_same_question(tmp_path: Path, suffix: str) -> None:
    one, other = "What is the café\u200b?", "What is the cafe\u0301?"
    path = tmp_path / f"dup{suffix}"
    if suffix == ".yaml":
        path.write_text(
            f"bank: dup\nquestions:\n  - question: {one}\n    answer: a\n"
            f"  - question: {other}\n    answer: b\n",
            encoding="utf-8",
        )
        lines = (5, 3)
    elif suffix == ".csv":
        path.write_text(f"question,answer,type\n{one},a,typed\n{other},b,typed\n")
        lines = (3, 2)
    else:
        path.write_text(f"{one} {{=a}}\n\n{other} {{=b}}\n")
        lines = (3, 1)
    result = _quizbot("validate", str(path))
    assert result.exit_code == 1
    assert (
        f"{path}:{lines[0]}: the same question as line {lines[1]} with other answers or options"
        in result.output
    )


def test_red_trivia_questions_that_look_the_same_are_there_twice(tmp_path: Path) -> None:
    path = tmp_path / "trivia.yaml"
    path.write_text('"Capital of France?":\n- Paris\n"Capital\u200b of France?":\n- Paris\n')
    result = _quizbot("validate", str(path))
    assert result.exit_code == 0  # a repeat with the same answer: imported once
    assert f"{path}:3: repeats line 1 with the same answers" in result.output
    assert f"{path}: ok, 1 questions, 1 repeat skipped" in result.output
    path.write_text('"Capital of France?":\n- Paris\n"Capital\u200b of France?":\n- Lyon\n')
    result = _quizbot("validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: the same question as line 1 with other answers" in result.output


# --- length limits ------------------------------------------------------------------------


def test_a_yaml_alias_repeating_a_long_text_is_refused(database_url: str, tmp_path: Path) -> None:
    """One 1 MB string named by 300 aliases used to add 300 MB to the database."""
    path = tmp_path / "aliases.yaml"
    with path.open("w", encoding="utf-8") as out:
        out.write("bank: aliases\nquestions:\n")
        out.write(f"  - question: Q0?\n    answer: a\n    explanation: &big {'x' * 1_000_000}\n")
        for n in range(1, 300):
            out.write(f"  - question: Q{n}?\n    answer: a\n    explanation: *big\n")
    result = _quizbot("--database-url", database_url, "import", str(path))
    assert result.exit_code == 1
    # the second alias (line 11) takes the repeated text past the limit
    assert f"{path}:11: aliases (*name) repeat more than {MAX_ALIAS_TEXT:,}" in result.output
    assert "Traceback" not in result.output
    assert _bank_count(database_url, "aliases") == 0


def test_aliases_to_short_texts_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "short.yaml"
    lines = ["bank: short", "questions:", "  - question: Q0", "    answer: a"]
    lines += ["    explanation: &why Why"]
    for n in range(1, 300):
        lines += [f"  - question: Q{n}", "    answer: a", "    explanation: *why"]
    path.write_text("\n".join(lines) + "\n")
    result = _quizbot("validate", str(path))
    assert result.exit_code == 0 and "300 questions" in result.output, result.output


@pytest.mark.parametrize(
    ("kind", "question", "message"),
    [
        ("question", "question: {long}\n    answer: a", "the question text is"),
        ("option", "question: Q?\n    options: [a, {long}]\n    answer: A", "option B is"),
        ("answer", "question: Q?\n    answers: [a, {long}]", "accepted answer 2 is"),
        (
            "explanation",
            "question: Q?\n    answer: a\n    explanation: {long}",
            "the explanation is",
        ),
        ("topic", "question: Q?\n    answer: a\n    topic: {long}", "the topic is"),
        ("tag", "question: Q?\n    answer: a\n    tags: [{long}]", "tag 1 is"),
        ("source", "question: Q?\n    answer: a\n    source: {long}", "the source is"),
        ("back", "front: F\n    back: {long}", "the back is"),
        ("question", "front: {long}\n    back: B", "the front is"),
    ],
)
def test_a_text_over_its_limit_is_an_error_at_its_line(
    tmp_path: Path, kind: str, question: str, message: str
) -> None:
    limit = TEXT_LIMITS[kind]
    path = tmp_path / "long.yaml"
    path.write_text(
        "bank: long\nquestions:\n  - question: Fine?\n    answer: a\n"
        f"  - {question.format(long='y' * (limit + 1))}\n"
    )
    result = _quizbot("validate", str(path))
    assert result.exit_code == 1
    expected = f"{path}:5: {message} {limit + 1:,} characters (at most {limit:,})"
    assert expected in result.output


def test_a_text_at_its_limit_is_fine(tmp_path: Path) -> None:
    path = tmp_path / "full.yaml"
    path.write_text(
        "bank: full\nquestions:\n"
        f"  - question: {'q' * TEXT_LIMITS['question']}\n"
        f"    answers: [{', '.join(f'a{n}' for n in range(COUNT_LIMITS['answers']))}]\n"
        f"    explanation: {'e' * TEXT_LIMITS['explanation']}\n"
    )
    result = _quizbot("validate", str(path))
    assert result.exit_code == 0, result.output


def test_too_many_answers_or_tags_is_an_error(tmp_path: Path) -> None:
    answers = ", ".join(f"a{n}" for n in range(COUNT_LIMITS["answers"] + 1))
    path = tmp_path / "many.yaml"
    path.write_text(f"bank: many\nquestions:\n  - question: Q?\n    answers: [{answers}]\n")
    result = _quizbot("validate", str(path))
    assert result.exit_code == 1
    assert f"{path}:3: 101 answers (at most 100)" in result.output


def test_a_bank_title_over_its_limit_is_an_error(database_url: str, tmp_path: Path) -> None:
    """The title's column holds 200 characters: PostgreSQL refused a longer one."""
    path = tmp_path / "titled.yaml"
    path.write_text(
        f"bank: titled\ntitle: {'t' * 201}\nquestions:\n  - question: Q\n    answer: a\n"
    )
    result = _quizbot("--database-url", database_url, "import", str(path))
    assert result.exit_code == 1
    assert f"{path}: the bank title is 201 characters (at most 200)" in result.output
    assert _bank_count(database_url, "titled") == 0


def test_the_shipped_banks_and_fixtures_are_within_the_limits_and_clean() -> None:
    root = Path(__file__).resolve().parents[1]
    paths = sorted((root / "questions").glob("*.yaml"))
    paths += sorted((root / "tests" / "formats" / "fixtures").iterdir())
    result = _quizbot("validate", "--json", *map(str, paths))
    assert result.exit_code == 0, result.output
    for checked in json.loads(result.stdout):
        assert not [w for w in checked["warnings"] if "control characters" in w], checked
