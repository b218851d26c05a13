"""The Telegram adapter: /quiz in groups and forum topics, inline keyboards, private study.

- :mod:`adapters.telegram.platform`: what ``quizbot run telegram`` finds;
- :mod:`adapters.telegram.settings`: ``TELEGRAM_*`` variables;
- :mod:`adapters.telegram.service`: the python-telegram-bot application, webhook or polling;
- :mod:`adapters.telegram.handlers`: commands, buttons, typed answers, deep links;
- :mod:`adapters.telegram.surface`: posting and editing for the conductor;
- :mod:`adapters.telegram.render`: HTML messages and keyboards, escaping bank text;
- :mod:`adapters.telegram.refs`: chats and users in the core's terms.
"""
