"""Importing parsed questions into a bank, and loading the shipped banks.

An import reads parsed items as a stream and writes in batches inside the caller's
transaction, so the caller decides all-or-nothing (commit) or a dry run (rollback). What
is written comes from :mod:`bot.importing.rows` (checked questions as batches of
rows). A big file given by its path (:meth:`BankImporter.run_file`) is parsed in a second
process while this one writes (:mod:`bot.importing.parse_process`); otherwise, on PostgreSQL,
the stream is parsed in a thread a few batches ahead of the writes, so parsing overlaps
the waits for the database.
A question is identified by its kind and text (``identity_key``); importing the same
question again is "unchanged", with other content "updated". Within one file, a repeat of
a question is imported once with a warning when it is identical or has the same answers,
and is an error naming both lines when its answers or options differ, unless
``--on-duplicate first|last`` says which wins (:func:`judge_repeat`). Every error of a
file is reported together.
"""

from __future__ import annotations

import asyncio
import contextvars
import gc
import hashlib
import queue
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any, Protocol

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
from bot.domain import BankInfo
from bot.errors import BankFormatError
from bot.formats.native import NAME_PATTERN
from bot.i18n import _, current_language, ngettext
from bot.importing.parse_process import ParseProcess, worth_a_process
from bot.importing.rows import (
    BATCH_SIZE,
    IMPORT_GC_THRESHOLD,
    JSON_COLUMNS,
    ON_DUPLICATE,
    Batch,
    CheckedItems,
    Findings,
    batches,
    compare_repeat,
    judge_repeat,
    update_values,
)
from bot.services.banks import shipped_banks_dir
from bot.services.images import store_images
from bot.store.locks import hold_until_commit
from bot.store.models import BankRow, QuestionRow, ShippedBankRow

#: How many parsed batches may wait for the database: the parsing thread runs at most this
#: many batches ahead of the writes, so an import's memory stays flat whatever the file size.
QUEUE_BATCHES = 2

_collecting_less = 0  # imports running in this process with the threshold raised


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Let the cyclic garbage collector run less often while a file is imported.

    An import makes and drops a few containers per question (questions, row dicts, lists),
    so at Python's threshold of 700 the collector ran some 400 times for 100,000 questions
    and walked everything the process had imported in its full collections (about 0.3 s,
    2-3% of the whole import on SQLite). Few of those objects are in cycles and they die
    young, so collecting every 10,000 still keeps memory flat. The import that raised the
    threshold puts it back as it ends (another running meanwhile leaves it alone); a
    collector turned off (threshold 0) is left off.
    """
    global _collecting_less
    restore: tuple[int, int, int] | None = None
    threshold = gc.get_threshold()
    if _collecting_less == 0 and 0 < threshold[0] < IMPORT_GC_THRESHOLD:
        restore = threshold
        gc.set_threshold(IMPORT_GC_THRESHOLD, *threshold[1:])
    _collecting_less += 1
    try:
        yield
    finally:
        _collecting_less -= 1
        if restore is not None:
            gc.set_threshold(*restore)


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
    repeats: int = 0  # questions repeated in the file, imported once
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.new + self.updated + self.unchanged

    def describe(self) -> str:
        """The counts, in the current language: "3 new, 0 updated, 5 unchanged"."""
        parts = [
            ngettext("{count} new", "{count} new", self.new).format(count=self.new),
            ngettext("{count} updated", "{count} updated", self.updated).format(count=self.updated),
            ngettext("{count} unchanged", "{count} unchanged", self.unchanged).format(
                count=self.unchanged
            ),
        ]
        if self.skipped:
            parts.append(
                ngettext("{count} skipped", "{count} skipped", self.skipped).format(
                    count=self.skipped
                )
            )
        if self.repeats:
            parts.append(
                ngettext("{count} repeat skipped", "{count} repeats skipped", self.repeats).format(
                    count=self.repeats
                )
            )
        if self.removed:
            parts.append(
                ngettext("{count} removed", "{count} removed", self.removed).format(
                    count=self.removed
                )
            )
        return ", ".join(parts)


#: The columns an import inserts (all but the id).
_INSERT_COLUMNS = [column.key for column in QuestionRow.__table__.columns if column.key != "id"]
_QuestionInsert = tuple[str, Callable[[dict[str, Any]], tuple[Any, ...]]]
_question_inserts: dict[tuple[str, str, str], _QuestionInsert] = {}


def _question_insert(dialect: Dialect) -> _QuestionInsert:
    """INSERT INTO questions as the driver's SQL, and what makes a row's parameters for it
    (a tuple, in the statement's order) from :func:`~bot.importing.rows.insert_values`.

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
        unexpected = processed - {*JSON_COLUMNS, "active"}
        if unexpected:
            raise RuntimeError(f"the import's insert cannot convert {sorted(unexpected)}")
        as_text = {column: bindparam(column, type_=Text) for column in JSON_COLUMNS}
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


#: The identity keys an import has seen so far, kept in the database rather than in memory
#: so that an import's memory stays flat whatever the size of the file.
_import_metadata = MetaData()
IMPORT_KEYS = Table(
    "quizbot_import_keys",
    _import_metadata,
    Column("identity_key", String(32), primary_key=True),
    Column("line", Integer),
    Column("content_hash", String(32)),  # tells an identical repeat from another
    Column("answers", String(32)),  # answers_digest: tells a conflicting repeat
    #: --on-duplicate last: the content hash the bank had for the key before this import
    #: (NULL: it had no such question), so a later repeat that wins is counted right
    Column("original", String(32)),
    Column("batch", Integer),  # the number of the batch that had it, from 1
    prefixes=["TEMPORARY"],
)


_REMEMBER_KEYS = {
    # "WHERE true": SQLite would read "ON CONFLICT" as the join constraint of the FROM
    "sqlite": "INSERT INTO quizbot_import_keys (identity_key, line, content_hash, answers, batch) "
    "SELECT key, json_extract(value, '$[0]'), json_extract(value, '$[1]'), "
    "json_extract(value, '$[2]'), :batch FROM json_each(:keys) WHERE true "
    "ON CONFLICT (identity_key) DO NOTHING",
    "postgresql": "INSERT INTO quizbot_import_keys "
    "(identity_key, line, content_hash, answers, batch) "
    "SELECT key, CAST(value->>0 AS INTEGER), value->>1, value->>2, CAST(:batch AS INTEGER) "
    "FROM jsonb_each(CAST(:keys AS JSONB)) "
    "ON CONFLICT (identity_key) DO NOTHING",
}
_REMEMBER_STATEMENTS = {dialect: text(sql) for dialect, sql in _REMEMBER_KEYS.items()}


class _BatchStream(Protocol):
    """Where an import's batches come from: :class:`_Batches` (this process) or
    :class:`~bot.importing.parse_process.ParseProcess` (a second one)."""

    @property
    def findings(self) -> Findings: ...

    @property
    def skipped(self) -> int: ...

    async def next(self) -> Batch: ...

    async def close(self) -> None: ...


def _remember_keys(session: AsyncSession) -> TextClause:
    """INSERT the keys of a JSON object ``{identity_key: [line, content_hash, answers]}`` (the
    ``keys``) that are not in the import's key table yet, with the batch number (the bind
    ``batch``)."""
    return _REMEMBER_STATEMENTS[session.get_bind().dialect.name]


class _Batches:
    """A parsed stream as :class:`~bot.importing.rows.Batch` es, parsed inline or in a
    worker thread (for a big file, see :mod:`bot.importing.parse_process` instead).

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
        self,
        checked: CheckedItems,
        source: str,
        *,
        threaded: bool,
        size: int = BATCH_SIZE,
        on_duplicate: str = "error",
    ) -> None:
        self._checked = checked
        self._source = source
        self._batches = batches(checked, size, on_duplicate)
        self._thread: threading.Thread | None = None
        if threaded:
            self._queue: queue.Queue[Batch | BaseException] = queue.Queue(QUEUE_BATCHES)
            self._stop = threading.Event()
            self._loop = asyncio.get_running_loop()
            self._ready = asyncio.Event()  # set (on the loop) after each put
            self._thread = threading.Thread(  # in the importer's context: its language
                target=contextvars.copy_context().run,
                args=(self._produce,),
                name="quizbot-import-parser",
                daemon=True,
            )
            self._thread.start()

    @property
    def findings(self) -> Findings:
        """What the checks found so far (all of it after the last batch)."""
        return self._checked.findings

    @property
    def skipped(self) -> int:
        """How many items the parser skipped so far."""
        return len(self._checked.skipped)

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

    def _put(self, item: Batch | BaseException) -> bool:
        """Hand ``item`` over, waiting for room; False when stopped meanwhile."""
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=self.POLL)
            except queue.Full:
                continue
            self._loop.call_soon_threadsafe(self._ready.set)
            return True
        return False

    async def next(self) -> Batch:
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

    async def close(self) -> None:
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
    """Writes a stream of parsed items into one bank, in batches, in the caller's transaction.

    ``on_duplicate`` and ``strict`` are the rules for repeats and warnings
    (:func:`judge_repeat`, :class:`Findings`); a file without questions is an error unless
    ``allow_empty``, and always with ``replace`` (it would retire the whole bank).
    """

    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        *,
        bank_name: str | None = None,
        replace: bool = False,
        progress: Callable[[int], None] | None = None,
        on_duplicate: str = "error",
        strict: bool = False,
        allow_empty: bool = False,
        language: str | None = None,
    ) -> None:
        if on_duplicate not in ON_DUPLICATE:
            raise ValueError(f"on_duplicate must be one of {ON_DUPLICATE}")
        self.session = session
        self.clock = clock
        self.bank_name = bank_name
        self.replace = replace
        self.progress = progress
        self.on_duplicate = on_duplicate
        self.strict = strict
        self.allow_empty = allow_empty
        #: The bank's language when the moderator gives it (wins over the file's).
        self.language = language
        self.next_position: int | None = None
        self.new_bank = False  # a bank this import creates has no questions to compare with
        self.batches = 0  # batches written so far
        self.findings = Findings("", strict=strict)  # the repeats found between batches

    async def run(self, items: Iterable[Any], source: str) -> ImportSummary:
        """Import every question of ``items``; raises BankFormatError on bad input (all the
        errors of the file, see :class:`bot.errors.BankFormatErrors`)."""
        checked = CheckedItems(items, source, check_repeats=False, strict=self.strict)
        threaded = self.session.get_bind().dialect.name == "postgresql"  # see _Batches
        with _fewer_collections():
            stream = _Batches(checked, source, threaded=threaded, on_duplicate=self.on_duplicate)
            return await self._import(stream, source)

    async def run_file(
        self, path: Path, format_name: str | None = None, *, process: bool | None = None
    ) -> ImportSummary:
        """Import the bank file ``path`` (its format detected unless given), like
        :meth:`run`. A big file is parsed in a second process while this one writes
        (:mod:`bot.importing.parse_process`); ``process`` says whether, instead of
        :func:`~bot.importing.parse_process.worth_a_process`."""
        from bot.formats import parse_path

        source = str(path)
        if not (worth_a_process(path) if process is None else process):
            return await self.run(parse_path(path, format_name), source)
        stream = ParseProcess(
            path,
            format_name,
            source=source,
            language=current_language(),
            on_duplicate=self.on_duplicate,
            strict=self.strict,
        )
        with _fewer_collections():
            await stream.start()
            return await self._import(stream, source)

    async def _import(self, stream: _BatchStream, source: str) -> ImportSummary:
        """Write every batch of ``stream``, then report (or raise) what was found."""
        summary = ImportSummary(source=source)
        self.findings = Findings(source, strict=self.strict)
        bank: BankRow | None = None
        try:
            await self.session.run_sync(
                lambda s: (
                    IMPORT_KEYS.drop(s.connection(), checkfirst=True),
                    IMPORT_KEYS.create(s.connection()),
                )
            )
            last = False
            while not last:
                batch = await stream.next()
                bank = bank or await self._bank(batch.info, source)
                for verdict in batch.repeats:
                    self.findings.repeat(verdict)
                await self._write(bank, batch, summary, source)
                last = batch.last
        finally:
            await stream.close()
        found = stream.findings
        found.absorb(self.findings)
        found.errors.raise_if_any()
        assert bank is not None  # the last batch made it
        if not summary.total:
            if self.replace:
                raise BankFormatError(
                    source,
                    None,
                    _(
                        "no questions in this file: --replace would retire every question of "
                        "the bank {bank}; nothing was changed"
                    ).format(bank=repr(bank.name)),
                )
            if not self.allow_empty:
                raise BankFormatError(
                    source,
                    None,
                    _(
                        "no questions in this file; nothing was imported "
                        "(give --allow-empty to import it anyway)"
                    ),
                )
        if self.replace:
            summary.removed = await self._retire_unseen(bank)
        await self.session.run_sync(lambda s: IMPORT_KEYS.drop(s.connection()))
        summary.bank = bank.name
        summary.skipped = stream.skipped
        summary.repeats = found.repeats
        summary.warnings = found.warnings()
        return summary

    async def _remember(self, batch: Batch) -> dict[str, str | None]:
        """Record the batch's keys as seen. A key seen in an earlier batch is a repeat,
        judged by :func:`judge_repeat` against what the key table holds for it (the line and
        content hash of the question kept); a repeat that loses is taken out of the batch.
        Returns the keys whose question replaces the one an earlier batch wrote
        (``--on-duplicate last``), each with the content hash the bank had for it before
        the import (None: none). Repeats within the batch were judged by
        :func:`~bot.importing.rows.prepare_batch`.
        """
        # An index probe per key (a SELECT on the temporary table, which has no planner
        # statistics, can turn into a scan that grows with the file). The batch's keys go
        # in as one JSON object {key: [line, hash]} in one statement: an executemany costs
        # more in Python per key than the database spends on it. The row count tells whether
        # a key was there already (RETURNING the keys costs more than the insert).
        self.batches += 1
        inserted = await self.session.execute(
            _remember_keys(self.session), {"keys": batch.keys, "batch": self.batches}
        )
        if inserted.rowcount == len(batch.lines):
            return {}
        earlier = {
            key: (line, (digest, answers), original)
            for key, line, digest, answers, original in await self.session.execute(
                select(
                    IMPORT_KEYS.c.identity_key,
                    IMPORT_KEYS.c.line,
                    IMPORT_KEYS.c.content_hash,
                    IMPORT_KEYS.c.answers,
                    IMPORT_KEYS.c.original,
                ).where(
                    IMPORT_KEYS.c.identity_key.in_(list(batch.lines)),
                    IMPORT_KEYS.c.batch < self.batches,
                )
            )
        }
        rows: list[dict[str, Any]] = []
        replaced: dict[str, str | None] = {}
        winners: list[dict[str, Any]] = []
        for values, digest in zip(batch.rows, batch.answers, strict=True):
            key = values["identity_key"]
            before = earlier.get(key)
            if before is not None:
                line = batch.lines[key]
                how = compare_repeat(before[1], (values["content_hash"], digest))
                verdict = judge_repeat(line, before[0], how, self.on_duplicate)
                self.findings.repeat(verdict)
                if not verdict.later_wins:
                    del batch.lines[key]
                    batch.pictured.pop(key, None)
                    continue
                replaced[key] = before[2]
                winners.append(
                    {
                        "key": key,
                        "new_line": line,
                        "new_hash": values["content_hash"],
                        "new_answers": digest,
                    }
                )
            rows.append(values)
        batch.rows = rows
        if winners:  # the key table names the question kept, for later repeats
            await self.session.execute(
                update(IMPORT_KEYS)
                .where(IMPORT_KEYS.c.identity_key == bindparam("key"))
                .values(
                    line=bindparam("new_line"),
                    content_hash=bindparam("new_hash"),
                    answers=bindparam("new_answers"),
                ),
                winners,
            )
        return replaced

    async def _bank(self, info: BankInfo | None, source: str) -> BankRow:
        name = self.bank_name or (info.name if info else slug(Path(source).stem))
        if not NAME_PATTERN.match(name):
            raise BankFormatError(
                source,
                None,
                _("bank name {name} must be lower-case letters, digits, '-' or '_'").format(
                    name=repr(name)
                ),
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
                language=self.language or (info.language if info else ""),
                created_at=self.clock.now(),
            )
            self.session.add(bank)
            await self.session.flush()
            self.new_bank = True
        elif info is not None:
            bank.title = info.title or bank.title
            bank.description = info.description or bank.description
            bank.source = info.source or bank.source
        if self.language or (info is not None and info.language):
            bank.language = self.language or (info.language if info else "") or bank.language
        return bank

    async def _write(
        self, bank: BankRow, batch: Batch, summary: ImportSummary, source: str
    ) -> None:
        if not batch.rows:
            return
        replaced = await self._remember(batch)
        if self.findings.errors:
            return  # the import fails: its keys are still remembered, to find every repeat
        rows = batch.rows
        await store_images(self.session, batch.pictured.values(), self.clock, source)
        looked_up = list(replaced) if self.new_bank else list(batch.lines)
        existing = (
            {
                row.identity_key: row
                for row in await self.session.execute(
                    select(
                        QuestionRow.id,
                        QuestionRow.identity_key,
                        QuestionRow.content_hash,
                        QuestionRow.active,
                    ).where(
                        QuestionRow.bank_id == bank.id,
                        QuestionRow.identity_key.in_(looked_up),
                    )
                )
            }
            if looked_up
            else {}
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
        replacing: list[dict[str, Any]] = []
        originals: list[dict[str, Any]] = []  # --on-duplicate last: what the bank had
        last = self.on_duplicate == "last"
        for values in rows:
            key = values["identity_key"]
            old = existing.get(key)
            if old is not None and key in replaced:
                # --on-duplicate last: the earlier question of the file, already written
                # and counted, takes this one's content; counted again against the bank's
                if old.content_hash != values["content_hash"]:
                    replacing.append({**update_values(values), "id": old.id})
                original = replaced[key]
                if original is not None:
                    was = old.content_hash == original
                    now = values["content_hash"] == original
                    summary.unchanged += now - was
                    summary.updated += was - now
                continue
            if old is None:
                self.next_position += 1
                values["bank_id"], values["position"] = bank.id, self.next_position
                new_rows.append(values)
                continue
            if last:  # an inactive question is never "unchanged"
                original = old.content_hash if old.active else "-"
                originals.append({"key": key, "original_hash": original})
            if old.content_hash != values["content_hash"] or not old.active:
                changed.append({**update_values(values), "id": old.id})
            else:
                summary.unchanged += 1
        if originals:
            await self.session.execute(
                update(IMPORT_KEYS)
                .where(IMPORT_KEYS.c.identity_key == bindparam("key"))
                .values(original=bindparam("original_hash")),
                originals,
            )
        if new_rows:  # the driver's executemany, see _question_insert
            connection = await self.session.connection()
            sql, parameters = _question_insert(connection.dialect)
            await connection.exec_driver_sql(sql, [parameters(row) for row in new_rows])
            summary.new += len(new_rows)
        if changed or replacing:
            await self.session.execute(update(QuestionRow), changed + replacing)
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
