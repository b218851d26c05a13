"""Process logs: one line per event, and no secret ever printed."""

from __future__ import annotations

import logging

from adapters.kit import registry
from bot.config import Settings
from cli.logs import OneLineFormatter, RedactSecrets, redact, secrets_of, setup_logging


def test_tracebacks_fold_onto_one_line_and_secrets_are_redacted() -> None:
    env = {
        "DATABASE_URL": "postgres://quiz:pa55word@db.example/quiz",
        "DISCORD_TOKEN": "discord-token-123",
        "SLACK_SIGNING_SECRET": "signing-secret-456",
        "SLACK_BOT_TOKEN": "xoxb-789",
    }
    settings = Settings.from_env(env)
    platforms = [secret for s in registry.select(["all"], env) for secret in s.settings.secrets()]
    secrets = set(secrets_of(settings, platforms))
    assert secrets == {"discord-token-123", "signing-secret-456", "xoxb-789", "pa55word"}
    logger = logging.getLogger("quizbot-test-logs")
    records: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(self.format(record))

    handler = Keep()
    handler.setFormatter(OneLineFormatter("%(levelname)s %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    logger.addHandler(handler)
    try:
        logger.warning("login with %s failed", "discord-token-123")
        try:
            raise RuntimeError("bad secret signing-secret-456\nsecond line")
        except RuntimeError:
            logger.exception("connecting to postgres://quiz:pa55word@db failed")
    finally:
        logger.removeHandler(handler)
    assert records[0] == "WARNING login with *** failed"
    assert len(records) == 2 and all("\n" not in r for r in records)
    assert "Traceback" in records[1] and "RuntimeError" in records[1]
    for secret in ("discord-token-123", "signing-secret-456", "pa55word"):
        assert all(secret not in r for r in records)


def test_anything_shaped_like_a_token_is_redacted_even_unconfigured() -> None:
    """An installed workspace's token is no configured secret, yet must never be logged."""
    lines = [
        "POST https://slack.com/api/chat.postMessage token=xoxb-1234-5678-AbCdEfGhIjKl",
        "socket mode with xapp-1-A0QUIZ-1234-abcdef0123456789",
        "Authorization: Bot MTA1NjQxMjM0NTY3ODkwMTIzNA.GhIjKl.AbCdEfGhIjKlMnOpQrStUvWxYz0123456",
        "GET https://api.telegram.org/bot7000000001:AAFakeTelegramTokenForQuizbotTests00/getMe",
        "connecting to postgresql+asyncpg://quiz:s3cr3t@db.example/quiz",
    ]
    for line in lines:
        redacted = redact(line)
        assert "***" in redacted, line
        for secret in ("AbCdEfGhIjKl", "abcdef0123456789", "AAFakeTelegram", "s3cr3t"):
            assert secret not in redacted
    assert redact("round 1234: 3 answers at 12:30") == "round 1234: 3 answers at 12:30"


def test_chatty_libraries_stay_at_info_under_verbose_unless_named() -> None:
    root = logging.getLogger()
    kept = root.handlers[:], root.level
    try:
        setup_logging(Settings.from_env({}), verbose=True)
        assert logging.getLogger("slack_sdk").getEffectiveLevel() == logging.INFO
        # SQLAlchemy's INFO is every statement and its parameters (echo=True): not logged.
        assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() == logging.WARNING
        assert logging.getLogger("adapters.slack").getEffectiveLevel() == logging.DEBUG
        setup_logging(Settings.from_env({}), verbose=True, debug=["slack_sdk", "sqlalchemy"])
        assert logging.getLogger("slack_sdk.web").getEffectiveLevel() == logging.DEBUG
        assert logging.getLogger("sqlalchemy.engine").getEffectiveLevel() == logging.DEBUG
    finally:
        root.handlers[:], level = kept
        root.setLevel(level)
        for name in ("slack_sdk", "sqlalchemy", "discord", "telegram"):
            logging.getLogger(name).setLevel(logging.NOTSET)


def test_a_query_logs_no_sql_line() -> None:
    """At every verbosity a statement, and the players' names in its parameters, stay out
    of the log (SQLAlchemy logs each one at INFO)."""
    from sqlalchemy import create_engine, text

    root = logging.getLogger()
    kept = root.handlers[:], root.level
    seen: list[logging.LogRecord] = []
    try:
        for verbose in (False, True):
            setup_logging(Settings.from_env({}), verbose=verbose)
            catcher = logging.Handler()
            catcher.emit = seen.append  # type: ignore[method-assign]
            root.addHandler(catcher)
            engine = create_engine("sqlite://")
            with engine.connect() as conn:
                assert conn.execute(text("SELECT :name"), {"name": "Alice Player"}).scalar()
            engine.dispose()
    finally:
        root.handlers[:], level = kept
        root.setLevel(level)
        logging.getLogger("sqlalchemy").setLevel(logging.NOTSET)
    assert [r for r in seen if r.name.startswith("sqlalchemy")] == []
