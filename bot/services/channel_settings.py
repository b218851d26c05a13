"""Channel settings: a channel's defaults for the next quiz, kept in ``channel_settings``.

Anyone may read them; only a moderator (as each platform decides; the CLI is an operator)
changes them. A quiz started without a bank, a number of questions or seconds takes them
from here (explicit options still win); the speed and streak bonuses, hints, the lobby and
the relaxed mode (a round waits for every joined player, up to ``relaxed_max_seconds``) are
read by the quiz start path, the lobby and hints through :func:`settings_for`.

Changes are given as ``key:value`` words (``questions:10 seconds:20 bank:crm-podcast
speed_bonus:on hints:off``), parsed here once for every platform and the CLI by
:func:`parse_changes`; ``default`` as a value clears that setting back to the built-in one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.errors import NotAllowedError, QuizbotError
from bot.i18n import N_, _, languages
from bot.scoring import ScoringRules
from bot.services.banks import find_bank
from bot.services.records import dialect_insert, ensure_channel, ensure_player, find_channel
from bot.store.database import Database
from bot.store.models import BankRow, ChannelSettingsRow
from bot.views import ChannelRef, PlayerRef

#: Points a fully fast answer earns on top when the speed bonus is on (it falls to 0 at the
#: deadline), and per earlier right answer in a row when the streak bonus is on.
SPEED_BONUS_POINTS = 5
STREAK_BONUS_POINTS = 2
#: The bounds of how long a relaxed round may wait for every joined player.
MIN_RELAXED_SECONDS, MAX_RELAXED_SECONDS = 10, 3600
DEFAULT_RELAXED_SECONDS = 120
#: The words that mean on and off, and the one that clears a setting.
ON_WORDS = ("on", "yes", "true", "1")
OFF_WORDS = ("off", "no", "false", "0")
DEFAULT_WORD = "default"
MODERATORS_ONLY = N_("only a moderator can change this channel's settings")


@dataclass(frozen=True, slots=True)
class ChannelSettings:
    """A channel's defaults. ``None`` for bank, questions or seconds: the built-in default."""

    bank: str | None = None
    questions: int | None = None
    seconds: int | None = None
    speed_bonus: bool = False
    streak_bonus: bool = False
    hints: bool = True
    lobby: bool = True
    relaxed: bool = False
    relaxed_max_seconds: int = DEFAULT_RELAXED_SECONDS
    #: The language of the channel's messages (None: the install's, ``QUIZBOT_LANGUAGE``).
    language: str | None = None

    def scoring(self, base: ScoringRules | None = None) -> ScoringRules:
        """The scoring rules a quiz here plays by: ``base`` with the bonuses switched."""
        base = base or ScoringRules()
        return dataclasses.replace(
            base,
            speed_bonus=SPEED_BONUS_POINTS if self.speed_bonus else 0,
            streak_bonus=STREAK_BONUS_POINTS if self.streak_bonus else 0,
        )


#: The settings a channel has when nobody set any.
DEFAULTS = ChannelSettings()
#: The keys one can set, in the order they are shown.
KEYS = (
    "bank",
    "questions",
    "seconds",
    "speed_bonus",
    "streak_bonus",
    "hints",
    "lobby",
    "relaxed",
    "relaxed_max_seconds",
    "language",
)
BOOLEAN_KEYS = frozenset({"speed_bonus", "streak_bonus", "hints", "lobby", "relaxed"})
#: Other spellings users type for a key.
ALIASES = {
    "count": "questions",
    "speed": "speed_bonus",
    "streak": "streak_bonus",
    "hint": "hints",
    "relaxed_max": "relaxed_max_seconds",
    "relaxed_seconds": "relaxed_max_seconds",
    "lang": "language",
    "locale": "language",
}


@dataclass(frozen=True, slots=True)
class SettingsChange:
    """What to change: each key given maps to its new value, ``None`` meaning "default"."""

    values: tuple[tuple[str, Any], ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return dict(self.values)

    def __bool__(self) -> bool:
        return bool(self.values)


def _key(word: str) -> str:
    name = word.strip().lower().replace("-", "_")
    name = ALIASES.get(name, name)
    if name not in KEYS:
        raise QuizbotError(
            _("unknown setting {word} (settings: {settings})").format(
                word=repr(word), settings=", ".join(KEYS)
            )
        )
    return name


def _value(key: str, text: str) -> Any:
    """A setting's value from its text, checked; None for ``default``."""
    word = text.strip().lower()
    if word == DEFAULT_WORD:
        return None
    if key in BOOLEAN_KEYS:
        if word in ON_WORDS:
            return True
        if word in OFF_WORDS:
            return False
        raise QuizbotError(_("{key} is on or off, not {text}").format(key=key, text=repr(text)))
    if key == "bank":
        if not word:
            raise QuizbotError(_("give a bank's name after bank:"))
        return word
    if key == "language":
        try:
            return languages.check(word)
        except ValueError:
            raise QuizbotError(
                _("unknown language {language} (languages: {languages})").format(
                    language=repr(word), languages=", ".join(sorted(languages.LANGUAGES))
                )
            ) from None
    if not word.isdigit():
        raise QuizbotError(
            _("{key} is a whole number, not {text}").format(key=key, text=repr(text))
        )
    number = int(word)
    check(key, number)
    return number


def check(key: str, number: int) -> None:
    """Raise if a number is out of the range ``/quiz start`` accepts for it."""
    from bot.services.quizzes import (
        MAX_QUESTIONS,
        MAX_SECONDS,
        MIN_SECONDS,
        questions_range,
        seconds_range,
    )

    if key == "questions" and not 1 <= number <= MAX_QUESTIONS:
        raise QuizbotError(questions_range(MAX_QUESTIONS))
    if key == "seconds" and not MIN_SECONDS <= number <= MAX_SECONDS:
        raise QuizbotError(seconds_range(MIN_SECONDS, MAX_SECONDS))
    if key == "relaxed_max_seconds" and not MIN_RELAXED_SECONDS <= number <= MAX_RELAXED_SECONDS:
        raise QuizbotError(
            _("relaxed_max_seconds must be between {low} and {high} seconds").format(
                low=MIN_RELAXED_SECONDS, high=MAX_RELAXED_SECONDS
            )
        )


def change(**values: Any) -> SettingsChange:
    """A change from typed values (``questions=10, hints=False``; a string is parsed as a
    user's word, ``None`` or ``"default"`` resets), checked."""
    out: dict[str, Any] = {}
    for given, value in values.items():
        key = _key(given)
        if isinstance(value, str):
            out[key] = _value(key, value)
        elif value is None or isinstance(value, bool):
            if value is not None and key not in BOOLEAN_KEYS:
                raise QuizbotError(_("{key} is not on or off").format(key=key))
            out[key] = value
        elif isinstance(value, int):
            if key in BOOLEAN_KEYS or key in ("bank", "language"):
                raise QuizbotError(_("{key} is not a number").format(key=key))
            check(key, value)
            out[key] = value
        else:
            raise QuizbotError(
                _("{key}: unexpected value {value}").format(key=key, value=repr(value))
            )
    return SettingsChange(tuple(out.items()))


def parse_changes(words: list[str]) -> SettingsChange:
    """``key:value`` words (``key=value`` and ``key: value`` too) as a change."""
    values: dict[str, str] = {}
    rest = list(words)
    while rest:
        word = rest.pop(0)
        sep = ":" if ":" in word else "=" if "=" in word else ""
        if not sep:
            raise QuizbotError(
                _("write each setting as name:value, e.g. questions:10, not {word}").format(
                    word=repr(word)
                )
            )
        name, _sep, value = word.partition(sep)
        if not value and rest:
            value = rest.pop(0)
        if not value:
            raise QuizbotError(_("give a value after {setting}").format(setting=name + sep))
        values[name] = value
    return change(**values)


async def settings_for(session: AsyncSession, where: ChannelRef) -> ChannelSettings:
    """A channel's settings (the defaults when none are set)."""
    channel_id = await find_channel(session, where)
    if channel_id is None:
        return DEFAULTS
    return await _settings_of(session, channel_id)


async def language_of(session: AsyncSession, channel_id: int) -> str:
    """The language of a channel's public messages: its ``language`` setting, else the
    install's (as :meth:`adapters.kit.languages.Languages.of_channel` decides)."""
    stored = await session.scalar(
        select(ChannelSettingsRow.language).where(ChannelSettingsRow.channel_id == channel_id)
    )
    return languages.normalize(stored) or languages.install_default()


async def _settings_of(session: AsyncSession, channel_id: int) -> ChannelSettings:
    row = (
        await session.execute(
            select(ChannelSettingsRow, BankRow.name)
            .outerjoin(BankRow, BankRow.id == ChannelSettingsRow.bank_id)
            .where(ChannelSettingsRow.channel_id == channel_id)
        )
    ).first()
    if row is None:
        return DEFAULTS
    stored, bank = row
    return ChannelSettings(
        bank=bank,
        questions=stored.questions,
        seconds=stored.seconds,
        speed_bonus=stored.speed_bonus,
        streak_bonus=stored.streak_bonus,
        hints=stored.hints,
        lobby=stored.lobby,
        relaxed=stored.relaxed,
        relaxed_max_seconds=stored.relaxed_max_seconds,
        language=stored.language,
    )


def _applied(current: ChannelSettings, values: dict[str, Any]) -> ChannelSettings:
    fields: dict[str, Any] = {}
    for key, value in values.items():
        fields[key] = getattr(DEFAULTS, key) if value is None else value
    return dataclasses.replace(current, **fields)


async def update_settings(
    session: AsyncSession,
    where: ChannelRef,
    changes: SettingsChange,
    *,
    by: int | None,
    clock: Clock,
) -> ChannelSettings:
    """Apply a change to a channel's settings in this transaction (no permission check)."""
    channel_id = await ensure_channel(session, where)
    current = await _settings_of(session, channel_id)
    new = _applied(current, changes.as_dict())
    bank_id = None
    if new.bank is not None:
        bank_row = await find_bank(session, new.bank)
        bank_id, new = bank_row.id, dataclasses.replace(new, bank=bank_row.name)
    columns = {
        "bank_id": bank_id,
        "questions": new.questions,
        "seconds": new.seconds,
        "speed_bonus": new.speed_bonus,
        "streak_bonus": new.streak_bonus,
        "hints": new.hints,
        "lobby": new.lobby,
        "relaxed": new.relaxed,
        "relaxed_max_seconds": new.relaxed_max_seconds,
        "language": new.language,
        "updated_by": by,
        "updated_at": clock.now(),
    }
    stmt = dialect_insert(session, ChannelSettingsRow).values(channel_id=channel_id, **columns)
    await session.execute(stmt.on_conflict_do_update(index_elements=["channel_id"], set_=columns))
    return new


async def reset_settings(session: AsyncSession, where: ChannelRef) -> ChannelSettings:
    """Forget a channel's settings (back to the defaults) in this transaction."""
    channel_id = await find_channel(session, where)
    if channel_id is not None:
        await session.execute(
            delete(ChannelSettingsRow).where(ChannelSettingsRow.channel_id == channel_id)
        )
    return DEFAULTS


class ChannelSettingsService:
    """Showing and changing channels' settings, as chat commands and the CLI do."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def show(self, where: ChannelRef) -> ChannelSettings:
        async with self.db.reads() as session:
            return await settings_for(session, where)

    async def change(
        self,
        where: ChannelRef,
        who: PlayerRef | None,
        changes: SettingsChange,
        *,
        is_moderator: bool,
    ) -> ChannelSettings:
        """Change settings; ``who`` None is the operator (the CLI). Moderators only."""
        if not is_moderator:
            raise NotAllowedError(_(MODERATORS_ONLY))
        async with self.db.transaction() as session:
            by = await ensure_player(session, who) if who is not None else None
            return await update_settings(session, where, changes, by=by, clock=self.clock)

    async def reset(
        self, where: ChannelRef, who: PlayerRef | None, *, is_moderator: bool
    ) -> ChannelSettings:
        if not is_moderator:
            raise NotAllowedError(_(MODERATORS_ONLY))
        async with self.db.transaction() as session:
            return await reset_settings(session, where)
