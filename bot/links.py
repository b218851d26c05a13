"""Signed, expiring links to the web pages: what a link may show, sealed with a secret.

A link is ``{public_url}/l/{token}``. The token is ``{payload}.{signature}``: the payload is
the page's scope as compact JSON in URL-safe base64 (no padding), the signature is
HMAC-SHA256 of the payload's exact characters with ``QUIZBOT_SECRET_KEY``, also URL-safe
base64. The scope names the page (``leaderboard``, ``player``, ``report``, ``bank``), the
tenant (platform and workspace), what in it (a channel, a player, a quiz id, a bank) and
the expiry (Unix seconds). Nothing else in the URL is trusted: query parameters only
filter inside the signed scope (a period, a bank, a search).

:func:`verify` checks the signature in constant time before reading anything of the
payload, then the expiry; any failure is :class:`BadLink` (the web answers 403). A link
changed in one character, one past its expiry, or one signed with another key fails.
Whether the scope's things belong to its tenant (a quiz of that workspace) is checked by
the page that reads them.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from bot.errors import ConfigError, QuizbotError
from bot.i18n import N_, _, ngettext

KINDS = ("leaderboard", "player", "report", "bank")
#: Path prefix of every signed page.
PREFIX = "/l/"
#: Mixed into the key so a signature made here means nothing to any other use of the secret.
CONTEXT = b"quizbot web link v1\x00"
MIN_SECRET_LENGTH = 16
#: Why a link is refused (:class:`BadLink`), translated where raised.
NOT_VALID = N_("the link is not valid")
EXPIRED = N_("the link has expired")


class BadLink(QuizbotError):
    """A link that is malformed, tampered with, signed with another key, or expired
    (``expired``: tell why by this, not by the message, which is in a reader's language)."""

    def __init__(self, message: str, *, expired: bool = False) -> None:
        super().__init__(message)
        self.expired = expired


@dataclass(frozen=True)
class Scope:
    """What one link may show. ``kind`` picks the page; the other fields narrow it."""

    kind: str
    platform: str = ""
    workspace: str = ""
    channel: str = ""
    user: str = ""
    quiz: int = 0
    bank: str = ""
    expires: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise QuizbotError(
                _("unknown page {kind} (one of: {kinds})").format(
                    kind=repr(self.kind), kinds=", ".join(KINDS)
                )
            )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise BadLink(_(NOT_VALID)) from exc


def check_secret(secret: str | None) -> str:
    """The secret, or ConfigError saying how to set it."""
    if not secret:
        raise ConfigError(
            _(
                "QUIZBOT_SECRET_KEY is not set, and the web pages need it to sign their links: "
                "set it to a long random string, e.g. {example}"
            ).format(
                example="QUIZBOT_SECRET_KEY=$(python3 -c "
                "'import secrets; print(secrets.token_urlsafe(32))')"
            )
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(
            ngettext(
                "QUIZBOT_SECRET_KEY is too short ({count} character): use at least "
                "{least} random characters",
                "QUIZBOT_SECRET_KEY is too short ({count} characters): use at least "
                "{least} random characters",
                len(secret),
            ).format(count=len(secret), least=MIN_SECRET_LENGTH)
        )
    return secret


class LinkSigner:
    """Makes and checks links with one secret."""

    def __init__(self, secret: str, public_url: str) -> None:
        self._key = hashlib.sha256(CONTEXT + check_secret(secret).encode("utf-8")).digest()
        self.public_url = public_url.rstrip("/")

    def _signature(self, payload: str) -> bytes:
        return hmac.new(self._key, payload.encode("ascii"), hashlib.sha256).digest()

    def token(self, scope: Scope) -> str:
        fields = {k: v for k, v in asdict(scope).items() if v or k == "kind"}
        payload = _b64(json.dumps(fields, separators=(",", ":"), sort_keys=True).encode())
        return f"{payload}.{_b64(self._signature(payload))}"

    def url(self, scope: Scope) -> str:
        """The full address of the page ``scope`` shows."""
        return f"{self.public_url}{PREFIX}{self.token(scope)}"

    def make(self, kind: str, now: datetime, valid_for: timedelta, **fields: object) -> str:
        """The URL of a ``kind`` page valid from ``now`` for ``valid_for``."""
        expires = int((now + valid_for).timestamp())
        return self.url(Scope(kind=kind, expires=expires, **fields))  # type: ignore[arg-type]

    def verify(self, token: str, now: datetime) -> Scope:
        """The scope a token grants, or BadLink (bad signature first, then expiry)."""
        payload, dot, signature = token.partition(".")
        if not dot or not payload or not signature:
            raise BadLink(_(NOT_VALID))
        if not (payload.isascii() and signature.isascii()):
            raise BadLink(_(NOT_VALID))
        # Compared as text, not decoded bytes: base64's last character carries spare bits, so
        # two spellings decode alike, and any changed character must fail.
        expected = _b64(self._signature(payload)).encode("ascii")
        if not hmac.compare_digest(expected, signature.encode("ascii")):
            raise BadLink(_(NOT_VALID))
        try:
            fields = json.loads(_unb64(payload))
            scope = Scope(**fields)
        except (ValueError, TypeError, QuizbotError) as exc:
            raise BadLink(_(NOT_VALID)) from exc
        if scope.expires <= int(now.timestamp()):
            raise BadLink(_(EXPIRED), expired=True)
        return scope


def parse_duration(text: str) -> timedelta:
    """``90m``, ``24h``, ``7d`` or ``2w`` as a timedelta; ConfigError otherwise."""
    units = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
    text = text.strip().lower()
    number, unit = text[:-1], text[-1:]
    if unit not in units or not number.isdigit() or int(number) <= 0:
        raise ConfigError(
            _(
                "{text} is not a duration: use a whole number and a unit, e.g. 90m, 24h, 7d, 2w"
            ).format(text=repr(text))
        )
    return timedelta(**{units[unit]: int(number)})
