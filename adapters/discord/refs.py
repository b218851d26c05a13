"""Turning Discord objects into the core's plain ids, and the moderator check."""

from __future__ import annotations

import discord

from bot.views import ChannelRef, PlayerRef

PLATFORM = "discord"


def channel_ref(guild_id: int | None, channel_id: int) -> ChannelRef:
    """The core's id for a Discord channel (the workspace is the server)."""
    return ChannelRef(PLATFORM, str(guild_id or ""), str(channel_id))


def interaction_channel(interaction: discord.Interaction) -> ChannelRef:
    return channel_ref(interaction.guild_id, interaction.channel_id or 0)


def player_ref(guild_id: int | None, user: discord.abc.User) -> PlayerRef:
    """The core's id for a Discord user, with the name to show for them."""
    return PlayerRef(PLATFORM, str(guild_id or ""), str(user.id), user.display_name)


def interaction_player(interaction: discord.Interaction) -> PlayerRef:
    return player_ref(interaction.guild_id, interaction.user)


def is_moderator(interaction: discord.Interaction, moderator_role: str | None) -> bool:
    """Manage Server (or Administrator) in this channel, or the configured role (by its id:
    a role's name is anyone's to take in another server)."""
    permissions = interaction.permissions
    if permissions.manage_guild or permissions.administrator:
        return True
    user = interaction.user
    if not isinstance(user, discord.Member):
        return False
    if user.guild_permissions.manage_guild:
        return True
    if moderator_role:
        return any(str(role.id) == moderator_role for role in user.roles)
    return False
