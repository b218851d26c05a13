"""The Slack adapter: ``/quiz``, Block Kit buttons, the Home tab, over HTTP or Socket Mode.

- :mod:`adapters.slack.app` builds the Bolt app (one workspace or OAuth for many);
- :mod:`adapters.slack.announcer` posts and edits messages (anything private goes to a DM);
- :mod:`adapters.slack.handlers` holds the listeners;
- :mod:`adapters.slack.study` runs the study subcommands (mistakes, daily, stats);
- :mod:`adapters.slack.blocks` renders the core's views as Block Kit, escaping bank text;
- :mod:`adapters.slack.study_blocks` renders stats, daily schedules and short endings;
- :mod:`adapters.slack.commands` parses ``/quiz`` subcommands;
- :mod:`adapters.slack.home` renders the Home tab;
- :mod:`adapters.slack.server` builds the aiohttp app, serves it (graceful stop), and runs
  Socket Mode;
- :mod:`adapters.slack.runner` is what ``quizbot run slack [--socket]`` calls.
"""
