"""Reading YAML into nodes (which keep line numbers) with every failure as a BankFormatError."""

from __future__ import annotations

from typing import TextIO

import yaml

from bot.errors import BankFormatError


def compose(document: str | TextIO, source: str) -> yaml.Node | None:
    """The YAML node tree of a document; None for an empty one."""
    try:
        return yaml.compose(document, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise BankFormatError(source, line, f"not valid YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise BankFormatError(source, None, f"not valid YAML: {exc}") from None
    except UnicodeDecodeError:
        raise BankFormatError(source, None, "the file is not UTF-8 text") from None
    except RecursionError:
        raise BankFormatError(source, None, "the YAML is nested too deeply") from None
