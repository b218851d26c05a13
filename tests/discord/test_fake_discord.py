"""The fake Discord enforces Discord's rules: each rule shown biting a plain discord.py client.

A bare :class:`discord.Client` (no quizbot code) connects to the fake and posts, edits,
reacts and answers interactions the way any bot would; every test shows one rule: the
3 s interaction deadline (``NotFound`` 10062), one initial response (40060), the 15 minute
token, rate limits that discord.py waits out (the 429s counted), the global limit that
interaction endpoints escape, the bot's permissions per channel (``Forbidden`` 50001 /
50013, embeds stripped without Embed Links), unknown channels and messages, size limits
(``HTTPException`` 50035), several guilds and their removal, and latency per route.

Windows and deadlines are shrunk through :class:`DiscordRules` so the tests run fast; every
wait is bounded and nothing asserts on seconds, only on what was refused and how often.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import discord
import pytest
import yarl
from discord.http import Route

from tests.discord.fake_discord import (
    CHANNEL_ID,
    GOOD_TOKEN,
    GUILD_ID,
    FakeDiscord,
    Sent,
)
from tests.discord.fake_rules import (
    BOT_PERMISSIONS,
    EMBED_LINKS,
    SEND_MESSAGES,
    VIEW_CHANNEL,
    DiscordRules,
    Limit,
)
from tests.discord.harness import wait_until
from tests.discord.reading import ALICE

WITHIN = 10.0


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeDiscord]:
    """The fake with real rules but every rate-limit window shrunk (5 s -> 0.5 s)."""
    server = FakeDiscord(rules=DiscordRules(time_scale=0.1))
    await server.start()
    monkeypatch.setattr(discord.http.Route, "BASE", server.api_base)
    monkeypatch.setattr(
        discord.gateway.DiscordWebSocket, "DEFAULT_GATEWAY", yarl.URL(server.gateway_url)
    )
    yield server
    await server.stop()


class Bot(discord.Client):
    """A plain discord.py client that queues the interactions and guild removals it gets."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents(guilds=True), guild_ready_timeout=0.05)
        self.interactions: asyncio.Queue[discord.Interaction] = asyncio.Queue()
        self.removed: list[int] = []

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        await self.interactions.put(interaction)

    async def on_guild_remove(self, guild: discord.Guild) -> None:
        self.removed.append(guild.id)

    async def next_interaction(self) -> discord.Interaction:
        return await asyncio.wait_for(self.interactions.get(), WITHIN)

    def channel(self, channel_id: int = CHANNEL_ID) -> discord.PartialMessageable:
        return self.get_partial_messageable(channel_id, guild_id=GUILD_ID)


@pytest.fixture
async def bot(fake: FakeDiscord) -> AsyncIterator[Bot]:
    client = Bot()
    task = asyncio.create_task(client.start(GOOD_TOKEN))
    await wait_until(lambda: client.is_ready() or task.done(), what="the client to connect")
    if task.done():
        task.result()
    fake.commands = [{"id": "1", "name": "quiz", "options": []}]
    yield client
    await client.close()
    await task


async def command(fake: FakeDiscord, bot: Bot, channel_id: int = CHANNEL_ID) -> tuple[Sent, Any]:
    """Dispatch ``/quiz`` and the Interaction discord.py made of it."""
    sent = await fake.slash(ALICE, "quiz", channel_id=channel_id)
    return sent, await bot.next_interaction()


def raw(fake: FakeDiscord) -> aiohttp.ClientSession:
    """A client that shows the fake's protocol as is (headers, bodies), with the bot token."""
    return aiohttp.ClientSession(
        base_url=fake.api_base + "/", headers={"Authorization": f"Bot {GOOD_TOKEN}"}
    )


# -- interactions: 3 s to answer, once; then 15 minutes of follow-ups -----------------------


async def test_a_late_initial_response_is_an_unknown_interaction(
    fake: FakeDiscord, bot: Bot
) -> None:
    fake.rules.interaction_deadline = 0.2
    sent, interaction = await command(fake, bot)
    await asyncio.sleep(0.4)  # the bot "works" past the deadline before answering
    with pytest.raises(discord.NotFound) as refused:
        await interaction.response.send_message("too late")
    assert refused.value.code == 10062
    assert [(r.code, r.route) for r in fake.late_callbacks] == [(10062, "callback")]
    assert fake.refusals(sent) == fake.late_callbacks
    assert fake.callbacks(sent) == []  # the user saw "This interaction failed"
    with pytest.raises(AssertionError, match="refused"):
        await fake.reply_to(sent, within=1)


async def test_an_answer_in_time_and_its_follow_ups_are_accepted(
    fake: FakeDiscord, bot: Bot
) -> None:
    sent, interaction = await command(fake, bot)
    await interaction.response.defer(thinking=True)
    thinking = fake.response_message(sent)
    assert thinking["flags"] & 128  # "quizbot is thinking..."
    # The first follow-up after a deferred reply fills the "thinking" message.
    first = await interaction.followup.send("done", wait=True)
    assert first.id == int(thinking["id"]) and fake.messages[first.id]["content"] == "done"
    second = await interaction.followup.send("and more", wait=True)
    assert second.id != first.id
    await interaction.edit_original_response(content="done, edited")
    assert fake.messages[first.id]["content"] == "done, edited"
    assert fake.callbacks(sent)[0]["type"] == 5
    assert fake.refused_callbacks == []


async def test_a_second_initial_response_is_refused(fake: FakeDiscord, bot: Bot) -> None:
    sent, interaction = await command(fake, bot)
    await interaction.response.send_message("first")
    # Another process (or a retry) answering the same interaction: discord.py's own guard
    # is per object, so a second object for the same payload reaches Discord.
    twin = discord.Interaction(data=sent.payload, state=bot._connection)  # type: ignore[arg-type]
    with pytest.raises(discord.HTTPException) as refused:
        await twin.response.send_message("second")
    assert (refused.value.status, refused.value.code) == (400, 40060)
    assert [r.code for r in fake.refused_callbacks] == [40060]
    assert fake.late_callbacks == []  # refused, but not late


async def test_follow_ups_end_with_the_token(fake: FakeDiscord, bot: Bot) -> None:
    fake.rules.token_lifetime = 0.3
    _sent, interaction = await command(fake, bot)
    await interaction.response.defer()
    await asyncio.sleep(0.5)
    with pytest.raises(discord.HTTPException) as refused:
        await interaction.followup.send("fifteen minutes later")
    assert (refused.value.status, refused.value.code) == (401, 50027)
    assert [r.code for r in fake.late_callbacks] == [50027]


async def test_a_follow_up_needs_an_initial_response(fake: FakeDiscord, bot: Bot) -> None:
    _sent, interaction = await command(fake, bot)
    with pytest.raises(discord.NotFound) as refused:
        await interaction.followup.send("nothing acknowledged yet")
    assert refused.value.code == 10015
    assert len(fake.refused_callbacks) == 1


async def test_each_interaction_takes_its_own_callback_types(fake: FakeDiscord, bot: Bot) -> None:
    fake.commands = [{"id": "1", "name": "quiz", "options": [{"name": "bank", "type": 3}]}]
    sent = await fake.autocomplete(ALICE, "quiz", None, "bank", "de")
    interaction = await bot.next_interaction()
    await interaction.response.autocomplete([discord.app_commands.Choice(name="demo", value="d")])
    assert (await fake.reply_to(sent))["type"] == 8
    # A slash command has no message to update (type 7 is for components).
    command_sent, _interaction = await command(fake, bot)
    path = f"interactions/{command_sent.id}/{command_sent.token}/callback"
    async with raw(fake) as http, http.post(path, json={"type": 7, "data": {}}) as refused:
        assert refused.status == 400
        assert (await refused.json())["code"] == 50035
    assert fake.callbacks(command_sent) == []


# -- rate limits --------------------------------------------------------------------------


async def test_headers_and_429_are_shaped_like_discords(fake: FakeDiscord) -> None:
    fake.rules.message = Limit(2, 60.0)  # a window no test outlives
    async with raw(fake) as http:
        path = f"channels/{CHANNEL_ID}/messages"
        async with http.post(path, json={"content": "1"}) as first:
            assert first.status == 200
            assert first.headers["X-RateLimit-Limit"] == "2"
            assert first.headers["X-RateLimit-Remaining"] == "1"
            assert float(first.headers["X-RateLimit-Reset-After"]) > 0
            bucket = first.headers["X-RateLimit-Bucket"]
            message_id = (await first.json())["id"]
        async with http.patch(f"{path}/{message_id}", json={"content": "2"}) as edit:
            assert edit.headers["X-RateLimit-Bucket"] == bucket  # create and edit share it
            assert edit.headers["X-RateLimit-Remaining"] == "0"
        async with http.post(path, json={"content": "3"}) as limited:
            assert limited.status == 429
            assert limited.headers["Content-Type"] == "application/json"
            assert limited.headers["Via"]  # without it discord.py assumes a Cloudflare ban
            assert limited.headers["X-RateLimit-Scope"] == "user"
            assert int(limited.headers["Retry-After"]) >= 1
            body = await limited.json()
    assert body["message"] == "You are being rate limited." and body["global"] is False
    assert 0 < body["retry_after"] <= 60
    assert [(h.route, h.scope) for h in fake.rate_limited] == [("post_message", "user")]
    assert len(fake.channel_messages()) == 1


async def test_discord_py_waits_out_a_429_then_succeeds(fake: FakeDiscord, bot: Bot) -> None:
    fake.rules.message = Limit(5, 20.0)  # 2 s once scaled: the five requests fit in it
    channel = bot.channel()
    posted = [await channel.send(f"message {n}") for n in range(4)]  # one request left
    # A post and an edit at once: two routes to discord.py, one bucket to Discord. One of
    # them gets a 429, which discord.py sleeps out and retries.
    last, _ = await asyncio.gather(channel.send("message 4"), posted[0].edit(content="edited"))
    assert fake.messages[posted[0].id]["content"] == "edited"
    assert fake.messages[last.id]["content"] == "message 4"
    assert len(fake.rate_limited) == 1
    assert {h.route for h in fake.rate_limited} <= {"edit_message", "post_message"}
    assert len(fake.channel_messages()) == 5


async def test_reactions_and_webhooks_have_their_own_buckets(fake: FakeDiscord) -> None:
    fake.rules.reaction = Limit(1, 60.0)
    fake.rules.webhook = Limit(5, 60.0)
    async with raw(fake) as http:
        path = f"channels/{CHANNEL_ID}/messages"
        async with http.post(path, json={"content": "react to me"}) as posted:
            mid = (await posted.json())["id"]
        statuses = []
        for _ in range(2):
            async with http.put(f"{path}/{mid}/reactions/%F0%9F%93%9D/@me") as reacted:
                statuses.append(reacted.status)
    assert statuses == [204, 429]
    assert [h.route for h in fake.rate_limited] == ["reaction"]


async def test_follow_ups_are_limited_per_interaction_token(fake: FakeDiscord, bot: Bot) -> None:
    fake.rules.webhook = Limit(5, 0.3)
    _sent, interaction = await command(fake, bot)
    await interaction.response.send_message("ack")
    sent = [await interaction.followup.send(f"follow-up {n}", wait=True) for n in range(7)]
    assert len({m.id for m in sent}) == 7  # all delivered: discord.py waited for the bucket
    other_sent, other = await command(fake, bot)  # another token: a bucket of its own
    await other.response.send_message("ack")
    await other.followup.send("mine", wait=True)
    assert fake.refusals(other_sent) == []


async def test_the_global_limit_spares_interaction_endpoints(fake: FakeDiscord, bot: Bot) -> None:
    sent, interaction = await command(fake, bot)
    fake.rules.global_limit = Limit(2, 60.0)
    async with raw(fake) as http:
        statuses = []
        for _ in range(3):
            async with http.get("users/@me") as me:
                statuses.append(me.status)
                if me.status == 429:
                    assert me.headers["X-RateLimit-Global"] == "true"
                    assert me.headers["X-RateLimit-Scope"] == "global"
                    assert (await me.json())["global"] is True
    assert 429 in statuses
    await interaction.response.send_message("interactions are not bound to the global limit")
    await interaction.followup.send("nor are their webhooks")
    assert (await fake.reply_to(sent))["type"] == 4
    assert {h.scope for h in fake.rate_limited} == {"global"}


async def test_rate_limits_can_be_switched_off(fake: FakeDiscord, bot: Bot) -> None:
    fake.rules.rate_limits = False
    fake.rules.message = Limit(1, 60.0)
    channel = bot.channel()
    for n in range(3):
        await channel.send(f"unlimited {n}")
    assert fake.rate_limited == [] and len(fake.channel_messages()) == 3


# -- permissions, unknown channels and messages ---------------------------------------------


async def test_posting_without_send_messages_is_forbidden(fake: FakeDiscord, bot: Bot) -> None:
    muted = await fake.add_channel(permissions=BOT_PERMISSIONS & ~SEND_MESSAGES)
    with pytest.raises(discord.Forbidden) as refused:
        await bot.channel(muted.id).send("hello?")
    assert refused.value.code == 50013
    # Its interactions say so, and the interaction response itself still goes through.
    sent, interaction = await command(fake, bot, muted.id)
    assert not interaction.app_permissions.send_messages
    assert interaction.app_permissions.view_channel
    await interaction.response.send_message("an interaction response needs no Send Messages")
    assert (await fake.reply_to(sent))["type"] == 4


async def test_editing_needs_view_channel_only(fake: FakeDiscord, bot: Bot) -> None:
    channel = bot.channel()
    message = await channel.send("before")
    fake.set_permissions(CHANNEL_ID, revoke=SEND_MESSAGES)
    await message.edit(content="an own message stays editable")
    fake.set_permissions(CHANNEL_ID, revoke=VIEW_CHANNEL)
    with pytest.raises(discord.Forbidden) as hidden:
        await message.edit(content="no access")
    assert hidden.value.code == 50001
    # The adapter tests' old switch is built on the same model.
    fake.set_permissions(CHANNEL_ID, grant=VIEW_CHANNEL | SEND_MESSAGES)
    assert not fake.refuse_channel_messages
    fake.refuse_channel_messages = True
    with pytest.raises(discord.Forbidden) as refused:
        await channel.send("while refused")
    assert refused.value.code == 50001


async def test_without_embed_links_the_embed_is_stripped(fake: FakeDiscord, bot: Bot) -> None:
    plain = await fake.add_channel(permissions=BOT_PERMISSIONS & ~EMBED_LINKS)
    message = await bot.channel(plain.id).send(
        "a question", embed=discord.Embed(title="Question 1/3", description="What?")
    )
    assert message.embeds == []
    assert fake.messages[message.id]["embeds"] == []
    assert fake.messages[message.id]["content"] == "a question"


async def test_unknown_channels_and_messages(fake: FakeDiscord, bot: Bot) -> None:
    with pytest.raises(discord.NotFound) as channel:
        await bot.channel(424242).send("anyone?")
    assert channel.value.code == 10003
    with pytest.raises(discord.NotFound) as message:
        await bot.channel().get_partial_message(123456).edit(content="gone")
    assert message.value.code == 10008


# -- size limits ---------------------------------------------------------------------------


async def post_raw(bot: Bot, body: dict[str, Any], channel_id: int = CHANNEL_ID) -> None:
    """Send a message body as is (past discord.py's own checks), through its HTTP client."""
    route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
    await bot.http.request(route, json=body)


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"content": "x" * 2001}, "In content: Must be 2000 or fewer in length."),
        ({"embeds": [{"title": "t" * 257}]}, "In embeds.0.title"),
        ({"embeds": [{"description": "d" * 4097}]}, "In embeds.0.description"),
        ({"embeds": [{"fields": [{"name": "n" * 257, "value": "v"}]}]}, "embeds.0.fields.0.name"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v" * 1025}]}]}, "fields.0.value"),
        ({"embeds": [{"footer": {"text": "f" * 2049}}]}, "In embeds.0.footer.text"),
        ({"embeds": [{"fields": [{"name": "n", "value": "v"}] * 26}]}, "In embeds.0.fields"),
        ({"embeds": [{"title": "t"}] * 11}, "In embeds: Must be between 0 and 10"),
        (
            {"embeds": [{"description": "d" * 4000}, {"description": "d" * 2001}]},
            "Embed size exceeds maximum size of 6000",
        ),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "label": "l" * 81}]}]},
            "In components.0.components.0.label",
        ),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "custom_id": "c" * 101}]}]},
            "In components.0.components.0.custom_id",
        ),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "label": "b"}] * 6}]},
            "In components.0.components",
        ),
        (
            {"components": [{"type": 1, "components": [{"type": 2, "label": "b"}]}] * 6},
            "In components: Must be between 0 and 5",
        ),
    ],
)
async def test_over_the_size_limits_is_invalid_form_body(
    fake: FakeDiscord, bot: Bot, body: dict[str, Any], where: str
) -> None:
    with pytest.raises(discord.HTTPException) as refused:
        await post_raw(bot, body)
    assert (refused.value.status, refused.value.code) == (400, 50035)
    assert where in str(refused.value)
    assert fake.channel_messages() == []


async def test_an_over_long_embed_in_an_edit_or_a_response(fake: FakeDiscord, bot: Bot) -> None:
    huge = discord.Embed(description="d" * 4097)
    message = await bot.channel().send("fits")
    with pytest.raises(discord.HTTPException) as edit:
        await message.edit(embed=huge)
    assert edit.value.code == 50035
    sent, interaction = await command(fake, bot)
    with pytest.raises(discord.HTTPException) as response:
        await interaction.response.send_message(embed=huge)
    assert response.value.code == 50035 and "data.embeds.0.description" in str(response.value)
    assert fake.callbacks(sent) == []


# -- guilds, channels, latency --------------------------------------------------------------


async def test_a_second_guild_and_its_removal(fake: FakeDiscord, bot: Bot) -> None:
    other = await fake.add_guild("Other group")
    channel = await fake.add_channel(other, name="trivia")
    await wait_until(lambda: bot.get_guild(other) is not None, what="the second guild")
    sent, interaction = await command(fake, bot, channel.id)
    assert (interaction.guild_id, interaction.channel_id) == (other, channel.id)
    await interaction.response.send_message("hello from the other guild")
    assert int(fake.response_message(sent)["channel_id"]) == channel.id

    await fake.remove_guild(other)
    await wait_until(lambda: bot.removed == [other], what="on_guild_remove")
    with pytest.raises(discord.Forbidden) as gone:
        await bot.get_partial_messageable(channel.id, guild_id=other).send("still here?")
    assert gone.value.code == 50001
    await bot.channel().send("the first guild is untouched")


async def test_latency_per_route(fake: FakeDiscord, bot: Bot) -> None:
    fake.latency["edit_message"] = 0.5
    message = await bot.channel().send("slow edits")
    editing = asyncio.create_task(message.edit(content="edited"))
    await wait_until(lambda: fake.messages[message.id]["content"] == "edited", what="the edit")
    assert not editing.done()  # Discord applied it; its answer is still on the way
    await asyncio.wait_for(editing, WITHIN)
    await bot.channel().send("posts are not slowed")
