"""Content checks for the two CRM banks shipped in ``questions/``.

Both banks are built from the seed documents kept in ``tests/fixtures/seeds/`` (copies of
the project's seeds, unchanged). These tests read the seeds themselves, so a question or
card that goes missing, a stem that drifts from the seed's wording, or a broken bank rule
fails here. See ``docs/CRM_BANKS.md`` for how the banks were made.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from pathlib import Path

from adapters.kit.limits import LIMITS
from bot.domain import BankInfo, Question, QuestionKind
from bot.formats.native import parse
from bot.quality.lint import bank_figures, lint
from bot.quality.text import absolutes, content_stems

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "tests" / "fixtures" / "seeds"
FLASHCARD_SEED = SEEDS / "000_f18127d769c886b4.txt"
PODCAST_SEED = SEEDS / "002_741a303db75ba64c.txt"
PODCAST_BANK = ROOT / "questions" / "crm-podcast.yaml"
FLASHCARD_BANK = ROOT / "questions" / "crm-flashcards.yaml"

STUDY_NOTES_START = "Study Notes"
STUDY_NOTES_END = "Studying That Suits You"

#: Typo fixes made to podcast stems (seed wording -> bank wording). None were needed.
STEM_FIXES: dict[str, str] = {}

NOTES_AND_TEXTBOOK = "study notes + marketing textbook"
PODCAST_SOURCES = {"study notes", NOTES_AND_TEXTBOOK, "marketing textbook (not in the study notes)"}
#: The stems the study notes do not cover, answered from the marketing textbook.
TEXTBOOK_STEMS = {
    "What does 'sequence selling' enable a database to track?",
    "What combination should be considered in the CRM planning process according to the 3Ms?",
}

FLASHCARD_SOURCE = "CRM Flashcards part 2"
NOTES_CARD_SOURCE = "Podcast study notes"
#: The deck has the Gartner heading but no answer: that card is written for quizbot.
GARTNER_SOURCE = "Gartner's CRM model, written for quizbot: the deck has this heading but no answer"
#: Every card's back is shorter than this (the lint's long-back rule).
CARD_MAX_CHARS = 400

#: How often the key may be the longest option, and distractors may have absolute words.
MAX_KEY_LONGEST_SHARE = 0.25
MAX_ABSOLUTE_DISTRACTOR_SHARE = 0.05
#: Second defensible options that were removed (Q13, Q16), and must not come back.
REMOVED_OPTIONS = {
    "A comparison of this quarter's sales with last quarter's",
    "Asking customers for permission before every contact",
}

#: Every card heading of the flashcard seed, exactly as the seed prints it, mapped to the
#: (typo-fixed) front of its card in the bank. In the seed's order.
FLASHCARD_HEADINGS: dict[str, str] = {
    "What is CRM?": "What is CRM?",
    "What is CRM software:": "What is CRM software?",
    "Why use CRM?": "Why use CRM?",
    "What are the benefits of CRM?": "What are the benefits of CRM?",
    "What are gartners 8 buiilding blocks of CRM": "What are Gartner's 8 building blocks of CRM?",
    "What are the types of CRM?": "What are the types of CRM?",
    "What are the typical features of CRM software?": (
        "What are the typical features of CRM software?"
    ),
    "What is social business and what are the three core tenants?": (
        "What is social business and what are the three core tenets?"
    ),
    "What is social commerece": "What is social commerce?",
    "What are the drivers of social commerece": "What are the drivers of social commerce?",
    "What are social business approaches?": "What are social business approaches?",
    "What are the benefits of social commerece": "What are the benefits of social commerce?",
    "social CRM?": "What is social CRM?",
    "sOCIAL COMMERECE CHALLENGES": "What are the challenges of social commerce?",
    "Tradiotional VS social CRM": "Traditional vs social CRM",
}

#: The rows of the seed's (cut-off) traditional vs social CRM table: the start of the
#: row's line in the seed -> the front of the card the bank makes of that row.
TABLE_ROWS: dict[str, str] = {
    "Marketing Marketing is about": "Traditional vs social CRM: marketing",
    "Sales Sales are driven": "Traditional vs social CRM: sales",
    "Service Customer service": "Traditional vs social CRM: service",
    "IT &": "Traditional vs social CRM: IT & support",
}

#: Misspellings and run-together words of the seeds that must not reach a player.
SEED_TYPOS = (
    "commerece",
    "buiilding",
    "gartners",
    "tradiotional",
    "tenants",
    "accessto",
    "involveslead",
    "documentstorage",
    "customerrelationships",
    "businessesto",
    "companiesface",
    "challengesin",
    "activitiesto",
    "varioussocial",
    "opportunitiesto",
    "ofsocial",
    "signup and view",
)


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _seed_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines()]


@functools.cache
def _load(path: Path) -> tuple[BankInfo, tuple[Question, ...]]:
    with path.open(encoding="utf-8") as stream:
        items = list(parse(stream, str(path)))
    info, questions = items[0], items[1:]
    assert isinstance(info, BankInfo)
    assert all(isinstance(q, Question) for q in questions)
    return info, tuple(questions)  # type: ignore[arg-type]


@functools.cache
def _podcast_stems() -> tuple[str, ...]:
    """The distinct question stems of the podcast seed, in order."""
    lines = _seed_lines(PODCAST_SEED)
    stems: list[str] = []
    for line in lines[: lines.index(STUDY_NOTES_START)]:
        if line.endswith("?") and line not in stems:
            stems.append(line)
    return tuple(stems)


@functools.cache
def _study_notes() -> tuple[str, ...]:
    lines = _seed_lines(PODCAST_SEED)
    return tuple(lines[lines.index(STUDY_NOTES_START) + 1 : lines.index(STUDY_NOTES_END)])


@functools.cache
def _study_notes_headings() -> tuple[str, ...]:
    """The section headings of the study notes: every line that is not a '- ' bullet."""
    return tuple(line for line in _study_notes() if line and not line.startswith("-"))


def _all_text(question: Question) -> str:
    return " ".join([question.prompt, *question.options, question.back, question.explanation])


# -- the seeds themselves (guards for the extraction the other tests rely on) --


def test_seed_extraction_finds_44_stems_and_20_note_headings():
    stems = _podcast_stems()
    assert len(stems) == 44
    assert not any("Signup" in stem for stem in stems)
    headings = _study_notes_headings()
    assert len(headings) == 20
    assert headings[0] == "Customer Relationship Management (CRM)"
    assert headings[-1] == "CRM Cost Factors"
    assert "Measuring CRM Success" in headings


# -- crm-podcast --


def test_podcast_bank_info():
    info, _ = _load(PODCAST_BANK)
    assert info.name == "crm-podcast"
    assert info.title.strip()
    assert info.description.strip()
    assert "Podcast Questions and Answers" in info.source


def test_podcast_has_every_seed_stem_once_in_the_seed_order():
    _, questions = _load(PODCAST_BANK)
    expected = [_norm(STEM_FIXES.get(stem, stem)) for stem in _podcast_stems()]
    prompts = [_norm(q.prompt) for q in questions]
    assert len(questions) == 44
    assert len(set(prompts)) == len(prompts), "a question appears twice"
    for stem in expected:
        assert prompts.count(stem) == 1, f"stem not in the bank exactly once: {stem!r}"
    assert prompts == expected


def test_podcast_questions_follow_the_bank_rules():
    _, questions = _load(PODCAST_BANK)
    headings = set(_study_notes_headings())
    for q in questions:
        where = f"line {q.line}: {q.prompt!r}"
        assert q.kind is QuestionKind.MULTIPLE_CHOICE, where
        assert len(q.options) == 4, where
        assert len({_norm(o) for o in q.options}) == 4, f"{where}: options repeat"
        assert q.correct is not None and 0 <= q.correct < 4, where
        assert q.explanation.strip(), f"{where}: no explanation"
        assert q.topic in headings, f"{where}: topic {q.topic!r} is not a study-notes heading"
        assert q.source in PODCAST_SOURCES, f"{where}: source {q.source!r}"
        for option in q.options:
            folded = option.casefold()
            assert "all of the above" not in folded, where
            assert "none of the above" not in folded, where


def test_podcast_correct_letters_are_spread_evenly():
    _, questions = _load(PODCAST_BANK)
    letters = Counter("ABCD"[q.correct] for q in questions if q.correct is not None)
    assert dict(letters) == {"A": 11, "B": 11, "C": 11, "D": 11}


def test_podcast_option_length_gives_nothing_away():
    """The right option is the longest in at most a quarter of the questions (chance, with
    four options), and not usually the shortest either."""
    _, questions = _load(PODCAST_BANK)
    longest = shortest = 0
    for q in questions:
        assert q.correct_option is not None
        right = len(q.correct_option)
        others = [len(o) for i, o in enumerate(q.options) if i != q.correct]
        longest += right > max(others)
        shortest += right < min(others)
    assert longest <= len(questions) * MAX_KEY_LONGEST_SHARE, (
        f"the right option is the longest in {longest} questions"
    )
    limit = len(questions) * 4 // 10
    assert shortest <= limit, f"the right option is the shortest in {shortest} questions"
    # The lint's figure counts the same way.
    assert bank_figures(questions).key_longest == longest


def test_podcast_distractors_have_almost_no_absolute_words():
    """Absolute words ("never", "only", "guaranteed"...) in at most 5% of the distractors:
    test-wise students rule such options out without knowing the answer."""
    _, questions = _load(PODCAST_BANK)
    distractors = [o for q in questions for i, o in enumerate(q.options) if i != q.correct]
    marked = [o for o in distractors if absolutes(o)]
    assert len(distractors) == 132
    assert len(marked) <= len(distractors) * MAX_ABSOLUTE_DISTRACTOR_SHARE, marked


def test_podcast_second_defensible_options_are_gone():
    _, questions = _load(PODCAST_BANK)
    options = {o for q in questions for o in q.options}
    assert not options & REMOVED_OPTIONS


def test_podcast_explanations_say_what_goes_beyond_the_notes():
    """A question whose explanation adds textbook knowledge is marked notes + textbook and
    says so in its text; a notes-only explanation does not reach for the textbook."""
    _, questions = _load(PODCAST_BANK)
    for q in questions:
        says_textbook = "textbook" in q.explanation.casefold()
        where = f"line {q.line}: {q.prompt!r}"
        if q.source == "study notes":
            assert not says_textbook, where
        else:
            assert says_textbook, where
    by_prompt = {q.prompt: q for q in questions}
    # The three the issue named: scope creep, the customer-driven focus, the wall.
    assert by_prompt["What challenge may arise from 'scope creep' in CRM projects?"].source == (
        NOTES_AND_TEXTBOOK
    )
    customer_driven = by_prompt[
        "What is the primary focus of a CRM system that is customer-driven?"
    ]
    assert "not around technology or cost" not in customer_driven.explanation
    assert by_prompt["What does a protective 'wall' in CRM refer to?"].source == NOTES_AND_TEXTBOOK


#: Answers stated word for word in the study notes (or, for the 3Ms, the textbook): a slip
#: of an answer letter on these fails.
SPOT_CHECK_ANSWERS = {
    "Which framework should be used during the CRM planning process?": "SOSTAC",
    "Which of the following is considered a customer satisfaction metric?": (
        "Net Promoter Score (NPS)"
    ),
    "What must marketers improve to communicate effectively with technical teams in CRM?": (
        "Their IT skills"
    ),
    # Reworded so that the stem's "Social" is no longer a clue to the key.
    "What does Social CRM specifically integrate into its processes?": (
        "Customer conversations on Facebook, X and similar sites"
    ),
    "Which of the following is NOT a CRM success factor?": "Technology-led decisions",
    "What is one of the primary goals of CRM?": "To nurture loyal customers and advocates",
    "What combination should be considered in the CRM planning process according to the 3Ms?": (
        "Men, money and minutes"
    ),
}


def test_podcast_spot_check_answers():
    _, questions = _load(PODCAST_BANK)
    answers = {q.prompt: q.correct_option for q in questions}
    for stem, answer in SPOT_CHECK_ANSWERS.items():
        assert answers[stem] == answer, stem
    # The success factors the NOT question offers as wrong answers are real factors.
    (not_factor,) = [q for q in questions if q.prompt.endswith("NOT a CRM success factor?")]
    notes = _norm(" ".join(_study_notes()))
    for i, option in enumerate(not_factor.options):
        assert (_norm(f"- {option}") in notes) == (i != not_factor.correct), option


def test_podcast_textbook_questions_are_the_ones_the_notes_do_not_cover():
    _, questions = _load(PODCAST_BANK)
    textbook = {q.prompt for q in questions if q.source.startswith("marketing textbook")}
    assert textbook == TEXTBOOK_STEMS
    notes = _norm(" ".join(_study_notes()))
    assert "sequence selling" not in notes
    assert "3ms" not in notes


# -- crm-flashcards --


def test_flashcard_bank_info():
    info, _ = _load(FLASHCARD_BANK)
    assert info.name == "crm-flashcards"
    assert info.title.strip()
    assert info.description.strip()
    assert info.source.strip()


def test_listed_flashcard_headings_are_the_seeds_headings():
    lines = _seed_lines(FLASHCARD_SEED)
    for heading in FLASHCARD_HEADINGS:
        assert heading in lines, f"not a line of the seed: {heading!r}"
    positions = [lines.index(heading) for heading in FLASHCARD_HEADINGS]
    assert positions == sorted(positions), "headings are not listed in the seed's order"
    # Every question-like line of the seed is one of the listed headings.
    for line in lines:
        if line.endswith("?") or line.startswith("What "):
            assert line in FLASHCARD_HEADINGS, f"a seed heading is not listed: {line!r}"


def test_every_seed_card_is_a_front_in_the_seed_order():
    _, cards = _load(FLASHCARD_BANK)
    fronts = [_norm(c.prompt) for c in cards]
    indexes = []
    for heading, front in FLASHCARD_HEADINGS.items():
        assert _norm(front) in fronts, f"no card for the seed heading {heading!r}"
        indexes.append(fronts.index(_norm(front)))
    assert indexes == sorted(indexes), "the seed's cards are not in the deck's order"


def test_the_cut_off_table_is_split_into_one_card_per_row_and_completed():
    _, cards = _load(FLASHCARD_BANK)
    by_front = {c.prompt: c for c in cards}
    lines = _seed_lines(FLASHCARD_SEED)
    for row_start, front in TABLE_ROWS.items():
        assert any(line.startswith(row_start) for line in lines), row_start
        assert front in by_front, f"no card for the table row {row_start!r}"
        card = by_front[front]
        assert "Traditional CRM" in card.back and "Social CRM" in card.back, front
    seed_text = FLASHCARD_SEED.read_text(encoding="utf-8")
    assert seed_text.rstrip().endswith("twee"), "the seed is no longer cut off"
    last_row = by_front["Traditional vs social CRM: IT & support"].back
    assert "respond to their tweets." in last_row
    # The card itself says that its last word was completed.
    assert 'The deck breaks off at "their twee"; "tweets" completes it.' in last_row


def test_the_gartner_card_names_all_eight_building_blocks():
    _, cards = _load(FLASHCARD_BANK)
    (card,) = [c for c in cards if "Gartner" in c.prompt]
    back = card.back.casefold()
    blocks = (
        "vision",
        "strategy",
        "valued customer experience",
        "organisational collaboration",
        "processes",
        "information",
        "technology",
        "metrics",
    )
    for block in blocks:
        assert re.search(rf"^- {block}:", back, re.MULTILINE), f"missing block {block!r}"
    # Eight lines, each a name and one short gloss; and the source says the deck has no
    # answer for it (the back is written for quizbot).
    lines = back.splitlines()
    assert len(lines) == 8
    assert all(len(line.split(":", 1)[1].split()) <= 7 for line in lines), lines
    assert card.source == GARTNER_SOURCE


def test_every_study_notes_heading_has_a_card():
    _, cards = _load(FLASHCARD_BANK)
    headings = _study_notes_headings()
    notes_cards = [c for c in cards if c.source == NOTES_CARD_SOURCE]
    topics = {c.topic for c in notes_cards}
    for heading in headings:
        assert heading in topics, f"no study-notes card for the heading {heading!r}"
    assert topics <= set(headings), f"topics that are not headings: {topics - set(headings)}"


def test_flashcards_follow_the_bank_rules():
    _, cards = _load(FLASHCARD_BANK)
    fronts = Counter(_norm(c.prompt) for c in cards)
    assert not [f for f, n in fronts.items() if n > 1], "duplicate fronts"
    for card in cards:
        where = f"line {card.line}: {card.prompt!r}"
        assert card.kind is QuestionKind.FLASHCARD, where
        assert card.back.strip(), f"{where}: empty back"
        assert card.topic.strip(), f"{where}: no topic"
        assert card.source in {FLASHCARD_SOURCE, NOTES_CARD_SOURCE, GARTNER_SOURCE}, where
        assert len(card.back) < CARD_MAX_CHARS, f"{where}: back is {len(card.back)} characters"
    # The seed's cards come first, then the study-notes cards.
    sources = [c.source for c in cards]
    first_notes = sources.index(NOTES_CARD_SOURCE)
    assert set(sources[:first_notes]) == {FLASHCARD_SOURCE, GARTNER_SOURCE}
    assert sources.count(GARTNER_SOURCE) == 1
    assert set(sources[first_notes:]) == {NOTES_CARD_SOURCE}


def test_no_flashcard_answers_a_why_or_how_by_restating_it():
    """A card asking why or how must not answer by repeating its own front (the old "Why is
    CRM a long-term approach?" / "CRM is a strategic, long-term approach..." card)."""
    _, cards = _load(FLASHCARD_BANK)
    for card in cards:
        if not card.prompt.startswith(("Why ", "How ")):
            continue
        asked = content_stems(card.prompt) - {"crm"}
        first_line = card.back.strip().splitlines()[0]
        assert not asked <= content_stems(first_line), f"line {card.line}: {card.prompt!r}"


# -- both banks --


def test_the_lint_finds_no_warnings_in_either_bank():
    """``quizbot lint crm-podcast crm-flashcards`` is clean: no errors, no warnings. Its one
    info is the two 'ladder of loyalty' stems, which the seed has and the bank keeps."""
    for path in (PODCAST_BANK, FLASHCARD_BANK):
        _, questions = _load(path)
        report = lint(questions, LIMITS)
        loud = [
            f"{path.name}:{f.line}: {f.rule}: {f.message}"
            for f in report.findings
            if f.severity != "info"
        ]
        assert not loud, "\n".join(loud)
        infos = [(f.rule, f.others, f.number) for f in report.findings if f.severity == "info"]
        assert infos == ([("similar-questions", (23,), 43)] if path == PODCAST_BANK else [])


def test_no_question_has_problems():
    for path in (PODCAST_BANK, FLASHCARD_BANK):
        _, questions = _load(path)
        for q in questions:
            assert q.problems() == [], f"{path.name} line {q.line}: {q.problems()}"


def test_no_seed_typos_or_noise_reach_the_banks():
    for path in (PODCAST_BANK, FLASHCARD_BANK):
        _, questions = _load(path)
        for q in questions:
            text = _all_text(q).casefold()
            for typo in SEED_TYPOS:
                assert typo not in text, f"{path.name} line {q.line}: {typo!r}"
            assert not re.search(r"\bSEA\b", _all_text(q)), f"{path.name} line {q.line}"
