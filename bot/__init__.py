"""quizbot's platform-free core: domain, engine, formats, store and services.

Nothing under ``bot/`` imports discord, slack_bolt or click; adapters and the CLI
call in through :mod:`bot.services` and render the plain views it returns.
"""

__version__ = "0.1.0"
