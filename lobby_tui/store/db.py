"""Opening the one SQLite file safely, and writing to it one transaction at a time.

Nothing here imports Textual. Every failure a user can cause becomes a `StoreError` whose
`key` is a message key in the i18n catalogs; the caller says it in the user's language.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from lobby_tui.store import digests, journal
from lobby_tui.store.clock import Clock, iso
from lobby_tui.store.errors import StoreError
from lobby_tui.store.migrations import MIGRATIONS, SCHEMA_VERSION, statements

T = TypeVar("T")
SQLITE_HEADER = b"SQLite format 3\x00"
DEFAULT_BUSY_TIMEOUT_MS = 5000


def new_id() -> str:
    return str(uuid.uuid4())


def classify(exc: sqlite3.Error, path: Path) -> StoreError:
    """Turn an SQLite error into the one-line explanation a person can act on."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return StoreError("db.locked", path=str(path))
    if name.startswith("SQLITE_READONLY") or "readonly" in text:
        return StoreError("db.read_only", path=str(path))
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return StoreError("db.disk_full", path=str(path))
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in text:
        return StoreError("db.corrupt", path=str(path))
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM")):
        return StoreError("db.cannot_open", path=str(path))
    return StoreError("db.failed", path=str(path), detail=str(exc))


class UnitOfWork:
    """One user action: its row changes and its events, committed together or not at all."""

    def __init__(self, conn: sqlite3.Connection, clock: Clock, actor: str | None = None) -> None:
        self.conn = conn
        self.clock = clock
        self.actor = actor  # who is signed in: every event this action writes names them
        self.now = iso(clock.now())  # one instant for everything this action writes
        # The action's last event waits for commit, to carry the digests of the rows as
        # they then stand (store/digests.py).
        self._pending: dict[str, Any] | None = None

    def insert(self, table: str, row: Mapping[str, Any]) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", tuple(row.values()))

    def update(self, table: str, id_: str, changes: Mapping[str, Any]) -> None:
        sets = ", ".join(f"{c} = ?" for c in changes)
        self.conn.execute(f"UPDATE {table} SET {sets} WHERE id = ?", (*changes.values(), id_))

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def event(self, kind: str, entity: str, entity_id: str, payload: dict[str, Any]) -> None:
        self._flush()
        # Who acted is fixed when the event is made: a handover names the leaving manager on
        # its first event and the incoming one on the next, in one transaction.
        self._pending = {"kind": kind, "entity": entity, "entity_id": entity_id}
        self._pending["actor"] = self.actor
        self._pending["payload"] = dict(payload)

    def _flush(self) -> None:
        if self._pending is not None:
            journal.append(self.conn, id_=new_id(), at=self.now, **self._pending)
            self._pending = None

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A part of this action that fails alone: its rows and events undone, the rest kept
        (one bad line of a ticket machine's log among two thousand)."""
        self._flush()  # an earlier part's event is that part's, not this one's
        self.conn.execute("SAVEPOINT part")
        try:
            yield
            self._flush()
        except BaseException:
            self._pending = None
            self.conn.execute("ROLLBACK TO part")
            self.conn.execute("RELEASE part")
            raise
        self.conn.execute("RELEASE part")

    def finish(self, key: bytes | None, tables: dict[str, str]) -> None:
        """Before commit: write the last event with the digest of every row this action
        changed; an action with many rows (the demo's history) records them in pieces."""
        found = digests.collect(self.conn, key, tables) if key is not None else {}
        if found and self._pending is not None and digests.size(found) <= digests.CHUNK:
            self._pending["payload"]["digests"] = found
            found = {}
        self._flush()
        for piece in digests.chunks(found):
            first = next(iter(piece))
            journal.append(
                self.conn,
                id_=new_id(),
                at=self.now,
                kind="rows.written",
                entity="journal",
                entity_id=first,
                payload={"digests": piece},
                actor=self.actor,
            )


@dataclass
class ReadWatch:
    """The slowest read seen on the store's own thread (see Store.watch_reads)."""

    worst_ms: float = 0.0
    worst_sql: str = ""
    count: int = 0

    def saw(self, seconds: float, sql: str) -> None:
        self.count += 1
        if seconds * 1000 > self.worst_ms:
            self.worst_ms = seconds * 1000
            self.worst_sql = " ".join(sql.split())


class Store:
    """The open database. One writer connection, owned by the thread that opened the store
    (the UI thread in the app); other threads read through read-only connections of their
    own, so a background read never waits for the UI, nor the UI for it (WAL readers do not
    block the writer nor each other)."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: Path,
        clock: Clock,
        *,
        reader_uri: str | None = None,
        busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
    ) -> None:
        self.conn = conn
        self.path = path
        self.clock = clock
        self._lock = threading.RLock()  # the writer connection's
        self._pool_lock = threading.Lock()  # never held while reading or writing
        self._owner = threading.get_ident()
        self._reader_uri = reader_uri or f"{path.as_uri()}?mode=ro"
        self._busy_timeout_ms = busy_timeout_ms
        # Idle read connections. Textual starts a thread per worker, so a connection per
        # thread would be opened and dropped every refresh; a pool keeps a few warm.
        self._readers: list[sqlite3.Connection] = []
        self._all_readers: list[sqlite3.Connection] = []
        self._writes = 0
        self._watch: ReadWatch | None = None
        self._key: bytes | None = None  # of the row digests; None: read-only
        self._tables: dict[str, str] = {}  # the tables whose rows it notes (digests.watch)
        self.read_only = False  # opened to read only (verify, report, export)
        self.after_commit: Callable[[], None] | None = None
        """Called after each commit: the app takes a store failure it showed (the disk was
        full) as over once a write goes through again (issue 25)."""
        self.actor: str | None = None
        """The staff id signed in on this device (R6.5): the app sets it at sign-in, and
        every event written from then on carries it. None: nobody (the command line, the
        demo's history, the first supervisor being added)."""

    def close(self) -> None:
        with self._pool_lock:
            readers, self._all_readers, self._readers = self._all_readers, [], []
        for reader in readers:
            reader.close()
        with self._lock:
            self.conn.close()

    # Reading ----------------------------------------------------------------------------

    @contextmanager
    def _reading(self, sql: str) -> Iterator[sqlite3.Connection]:
        """The connection this thread reads on: the writer's on its own thread (it sees its
        own writes at once), a pooled read-only one anywhere else."""
        if threading.get_ident() == self._owner:
            with self._lock:
                watch = self._watch
                start = time.perf_counter() if watch is not None else 0.0
                try:
                    yield self.conn
                except sqlite3.Error as exc:
                    raise classify(exc, self.path) from exc
                finally:
                    if watch is not None:
                        watch.saw(time.perf_counter() - start, sql)
            return
        reader = self._take_reader()
        try:
            yield reader
        except sqlite3.Error as exc:
            raise classify(exc, self.path) from exc
        finally:
            with self._pool_lock:
                if reader in self._all_readers:  # not closed meanwhile
                    self._readers.append(reader)

    def _take_reader(self) -> sqlite3.Connection:
        with self._pool_lock:
            if self._readers:
                return self._readers.pop()
        try:
            reader = sqlite3.connect(
                self._reader_uri,
                uri=True,
                isolation_level=None,
                check_same_thread=False,  # handed from one worker thread to the next
                timeout=self._busy_timeout_ms / 1000,
            )
            reader.execute(f"PRAGMA busy_timeout = {int(self._busy_timeout_ms)}")
        except sqlite3.Error as exc:
            raise classify(exc, self.path) from exc
        reader.row_factory = sqlite3.Row
        with self._pool_lock:
            self._all_readers.append(reader)
        return reader

    def query(self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> list[sqlite3.Row]:
        with self._reading(sql) as conn:
            return conn.execute(sql, params).fetchall()

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Plain tuples, for reading many rows at once (a year of arrivals): building a
        sqlite3.Row for each costs a third as much again as the query itself."""
        with self._reading(sql) as conn:
            cursor = conn.cursor()
            cursor.row_factory = None
            try:
                return cursor.execute(sql, params).fetchall()
            finally:
                cursor.close()

    def version(self) -> tuple[int, int]:
        """Changes whenever anything is committed to the file: by another connection or
        process (`PRAGMA data_version` of our writer moves) or by us (our own commits, which
        do not move it). Equal versions: nothing to read again."""
        with self._lock:
            try:
                moved = self.conn.execute("PRAGMA data_version").fetchone()[0]
            except sqlite3.Error as exc:
                raise classify(exc, self.path) from exc
            return int(moved), self._writes

    def examine(self, look: Callable[[sqlite3.Connection], T]) -> T:
        """Run `look` on the store's own connection, under its lock: verify reads the whole
        file through it, in one go, with the store's own view of it."""
        with self._lock:
            try:
                return look(self.conn)
            except sqlite3.Error as exc:
                raise classify(exc, self.path) from exc

    def watch_reads(self) -> ReadWatch:
        """Time every read on the owner (UI) thread from now on, keeping the slowest: the
        benchmarks' check that no read makes the screen wait."""
        self._watch = ReadWatch()
        return self._watch

    def query_one(
        self, sql: str, params: Sequence[Any] | Mapping[str, Any] = ()
    ) -> sqlite3.Row | None:
        rows = self.query(sql, params)
        return rows[0] if rows else None

    @contextmanager
    def unit_of_work(self) -> Iterator[UnitOfWork]:
        """BEGIN IMMEDIATE takes the write lock up front: another tablet writing at the same
        moment waits (busy_timeout) instead of failing halfway through our action."""
        with self._lock:
            try:
                self.conn.execute("BEGIN IMMEDIATE")
                if self._key is not None:
                    digests.forget(self.conn)  # only what this action writes counts
            except sqlite3.Error as exc:
                raise classify(exc, self.path) from exc
            try:
                uow = UnitOfWork(self.conn, self.clock, self.actor)
                yield uow
                uow.finish(self._key, self._tables)
                self.conn.execute("COMMIT")
                self._writes += 1
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if isinstance(exc, sqlite3.Error):
                    raise classify(exc, self.path) from exc
                raise
        if self.after_commit is not None:  # committed: nothing it does can undo the save
            self.after_commit()

    def settings(self) -> dict[str, Any]:
        return {
            r["key"]: json.loads(r["value"]) for r in self.query("SELECT key, value FROM settings")
        }

    def pragma(self, name: str) -> Any:
        row = self.query_one(f"PRAGMA {name}")
        return None if row is None else row[0]


def _check_before_open(path: Path, create: bool) -> bool:
    """Everything we can tell without touching the file. Returns True if the file is new."""
    if path.is_dir():
        raise StoreError("db.is_directory", path=str(path))
    folder = path.parent
    if not folder.is_dir():
        raise StoreError("db.no_folder", folder=str(folder))
    if not path.exists():
        if not create:
            raise StoreError("db.missing", path=str(path))
        if not os.access(folder, os.W_OK):
            raise StoreError("db.folder_read_only", folder=str(folder))
        return True
    if not os.access(path, os.R_OK):
        raise StoreError("db.cannot_open", path=str(path))
    if path.stat().st_size:
        with path.open("rb") as fh:
            if fh.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
                raise StoreError("db.not_sqlite", path=str(path))
    return False


def _create_private_file(path: Path) -> None:
    """Create the file 0600 before SQLite sees it: it holds customers' personal data."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise StoreError("db.disk_full", path=str(path)) from exc
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            raise StoreError("db.folder_read_only", folder=str(path.parent)) from exc
        raise StoreError("db.failed", path=str(path), detail=exc.strerror) from exc
    os.close(fd)


def open_store(
    path: Path | str,
    clock: Clock,
    *,
    create: bool = True,
    read_only: bool = False,
    busy_timeout_ms: int = DEFAULT_BUSY_TIMEOUT_MS,
) -> Store:
    """Open (or create) the database, apply migrations, and set the pragmas that keep it safe.

    The order matters: nothing is written before we know the file is SQLite and not from a
    newer app, so a refused file is left exactly as it was.
    """
    path = Path(path).expanduser().absolute()
    is_new = _check_before_open(path, create and not read_only)
    if is_new:
        _create_private_file(path)
    elif not read_only and not (os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
        # WAL needs to write the file and create -wal/-shm beside it.
        raise StoreError("db.read_only", path=str(path))
    try:
        reader_uri = f"{path.as_uri()}?mode=ro"
        if read_only:
            # No -wal file: no app has the file open, so read it as an unchanging file.
            # SQLite then makes no -wal/-shm beside it, which it would otherwise leave
            # behind (a read-only connection cannot remove them), and a copy in a folder we
            # may not write (an auditor's, a backup) opens at all. With a -wal file present
            # (the app is running) committed entries are in it: read normally.
            frozen = not Path(f"{path}-wal").exists()
            reader_uri += "&immutable=1" if frozen else ""
            conn = sqlite3.connect(
                reader_uri,
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=busy_timeout_ms / 1000,
            )
        else:
            conn = sqlite3.connect(
                path,
                isolation_level=None,
                check_same_thread=False,
                timeout=busy_timeout_ms / 1000,
            )
    except sqlite3.Error as exc:
        if is_new:
            path.unlink(missing_ok=True)
        raise classify(exc, path) from exc
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StoreError("db.too_new", path=str(path), found=version, known=SCHEMA_VERSION)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA synchronous = FULL")  # a saved entry survives a power cut
        if not read_only:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                raise StoreError("db.locked", path=str(path))
            _migrate(conn, version)
        elif version < SCHEMA_VERSION:
            raise StoreError("db.needs_upgrade", path=str(path))
    except StoreError:
        conn.close()
        if is_new:
            path.unlink(missing_ok=True)
        raise
    except sqlite3.Error as exc:
        conn.close()
        if is_new:
            path.unlink(missing_ok=True)
        raise classify(exc, path) from exc
    store = Store(conn, path, clock, reader_uri=reader_uri, busy_timeout_ms=busy_timeout_ms)
    store.read_only = read_only
    if not read_only:
        try:
            store._key, store._tables = _watch_rows(conn, clock)
        except sqlite3.Error as exc:
            store.close()
            raise classify(exc, path) from exc
    return store


def _watch_rows(conn: sqlite3.Connection, clock: Clock) -> tuple[bytes | None, dict[str, str]]:
    """Note every row this connection changes, and give rows older than digests their
    baseline: one event vouching for each as it stands now, so an untouched old database
    verifies (and anything changed after it does not)."""
    key = digests.key_of(conn)
    if key is None:
        return None, {}
    tables = digests.watch(conn)
    if conn.execute("SELECT baseline_at FROM journal_key WHERE id = 1").fetchone()[0]:
        return key, tables
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Re-read under the write lock: another process may have done it meanwhile.
        if conn.execute("SELECT baseline_at FROM journal_key WHERE id = 1").fetchone()[0]:
            conn.execute("COMMIT")
            return key, tables
        now = iso(clock.now())
        for piece in digests.chunks(digests.all_rows(conn, key)):
            journal.append(
                conn,
                id_=new_id(),
                at=now,
                kind="rows.baseline",
                entity="journal",
                entity_id=next(iter(piece)),
                payload={"digests": piece},
            )
        conn.execute("UPDATE journal_key SET baseline_at = ? WHERE id = 1", (now,))
        digests.forget(conn)  # the update above is not a business row; be tidy anyway
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return key, tables


def _migrate(conn: sqlite3.Connection, seen_version: int) -> None:
    if seen_version == SCHEMA_VERSION:
        return
    for target, script in enumerate(MIGRATIONS, start=1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            current = conn.execute("PRAGMA user_version").fetchone()[0]
            if current >= target:
                conn.execute("COMMIT")
                continue
            for statement in statements(script):
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
