"""Process logs: one line per event, and no secret ever printed."""

from __future__ import annotations

import logging

from adapters.kit import registry
from bot.config import Settings
from cli.logs import OneLineFormatter, RedactSecrets, secrets_of


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
