"""Chat replies with links to the web pages, on each platform's real renderer: the kit adds
them (adapters.kit.weblinks) only with a signer, and Discord, Slack and Telegram show them
as links whose addresses open the page they name."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

from adapters.discord import render as discord_render
from adapters.kit import weblinks
from adapters.slack import blocks as slack_blocks
from adapters.slack import study_blocks
from adapters.telegram.render import RENDERER as TELEGRAM
from adapters.telegram.render import results_text
from bot.clock import FakeClock
from bot.links import PREFIX, LinkSigner
from bot.services import QuizApp
from bot.views import BankSummary, ChannelRef, LeaderboardView, PlayerStats, QuizResults, Standing
from tests.telegram.markup import parse_html

NOW = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)
HERE = ChannelRef("slack", "T1", "C1")
SIGNER = LinkSigner("k" * 32, "https://quiz.example.org")
ANN = Standing(1, "U1", "Ann [x](https://evil.example) <b>", 10, 1, 1)


class Core:
    """What the kit's links read of the core: the signer and the time (no database)."""

    def __init__(self, links: LinkSigner | None) -> None:
        self.links = links
        self.clock = FakeClock(NOW)

    def now(self) -> datetime:
        return self.clock.now()


def app(links: LinkSigner | None = SIGNER) -> QuizApp:
    return Core(links)  # type: ignore[return-value]


def scope_of(url: str):
    assert url.startswith("https://quiz.example.org" + PREFIX)
    return SIGNER.verify(url.split(PREFIX, 1)[1], NOW)


STATS = PlayerStats("slack", "T1", "U1", "Ann", 1, 1, 10, 1, 1, 0, 0, 0, 0, 0, 0, ())
RESULTS = QuizResults(7, HERE, "Demo", 1, (ANN,))
BOARD = LeaderboardView("Leaderboard", "channel", "all", (ANN,))
BANK = BankSummary("demo", "Demo bank", "", 4, 1)


def test_no_signer_no_links() -> None:
    plain = app(None)
    assert weblinks.stats(plain, STATS) is STATS
    assert weblinks.results(plain, RESULTS) is RESULTS
    assert weblinks.leaderboard(plain, BOARD, HERE) is BOARD
    assert weblinks.banks(plain, (BANK,), HERE) == (BANK,)
    assert "On the web" not in str(discord_render.leaderboard_embed(BOARD).to_dict())
    assert "quiz.example.org" not in str(slack_blocks.leaderboard_message(BOARD))


def test_each_link_opens_its_page() -> None:
    core = app()
    [mine] = weblinks.stats(core, STATS).links
    assert scope_of(mine.url).kind == "player" and scope_of(mine.url).user == "U1"
    assert scope_of(mine.url).expires == int(NOW.timestamp()) + 24 * 3600
    report, board = weblinks.results(core, RESULTS).links
    assert (scope_of(report.url).kind, scope_of(report.url).quiz) == ("report", 7)
    assert (scope_of(board.url).workspace, scope_of(board.url).channel) == ("T1", "C1")
    [whole] = weblinks.leaderboard(core, dataclasses.replace(BOARD, scope="workspace"), HERE).links
    assert scope_of(whole.url).channel == ""  # the workspace's board
    [bank] = weblinks.banks(core, (BANK,), HERE)
    assert bank.link is not None and scope_of(bank.link.url).bank == "demo"
    private = dataclasses.replace(RESULTS, private_to="U1")
    assert weblinks.results(core, private).links == ()  # a review's results: no board


def test_platforms_show_the_links() -> None:
    core = app()
    results = weblinks.results(core, RESULTS)
    board = weblinks.leaderboard(core, BOARD, HERE)
    stats = weblinks.stats(core, STATS)
    [bank] = weblinks.banks(core, (BANK,), HERE)
    urls = [link.url for link in (*results.links, *board.links, *stats.links)]

    # Discord: masked links in an "On the web" field; a name's markdown link stays text.
    embeds = [
        discord_render.results_embed(results).to_dict(),
        discord_render.leaderboard_embed(board).to_dict(),
        discord_render.stats_embed(stats).to_dict(),
    ]
    shown = [f["value"] for e in embeds for f in e.get("fields", []) if f["name"] == "On the web"]
    assert shown[0] == f"[Game report]({urls[0]}) · [Leaderboard on the web]({urls[1]})"
    assert f"({urls[2]})" in shown[1] and f"({urls[3]})" in shown[2]
    assert f"]({bank.link.url})" in str(discord_render.banks_embed([bank]).to_dict())

    # Slack: <url|label> in a context block.
    slack = str(slack_blocks.results_message(results)) + str(
        slack_blocks.leaderboard_message(board)
    )
    assert f"<{urls[0]}|Game report>" in slack and f"<{urls[2]}|Leaderboard on the web>" in slack
    assert f"<{urls[3]}|My progress" in str(study_blocks.stats_message(stats))
    assert f"<{bank.link.url}|demo on the web>" in str(slack_blocks.banks_message([bank]))

    # Telegram: HTML that Telegram parses into text links.
    for html in (
        results_text(results),
        TELEGRAM.leaderboard(board),
        TELEGRAM.stats(stats),
        TELEGRAM.banks((bank,)),
    ):
        _text, entities = parse_html(html)
        linked = [e for e in entities if e["type"] == "text_link"]
        assert linked and all(e["url"].startswith("https://quiz.example.org/l/") for e in linked)
