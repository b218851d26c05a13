"""The Slack adapter: ``/quiz``, Block Kit buttons, the Home tab, over HTTP or Socket Mode.

- :mod:`adapters.slack.app` builds the Bolt app (one workspace or OAuth for many);
- :mod:`adapters.slack.handlers` holds the listeners;
- :mod:`adapters.slack.blocks` renders the core's views as Block Kit, escaping bank text;
- :mod:`adapters.slack.commands` parses ``/quiz`` subcommands;
- :mod:`adapters.slack.home` renders the Home tab;
- :mod:`adapters.slack.server` builds the aiohttp app (and runs Socket Mode);
- :mod:`adapters.slack.runner` is what ``quizbot run slack [--socket]`` calls.
"""
