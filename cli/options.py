"""Parameter types the commands share.

``BANK_NAME`` is the type of every ``--bank`` option and bank-name argument: an empty or
blank name is a usage error (exit code 2) instead of quietly meaning "the default bank".
"""

from __future__ import annotations

import click


class BankNameType(click.ParamType):
    """A bank's name as given on the command line: anything but empty or whitespace only."""

    name = "bank name"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        """``NAME`` for an option (``--bank NAME``); an argument keeps its own name."""
        return "NAME" if param.param_type_name == "option" else None

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        text = str(value)
        if not text.strip():
            from bot.i18n import _

            if not text:
                problem = _(
                    "a bank name cannot be empty; give a bank's name ('quizbot banks list' "
                    "shows them)"
                )
            else:
                problem = _(
                    "a bank name cannot be only whitespace; give a bank's name "
                    "('quizbot banks list' shows them)"
                )
            self.fail(problem, param, ctx)
        return text


#: The one instance the commands use: ``type=BANK_NAME``.
BANK_NAME = BankNameType()


class LanguageTagType(click.ParamType):
    """A language tag for the language of a bank's questions (``es``, ``pt-br``): checked and
    written the one way (``ES_es`` -> ``es-es``); anything else is a usage error."""

    name = "language"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str | None:
        return "TAG"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str:
        from bot.i18n.languages import content_tag

        try:
            return content_tag(str(value))
        except ValueError as error:
            self.fail(str(error), param, ctx)


LANGUAGE_TAG = LanguageTagType()
