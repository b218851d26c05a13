"""The fake Telegram's own tests: each rule it models bites the real python-telegram-bot 22.

They drive the fake with ``telegram.Bot`` and ``telegram.ext.Application`` (long polling and
webhook delivery), as the Telegram adapter will, and check both what PTB sees (its exceptions,
its parsed objects) and what the fake holds. No test sleeps to wait: each waits for a condition
with a deadline, and none asserts on timing.
"""

from __future__ import annotations

import asyncio
import struct
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import telegram
from aiohttp import web
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, ChatMigrated, Conflict, Forbidden, InvalidToken, RetryAfter
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
)

from bot.clock import FakeClock
from tests.telegram.conftest import MakeFake, bot_for
from tests.telegram.fake_telegram import BOT, BOT_ID, BOT_USERNAME, FakeTelegram, RateLimits

NO_LIMITS = RateLimits(enabled=False)


def keyboard(*data: str) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(d.upper(), callback_data=d) for d in data]])


def tiny_png(width: int = 3, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(pixels))
        + chunk(b"IEND", b"")
    )


# -- the envelope, tokens and methods ----------------------------------------------------------


async def test_get_me_describes_the_bot_in_privacy_mode(telegram_bot: telegram.Bot) -> None:
    me = await telegram_bot.get_me()
    assert (me.id, me.username, me.is_bot) == (BOT_ID, BOT_USERNAME, True)
    assert me.can_read_all_group_messages is False


async def test_a_wrong_token_raises_invalid_token(fake_telegram: FakeTelegram) -> None:
    with pytest.raises(InvalidToken):
        async with bot_for(fake_telegram, token="1:wrong"):
            pass
    assert fake_telegram.calls[-1].status == 401
    assert fake_telegram.calls[-1].response["description"] == "Unauthorized"


async def test_an_unknown_method_is_404_and_listed(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    with pytest.raises(InvalidToken, match="Not Found"):  # PTB maps 404 to InvalidToken
        await telegram_bot.send_dice(1)
    assert [c.method for c in fake_telegram.unknown] == ["sendDice"]
    fake_telegram.unknown.clear()  # the fixture would fail the test otherwise


async def test_json_bodies_and_lower_case_method_names_are_served(
    fake_telegram: FakeTelegram,
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    url = f"{fake_telegram.base_url}{fake_telegram.token}/sendmessage"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"chat_id": alice.id, "text": "hi"}) as response,
    ):
        body = await response.json()
    assert body["ok"] is True and body["result"]["text"] == "hi"
    assert fake_telegram.calls[-1].method == "sendMessage"


# -- sending: text, formatting, keyboards, photos ----------------------------------------------


async def test_html_is_parsed_into_entities_and_kept_with_the_keyboard(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    sent = await telegram_bot.send_message(
        alice.id, "  <b>Q1</b> &lt;pick&gt; one: /answer  ", "HTML", reply_markup=keyboard("a")
    )
    assert sent.text == "Q1 <pick> one: /answer"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [
        ("bold", 0, 2),
        ("bot_command", 15, 7),
    ]
    held = fake_telegram.bot_messages(alice.id)[-1]
    assert held["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "a"


@pytest.mark.parametrize(
    ("text", "mode", "error"),
    [
        ("<b>bold", "HTML", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<p>para</p>", "HTML", 'Unsupported start tag "p" at byte offset 0'),
        ("<b>x</i>", "HTML", 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'),
        ("Score: 1.5", "MarkdownV2", "Character '.' is reserved"),
        ("*bold", "MarkdownV2", "Can't find end of Bold entity at byte offset 0"),
    ],
)
async def test_bad_markup_is_refused_as_telegram_words_it(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot, text: str, mode: str, error: str
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    with pytest.raises(BadRequest, match="Can't parse entities") as raised:
        await telegram_bot.send_message(alice.id, text, parse_mode=mode)
    assert error.lower() in str(raised.value).lower()  # PTB lower-cases all but the first letter


async def test_text_is_1_to_4096_characters_after_parsing(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    await telegram_bot.send_message(alice.id, "<b>" + "é" * 4096 + "</b>", parse_mode="HTML")
    with pytest.raises(BadRequest, match="Message is too long"):
        await telegram_bot.send_message(alice.id, "x" * 4097)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await telegram_bot.send_message(alice.id, "<i>  </i>", parse_mode="HTML")


async def test_callback_data_is_1_to_64_bytes(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    await telegram_bot.send_message(alice.id, "ok", reply_markup=keyboard("é" * 32))  # 64 bytes
    for data in ("x" * 65, "é" * 33):
        with pytest.raises(BadRequest, match="Button_data_invalid"):
            await telegram_bot.send_message(alice.id, "too long", reply_markup=keyboard(data))


async def test_photos_by_upload_or_url_with_captions_up_to_1024(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    image = tiny_png()
    sent = await telegram_bot.send_photo(alice.id, image, caption="<i>Who?</i>", parse_mode="HTML")
    assert (sent.photo[-1].width, sent.photo[-1].height, sent.caption) == (3, 2, "Who?")
    downloaded = await (await telegram_bot.get_file(sent.photo[-1].file_id)).download_as_bytearray()
    assert bytes(downloaded) == image
    await telegram_bot.send_photo(alice.id, "https://example.org/q.png", caption="c" * 1024)
    with pytest.raises(BadRequest, match="Message caption is too long"):
        await telegram_bot.send_photo(alice.id, image, caption="c" * 1025)
    with pytest.raises(BadRequest, match="Image_process_failed"):
        await telegram_bot.send_photo(alice.id, b"not an image")
    with pytest.raises(BadRequest, match="Wrong file identifier"):
        await telegram_bot.send_photo(alice.id, "no-such-file-id")


async def test_replies_need_the_message_they_reply_to(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    asked = fake_telegram.start_bot(alice)
    reply = await telegram_bot.send_message(
        alice.id, "Welcome", reply_to_message_id=asked["message_id"]
    )
    assert reply.reply_to_message is not None and reply.reply_to_message.text == "/start"
    with pytest.raises(BadRequest, match="Message to be replied not found"):
        await telegram_bot.send_message(alice.id, "?", reply_to_message_id=999)
    loose = await telegram_bot.send_message(
        alice.id,
        "ok",
        reply_parameters=telegram.ReplyParameters(999, allow_sending_without_reply=True),
    )
    assert loose.reply_to_message is None


async def test_unblocking_by_starting_again_reports_the_change(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    fake_telegram.block_bot(alice)
    fake_telegram.start_bot(alice, "back")
    updates = await telegram_bot.get_updates(timeout=0)
    statuses = [
        (u.my_chat_member.old_chat_member.status, u.my_chat_member.new_chat_member.status)
        for u in updates
        if u.my_chat_member
    ]
    assert statuses == [("member", "kicked"), ("kicked", "member")]
    assert updates[-1].message.text == "/start back"
    with pytest.raises(ValueError, match="start parameter"):
        fake_telegram.start_bot(alice, "not allowed!")


# -- editing and deleting ----------------------------------------------------------------------


async def test_edits_keep_every_version_and_refuse_no_change_or_no_message(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    sent = await telegram_bot.send_message(alice.id, "Q1", reply_markup=keyboard("a", "b"))
    with pytest.raises(BadRequest, match="Message is not modified"):
        await telegram_bot.edit_message_text(
            "Q1", alice.id, sent.message_id, reply_markup=keyboard("a", "b")
        )
    edited = await telegram_bot.edit_message_text("Q1 (closed)", alice.id, sent.message_id)
    assert edited.reply_markup is None and edited.edit_date is not None  # no markup: keyboard gone
    await telegram_bot.edit_message_reply_markup(
        alice.id, sent.message_id, reply_markup=keyboard("c")
    )
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await telegram_bot.edit_message_text("?", alice.id, 999)
    stored = fake_telegram.messages(alice.id)[-1]
    assert [v["text"] for v in stored.versions] == ["Q1", "Q1 (closed)", "Q1 (closed)"]
    assert "reply_markup" not in stored.versions[1]
    assert stored.now["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "c"


async def test_captions_are_edited_on_photos_only(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    photo = await telegram_bot.send_photo(alice.id, tiny_png(), caption="before")
    text = await telegram_bot.send_message(alice.id, "text")
    after = await telegram_bot.edit_message_caption(alice.id, photo.message_id, caption="after")
    assert after.caption == "after"
    with pytest.raises(BadRequest, match="There is no caption in the message to edit"):
        await telegram_bot.edit_message_caption(alice.id, text.message_id, caption="x")
    with pytest.raises(BadRequest, match="There is no text in the message to edit"):
        await telegram_bot.edit_message_text("x", alice.id, photo.message_id)


async def test_deleting_own_messages_within_48_hours(make_fake_telegram: MakeFake) -> None:
    clock = FakeClock()
    fake = await make_fake_telegram(clock=clock)
    alice, bob = fake.add_user("Alice"), fake.add_user("Bob")
    group = fake.add_group("Study", [alice, bob])
    theirs = fake.send_text(bob, group, "/quiz")
    async with bot_for(fake) as bot:
        mine = await bot.send_message(group.id, "Q1")
        with pytest.raises(BadRequest, match="Message can't be deleted"):
            await bot.delete_message(group.id, theirs["message_id"])  # not an administrator
        assert await bot.delete_message(group.id, mine.message_id)
        with pytest.raises(BadRequest, match="Message to delete not found"):
            await bot.delete_message(group.id, mine.message_id)
        old = await bot.send_message(group.id, "Q2")
        clock.advance(hours=48)
        with pytest.raises(BadRequest, match="Message can't be deleted"):
            await bot.delete_message(group.id, old.message_id)
    assert [m.text for m in fake.messages(group)] == ["/quiz", "Q2"]


# -- chats, members and rights -----------------------------------------------------------------


async def test_chats_the_bot_cannot_write_to(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice, bob = fake_telegram.add_user("Alice"), fake_telegram.add_user("Bob")
    with pytest.raises(BadRequest, match="Chat not found"):
        await telegram_bot.send_message(-42, "hello?")
    with pytest.raises(Forbidden, match="bot can't initiate conversation with a user"):
        await telegram_bot.send_message(bob.id, "hello?")
    fake_telegram.start_bot(bob)
    fake_telegram.block_bot(bob)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await telegram_bot.send_message(bob.id, "hello?")
    muted = fake_telegram.add_group("Muted", [alice], permissions={"can_send_messages": False})
    with pytest.raises(BadRequest, match="Not enough rights to send text messages to the chat"):
        await telegram_bot.send_message(muted.id, "hello?")
    kicked = fake_telegram.add_group("Gone", [alice])
    fake_telegram.remove_bot_from_group(kicked, by=alice)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await telegram_bot.send_message(kicked.id, "hello?")
    basic = fake_telegram.add_group("Basic", [alice], supergroup=False)
    upgraded = fake_telegram.upgrade_to_supergroup(basic)
    with pytest.raises(ChatMigrated) as migrated:
        await telegram_bot.send_message(basic.id, "hello?")
    assert migrated.value.new_chat_id == upgraded.id


async def test_members_statuses_and_administrators(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    owner, admin, quiet, gone = (fake_telegram.add_user(n) for n in ("Olga", "Ada", "Quinn", "Gus"))
    group = fake_telegram.add_group(
        "Study",
        {owner: "creator", admin: "administrator", quiet: "restricted", gone: "kicked"},
        bot_status="administrator",
        bot_rights={"can_delete_messages": True},
    )
    kinds = {
        user.first_name: type(await telegram_bot.get_chat_member(group.id, user.id)).__name__
        for user in (owner, admin, quiet, gone, fake_telegram.add_user("Stranger"))
    }
    assert kinds == {
        "Olga": "ChatMemberOwner",
        "Ada": "ChatMemberAdministrator",
        "Quinn": "ChatMemberRestricted",
        "Gus": "ChatMemberBanned",
        "Stranger": "ChatMemberLeft",
    }
    admins = await telegram_bot.get_chat_administrators(group.id)
    assert {m.user.id for m in admins} == {owner.id, admin.id, BOT_ID}
    chat = await telegram_bot.get_chat(group.id)
    assert (chat.type, chat.title, chat.permissions.can_send_messages) == (
        "supergroup",
        "Study",
        True,
    )
    fake_telegram.start_bot(owner)
    with pytest.raises(BadRequest, match="There are no administrators in the private chat"):
        await telegram_bot.get_chat_administrators(owner.id)


async def test_member_changes_reach_the_bot_as_telegram_sends_them(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice, bob = fake_telegram.add_user("Alice"), fake_telegram.add_user("Bob")
    group = fake_telegram.add_group("Study", [alice, bob], bot_status="left")
    fake_telegram.add_bot_to_group(group, by=alice)
    fake_telegram.set_member_status(group, bob, "administrator")  # no chat_member: not allowed
    updates = await telegram_bot.get_updates(timeout=0)
    mine = updates[0].my_chat_member
    assert (mine.old_chat_member.status, mine.new_chat_member.status) == ("left", "member")
    assert updates[1].message.new_chat_members[0].id == BOT_ID
    assert len(updates) == 2
    fake_telegram.set_member_status(group, BOT, "administrator")
    await telegram_bot.get_updates(
        offset=updates[-1].update_id + 1, allowed_updates=["chat_member"]
    )
    fake_telegram.set_member_status(group, bob, "restricted", can_send_messages=False)
    changes = await telegram_bot.get_updates(timeout=0)
    assert changes[-1].chat_member.new_chat_member.status == "restricted"


# -- callback queries --------------------------------------------------------------------------


async def test_callback_answers_once_in_time_and_at_most_200_characters(
    make_fake_telegram: MakeFake,
) -> None:
    clock = FakeClock()
    fake = await make_fake_telegram(clock=clock, callback_answer_window=10)
    alice = fake.add_user("Alice")
    fake.start_bot(alice)
    async with bot_for(fake) as bot:
        sent = await bot.send_message(alice.id, "Q1", reply_markup=keyboard("a", "b"))
        first = fake.press_button(alice, sent.to_dict(), data="a")
        with pytest.raises(BadRequest, match="Message_too_long"):
            await bot.answer_callback_query(first["id"], text="x" * 201)
        assert await bot.answer_callback_query(first["id"], text="Got it")
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(first["id"])  # twice
        late = fake.press_button(alice, sent.to_dict(), text="B")
        clock.advance(seconds=11)
        with pytest.raises(BadRequest, match="Query is too old"):
            await bot.answer_callback_query(late["id"])
    assert [(a.text, a.error) for a in fake.callback_answers] == [
        ("x" * 201, "MESSAGE_TOO_LONG"),
        ("Got it", None),
        (None, "query is too old and response timeout expired or query ID is invalid"),
        (None, "query is too old and response timeout expired or query ID is invalid"),
    ]


async def test_a_button_pressed_on_an_older_copy_carries_that_copy(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    sent = await telegram_bot.send_message(alice.id, "Q1", reply_markup=keyboard("a"))
    await telegram_bot.edit_message_text(
        "Q2", alice.id, sent.message_id, reply_markup=keyboard("z")
    )
    with pytest.raises(ValueError, match="no callback button"):
        fake_telegram.press_button(alice, (alice.id, sent.message_id), data="a")
    fake_telegram.press_button(alice, (alice.id, sent.message_id), data="a", version=0)
    updates = await telegram_bot.get_updates(timeout=0)
    query = updates[-1].callback_query
    assert (query.data, query.message.text, query.from_user.id) == ("a", "Q1", alice.id)


# -- flood limits ------------------------------------------------------------------------------


async def test_flood_limits_answer_429_with_retry_after(make_fake_telegram: MakeFake) -> None:
    # One platform second lasts 100 real ones, so no window passes however busy the CPUs are.
    fake = await make_fake_telegram(rate_limits=RateLimits(time_scale=100))
    users = [fake.add_user(f"U{n}") for n in range(29)]
    for user in users:
        fake.start_bot(user)
    async with bot_for(fake) as bot:
        for _ in range(3):  # a short burst is allowed ...
            await bot.send_message(users[0].id, "q")
        with pytest.raises(RetryAfter):  # ... then about one a second
            await bot.send_message(users[0].id, "q")
        for n in range(1, 28):
            await bot.send_message(users[n].id, "q")  # 3 + 27 = 30 in this second
        with pytest.raises(RetryAfter):
            await bot.send_message(users[28].id, "q")
    assert [(h.scope, h.retry_after) for h in fake.rate_limited] == [("chat", 1), ("overall", 1)]
    assert fake.calls[-1].response["description"] == "Too Many Requests: retry after 1"
    assert fake.calls[-1].response["parameters"] == {"retry_after": 1}


async def test_twenty_messages_a_minute_in_a_group_edits_included(
    make_fake_telegram: MakeFake,
) -> None:
    fake = await make_fake_telegram(rate_limits=RateLimits(per_chat_burst=100, time_scale=100))
    alice = fake.add_user("Alice")
    group = fake.add_group("Study", [alice])
    async with bot_for(fake) as bot:
        sent = await bot.send_message(group.id, "0")
        for n in range(1, 20):
            await bot.edit_message_text(str(n), group.id, sent.message_id)
        with pytest.raises(RetryAfter):
            await bot.send_message(group.id, "21st")
    assert [(h.scope, h.retry_after) for h in fake.rate_limited] == [("group", 60)]


async def test_a_scaled_clock_lets_the_limit_pass_quickly(make_fake_telegram: MakeFake) -> None:
    fake = await make_fake_telegram(rate_limits=RateLimits(per_chat_burst=1, time_scale=0.001))
    alice = fake.add_user("Alice")
    fake.start_bot(alice)
    async with bot_for(fake) as bot:
        await bot.send_message(alice.id, "one")
        deadline = time.monotonic() + 5
        while True:  # retry until the (scaled) second has passed; bounded by the deadline
            try:
                await bot.send_message(alice.id, "two")
                break
            except RetryAfter:
                assert time.monotonic() < deadline, "the scaled limit never let the message through"
    assert [m.text for m in fake.messages(alice.id)][-2:] == ["one", "two"]


async def test_ptb_rate_limiter_retries_after_a_429_and_the_message_arrives(
    make_fake_telegram: MakeFake,
) -> None:
    fake = await make_fake_telegram(rate_limits=RateLimits(per_chat_burst=1))
    alice = fake.add_user("Alice")
    fake.start_bot(alice)
    limiter = AIORateLimiter(overall_max_rate=0, group_max_rate=0, max_retries=3)
    async with ExtBot(
        fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url, rate_limiter=limiter
    ) as bot:
        await bot.send_message(alice.id, "one")
        await bot.send_message(alice.id, "two")  # 429 once, then PTB waits retry_after and retries
    assert len(fake.rate_limited) >= 1
    assert [m.text for m in fake.messages(alice.id)][-2:] == ["one", "two"]


async def test_limits_can_be_switched_off(make_fake_telegram: MakeFake) -> None:
    fake = await make_fake_telegram(rate_limits=NO_LIMITS)
    alice = fake.add_user("Alice")
    fake.start_bot(alice)
    async with bot_for(fake) as bot:
        for n in range(40):
            await bot.send_message(alice.id, str(n))
    assert not fake.rate_limited


# -- updates: long polling, webhooks, privacy mode ---------------------------------------------


async def test_privacy_mode_hides_plain_group_messages(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice, other_bot = (
        fake_telegram.add_user("Alice"),
        fake_telegram.add_user("Rival", "rival_bot", is_bot=True),
    )
    group = fake_telegram.add_group("Study", [alice, other_bot])
    question = await telegram_bot.send_message(group.id, "Q1: capital of France?")
    said = {
        "plain": fake_telegram.send_text(alice, group, "hello everyone"),
        "command": fake_telegram.send_text(alice, group, "/quiz geography"),
        "addressed": fake_telegram.send_text(alice, group, f"/score@{BOT_USERNAME}"),
        "elsewhere": fake_telegram.send_text(alice, group, "/score@rival_bot"),
        "mention": fake_telegram.send_text(alice, group, f"@{BOT_USERNAME} help"),
        "reply": fake_telegram.send_text(alice, group, "Paris", reply_to=question.message_id),
    }
    fake_telegram.send_text(other_bot, group, "rival bot speaking")
    said["after_other_bot"] = fake_telegram.send_text(alice, group, "/quiz")
    updates = await telegram_bot.get_updates(timeout=0)
    texts = [u.message.text for u in updates]
    assert texts == ["/quiz geography", f"/score@{BOT_USERNAME}", f"@{BOT_USERNAME} help", "Paris"]
    assert not fake_telegram.was_delivered(said["plain"])
    assert not fake_telegram.was_delivered(said["after_other_bot"])  # another bot spoke last


async def test_without_privacy_mode_or_as_admin_the_bot_sees_everything(
    make_fake_telegram: MakeFake,
) -> None:
    fake = await make_fake_telegram(privacy_mode=False)
    alice = fake.add_user("Alice")
    open_group = fake.add_group("Open", [alice])
    assert fake.was_delivered(fake.send_text(alice, open_group, "hello"))
    private_fake = await make_fake_telegram()
    bob = private_fake.add_user("Bob")
    admin_group = private_fake.add_group("Admin", [bob], bot_status="administrator")
    assert private_fake.was_delivered(private_fake.send_text(bob, admin_group, "hello"))


async def test_forum_topics_carry_the_thread(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    forum = fake_telegram.add_group("Forum", [alice], forum=True)
    topic = fake_telegram.add_topic(forum, "History", by=alice)
    fake_telegram.send_text(alice, forum, "/quiz", thread_id=topic)
    updates = await telegram_bot.get_updates(timeout=0)
    asked = updates[-1].message
    assert (asked.message_thread_id, asked.is_topic_message) == (topic, True)
    assert asked.reply_to_message.forum_topic_created.name == "History"
    reply = await telegram_bot.send_message(forum.id, "Q1", message_thread_id=topic)
    assert reply.message_thread_id == topic and reply.is_topic_message
    with pytest.raises(BadRequest, match="Message thread not found"):
        await telegram_bot.send_message(forum.id, "Q1", message_thread_id=topic + 100)
    forum.topics[topic].closed = True
    with pytest.raises(BadRequest, match="Topic_closed"):
        await telegram_bot.send_message(forum.id, "Q1", message_thread_id=topic)


async def test_get_updates_confirms_by_offset_filters_and_ends_an_older_poll(
    fake_telegram: FakeTelegram, telegram_bot: telegram.Bot
) -> None:
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice, "deep-link-42")
    first = await telegram_bot.get_updates(timeout=0)
    assert first[0].message.text == "/start deep-link-42"
    assert first[0].message.entities[0].length == len("/start")
    assert await telegram_bot.get_updates(timeout=0) == first  # not confirmed yet
    older = asyncio.create_task(telegram_bot.get_updates(offset=first[0].update_id + 1, timeout=5))
    await fake_telegram.wait_for(lambda: fake_telegram.polls >= 3, what="the older poll to wait")
    async with bot_for(fake_telegram) as second_instance:  # "only one bot instance" may poll
        newer = await second_instance.get_updates(offset=first[0].update_id + 1, timeout=0)
    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await older
    assert newer == ()
    fake_telegram.start_bot(alice)
    again = await telegram_bot.get_updates(timeout=0, allowed_updates=["callback_query"])
    assert again[0].update_id == first[0].update_id + 1  # ids increase by one
    fake_telegram.send_text(alice, alice.id, "filtered out")  # messages no longer allowed
    assert len(await telegram_bot.get_updates(offset=again[0].update_id + 1, timeout=0)) == 0


async def test_long_polling_delivers_a_command_and_a_button_press_to_handlers(
    fake_telegram: FakeTelegram,
) -> None:
    async def quiz(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Q1: 2+2?", reply_markup=keyboard("3", "4"))

    async def answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None and query.message is not None
        await query.answer(f"You chose {query.data}")
        await query.edit_message_text(f"Q1: 2+2? ({query.from_user.first_name}: {query.data})")

    alice = fake_telegram.add_user("Alice")
    group = fake_telegram.add_group("Study", [alice])
    application = (
        ApplicationBuilder()
        .token(fake_telegram.token)
        .base_url(fake_telegram.base_url)
        .base_file_url(fake_telegram.base_file_url)
        .build()
    )
    application.add_handler(CommandHandler("quiz", quiz))
    application.add_handler(CallbackQueryHandler(answer))
    async with running_polling(application):
        fake_telegram.send_text(alice, group, "/quiz")
        [posted] = await fake_telegram.wait_for_call("sendMessage")
        question = posted.response["result"]
        fake_telegram.press_button(alice, question, data="4")
        await fake_telegram.wait_for_call("editMessageText")
    assert fake_telegram.callback_answers[0].text == "You chose 4"
    assert fake_telegram.bot_messages(group)[-1]["text"] == "Q1: 2+2? (Alice: 4)"


class running_polling:
    """Initialize, start and poll an Application; stop it all on the way out."""

    def __init__(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        self.application = application

    async def __aenter__(self) -> None:
        await self.application.initialize()
        await self.application.start()
        assert self.application.updater is not None
        await self.application.updater.start_polling(poll_interval=0, timeout=1)

    async def __aexit__(self, *exc: object) -> None:
        assert self.application.updater is not None
        await self.application.updater.stop()
        await self.application.stop()
        await self.application.shutdown()


SECRET = "s3cret-token_ok"


@pytest.fixture
async def webhook_app(
    fake_telegram: FakeTelegram,
) -> AsyncIterator[tuple[Application[Any, Any, Any, Any, Any, Any], str]]:
    """An Application without an updater, fed by a plain aiohttp webhook that checks the secret."""
    application = (
        ApplicationBuilder()
        .token(fake_telegram.token)
        .base_url(fake_telegram.base_url)
        .updater(None)
        .build()
    )

    async def receive(request: web.Request) -> web.Response:
        if request.headers.get("X-Telegram-Bot-Api-Secret-Token") != SECRET:
            return web.Response(status=403)
        await application.update_queue.put(Update.de_json(await request.json(), application.bot))
        return web.Response()

    server = web.Application()
    server.router.add_post("/telegram", receive)
    runner = web.AppRunner(server)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    async with application:
        await application.start()
        yield application, f"http://127.0.0.1:{port}/telegram"
        await application.bot.delete_webhook()
        await application.stop()
    await runner.cleanup()


async def test_webhook_delivery_with_the_secret_reaches_the_application(
    fake_telegram: FakeTelegram, webhook_app: tuple[Application[Any, Any, Any, Any, Any, Any], str]
) -> None:
    application, url = webhook_app
    seen: list[str] = []

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        seen.append(" ".join(context.args or []))
        await update.effective_message.reply_text("Welcome!")

    application.add_handler(CommandHandler("start", start))
    assert await application.bot.set_webhook(url, secret_token=SECRET)
    with pytest.raises(Conflict, match="webhook is active"):
        await application.bot.get_updates()
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice, "invite-7")
    await fake_telegram.wait_for_call("sendMessage")
    await fake_telegram.wait_for(lambda: fake_telegram.webhook_deliveries, what="the delivery")
    assert seen == ["invite-7"]
    assert [d.status for d in fake_telegram.webhook_deliveries] == [200]
    info = await application.bot.get_webhook_info()
    assert (info.url, info.pending_update_count) == (url, 0)


async def test_a_webhook_with_the_wrong_secret_is_refused_and_retried(
    fake_telegram: FakeTelegram, webhook_app: tuple[Application[Any, Any, Any, Any, Any, Any], str]
) -> None:
    application, url = webhook_app
    assert await application.bot.set_webhook(url, secret_token="wrong-secret")
    alice = fake_telegram.add_user("Alice")
    fake_telegram.start_bot(alice)
    await fake_telegram.wait_for(
        lambda: len(fake_telegram.webhook_deliveries) >= 2, what="a refused delivery, retried"
    )
    assert {d.status for d in fake_telegram.webhook_deliveries} == {403}
    info = await application.bot.get_webhook_info()
    assert info.pending_update_count == 1
    assert info.last_error_message == "Wrong response from the webhook: 403"
    with pytest.raises(BadRequest, match="Secret token contains unallowed characters"):
        await application.bot.set_webhook(url, secret_token="not allowed!")


# -- commands ----------------------------------------------------------------------------------


async def test_commands_are_kept_per_scope_and_checked(telegram_bot: telegram.Bot) -> None:
    commands = [("quiz", "Start a quiz"), ("score", "Show the scores")]
    assert await telegram_bot.set_my_commands(commands)
    group_scope = telegram.BotCommandScopeAllGroupChats()
    await telegram_bot.set_my_commands([("quiz", "Start a group quiz")], scope=group_scope)
    assert [c.command for c in await telegram_bot.get_my_commands()] == ["quiz", "score"]
    assert [c.description for c in await telegram_bot.get_my_commands(scope=group_scope)] == [
        "Start a group quiz"
    ]
    assert await telegram_bot.delete_my_commands(scope=group_scope)
    assert await telegram_bot.get_my_commands(scope=group_scope) == ()
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await telegram_bot.set_my_commands([("Quiz", "capital letters are refused")])
