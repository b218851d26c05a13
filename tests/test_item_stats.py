"""Item analysis from play (``bot.services.item_stats``), on SQLite and PostgreSQL.

A simulated population plays a small bank through the real services: players of known
ability (drawn from a normal distribution, seeded) choose among the options as the nominal
response model (Bock's IRT model for multiple choice) says, in several channels whose
quizzes shuffle the options differently. The bank has a planted mis-keyed question (the
option strong players choose is not the bank's key) and a dead distractor (an option almost
nobody is drawn to); the analysis must flag both, map every pick back to the bank's option
whatever letter it was shown under, and leave the sound questions unflagged.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.formats import parse_path
from bot.quality.items import ItemSpec, Response, Thresholds, analyse, correlation
from bot.services import QuizApp
from bot.services.importer import BankImporter
from bot.services.item_stats import bank_item_stats, bank_option
from bot.views import ChannelRef, PlayerRef

SEED = 20240917
CHANNELS = 5
PLAYERS_PER_CHANNEL = 12  # 60 players: each question is answered 60 times


@dataclass(frozen=True)
class Item:
    """A question of the simulated bank and how players choose among its options:
    P(option j | ability t) is proportional to exp(slope[j] * t + intercept[j])."""

    prompt: str
    options: tuple[str, str, str, str]
    key: int  # the bank's key (index)
    slopes: tuple[float, float, float, float]
    intercepts: tuple[float, float, float, float]


def _sound(n: int, key: int, intercept: float = 0.6) -> Item:
    slopes = [-0.5] * 4
    intercepts = [0.0] * 4
    slopes[key], intercepts[key] = 1.6, intercept
    options = tuple(f"Option {n}.{i} of the sound question" for i in range(4))
    return Item(f"Sound question {n}?", options, key, tuple(slopes), tuple(intercepts))  # type: ignore[arg-type]


#: The bank's key is option 0, but the option strong players are drawn to is option 2.
MISKEYED = Item(
    "Which option is keyed wrongly in the bank?",
    ("The option the bank marks right", "A plausible distractor", "The truly right one", "Other"),
    key=0,
    slopes=(-0.6, -0.3, 1.6, -0.3),
    intercepts=(0.4, 0.0, 0.5, 0.0),
)
#: Option 3 draws nobody: exp(-7) against exp(0) or more for the others.
DEAD = Item(
    "Which question has a distractor nobody picks?",
    ("A lively distractor", "The key of this one", "Another lively one", "An absurd option"),
    key=1,
    slopes=(-0.5, 1.6, -0.5, 0.0),
    intercepts=(0.0, 0.6, 0.0, -7.0),
)
SOUND = _sound(1, key=3)
ITEMS = (SOUND, MISKEYED, _sound(2, key=1, intercept=1.0), DEAD, _sound(3, key=2, intercept=0.2))
ITEMS += (_sound(4, key=0, intercept=0.8), _sound(5, key=3, intercept=0.4))


def _bank_yaml() -> str:
    lines = ["bank: simulated", "title: Simulated bank", "questions:"]
    for item in ITEMS:
        lines.append("  - type: multiple_choice")
        lines.append(f'    question: "{item.prompt}"')
        lines.append("    options:")
        lines.extend(f'      - "{option}"' for option in item.options)
        lines.append(f"    answer: {'ABCD'[item.key]}")
        lines.append("    explanation: Simulated.")
    return "\n".join(lines) + "\n"


def _choose(rng: random.Random, item: Item, ability: float) -> int:
    weights = [math.exp(a * ability + c) for a, c in zip(item.slopes, item.intercepts, strict=True)]
    return rng.choices(range(4), weights=weights)[0]


async def _play(app: QuizApp, bank_file: Path) -> dict[str, int]:
    """Import the bank and let the population play it; returns each bank option's picks."""
    async with app.db.transaction() as session:
        await BankImporter(session, app.clock).run(parse_path(bank_file), str(bank_file))
    rng = random.Random(SEED)
    by_prompt = {item.prompt: item for item in ITEMS}
    picks: dict[str, int] = {}
    for c in range(CHANNELS):
        where = ChannelRef("discord", "guild", f"channel-{c}")
        players = [
            (PlayerRef("discord", "guild", f"p{c}-{i}", f"P{c}-{i}"), rng.gauss(0.0, 1.0))
            for i in range(PLAYERS_PER_CHANNEL)
        ]
        view = await app.start_quiz(
            where, players[0][0], "simulated", len(ITEMS), 30, seed=SEED + c
        )
        while view is not None:
            item = by_prompt[view.prompt]
            letter_of = {o.text: o.label for o in view.options}
            receipt = None
            for player, ability in players:
                chosen = item.options[_choose(rng, item, ability)]
                key = f"{item.prompt}|{chosen}"
                picks[key] = picks.get(key, 0) + 1
                receipt = await app.answer(view.round_id, player, letter_of[chosen])
            assert receipt is not None
            outcome = receipt.outcome or await app.close_round(view.round_id)
            assert outcome is not None
            view = outcome.next_question
    return picks


@pytest.fixture
def bank_file(tmp_path: Path) -> Path:
    path = tmp_path / "simulated.yaml"
    path.write_text(_bank_yaml(), encoding="utf-8")
    return path


async def test_a_simulated_population_flags_the_planted_faults(
    app: QuizApp, bank_file: Path
) -> None:
    picks = await _play(app, bank_file)
    async with app.db.reads() as session:
        report = await bank_item_stats(session, "simulated")
    population = CHANNELS * PLAYERS_PER_CHANNEL
    assert report.answers == population * len(ITEMS)
    assert report.players == population
    by_prompt = {entry.question.prompt: entry for entry in report.items}
    assert [entry.number for entry in report.items] == list(range(1, len(ITEMS) + 1))

    for item in ITEMS:
        stats = by_prompt[item.prompt].stats
        assert stats.asked == population
        # Each pick is counted against the bank's option, whatever letter showed it.
        counted = [o.picks for o in stats.options]
        simulated = [picks.get(f"{item.prompt}|{option}", 0) for option in item.options]
        assert counted == simulated, item.prompt
        assert stats.right == simulated[item.key]
        assert [o.key for o in stats.options] == [i == item.key for i in range(4)]

    miskeyed = by_prompt[MISKEYED.prompt].stats
    assert miskeyed.discrimination is not None and miskeyed.discrimination < 0
    assert "key-may-be-wrong" in {f.name for f in miskeyed.flags}
    (flag,) = [f for f in miskeyed.flags if f.name == "key-may-be-wrong"]
    assert "option C draws the stronger players" in flag.message

    dead = by_prompt[DEAD.prompt].stats
    dead_flags = [f for f in dead.flags if f.name == "dead-distractor"]
    assert [f.option for f in dead_flags] == [3]
    assert "key-may-be-wrong" not in {f.name for f in dead.flags}

    assert by_prompt[SOUND.prompt].stats.flags == ()
    for item in ITEMS:
        if item not in (MISKEYED, DEAD):
            stats = by_prompt[item.prompt].stats
            assert stats.discrimination is not None and stats.discrimination > 0, item.prompt
            assert "key-may-be-wrong" not in {f.name for f in stats.flags}, item.prompt


def _wrong_label(view) -> str:
    item = {item.prompt: item for item in ITEMS}[view.prompt]
    return next(o.label for o in view.options if o.text != item.options[item.key])


async def test_reviews_and_open_rounds_do_not_count(app: QuizApp, bank_file: Path) -> None:
    async with app.db.transaction() as session:
        await BankImporter(session, app.clock).run(parse_path(bank_file), str(bank_file))
    where = ChannelRef("discord", "guild", "c")
    ann = PlayerRef("discord", "guild", "ann", "Ann")
    view = await app.start_quiz(where, ann, "simulated", 2, 30, seed=1)
    await app.answer(view.round_id, ann, _wrong_label(view))
    first = await app.close_round(view.round_id)
    assert first is not None and first.next_question is not None
    # The second round stays open until Ann (its one regular) answers: Bob's answer is not
    # counted yet.
    bob = PlayerRef("discord", "guild", "bob", "Bob")
    receipt = await app.answer(first.next_question.round_id, bob, "A")
    assert receipt.outcome is None
    async with app.db.reads() as session:
        report = await bank_item_stats(session, "simulated")
    assert report.answers == 1 and report.players == 1
    # A review of Ann's mistakes asks her missed question again: not counted either.
    await app.stop_quiz(where, ann)  # scores the open round: now it counts
    review = await app.start_review(where, ann, count=1)
    await app.answer(review.round_id, ann, "A")
    async with app.db.reads() as session:
        again = await bank_item_stats(session, "simulated")
    assert again.answers == 2 and again.players == 2


def test_bank_option_maps_the_shown_letter_back():
    assert bank_option([2, 0, 3, 1], "A") == 2
    assert bank_option([2, 0, 3, 1], "d") == 1
    assert bank_option([2, 0, 3, 1], "E") is None
    assert bank_option([0, 1], "paris") is None


def test_correlation_matches_the_standard_library_and_handles_no_spread():
    import statistics

    xs = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0]
    ys = [0.9, 0.2, 0.7, 0.4, 0.5, 0.8, 0.1]
    r, n = correlation((x, y, 1) for x, y in zip(xs, ys, strict=True))
    assert n == 7
    assert r == pytest.approx(statistics.correlation(xs, ys))
    # A weight counts as that many identical points.
    weighted, n = correlation([(1.0, 0.9, 2), (0.0, 0.2, 1), (1.0, 0.5, 1)])
    assert n == 4
    assert weighted == pytest.approx(
        statistics.correlation([1.0, 1.0, 0.0, 1.0], [0.9, 0.9, 0.2, 0.5])
    )
    assert correlation([(1.0, 0.3, 1), (1.0, 0.8, 1)])[0] is None  # everyone right


def _responses(question: int, right: int, wrong: int, option_right: int = 0) -> list[Response]:
    made = [Response(p, question, True, option_right) for p in range(right)]
    made += [Response(right + p, question, False, 1) for p in range(wrong)]
    return made


def test_flags_wait_for_their_minimum_samples():
    thresholds = Thresholds()
    spec = [ItemSpec(1, 4, 0)]
    # 19 answers, all right, two options never picked: too few for any flag.
    (few,) = analyse(spec, _responses(1, 19, 0), thresholds)
    assert few.flags == ()
    # 20 answers, all right: too easy (20 is the minimum); still too few for distractors.
    (enough,) = analyse(spec, _responses(1, 20, 0), thresholds)
    assert [f.name for f in enough.flags] == ["too-easy"]
    # 30 answers with a known option: the unpicked distractors are dead.
    (thirty,) = analyse(spec, _responses(1, 27, 3), thresholds)
    names = sorted((f.name, f.option) for f in thirty.flags)
    assert names == [("dead-distractor", 2), ("dead-distractor", 3)]
    # Under 20% right from 20 answers: too hard.
    (hard,) = analyse(spec, _responses(1, 3, 17), thresholds)
    assert "too-hard" in {f.name for f in hard.flags}


def test_negative_discrimination_needs_fifty_answers_with_a_rest_score():
    # Question 2 is answered right by exactly the players who miss question 1, and the
    # reverse: each one's discrimination is -1 (rest score = the other question).
    def population(size: int) -> list[Response]:
        made = []
        for p in range(size):
            good = p % 2 == 0
            made.append(Response(p, 1, good, 0 if good else 1))
            made.append(Response(p, 2, not good, 0 if not good else 1))
        return made

    specs = [ItemSpec(1, 4, 0), ItemSpec(2, 4, 0)]
    small = analyse(specs, population(49))
    assert small[0].discrimination == pytest.approx(-1.0)
    assert "key-may-be-wrong" not in {f.name for f in small[0].flags}
    large = analyse(specs, population(50))
    assert "key-may-be-wrong" in {f.name for f in large[0].flags}


def test_the_command_shows_the_figures_by_the_banks_letters(
    database_url: str, bank_file: Path
) -> None:
    import asyncio
    import json

    from click.testing import CliRunner

    from bot.clock import FakeClock
    from cli.main import cli

    async def play() -> Item:
        app = await QuizApp.open(database_url, FakeClock())
        try:
            async with app.db.transaction() as session:
                await BankImporter(session, app.clock).run(parse_path(bank_file), str(bank_file))
            where = ChannelRef("discord", "guild", "c")
            ann, bob = (PlayerRef("discord", "guild", u, u.title()) for u in ("ann", "bob"))
            view = await app.start_quiz(where, ann, "simulated", 1, 30, seed=3)
            item = {item.prompt: item for item in ITEMS}[view.prompt]
            label = {o.text: o.label for o in view.options}
            await app.answer(view.round_id, ann, label[item.options[item.key]])
            await app.answer(view.round_id, bob, label[item.options[(item.key + 1) % 4]])
            await app.close_round(view.round_id)
            return item
        finally:
            await app.close()

    item = asyncio.run(play())

    def run(*args: str):
        return CliRunner().invoke(cli, ["--database-url", database_url, *args])

    result = run("questions", "stats", "simulated", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["answers"], data["players"]) == (2, 2)
    assert set(data["flags_raised_when"]) == {
        "key-may-be-wrong",
        "dead-distractor",
        "too-easy",
        "too-hard",
    }
    (asked,) = [q for q in data["questions"] if q["asked"]]
    assert asked["question"] == item.prompt and asked["share_right"] == 0.5
    picks = {o["letter"]: o["picks"] for o in asked["options"]}
    assert picks["ABCD"[item.key]] == 1 and picks["ABCD"[(item.key + 1) % 4]] == 1
    assert [o["key"] for o in asked["options"]] == [i == item.key for i in range(4)]

    text = run("questions", "stats", "simulated")
    assert text.exit_code == 0, text.output
    assert "simulated: 2 answers by 2 players" in text.output
    assert f"{'ABCD'[item.key]} 50%*" in text.output
    assert "key-may-be-wrong: discrimination below +0.00, from 50 answers" in text.output
    flagged = run("questions", "stats", "simulated", "--flagged", "--json")
    assert json.loads(flagged.output)["questions"] == []
    unknown = run("questions", "stats", "nope")
    assert unknown.exit_code == 1 and "no bank called 'nope'" in unknown.output
