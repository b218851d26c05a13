"""docs/LINT.md's examples are what the lint does: every rule has a section, each bad example
breaks its rule, and each good example passes every rule (no errors or warnings).

The examples are read from the document itself, so a rule that changes without its
documentation (or the reverse) fails here.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from bot.domain import Question
from bot.formats.native import parse
from bot.quality.lint import RULES, lint

DOC = Path(__file__).resolve().parents[1] / "docs" / "LINT.md"
_SECTION = re.compile(r"^### `([a-z-]+)` \(([a-z]+)", re.MULTILINE)
_EXAMPLE = re.compile(r"^(Bad|Good|Reported|Not reported)[^\n]*:\n\n```yaml\n(.*?)```", re.M | re.S)
#: Rules whose examples cannot be shown as a bank (too-long needs thousands of characters);
#: they are tested in tests/test_lint.py.
NOT_SHOWN = {"too-long"}


def _sections() -> dict[str, tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    found = {}
    matches = list(_SECTION.finditer(text))
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        found[match.group(1)] = (match.group(2), text[match.end() : end])
    return found


def _examples() -> list[tuple[str, str, str]]:
    return [
        (rule, kind, block)
        for rule, (_severity, body) in _sections().items()
        for kind, block in _EXAMPLE.findall(body)
    ]


def _questions(block: str) -> list[Question]:
    bank = "bank: example\nquestions:\n" + block
    items = list(parse(io.StringIO(bank), "LINT.md"))
    return [q for q in items if isinstance(q, Question)]


def test_every_rule_has_a_section_with_its_severity():
    sections = _sections()
    assert set(sections) == set(RULES)
    for name, rule in RULES.items():
        assert sections[name][0] == rule.severity, name


def test_every_shown_rule_has_a_bad_and_a_good_example():
    kinds: dict[str, set[str]] = {}
    for rule, kind, _block in _examples():
        kinds.setdefault(rule, set()).add("bad" if kind in ("Bad", "Reported") else "good")
    for name in RULES:
        if name not in NOT_SHOWN:
            assert kinds.get(name) == {"bad", "good"}, name


@pytest.mark.parametrize(("rule", "kind", "block"), _examples(), ids=lambda v: str(v)[:24])
def test_each_example_does_what_the_document_says(rule: str, kind: str, block: str) -> None:
    report = lint(_questions(block))
    rules = {f.rule for f in report.findings}
    if kind in ("Bad", "Reported"):
        assert rule in rules, f"the bad example of {rule} does not break it"
    else:
        loud = [f"{f.rule}: {f.message}" for f in report.findings if f.severity != "info"]
        assert rule not in rules and not loud, f"the good example of {rule}: {loud or rule}"
