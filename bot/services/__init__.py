"""The services: the only way into the core. Adapters and the CLI use :class:`QuizApp`."""

from bot.services.app import QuizApp

__all__ = ["QuizApp"]
