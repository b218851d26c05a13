"""Telegram's chats in the core's terms.

A group is a workspace; the channel is the group itself, or one of its forum topics
(``"<chat id>/<topic id>"``), so topics keep their own quizzes and leaderboards. A player
belongs to the group they play in; in the bot's private chat a player is the group they
came from (a deep link carries it), or, studying alone, their private chat.
"""

from __future__ import annotations

from telegram import Chat, Message, User

from bot.views import ChannelRef, PlayerRef

PLATFORM = "telegram"


def channel_id(chat_id: int, thread_id: int | None = None) -> str:
    return f"{chat_id}/{thread_id}" if thread_id else str(chat_id)


def split_channel(channel: str) -> tuple[int, int | None]:
    """``"<chat>/<topic>"`` -> (chat id, topic id or None)."""
    chat, _, thread = channel.partition("/")
    return int(chat), (int(thread) if thread else None)


def thread_of(message: Message) -> int | None:
    return message.message_thread_id if message.is_topic_message else None


def message_channel(message: Message, workspace: str | None = None) -> ChannelRef:
    """Where a message was written (a private chat counts under ``workspace`` if given)."""
    chat = message.chat
    return ChannelRef(PLATFORM, workspace or str(chat.id), channel_id(chat.id, thread_of(message)))


def display_name(user: User) -> str:
    return user.full_name or user.username or str(user.id)


def player(user: User, workspace: str) -> PlayerRef:
    return PlayerRef(PLATFORM, workspace, str(user.id), display_name(user))


def is_group(chat: Chat) -> bool:
    return chat.type in (Chat.GROUP, Chat.SUPERGROUP)
