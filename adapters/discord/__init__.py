"""The Discord adapter: slash commands, buttons and embeds over the adapter kit.

- :mod:`adapters.discord.platform`: what ``quizbot run discord`` finds (settings, service);
- :mod:`adapters.discord.settings`: ``DISCORD_*`` variables, shards;
- :mod:`adapters.discord.service`: connecting, and stopping cleanly;
- :mod:`adapters.discord.client`: the gateway client, with the conductor and its ticker;
- :mod:`adapters.discord.cog`: the slash commands, buttons, forms and typed answers;
- :mod:`adapters.discord.components`: custom ids, buttons and the typed-answer form;
- :mod:`adapters.discord.replies`: answering interactions in time, and rendering replies;
- :mod:`adapters.discord.surface`: posting questions, reveals and results for the conductor;
- :mod:`adapters.discord.render`: embeds for the core's view objects;
- :mod:`adapters.discord.choices`: autocomplete for command options;
- :mod:`adapters.discord.refs`: Discord objects to the core's plain ids, the moderator check.
"""
