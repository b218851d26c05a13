"""The terminal speaks its user's language: ``quizbot`` run as a whole process with ``LANG``
(or ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``) set plays, helps and fails in Spanish or
German, and in English under ``C``, a language quizbot does not speak, or none at all.
Output for scripts (``--json``) stays English whatever the language.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

QUIZBOT = [sys.executable, "-m", "cli.main"]
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "QUIZBOT_LANGUAGE")


@pytest.fixture
def base_env(tmp_path: Path) -> dict[str, str]:
    """No language set and no DATABASE_URL: the default SQLite file in this test's folder."""
    environ = {
        k: v for k, v in os.environ.items() if k not in (*LANGUAGE_VARIABLES, "DATABASE_URL")
    }
    environ["XDG_DATA_HOME"] = str(tmp_path / "data")
    environ["XDG_STATE_HOME"] = str(tmp_path / "state")
    environ["USER"] = "tester"
    return environ


def quizbot(
    base_env: dict[str, str], args: list[str], stdin: str = "", **language: str
) -> subprocess.CompletedProcess:
    """``quizbot ARGS`` with the language variables given (``LANG="es_ES.UTF-8"``)."""
    env = {**base_env, **language}
    return subprocess.run(
        [*QUIZBOT, *args], input=stdin, capture_output=True, text=True, env=env, timeout=120
    )


#: Two questions of the demo bank: a true/false one (A is right), then a typed one (Paris).
PLAY = ["play", "--bank", "demo", "--count", "2", "--seed", "1", "--name", "Ann"]


def test_a_quiz_asks_and_answers_in_spanish(base_env: dict[str, str]) -> None:
    played = quizbot(base_env, PLAY, "B\nParis\n", LANG="es_ES.UTF-8")
    assert played.returncode == 0, played.stderr
    out = played.stdout
    assert "Demo bank: 2 preguntas. Responde con una letra," in out  # the bank's title stays
    assert "o escribe la respuesta si no hay opciones; ? pide una pista." in out
    assert "Pregunta 1/2" in out and "Pregunta 2/2" in out
    assert "What is the capital of France?" in out  # bank content is never translated
    assert "Incorrecto. La respuesta era A) " in out
    assert "¡Correcto!" in out
    assert "Puntuación final: 1/2 correctas, 10 puntos." in out
    assert "Consulta la clasificación con: quizbot leaderboard" in out
    for english in ("Question 1/2", "Correct!", "Wrong.", "Final score"):
        assert english not in out


def test_a_quiz_asks_and_answers_in_german(base_env: dict[str, str]) -> None:
    played = quizbot(base_env, PLAY, "A\nLyon\n", LANG="de_DE.UTF-8")
    assert played.returncode == 0, played.stderr
    out = played.stdout
    assert "Demo bank: 2 Fragen. Antworte mit einem Buchstaben" in out
    assert "Frage 1/2" in out and "Frage 2/2" in out
    assert "Richtig!" in out
    assert "Falsch. Die Antwort war Paris." in out
    assert "Endstand: 1/2 richtig, 10 Punkte." in out
    assert "Sieh dir die Bestenliste an mit: quizbot leaderboard" in out


def test_lc_all_wins_over_lang(base_env: dict[str, str]) -> None:
    played = quizbot(base_env, PLAY, "A\nParis\n", LANG="es_ES.UTF-8", LC_ALL="de_DE.UTF-8")
    assert played.returncode == 0, played.stderr
    assert "Frage 1/2" in played.stdout and "Endstand: 2/2 richtig, 20 Punkte." in played.stdout
    assert "Pregunta" not in played.stdout


def test_language_list_takes_the_first_language_quizbot_speaks(
    base_env: dict[str, str],
) -> None:
    played = quizbot(base_env, PLAY, "A\nParis\n", LANGUAGE="fr:es", LANG="de_DE.UTF-8")
    assert played.returncode == 0, played.stderr
    assert "Pregunta 1/2" in played.stdout


@pytest.mark.parametrize(
    "language",
    [{"LANG": "C"}, {"LANG": "fr_FR.UTF-8"}, {}],
    ids=["C", "french", "nothing-set"],
)
def test_a_quiz_is_english_in_c_in_a_language_quizbot_lacks_and_by_default(
    base_env: dict[str, str], language: dict[str, str]
) -> None:
    played = quizbot(base_env, PLAY, "A\nLyon\n", **language)
    assert played.returncode == 0, played.stderr
    out = played.stdout
    assert "Demo bank: 2 questions. Answer with a letter," in out
    assert "Question 1/2" in out and "Correct!" in out
    assert "Wrong. The answer was Paris." in out
    assert "Final score: 1/2 correct, 10 points." in out


def test_help_in_spanish(base_env: dict[str, str]) -> None:
    shown = quizbot(base_env, ["--help"], LANG="es_ES.UTF-8")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert out.startswith("Uso: quizbot ")
    assert "quizbot: quiz, trivial y tarjetas para grupos de estudio." in out
    assert "Opciones:" in out and "Comandos:" in out and "Ejemplos:" in out
    assert "Muestra este mensaje y sale." in out  # click's own words
    assert "Imprime la traza completa de un error inesperado." in out  # the root's options
    assert "Muestra la clasificación." in out  # each command's short help
    assert "quizbot play --bank crm-podcast --count 5" in out  # examples as typed
    for english in ("Usage:", "Options:", "Show this message", "Show the leaderboard"):
        assert english not in out


def test_import_help_in_spanish(base_env: dict[str, str]) -> None:
    shown = quizbot(base_env, ["import", "--help"], LANG="es_ES.UTF-8")
    assert shown.returncode == 0, shown.stderr
    out = " ".join(shown.stdout.split())
    assert out.startswith("Uso: quizbot import [OPTIONS] FILES...")
    assert "Importa bancos de preguntas desde archivos (todo o nada)." in out
    assert "Formatos (--format" in out
    assert "quizbot import biology.gift --bank biology" in out
    assert "Imprime el resumen como JSON." in out
    assert "[por defecto: error]" in out  # click's "default:", through our catalogs
    assert "Import question banks" not in out


def test_command_help_in_german(base_env: dict[str, str]) -> None:
    shown = quizbot(base_env, ["channels", "set", "--help"], LANG="de_DE.UTF-8")
    assert shown.returncode == 0, shown.stderr
    out = " ".join(shown.stdout.split())
    assert "Ändert die Einstellungen eines Kanals" in out
    assert "language:es" in out and "Die Sprache der Nachrichten im Kanal" in out
    assert "[erforderlich]" in out
    version = quizbot(base_env, ["--version"], LANG="de_DE.UTF-8")
    assert version.stdout.startswith("quizbot, Version ")


def test_errors_in_german_keep_their_prefix(base_env: dict[str, str]) -> None:
    missing = quizbot(base_env, ["lint"], LANG="de_DE.UTF-8")
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        "quizbot: error: gib Fragenbank-Dateien oder Namen von Fragenbanken zum Prüfen an "
        "(oder --rules, um die Regeln aufzulisten)"
    )
    usage = quizbot(base_env, ["play", "--bogus"], LANG="de_DE.UTF-8")
    assert usage.returncode == 2
    assert "Aufruf: quizbot play [OPTIONS]" in usage.stderr
    assert "Fehler: Die Option '--bogus' gibt es nicht." in usage.stderr
    assert "Versuche 'quizbot play --help' für Hilfe." in usage.stderr


def test_english_is_unchanged(base_env: dict[str, str]) -> None:
    shown = quizbot(base_env, ["--help"])
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.startswith("Usage: quizbot [OPTIONS] COMMAND [ARGS]...")
    assert "Show this message and exit." in shown.stdout
    assert "Examples:" in shown.stdout and "Show the leaderboard." in shown.stdout
    missing = quizbot(base_env, ["lint"], LANG="C.UTF-8")
    assert missing.stderr.strip() == (
        "quizbot: error: give bank files or bank names to check (or --rules to list the rules)"
    )
    usage = quizbot(base_env, ["play", "--bogus"])
    assert "Error: No such option '--bogus'." in usage.stderr
    assert quizbot(base_env, ["--version"]).stdout.startswith("quizbot, version ")


def test_json_for_scripts_stays_english(base_env: dict[str, str]) -> None:
    played = quizbot(base_env, PLAY, "A\nParis\n", LANG="es_ES.UTF-8")
    assert played.returncode == 0, played.stderr
    board = quizbot(base_env, ["leaderboard", "--json"], LANG="es_ES.UTF-8")
    rows = json.loads(board.stdout)
    assert set(rows[0]) == {"rank", "player", "name", "points", "correct", "answered"}
    table = quizbot(base_env, ["leaderboard"], LANG="es_ES.UTF-8")
    assert "Clasificación (desde siempre)" in table.stdout
    assert "jugador\tpuntos\tcorrectas\trespondidas" in table.stdout
    failed = quizbot(base_env, ["players", "show", "nobody", "--json"], LANG="de_DE.UTF-8")
    assert failed.returncode == 1
    assert set(json.loads(failed.stdout)) == {"error", "exit_code"}


def test_flashcards_in_spanish(base_env: dict[str, str]) -> None:
    reviewed = quizbot(
        base_env,
        ["flashcards", "--bank", "crm-flashcards", "--limit", "1"],
        "\ngood\n",
        LANG="es_ES.UTF-8",
    )
    assert reviewed.returncode == 0, reviewed.stderr
    out = reviewed.stdout
    assert "crm-flashcards: pendientes 0, nuevas 42." in out
    assert "(Intro para ver la respuesta)" in out
    assert "¿Qué tal te la sabías? again / hard / good / easy (q para parar)" in out
    assert "Repasadas: 1. Aún esperan: pendientes 0, nuevas 41." in out


def test_english_start_up_does_not_import_babel(base_env: dict[str, str]) -> None:
    """Issue 22 measures start-up: English never needs the catalogs (nor Babel to read them)."""
    code = (
        "import sys\n"
        "from cli.main import cli\n"
        "try:\n"
        "    cli(['--help'], prog_name='quizbot')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('babel loaded' if 'babel' in sys.modules else 'no babel', file=sys.stderr)\n"
    )
    english = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=base_env, timeout=60
    )
    assert english.stderr.strip().endswith("no babel"), english.stderr
    spanish = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**base_env, "LANG": "es_ES.UTF-8"},
        timeout=60,
    )
    assert spanish.stderr.strip().endswith("babel loaded"), spanish.stderr
