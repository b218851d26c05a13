"""A bank's language: read from the native format's ``language:`` or ``--language``, kept
in ``banks.language``, shown and filtered by ``quizbot banks list`` and ``app.list_banks``,
written back by export. Both database backends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from bot.errors import QuizbotError
from bot.services import QuizApp
from cli.main import cli

SPANISH = """\
bank: historia
title: Historia
language: es-MX
questions:
  - question: ¿En qué año llegó Colón a América?
    options: ["1492", "1592", "1392"]
    answer: "1492"
"""
UNTAGGED_GIFT = "::q1:: Capital of France? {=Paris ~Lyon ~Nice}\n"


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--database-url", url, *args])


def listed(url: str, *args: str) -> dict[str, str]:
    result = run(url, "banks", "list", "--json", *args)
    assert result.exit_code == 0, result.output
    return {bank["name"]: bank["language"] for bank in json.loads(result.output)}


def test_language_from_the_file_and_from_the_option(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "historia.yaml").write_text(SPANISH, encoding="utf-8")
    (tmp_path / "geo.gift").write_text(UNTAGGED_GIFT, encoding="utf-8")
    assert run(database_url, "import", str(tmp_path / "historia.yaml")).exit_code == 0
    assert run(database_url, "import", str(tmp_path / "geo.gift"), "--bank", "geo").exit_code == 0
    banks = listed(database_url)
    assert banks["historia"] == "es-mx"
    assert banks["geo"] == ""
    assert banks["demo"] == "en"  # the shipped banks say so
    # --language sets it for a format that cannot say it, and wins over the file's
    result = run(
        database_url, "import", str(tmp_path / "geo.gift"), "--bank", "geo", "--language", "FR"
    )
    assert result.exit_code == 0, result.output
    assert listed(database_url)["geo"] == "fr"
    # filtering: "es" lists es-mx; a region lists only that region
    assert set(listed(database_url, "--language", "es")) == {"historia"}
    assert set(listed(database_url, "--language", "es-es")) == set()
    assert "geo" in listed(database_url, "--language", "fr")
    table = run(database_url, "banks", "list")
    assert "es-mx" in table.output


def test_a_bad_language_is_an_error_where_it_is(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(SPANISH.replace("es-MX", "spanish please"), encoding="utf-8")
    result = run(database_url, "import", str(bad))
    assert result.exit_code == 1
    assert f"{bad}:3" in result.output and "not a language tag" in result.output
    result = run(database_url, "import", str(bad), "--language", "!!")
    assert result.exit_code == 2 and "not a language tag" in result.output
    assert run(database_url, "banks", "list", "--language", "1x").exit_code == 2


def test_export_writes_the_language_back(database_url: str, tmp_path: Path) -> None:
    (tmp_path / "historia.yaml").write_text(SPANISH, encoding="utf-8")
    assert run(database_url, "import", str(tmp_path / "historia.yaml")).exit_code == 0
    out = tmp_path / "out.yaml"
    result = run(database_url, "export", "historia", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert "language: es-mx" in out.read_text(encoding="utf-8")


async def test_list_banks_filters_and_refuses_a_bad_tag(app: QuizApp) -> None:
    assert {bank.name for bank in await app.list_banks(language="en")} >= {"demo"}
    assert await app.list_banks(language="de") == []
    with pytest.raises(QuizbotError, match="not a language tag"):
        await app.list_banks(language="deutsch!")
