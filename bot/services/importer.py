"""Importing parsed questions into a bank, and loading the shipped banks.

An import reads parsed items as a stream and writes in batches inside the caller's
transaction, so the caller decides all-or-nothing (commit) or a dry run (rollback). On
PostgreSQL the stream is parsed in a worker thread a few batches ahead of the writes, so
parsing overlaps the waits for the database.
A question is identified by its kind and text (``identity_key``); importing the same
question again is "unchanged", with other content "updated".
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Dialect,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TextClause,
    bindparam,
    cast,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.domain import BankInfo, Image, Question, Skipped
from bot.errors import BankFormatError
from bot.formats.errors import ErrorList
from bot.formats.hygiene import located, tidy
from bot.formats.native import NAME_PATTERN
from bot.services.banks import shipped_banks_dir
from bot.services.images import store_images
from bot.store.locks import hold_until_commit
from bot.store.models import BankRow, QuestionRow, ShippedBankRow

BATCH_SIZE = 1000
#: A batch ends early once its questions' new pictures reach this many bytes, so an import
#: holds only a few batches' images in memory whatever the file.
BATCH_IMAGE_BYTES = 16 * 1024 * 1024
#: How many parsed batches may wait for the database: the parsing thread runs at most this
#: many batches ahead of the writes, so an import's memory stays flat whatever the file size.
QUEUE_BATCHES = 2


def slug(text: str) -> str:
    """A bank name made from free text (a file name, a title)."""
    made = re.sub(r"[^a-z0-9_-]+", "-", text.lower()).strip("-")[:64]
    return made or "bank"


@dataclass
class ImportSummary:
    """What one import did to one bank."""

    source: str
    bank: str = ""
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged

    def describe(self) -> str:
        text = f"{self.new} new, {self.updated} updated, {self.unchanged} unchanged"
        if self.skipped:
            text += f", {self.skipped} skipped"
        if self.removed:
            text += f", {self.removed} removed"
        return text


def _image_values(image: Image | None) -> dict[str, Any]:
    """A question's image columns (:class:`bot.store.models.QuestionRow`)."""
    if image is None:
        return {"image_digest": None, "image_type": "", "image_url": "", "image_alt": ""}
    return {
        "image_digest": image.digest or None,
        "image_type": image.media_type if image.digest else "",
        "image_url": "" if image.digest else image.url,
        "image_alt": image.alt,
    }


def _row_values(question: Question) -> dict[str, Any]:
    return {
        "kind": question.kind.value,
        "prompt": question.prompt,
        "options": list(question.options),
        "correct": question.correct,
        "accepted": list(question.accepted),
        "back": question.back,
        "explanation": question.explanation,
        "topic": question.topic[:200],
        "tags": list(question.tags),
        "source": question.source,
        "identity_key": question.identity_key(),
        "content_hash": question.content_hash(),
        "active": True,
        **_image_values(question.image),
    }


#: The list columns (JSON) an import writes as JSON text it makes itself: json.dumps through
#: the column type, three times a row, costs a third of a bulk insert's time in Python.
_JSON_COLUMNS = ("options", "accepted", "tags")
_encode_str = json.encoder.encode_basestring_ascii  # what json.dumps does to a string


def _json_text(items: Iterable[Any]) -> str:
    """The text ``json.dumps(list(items))`` gives, made quicker for a list of strings."""
    try:
        return "[" + ", ".join(map(_encode_str, items)) + "]"
    except TypeError:  # not all strings: json.dumps's own way
        return json.dumps(list(items))


def _insert_values(question: Question) -> dict[str, Any]:
    """:func:`_row_values` with the list columns as JSON text, for :func:`_question_insert`
    (written out rather than made from :func:`_row_values`: it runs for every question)."""
    return {
        "kind": question.kind.value,
        "prompt": question.prompt,
        "options": _json_text(question.options),
        "correct": question.correct,
        "accepted": _json_text(question.accepted),
        "back": question.back,
        "explanation": question.explanation,
        "topic": question.topic[:200],
        "tags": _json_text(question.tags),
        "source": question.source,
        "identity_key": question.identity_key(),
        "content_hash": question.content_hash(),
        "active": True,
        **_image_values(question.image),
    }


#: The columns an import inserts (all but the id).
_INSERT_COLUMNS = [column.key for column in QuestionRow.__table__.columns if column.key != "id"]
_QuestionInsert = tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]]
_question_inserts: dict[tuple[str, str, str], _QuestionInsert] = {}


def _question_insert(dialect: Dialect) -> _QuestionInsert:
    """INSERT INTO questions as the driver's SQL, and what makes a row's parameters for it
    (a tuple, in the statement's order) from :func:`_insert_values`.

    SQLAlchemy compiles the statement (once per dialect); the rows skip its per-row parameter
    processing, which costs about as much as the database's own work on the insert. They
    need none: strings, integers, None, ``active`` always True (both drivers take a bool),
    and the list columns as JSON text, which SQLite stores as it is and PostgreSQL casts to
    JSON. A column added later whose type does process its values is refused here.
    """
    key = (dialect.name, dialect.driver, dialect.paramstyle)
    if key not in _question_inserts:
        columns = QuestionRow.__table__.c
        processed = {
            name
            for name in _INSERT_COLUMNS
            if columns[name].type.dialect_impl(dialect).bind_processor(dialect) is not None
        }
        unexpected = processed - {*_JSON_COLUMNS, "active"}
        if unexpected:
            raise RuntimeError(f"the import's insert cannot convert {sorted(unexpected)}")
        as_text = {column: bindparam(column, type_=Text) for column in _JSON_COLUMNS}
        if dialect.name == "postgresql":
            values: dict[str, Any] = {column: cast(bind, JSON) for column, bind in as_text.items()}
        else:
            values = dict(as_text)
        compiled = (
            insert(QuestionRow.__table__)
            .values(values)
            .compile(dialect=dialect, column_keys=_INSERT_COLUMNS, for_executemany=True)
        )
        assert compiled.positional and compiled.positiontup is not None
        _question_inserts[key] = (compiled.string, itemgetter(*compiled.positiontup))
    return _question_inserts[key]


def duplicate_error(source: str, line: int | None, earlier: int | None) -> BankFormatError:
    same = f" (same as line {earlier})" if earlier else ""
    return BankFormatError(source, line, f"duplicate question{same}")


#: The identity keys an import has seen so far, kept in the database rather than in memory
#: so that an import's memory stays flat whatever the size of the file.
_import_metadata = MetaData()
IMPORT_KEYS = Table(
    "quizbot_import_keys",
    _import_metadata,
    Column("identity_key", String(32), primary_key=True),
    Column("line", Integer),
    Column("batch", Integer),  # the number of the batch that had it, from 1
    prefixes=["TEMPORARY"],
)


_REMEMBER_KEYS = {
    # "WHERE true": SQLite would read "ON CONFLICT" as the join constraint of the FROM
    "sqlite": "INSERT INTO quizbot_import_keys (identity_key, line, batch) "
    "SELECT key, value, :batch FROM json_each(:keys) WHERE true "
    "ON CONFLICT (identity_key) DO NOTHING",
    "postgresql": "INSERT INTO quizbot_import_keys (identity_key, line, batch) "
    "SELECT key, CAST(value AS INTEGER), CAST(:batch AS INTEGER) "
    "FROM jsonb_each_text(CAST(:keys AS JSONB)) "
    "ON CONFLICT (identity_key) DO NOTHING",
}
_REMEMBER_STATEMENTS = {dialect: text(sql) for dialect, sql in _REMEMBER_KEYS.items()}


def _remember_keys(session: AsyncSession) -> TextClause:
    """INSERT the keys of a JSON object ``{identity_key: line}`` (the bind ``keys``) that are
    not in the import's key table yet, with the batch number (the bind ``batch``)."""
    return _REMEMBER_STATEMENTS[session.get_bind().dialect.name]


class CheckedItems:
    """The questions of a parsed stream, tidied (:func:`bot.formats.hygiene.tidy`: text
    limits, control characters, NFC) and checked for duplicates, with its bank info, skips,
    warnings and errors.

    Import and validate share it, so both apply the same rules. Every parsed item passes
    through here, whatever its format.

    Errors do not stop the iteration: the parser's (raised when it stops) and the text
    limits' go to :attr:`errors`, so one run reports them all; the questions that are fine
    are still yielded. The consumer calls :meth:`raise_errors` at the end.
    """

    def __init__(self, items: Iterable[Any], source: str, *, check_duplicates: bool = True) -> None:
        self.items = items
        self.source = source
        self.check_duplicates = check_duplicates
        self.info: BankInfo | None = None
        self.skipped: list[Skipped] = []
        self.seen: dict[str, int | None] = {}
        self.notes: list[str] = []  # the warnings, in the file's order
        self.errors = ErrorList(source)

    def __iter__(self) -> Iterator[Question]:
        items = iter(self.items)
        while True:
            try:
                parsed = next(items)
            except StopIteration:
                return
            except BankFormatError as error:  # the parser stopped: its errors, or a fatal one
                self.errors.add(error)
                return
            try:
                item, note = tidy(parsed, self.source)
            except BankFormatError as error:
                self.errors.add(error)
                continue
            line = None if isinstance(item, BankInfo) else item.line
            if note:
                self.notes.append(located(self.source, line, note))
            if isinstance(item, BankInfo):
                self.info = item
            elif isinstance(item, Skipped):
                self.skipped.append(item)
                self.notes.append(located(self.source, line, item.reason))
            elif not self.check_duplicates:
                yield item
            else:
                key = item.identity_key()
                if key in self.seen:
                    self.errors.add(duplicate_error(self.source, item.line, self.seen[key]))
                    continue
                self.seen[key] = item.line
                yield item

    def raise_errors(self, more: ErrorList | None = None) -> None:
        """Raise every error found (with those in ``more``), if any: one, or several as a
        :class:`bot.errors.BankFormatErrors`."""
        if more:
            self.errors.add(more.combined())  # type: ignore[arg-type]
        self.errors.raise_if_any()

    def warnings(self) -> list[str]:
        """What was skipped or removed, each as ``file:line: what``, in the file's order."""
        return list(self.notes)


@dataclass(slots=True)
class _Batch:
    """Parsed questions as the row values to write (made where the stream is parsed)."""

    questions: list[Question]
    rows: list[dict[str, Any]]  # each question's :func:`_insert_values`
    lines: dict[str, int | None]  # each row's identity key -> the line of its question
    keys: str  # ``lines`` as a JSON object, for :func:`_remember_keys`
    info: BankInfo | None  # the bank info read so far
    last: bool  # the stream's last batch (it may be empty)
    #: A question twice in the batch, raised when the batch is written (after the bank is
    #: found, as an import always did); such a batch is the last.
    duplicate: BankFormatError | None = None


def _prepare(questions: list[Question], info: BankInfo | None, source: str, last: bool) -> _Batch:
    """A batch's row values; a key twice in the batch is a duplicate question."""
    rows: list[dict[str, Any]] = []
    lines: dict[str, int | None] = {}
    for question in questions:
        values = _insert_values(question)
        key = values["identity_key"]
        if key in lines:
            duplicate = duplicate_error(source, question.line, lines[key])
            return _Batch(questions, rows, lines, "", info, last=True, duplicate=duplicate)
        lines[key] = question.line
        rows.append(values)
    return _Batch(questions, rows, lines, json.dumps(lines), info, last)


class _Batches:
    """A parsed stream as :class:`_Batch` es, parsed inline or in a worker thread.

    In a thread (``threaded``), the stream is parsed ahead of the writes: parsing and building
    rows is Python work, while writing a batch to PostgreSQL is mostly waiting on asyncpg's
    socket, which releases the GIL, so the two overlap. The queue holds at most
    :data:`QUEUE_BATCHES` batches. Not for SQLite: its writes run in aiosqlite's thread in
    this process, and sqlite3 releases and takes back the GIL around every row it steps,
    so a parsing thread holding the GIL slows the writes down more than it saves.

    Either way, whatever the parser raises comes out of :meth:`next` after the batches before
    it, and :meth:`close` (always call it) stops the parsing and closes the stream.
    """

    #: How often (s) a thread waiting for room in the queue checks whether it was stopped.
    POLL = 0.05

    def __init__(
        self, checked: CheckedItems, source: str, *, threaded: bool, size: int = BATCH_SIZE
    ) -> None:
        self._checked = checked
        self._source = source
        self._size = size
        self._batches = self._parse()
        self._thread: threading.Thread | None = None
        if threaded:
            self._queue: queue.Queue[_Batch | BaseException] = queue.Queue(QUEUE_BATCHES)
            self._stop = threading.Event()
            self._loop = asyncio.get_running_loop()
            self._ready = asyncio.Event()  # set (on the loop) after each put
            self._thread = threading.Thread(
                target=self._produce, name="quizbot-import-parser", daemon=True
            )
            self._thread.start()

    def _parse(self) -> Iterator[_Batch]:
        checked, batch, image_bytes = self._checked, [], 0
        for question in checked:
            batch.append(question)
            if question.image is not None and question.image.data is not None:
                image_bytes += len(question.image.data)
            if len(batch) >= self._size or image_bytes >= BATCH_IMAGE_BYTES:
                prepared = _prepare(batch, checked.info, self._source, last=False)
                yield prepared
                if prepared.last:  # a duplicate: the import stops there
                    return
                batch, image_bytes = [], 0
        yield _prepare(batch, checked.info, self._source, last=True)

    def _produce(self) -> None:
        """The thread: parse, hand each batch (or the parser's exception) over, in order."""
        try:
            for batch in self._batches:
                if not self._put(batch):
                    return
        except BaseException as exc:  # raised again by next(), in the consumer
            self._put(exc)
        finally:
            self._batches.close()

    def _put(self, item: _Batch | BaseException) -> bool:
        """Hand ``item`` over, waiting for room; False when stopped meanwhile."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=self.POLL)
            except queue.Full:
                continue
            self._loop.call_soon_threadsafe(self._ready.set)
            return True
        return False

    async def next(self) -> _Batch:
        """The next batch; raises what the parser raised in its place."""
        if self._thread is None:
            return next(self._batches)
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                self._ready.clear()
                if self._queue.empty():  # else a put came between get_nowait and clear
                    await self._ready.wait()
                continue
            if isinstance(item, BaseException):
                raise item
            return item

    def close(self) -> None:
        """Stop parsing (a thread after the batch it is on), wait for the thread, and close
        the stream (a parser's generator closes its file)."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
        self._batches.close()
        close = getattr(self._checked.items, "close", None)
        if close is not None:
            close()


class BankImporter:
    """Writes a stream of parsed items into one bank, in batches, in the caller's transaction."""

    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        *,
        bank_name: str | None = None,
        replace: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> None:
        self.session = session
        self.clock = clock
        self.bank_name = bank_name
        self.replace = replace
        self.progress = progress
        self.next_position: int | None = None
        self.new_bank = False  # a bank this import creates has no questions to compare with
        self.batches = 0  # batches written so far

    async def run(self, items: Iterable[Any], source: str) -> ImportSummary:
        """Import every question of ``items``; raises BankFormatError on bad input."""
        summary = ImportSummary(source=source)
        checked = CheckedItems(items, source, check_duplicates=False)
        await self.session.run_sync(
            lambda s: (
                IMPORT_KEYS.drop(s.connection(), checkfirst=True),
                IMPORT_KEYS.create(s.connection()),
            )
        )
        bank: BankRow | None = None
        threaded = self.session.get_bind().dialect.name == "postgresql"  # see _Batches
        batches = _Batches(checked, source, threaded=threaded)
        try:
            last = False
            while not last:
                batch = await batches.next()
                bank = bank or await self._bank(batch.info, source)
                await self._write(bank, batch, summary, source)
                last = batch.last
        finally:
            batches.close()
        checked.raise_errors()
        assert bank is not None  # the last batch made it
        if self.replace:
            summary.removed = await self._retire_unseen(bank)
        await self.session.run_sync(lambda s: IMPORT_KEYS.drop(s.connection()))
        summary.bank = bank.name
        summary.skipped = len(checked.skipped)
        summary.warnings = checked.warnings()
        return summary

    async def _remember(self, batch: _Batch, source: str) -> None:
        """Record the batch's keys as seen; a key seen in an earlier batch is a duplicate
        question (one seen twice in this batch was found by :func:`_prepare`)."""
        # An index probe per key (a SELECT on the temporary table, which has no planner
        # statistics, can turn into a scan that grows with the file). The batch's keys go
        # in as one JSON object {key: line} in one statement: an executemany costs more in
        # Python per key than the database spends on it. The row count tells whether a key
        # was there already (RETURNING the keys costs more than the insert).
        self.batches += 1
        inserted = await self.session.execute(
            _remember_keys(self.session), {"keys": batch.keys, "batch": self.batches}
        )
        if inserted.rowcount != len(batch.lines):  # rare: find the first repeated key
            earlier = dict(
                (
                    await self.session.execute(
                        select(IMPORT_KEYS.c.identity_key, IMPORT_KEYS.c.line).where(
                            IMPORT_KEYS.c.identity_key.in_(list(batch.lines)),
                            IMPORT_KEYS.c.batch < self.batches,
                        )
                    )
                ).all()
            )
            repeated = next(k for k in batch.lines if k in earlier)
            raise duplicate_error(source, batch.lines[repeated], earlier[repeated])

    async def _bank(self, info: BankInfo | None, source: str) -> BankRow:
        name = self.bank_name or (info.name if info else slug(Path(source).stem))
        if not NAME_PATTERN.match(name):
            raise BankFormatError(
                source, None, f"bank name {name!r} must be lower-case letters, digits, '-' or '_'"
            )
        # One import per bank at a time: this one waits for any other to commit, then reads
        # what it committed (a new bank is created once; --replace sees every change).
        await hold_until_commit(self.session, "bank", name)
        bank = (await self.session.execute(select(BankRow).where(BankRow.name == name))).scalar()
        if bank is None:
            bank = BankRow(
                name=name,
                title=(info.title if info else "") or name,
                description=info.description if info else "",
                source=(info.source if info else "") or Path(source).name,
                created_at=self.clock.now(),
            )
            self.session.add(bank)
            await self.session.flush()
            self.new_bank = True
        elif info is not None:
            bank.title = info.title or bank.title
            bank.description = info.description or bank.description
            bank.source = info.source or bank.source
        return bank

    async def _write(
        self, bank: BankRow, batch: _Batch, summary: ImportSummary, source: str
    ) -> None:
        if batch.duplicate is not None:
            raise batch.duplicate
        rows = batch.rows
        if not rows:
            return
        await self._remember(batch, source)
        await store_images(self.session, batch.questions, self.clock, source)
        existing = (
            {}
            if self.new_bank
            else {
                row.identity_key: row
                for row in await self.session.execute(
                    select(
                        QuestionRow.id,
                        QuestionRow.identity_key,
                        QuestionRow.content_hash,
                        QuestionRow.active,
                    ).where(
                        QuestionRow.bank_id == bank.id,
                        QuestionRow.identity_key.in_(list(batch.lines)),
                    )
                )
            }
        )
        if self.next_position is None:
            self.next_position = (
                await self.session.execute(
                    select(func.coalesce(func.max(QuestionRow.position), 0)).where(
                        QuestionRow.bank_id == bank.id
                    )
                )
            ).scalar_one()
        new_rows: list[dict[str, Any]] = []
        changed: list[dict[str, Any]] = []
        for question, values in zip(batch.questions, rows, strict=True):
            old = existing.get(values["identity_key"])
            if old is None:
                self.next_position += 1
                values["bank_id"], values["position"] = bank.id, self.next_position
                new_rows.append(values)
            elif old.content_hash != values["content_hash"] or not old.active:
                changed.append({**_row_values(question), "id": old.id})
            else:
                summary.unchanged += 1
        if new_rows:  # the driver's executemany, see _question_insert
            connection = await self.session.connection()
            sql, parameters = _question_insert(connection.dialect)
            await connection.exec_driver_sql(sql, [parameters(row) for row in new_rows])
            summary.new += len(new_rows)
        if changed:
            await self.session.execute(update(QuestionRow), changed)
            summary.updated += len(changed)
        if self.progress:
            self.progress(len(rows))

    async def _retire_unseen(self, bank: BankRow) -> int:
        """Mark the bank's questions that this import did not contain as inactive."""
        retired = await self.session.execute(
            update(QuestionRow)
            .where(
                QuestionRow.bank_id == bank.id,
                QuestionRow.active.is_(True),
                QuestionRow.identity_key.not_in(select(IMPORT_KEYS.c.identity_key)),
            )
            .values(active=False)
            .execution_options(synchronize_session=False)
        )
        return int(retired.rowcount or 0)


def file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def load_shipped_banks(
    session: AsyncSession, clock: Clock, folder: Path | None = None
) -> list[ImportSummary]:
    """Import the shipped bank files that are new or changed since they were last loaded."""
    from bot.formats import parse_path

    folder = folder or shipped_banks_dir()
    await hold_until_commit(session, "shipped-banks", "all")  # processes starting together
    loaded = dict(
        (await session.execute(select(ShippedBankRow.file_name, ShippedBankRow.digest))).all()
    )
    summaries = []
    for path in sorted(folder.glob("*.yaml")):
        digest = file_digest(path)
        if loaded.get(path.name) == digest:
            continue
        importer = BankImporter(session, clock, replace=True)
        summaries.append(await importer.run(parse_path(path, "native"), str(path)))
        record = await session.get(ShippedBankRow, path.name)
        if record is None:
            session.add(ShippedBankRow(file_name=path.name, digest=digest, loaded_at=clock.now()))
        else:
            record.digest, record.loaded_at = digest, clock.now()
    await session.flush()
    return summaries
