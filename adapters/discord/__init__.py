"""The Discord adapter: slash commands, buttons and embeds over the core's services.

- :mod:`adapters.discord.runner`: ``run_discord(settings)``, what ``quizbot run discord`` calls;
- :mod:`adapters.discord.lifecycle`: stopping cleanly on SIGTERM / SIGINT;
- :mod:`adapters.discord.client`: the gateway client, its events and the deadline ticker;
- :mod:`adapters.discord.commands`: the slash commands;
- :mod:`adapters.discord.study`: ``/quiz mistakes``, ``/quiz daily`` and ``/quiz stats``;
- :mod:`adapters.discord.choices`: autocomplete for command options;
- :mod:`adapters.discord.views`: persistent buttons (dynamic items) and the typed-answer form;
- :mod:`adapters.discord.announcer`: posting questions, reveals and results (and reviews,
  privately);
- :mod:`adapters.discord.render`: embeds for the core's view objects;
- :mod:`adapters.discord.refs`: Discord objects to the core's plain ids, the moderator check.
"""
