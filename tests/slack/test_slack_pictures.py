"""Pictures on Slack: an image block with a public address Slack fetches (the web process's
``/images/<digest>.<ext>`` under ``QUIZBOT_PUBLIC_URL``, or the bank's own address). Without
``QUIZBOT_PUBLIC_URL`` a stored picture is a line of text and the start-up warns; a WebP is
a link (Slack's image block takes PNG, JPEG, GIF); a message Slack refuses for its picture
goes again with a link. The stub enforces the image block's rules.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from adapters.slack import pictures
from bot.domain import Image, Question, QuestionKind
from bot.images import image_from_url
from bot.services import QuizApp
from bot.services.importer import BankImporter
from tests.image_samples import WEBP, import_picture_banks, png
from tests.slack.conftest import SlackDriver
from tests.slack.stub_rules import block_problems

PUBLIC = "https://quiz.example.org"


@pytest.fixture
def public_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("QUIZBOT_PUBLIC_URL", PUBLIC + "/")
    pictures.public_url.cache_clear()
    yield
    pictures.public_url.cache_clear()


@pytest.fixture
def no_public_url(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("QUIZBOT_PUBLIC_URL", raising=False)
    pictures.public_url.cache_clear()
    yield
    pictures.public_url.cache_clear()


def _blocks(call: Any) -> list[dict[str, Any]]:
    blocks = call.params["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


async def _bank_of(quiz: QuizApp, name: str, *questions: Question) -> None:
    async with quiz.db.transaction() as session:
        await BankImporter(session, quiz.clock, bank_name=name).run(list(questions), "made")


@pytest.mark.usefixtures("public_url")
async def test_a_stored_picture_is_an_image_block_at_the_public_address(
    quiz: QuizApp, slack: SlackDriver, tmp_path: Path
) -> None:
    shown = await import_picture_banks(quiz, tmp_path)
    await slack.command("start pics 1 20", "U0ALICE", "alice")
    [posted] = await slack.stub.wait_for("chat.postMessage")
    [image] = [b for b in _blocks(posted) if b["type"] == "image"]
    prompt = next(p for p in shown if p in _blocks(posted)[0]["text"]["text"])
    digest = hashlib.sha256(shown[prompt]).hexdigest()
    assert image["image_url"] == f"{PUBLIC}/images/{digest}.png"
    assert image["alt_text"] in ("Shade 0", "Shade 1")
    assert posted.response["ok"]


@pytest.mark.usefixtures("no_public_url")
async def test_without_a_public_url_a_stored_picture_is_a_line_and_start_up_warns(
    quiz: QuizApp,
    slack_factory_warnings: pytest.LogCaptureFixture,
    slack: SlackDriver,
    tmp_path: Path,
) -> None:
    await import_picture_banks(quiz, tmp_path)
    await slack.command("start pics 1 20", "U0ALICE", "alice")
    [posted] = await slack.stub.wait_for("chat.postMessage")
    assert not [b for b in _blocks(posted) if b["type"] == "image"]
    assert pictures.NO_PUBLIC_URL in json.dumps(_blocks(posted))
    warned = [r.getMessage() for r in slack_factory_warnings.get_records("setup")]
    assert any("QUIZBOT_PUBLIC_URL is not set" in line for line in warned)


@pytest.fixture
def slack_factory_warnings(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.WARNING, logger="adapters.slack.pictures")
    return caplog


@pytest.mark.usefixtures("public_url")
async def test_a_bank_address_slack_cannot_download_falls_back_to_a_link(
    quiz: QuizApp, slack: SlackDriver
) -> None:
    question = Question(
        kind=QuestionKind.TRUE_FALSE,
        prompt="Is this a flag?",
        options=("True", "False"),
        correct=0,
        image=image_from_url("https://unreachable.invalid/flag.png", alt="A flag"),
    )
    await _bank_of(quiz, "far", question)
    await slack.command("start far 1 20", "U0ALICE", "alice")
    [sent] = await slack.stub.wait_for("chat.postMessage")
    [refused] = [c for c in slack.stub.errors if c.method == "chat.postMessage"]
    assert refused.response["error"] == "invalid_blocks"
    assert [b for b in _blocks(refused) if b["type"] == "image"]
    assert "<https://unreachable.invalid/flag.png|A flag>" in json.dumps(_blocks(sent))


def test_picture_blocks_follow_slacks_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZBOT_PUBLIC_URL", PUBLIC)
    pictures.public_url.cache_clear()
    try:
        webp = Image(digest=hashlib.sha256(WEBP).hexdigest(), media_type="image/webp")
        [link] = pictures.picture_blocks(webp)
        assert link["type"] == "context"  # Slack's image block takes no WebP
        stored = Image(digest=hashlib.sha256(png()).hexdigest(), media_type="image/png", alt="")
        [block] = pictures.picture_blocks(stored)
        assert block["alt_text"] == "Picture"  # required, never empty
        assert block_problems([block], 50) == []
        long_alt = Image(url="https://example.org/a.gif", alt="x" * 2000)
        assert block_problems(pictures.picture_blocks(long_alt), 50) == []
        # The stub refuses what Slack refuses, so a regression fails.
        assert block_problems([{"type": "image", "image_url": "https://e.org/a.png"}], 50)
        too_long = {"type": "image", "image_url": "https://e.org/" + "a" * 3000, "alt_text": "a"}
        assert block_problems([too_long], 50)
        webp_block = {"type": "image", "image_url": "https://e.org/a.webp", "alt_text": "a"}
        assert block_problems([webp_block], 50)
    finally:
        pictures.public_url.cache_clear()
