"""The Moodle XML reader and writer: our own fixtures shaped like Moodle's exports, every
kind, HTML, pictures, grades, broken and hostile XML with lines, and export -> import round
trips."""

from __future__ import annotations

import base64
import hashlib
import io
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.domain import BankInfo, Notice, Question, QuestionKind, Skipped
from bot.errors import BankFormatError, BankFormatErrors
from bot.formats import detect_format, parse_path
from bot.formats.moodle_xml import grade_is_valid, parse, topic_of
from bot.formats.moodle_xml_writer import write_moodle_xml
from bot.images import image_from_bytes, image_from_url
from tests.image_samples import JPEG, png

MOODLE = Path(__file__).resolve().parents[1] / "fixtures" / "moodlexml"
MC = QuestionKind.MULTIPLE_CHOICE
TYPED = QuestionKind.TYPED
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00"
    b"\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


def read(text: str | bytes, source: str = "bank.xml") -> list[Question | Skipped | Notice]:
    data = text.encode() if isinstance(text, str) else text
    return list(parse(io.BytesIO(data), source))


def fixture(name: str) -> list[Question | Skipped]:
    return list(parse_path(MOODLE / name))


def quiz(*questions: str) -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n' + "".join(questions) + "</quiz>\n"


def mc(answers: str, *, single: str = "true", text: str = "Pick one", extra: str = "") -> str:
    return (
        '<question type="multichoice">\n'
        f"<name><text>Q</text></name>\n"
        f'<questiontext format="html"><text><![CDATA[{text}]]></text></questiontext>\n'
        f"<single>{single}</single>\n{extra}{answers}</question>\n"
    )


def answer(text: str, fraction: str, feedback: str = "") -> str:
    return (
        f'<answer fraction="{fraction}" format="html"><text>{text}</text>'
        f"<feedback><text>{feedback}</text></feedback></answer>\n"
    )


def only(items: list[Question | Skipped]) -> Question:
    (item,) = items
    assert isinstance(item, Question), item
    return item


def error(text: str | bytes, source: str = "bank.xml") -> BankFormatError:
    with pytest.raises(BankFormatError) as caught:
        read(text, source)
    return caught.value


# --- our fixtures, shaped like Moodle's exports ----------------------------------------


def test_multichoice_fixture() -> None:
    q = only(fixture("mc_listening_with_flags.xml"))
    assert q.kind is MC
    assert q.prompt == (
        "Play the recording from the market:\n\nWhich language does the stall keeper speak?"
    )
    assert q.options == (
        "[Portugal flag] Portuguese",
        "[Spain flag] Spanish",
        "[Italy flag] Italian",
        "[Romania flag] Romanian",
    )
    assert q.correct_option == "[Spain flag] Spanish"
    assert q.topic == "World languages/Listening"  # $course$/top/ left out
    assert q.explanation == "Right: that was Spanish."  # the right answer's feedback
    assert q.image is None  # the file is a sound linked with <a>, not a picture
    assert q.line == 12


def test_truefalse_fixture_with_embedded_pictures() -> None:
    first, second = fixture("tf_study_skills_with_pictures.xml")
    assert isinstance(first, Question) and isinstance(second, Question)
    assert first.kind is QuestionKind.TRUE_FALSE
    assert first.prompt == (
        "Cramming the night before an exam is the most reliable way to remember material "
        "for months."
    )
    assert first.correct_option == "False"
    assert second.correct_option == "True"
    assert second.prompt.endswith("helps you remember material for longer.")
    assert first.topic == "Study skills/Memory"
    assert first.explanation.startswith("[Study tip]To learn more, read the study group's")
    assert first.image is not None and second.image is not None
    assert (first.image.name, first.image.alt, first.image.media_type) == (
        "clock.jpg",
        "Alarm clock",
        "image/jpeg",
    )
    raw = (MOODLE / "tf_study_skills_with_pictures.xml").read_text()
    tag = '<file name="clock.jpg" encoding="base64">'
    start = raw.index(tag) + len(tag)
    clock = base64.b64decode(raw[start : raw.index("</file>", start)])
    assert clock == JPEG  # the fixture embeds tests/image_samples.py's JPEG
    assert first.image.digest == hashlib.sha256(clock).hexdigest()
    assert first.image.data == clock
    assert second.image.digest == first.image.digest


def test_nested_categories_become_topic_paths() -> None:
    items = fixture("nested_geography_categories.xml")
    assert [(type(i).__name__, getattr(i, "topic", None)) for i in items] == [
        ("Question", "Geography"),
        ("Skipped", None),
        ("Question", "Geography/Europe"),
        ("Question", "Geography/Europe/Rivers"),
        ("Question", "Geography/Asia"),
    ]
    skipped = items[1]
    assert isinstance(skipped, Skipped)
    assert skipped.line == 55
    assert "essay question 'Essay on the Alps' skipped" in skipped.reason
    assert items[0].prompt == "The equator passes through Brazil."  # type: ignore[union-attr]
    assert items[0].correct_option == "True"  # type: ignore[union-attr]
    assert items[3].correct_option == "False"  # type: ignore[union-attr]


def test_old_image_tag_fixture() -> None:
    cloze, question = fixture("old_image_tags.xml")
    assert isinstance(cloze, Skipped)
    assert "cloze (embedded answers) question 'cloze map with an old picture'" in cloze.reason
    assert isinstance(question, Question)
    assert question.options == ("Madrid", "Rome", "Lisbon")  # the blank lines around dropped
    assert question.correct == 2
    assert question.image is not None
    assert (question.image.name, question.image.media_type) == ("map.png", "image/png")
    assert question.image.data == png(90)  # <image_base64>: tests/image_samples.py's png(90)
    assert question.topic == "Pictures from an old course"


def test_cloze_fixture_is_skipped_with_its_name() -> None:
    (item,) = fixture("cloze_only.xml")
    assert isinstance(item, Skipped)
    assert item.line == 12
    assert "'cloze lakes and mountains'" in item.reason


def test_invalid_grade_fixture_is_an_error_at_the_answer() -> None:
    with pytest.raises(BankFormatError) as caught:
        fixture("invalid_grade.xml")
    path = MOODLE / "invalid_grade.xml"
    assert str(caught.value).startswith(
        f"{path}:38: invalid grade fraction='33' in question "
        "'Rivers with a bad grade : length > 1000 km & < 3000 km'"
    )
    assert "33.33333" in caught.value.message


def test_fixtures_are_detected_by_extension() -> None:
    paths = sorted(MOODLE.glob("*.xml"))
    assert len(paths) == 6
    for path in paths:
        assert detect_format(path) == "moodlexml"


# --- kinds -------------------------------------------------------------------------------


def test_single_answer_multichoice_with_penalties_and_feedback() -> None:
    q = only(
        read(
            quiz(
                mc(
                    answer("Paris", "100", "Right!")
                    + answer("Lyon", "-33.33333", "No")
                    + answer("Nice", "0")
                )
            )
        )
    )
    assert (q.options, q.correct, q.explanation) == (("Paris", "Lyon", "Nice"), 0, "Right!")


def test_general_feedback_wins_over_the_answer_feedback() -> None:
    general = (
        '<generalfeedback format="html"><text>&lt;b&gt;Because&lt;/b&gt;</text></generalfeedback>'
    )
    q = only(read(quiz(mc(answer("a", "100", "fb") + answer("b", "0"), extra=general))))
    assert q.explanation == "Because"


@pytest.mark.parametrize(
    ("answers", "single", "outcome"),
    [
        (answer("a", "100") + answer("b", "0"), "false", 0),
        (answer("a", "-50") + answer("b", "100"), "false", 1),
        (answer("a", "50") + answer("b", "50") + answer("c", "-100"), "false", "2 answers give"),
        (answer("a", "100") + answer("b", "100"), "false", "2 answers give"),
        (answer("a", "100") + answer("b", "100"), "true", "2 answers are fully right"),
        (answer("a", "50") + answer("b", "0"), "true", "no answer is fully right"),
    ],
)
def test_multiple_answer_and_partial_credit(answers: str, single: str, outcome: object) -> None:
    (item,) = read(quiz(mc(answers, single=single)))
    if isinstance(outcome, int):
        assert isinstance(item, Question) and item.correct == outcome
    else:
        assert isinstance(item, Skipped) and str(outcome) in item.reason
        assert item.line == 3


def test_no_right_answer_is_an_error() -> None:
    problem = error(quiz(mc(answer("a", "0") + answer("b", "-50"))))
    assert str(problem).startswith("bank.xml:3: question 'Q' has no right answer")


def test_too_many_options_are_skipped() -> None:
    answers = answer("a0", "100") + "".join(answer(f"a{n}", "0") for n in range(1, 12))
    (item,) = read(quiz(mc(answers)))
    assert isinstance(item, Skipped) and "12 options" in item.reason


def test_truefalse_and_feedback_of_the_right_side() -> None:
    text = quiz(
        '<question type="truefalse"><name><text>T</text></name>'
        "<questiontext><text>Water is wet.</text></questiontext>"
        '<answer fraction="0"><text>true</text><feedback><text>no</text></feedback></answer>'
        '<answer fraction="100"><text>false</text><feedback><text>yes</text></feedback></answer>'
        "</question>"
    )
    q = only(read(text))
    assert (q.correct_option, q.explanation) == ("False", "yes")


def test_shortanswer_and_numerical_become_typed() -> None:
    text = quiz(
        '<question type="shortanswer"><name><text>S</text></name>'
        '<questiontext format="plain_text"><text>Capital of France? &lt;b&gt;bold&lt;/b&gt;</text>'
        "</questiontext>"
        '<answer fraction="100"><text>Paris</text><feedback><text>Oui</text></feedback></answer>'
        '<answer fraction="100"><text>paris, france</text></answer>'
        '<answer fraction="50"><text>Marseille</text></answer>'
        '<answer fraction="0"><text>*</text></answer>'
        "<tags><tag><text>geo</text></tag><tag><text>easy</text></tag></tags>"
        "</question>\n"
        '<question type="numerical"><name><text>N</text></name>'
        "<questiontext><text>2+2?</text></questiontext>"
        '<answer fraction="100"><text>4</text><tolerance>0.5</tolerance></answer>'
        "</question>"
    )
    short, numeric, notice = read(text)
    assert isinstance(short, Question) and isinstance(numeric, Question)
    assert notice == Notice(
        numeric.line,
        "numerical question 'N': Moodle's tolerance (±0.5) is not kept; "
        "only '4' as written is accepted",
    )
    assert short.kind is TYPED and short.accepted == ("Paris", "paris, france")
    assert short.prompt == "Capital of France? <b>bold</b>"  # plain text stays as written
    assert (short.explanation, short.tags) == ("Oui", ("geo", "easy"))
    assert (numeric.kind, numeric.accepted) == (TYPED, ("4",))


def test_shortanswer_wildcards() -> None:
    def short(value: str) -> str:
        return quiz(
            '<question type="shortanswer"><name><text>S</text></name>'
            "<questiontext><text>Q?</text></questiontext>"
            f'<answer fraction="100"><text>{value}</text></answer></question>'
        )

    (item,) = read(short("Par*"))
    assert isinstance(item, Skipped) and "wildcard" in item.reason
    assert only(read(short("5\\*3"))).accepted == ("5*3",)


@pytest.mark.parametrize(
    "kind", ["matching", "essay", "cloze", "multianswer", "description", "calculated", "ddwtos"]
)
def test_unplayable_kinds_are_skipped_with_their_name(kind: str) -> None:
    text = quiz(
        f'<question type="{kind}"><name><text>Named one</text></name>'
        "<questiontext><text>x</text></questiontext></question>"
    )
    (item,) = read(text)
    assert isinstance(item, Skipped)
    assert item.line == 3 and "'Named one' skipped" in item.reason


@pytest.mark.parametrize(
    ("path", "topic"),
    [
        ("$course$/top/A/B", "A/B"),
        ("$system$/top", ""),
        ("$module$/Quiz 1", "Quiz 1"),
        ("top/Plain", "Plain"),
        ("$course$/Maths//Physics/Waves", "Maths/Physics/Waves"),
        ("Alone", "Alone"),
    ],
)
def test_category_paths(path: str, topic: str) -> None:
    assert topic_of(path) == topic


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        (100, True),
        (-100, True),
        (50, True),
        (-33.33333, True),
        (33.333, True),
        (14.2857, True),
        (0, True),
        (33, False),
        (101, False),
        (-150, False),
        (float("nan"), False),
    ],
)
def test_moodle_grades(value: float, valid: bool) -> None:
    assert grade_is_valid(value) is valid


def test_grade_that_is_not_a_number_is_an_error_at_its_line() -> None:
    text = quiz(mc(answer("a", "100") + answer("b", "lots")))
    assert str(error(text)).startswith("bank.xml:8: invalid grade fraction='lots'")


# --- HTML --------------------------------------------------------------------------------


def test_html_becomes_plain_text_with_lines_and_lists() -> None:
    html = (
        "<p>Which of these&nbsp;is <strong>true</strong> &amp; sound?</p>\n"
        "<ul>\n <li>first</li>\n <li>second</li>\n</ul><ol><li>one</li><li>two</li></ol>"
        "<p>x &lt; y<br>end</p>"
    )
    q = only(read(quiz(mc(answer("a", "100") + answer("b", "0"), text=html))))
    assert q.prompt == (
        "Which of these is true & sound?\n- first\n- second\n1. one\n2. two\nx < y\nend"
    )


def test_script_in_the_text_stays_text() -> None:
    html = "Before<script>alert('x')</script> &lt;script&gt;alert(1)&lt;/script&gt;"
    q = only(read(quiz(mc(answer("<![CDATA[<i>a</i>]]>", "100") + answer("b", "0"), text=html))))
    assert q.prompt == "Before <script>alert(1)</script>"  # the escaped one is what it says
    assert q.options[0] == "a"


def test_moodle_auto_format_keeps_line_breaks() -> None:
    text = quiz(
        '<question type="truefalse"><name><text>T</text></name>'
        '<questiontext format="moodle_auto_format">'
        "<text>line one\nline &lt;b&gt;two&lt;/b&gt;</text>"
        "</questiontext>"
        '<answer fraction="100"><text>true</text></answer>'
        '<answer fraction="0"><text>false</text></answer></question>'
    )
    assert only(read(text)).prompt == "line one\nline two"


# --- pictures ----------------------------------------------------------------------------


def picture_question(img: str, files: str) -> str:
    return quiz(
        mc(
            answer("a", "100") + answer("b", "0"),
            text=f"<p>Which flag?</p>{img}",
        ).replace("</questiontext>", f"{files}</questiontext>")
    )


def test_embedded_picture_becomes_the_image() -> None:
    data = base64.b64encode(PNG).decode()
    text = picture_question(
        '<p><img src="@@PLUGINFILE@@/my%20flag.png" alt="A flag"> and <img src="other.png" '
        'alt="second"></p>',
        f'<file name="my flag.png" path="/" encoding="base64">{data}</file>',
    )
    q = only(read(text))
    assert q.image == image_from_bytes(PNG, alt="A flag", name="my flag.png")
    assert q.prompt == "Which flag?\nand [second]"  # the picture itself is not in the text


def test_web_address_picture() -> None:
    text = picture_question('<img src="https://example.org/f.gif" alt="F">', "")
    assert only(read(text)).image == image_from_url("https://example.org/f.gif", alt="F")


@pytest.mark.parametrize(
    ("img", "files", "line", "fragment"),
    [
        ('<img src="@@PLUGINFILE@@/x.png">', "", 3, "holds no <file> named 'x.png'"),
        (
            '<img src="@@PLUGINFILE@@/x.png">',
            '\n<file name="x.png" encoding="base64">bm90IGFuIGltYWdl</file>',
            6,
            "is not a PNG, JPEG, GIF or WebP picture",
        ),
        (
            '<img src="@@PLUGINFILE@@/x.png">',
            '\n<file name="x.png" encoding="base64">@@@</file>',
            6,
            "not valid base64",
        ),
    ],
)
def test_picture_errors_name_the_line(img: str, files: str, line: int, fragment: str) -> None:
    problem = error(picture_question(img, files))
    assert str(problem).startswith(f"bank.xml:{line}:")
    assert fragment in problem.message


# --- XML errors and safety ---------------------------------------------------------------


def test_broken_xml_is_an_error_with_line_and_column() -> None:
    text = quiz(mc(answer("a", "100") + answer("b", "0"))).replace("</single>", "</singel>")
    problem = error(text)
    assert str(problem).startswith("bank.xml:6: broken XML: mismatched tag (column")


def test_a_file_that_is_not_a_quiz() -> None:
    assert "its root element is <html>" in error("<html><body/></html>").message
    assert str(error("")).startswith("bank.xml:1: broken XML: no element found")
    assert "broken XML" in error(b"\xff\xfe\x00garbage").message


def test_entity_declarations_are_refused() -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n<quiz>&b;</quiz>'
    )
    problem = error(bomb)
    assert str(problem).startswith("bank.xml:3: the file declares XML entities")
    external = (
        '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY x SYSTEM "/etc/passwd">]>\n'
        "<quiz>&x;</quiz>"
    )
    assert "declares XML entities" in error(external).message


def test_errors_of_several_questions_are_reported_together() -> None:
    good = mc(answer("a", "100") + answer("b", "0"))
    text = quiz(mc(answer("a", "7") + answer("b", "100")), good, mc(answer("a", "0")))
    with pytest.raises(BankFormatErrors) as caught:
        read(text)
    assert [e.line for e in caught.value.errors] == [7, 17]


def test_memory_stays_flat_on_a_big_file() -> None:
    one = mc(answer("right " + "x" * 200, "100") + answer("wrong " + "y" * 200, "0"))

    def chunks(count: int) -> Iterator[bytes]:
        yield b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>\n'
        for number in range(count):
            yield one.replace("Pick one", f"Question {number}").encode()
        yield b"</quiz>\n"

    class Stream(io.RawIOBase):
        def __init__(self, count: int) -> None:
            self.parts = chunks(count)
            self.left = b""

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
            while len(self.left) < len(buffer):
                more = next(self.parts, b"")
                if not more:
                    break
                self.left += more
            size = min(len(buffer), len(self.left))
            buffer[:size] = self.left[:size]
            self.left = self.left[size:]
            return size

    def peak(count: int) -> int:
        tracemalloc.start()
        seen = sum(1 for _ in parse(io.BufferedReader(Stream(count)), "big.xml"))
        _, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert seen == count
        return top

    small, big = peak(200), peak(5000)
    assert big < small * 2 + 256 * 1024  # 25 times the questions, about the same memory


# --- export and round trip ---------------------------------------------------------------


def export(questions: list[Question], name: str = "bank") -> tuple[str, list[str]]:
    stream = io.StringIO()
    result = write_moodle_xml(BankInfo(name), questions, stream)
    return stream.getvalue(), result.notes


def test_export_reimports_to_equal_questions() -> None:
    picture = image_from_bytes(PNG, alt="A dot", name="dot.png")
    animated = image_from_bytes(GIF, alt="", name="anim.gif")
    questions = [
        Question(
            kind=MC,
            prompt="Which is <b>bold</b> & brave?\nSecond line",
            options=("A & B", "<script>x</script>", "]]> end", "100%"),
            correct=2,
            explanation="Because -- of course.",
            topic="Science/Physics",
            tags=("tag one", "t2"),
            source="https://example.org/q?a=1&b=2 -- page",
            image=picture,
        ),
        Question.true_false("The sky is blue.", True, explanation="Mostly.", topic="Science"),
        Question.true_false("Fish fly.", False, topic=""),
        Question(kind=TYPED, prompt="5 times 3?", accepted=("15", "fifteen", "5*3")),
        Question(
            kind=TYPED,
            prompt="Flag of which country?",
            accepted=("Japan",),
            image=image_from_url("https://example.org/jp.png", alt="Red disc"),
            topic="Flags",
        ),
        Question(kind=MC, prompt="Pick", options=("x", "y"), correct=1, image=animated),
    ]
    text, notes = export(questions)
    assert notes == []
    back = read(text)
    assert back == questions
    assert [q.image.data for q in back if isinstance(q, Question) and q.image] == [
        PNG,
        None,
        GIF,
    ]
    assert '<img src="@@PLUGINFILE@@/dot.png" alt="A dot">' in text
    assert '<file name="dot.png" path="/" encoding="base64">' in text


def test_export_leaves_flashcards_out_and_notes_unloaded_pictures() -> None:
    stored = image_from_bytes(PNG, alt="x", name="x.png")
    unloaded = type(stored)(digest=stored.digest, alt="x", media_type="image/png", name="x.png")
    questions = [
        Question(kind=QuestionKind.FLASHCARD, prompt="front", back="back"),
        Question(kind=TYPED, prompt="Q?", accepted=("a",), image=unloaded),
    ]
    stream = io.StringIO()
    result = write_moodle_xml(BankInfo("b"), questions, stream)
    assert (result.written, result.skipped) == (1, 1)
    assert "flashcard skipped" in result.notes[0]
    assert "not loaded" in result.notes[1]
    (back,) = read(stream.getvalue())
    assert isinstance(back, Question) and back.image is None and back.accepted == ("a",)
