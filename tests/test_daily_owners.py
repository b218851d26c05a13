"""A sharded bot's workers each post the daily questions of their own servers, so the worker
that reads a server's messages (its shard's) knows its daily question is open."""

from __future__ import annotations

from adapters.discord.surface import DiscordSurface
from bot.clock import FakeClock
from bot.services import QuizApp
from bot.ticker import Ticker
from bot.views import ChannelRef, PlayerRef, QuestionView


async def test_each_worker_posts_only_its_own_servers_daily_questions(
    app: QuizApp, clock: FakeClock
) -> None:
    for server in ("1", "2"):
        where = ChannelRef("discord", server, f"c-{server}")
        who = PlayerRef("discord", server, "u-mod", "Mod")
        await app.set_daily(where, who, "09:00", "UTC", "demo", is_moderator=True)
    clock.advance(days=1)
    posted: dict[str, list[str]] = {"first": [], "second": []}

    def worker(name: str, server: str) -> Ticker:
        async def post(question: QuestionView) -> None:
            posted[name].append(question.channel.workspace)

        async def announce(outcome: object) -> None:
            return None

        return Ticker(app, "discord", announce, post=post, owns=lambda ws: ws == server)

    await worker("first", "1").tick()
    assert posted == {"first": ["1"], "second": []}  # server 2's is left for its worker
    await worker("second", "2").tick()
    assert posted == {"first": ["1"], "second": ["2"]}


class ShardedClient:
    shard_ids = [1]
    shard_count = 2


def test_a_discord_worker_owns_the_servers_of_its_shards() -> None:
    surface = DiscordSurface(ShardedClient())  # type: ignore[arg-type]
    on_shard_1 = str((1 << 22) * 7)  # (id >> 22) % 2 == 1
    on_shard_0 = str((1 << 22) * 8)
    assert surface.owns(on_shard_1) and not surface.owns(on_shard_0)

    class Unsharded:
        shard_ids = None
        shard_count = None

    assert DiscordSurface(Unsharded()).owns(on_shard_0)  # type: ignore[arg-type]
