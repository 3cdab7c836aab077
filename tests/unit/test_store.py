"""The store: pragmas, migrations, the journal, and every way a file can be refused."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import sqlite3
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest
import sqlite_utils

from lobby_tui.services.verify import verify_file
from lobby_tui.store import FixedClock, Store, StoreError, open_store, wall_clock
from lobby_tui.store.journal import verify_chain
from lobby_tui.store.migrations import SCHEMA_VERSION
from tests.helpers.app import one_row

T = TypeVar("T")

TABLES = {
    "shifts",
    "checklist_runs",
    "checklist_answers",
    "tasks",
    "arrivals",
    "rounds",
    "care_actions",
    "complaints",
    "complaint_updates",
    "incidents",
    "events",
    "drafts",
    "settings",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_file_is_private_wal_and_safe(store: Store, db_path: Path) -> None:  # covers: R6.2
    assert stat.S_IMODE(db_path.stat().st_mode) == 0o600
    assert store.pragma("journal_mode") == "wal"
    assert store.pragma("synchronous") == 2  # FULL: a saved entry survives a power cut
    assert store.pragma("foreign_keys") == 1
    assert store.pragma("busy_timeout") >= 5000
    assert store.pragma("user_version") == SCHEMA_VERSION


def test_migration_from_empty_creates_the_design_tables(store: Store, db_path: Path) -> None:
    # Other tools read the file too (sqlite-utils here, as a branch's analyst would).
    names = set(sqlite_utils.Database(db_path).table_names())
    assert names >= TABLES
    arrival_columns = {c.name for c in sqlite_utils.Database(db_path)["arrivals"].columns}
    assert {
        "id",
        "shift_id",
        "ticket",
        "arrived_at",
        "need",
        "channel",
        "priority",
        "status",
        "quoted_wait_min",
        "called_at",
        "done_at",
        "triage_seconds",
    } <= arrival_columns


def test_reopening_keeps_data_and_version(db_path: Path, clock: FixedClock) -> None:
    first = open_store(db_path, clock)
    with first.unit_of_work() as uow:
        uow.event("test.kept", "test", "1", {"n": 1})
    first.close()
    again = open_store(db_path, clock)
    assert again.pragma("user_version") == SCHEMA_VERSION
    assert one_row(again, "SELECT COUNT(*) FROM events")[0] == 1
    again.close()


def test_empty_file_is_treated_as_new(db_path: Path, clock: FixedClock) -> None:
    db_path.touch()
    store = open_store(db_path, clock)
    assert store.pragma("user_version") == SCHEMA_VERSION
    store.close()


def test_newer_database_is_refused_untouched(db_path: Path, clock: FixedClock) -> None:
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("CREATE TABLE future (x)")
    conn.commit()
    conn.close()
    before = digest(db_path)
    with pytest.raises(StoreError) as caught:
        open_store(db_path, clock)
    assert caught.value.key == "db.too_new"
    assert caught.value.params["found"] == SCHEMA_VERSION + 1
    assert digest(db_path) == before
    assert not Path(f"{db_path}-wal").exists()


def test_not_sqlite_is_refused_untouched(db_path: Path, clock: FixedClock) -> None:
    db_path.write_text("shopping list: milk, bread\n")
    before = digest(db_path)
    with pytest.raises(StoreError) as caught:
        open_store(db_path, clock)
    assert caught.value.key == "db.not_sqlite"
    assert digest(db_path) == before


def test_missing_folder_is_refused_and_not_created(tmp_path: Path, clock: FixedClock) -> None:
    target = tmp_path / "no" / "such" / "lobby.db"
    with pytest.raises(StoreError) as caught:
        open_store(target, clock)
    assert caught.value.key == "db.no_folder"
    assert not (tmp_path / "no").exists()


def test_a_folder_is_not_a_database(tmp_path: Path, clock: FixedClock) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(tmp_path, clock)
    assert caught.value.key == "db.is_directory"


def test_locked_database_is_refused_untouched(db_path: Path, clock: FixedClock) -> None:
    # An older file in rollback-journal mode, held exclusively by another program.
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("CREATE TABLE other_app (x)")
    conn.execute("BEGIN EXCLUSIVE")
    try:
        before = digest(db_path)
        with pytest.raises(StoreError) as caught:
            open_store(db_path, clock, busy_timeout_ms=200)
        assert caught.value.key == "db.locked"
        assert digest(db_path) == before
    finally:
        conn.execute("ROLLBACK")
        conn.close()


def test_read_only_file_is_refused(
    db_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_store(db_path, clock).close()
    before = digest(db_path)
    # Tests run as root here, where chmod does not stop writes; ask the OS question the
    # store asks, answered as a read-only mount would answer it.
    real_access = os.access
    monkeypatch.setattr(
        os, "access", lambda p, mode: False if mode == os.W_OK else real_access(p, mode)
    )
    with pytest.raises(StoreError) as caught:
        open_store(db_path, clock)
    assert caught.value.key == "db.read_only"
    assert digest(db_path) == before


def test_full_disk_is_a_clear_error_and_loses_nothing_saved(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.event("test.before", "test", "0", {})
    pages = store.pragma("page_count")
    store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
    with pytest.raises(StoreError) as caught, store.unit_of_work() as uow:
        for i in range(2000):
            uow.event("test.fill", "test", str(i), {"text": "x" * 500})
    assert caught.value.key == "db.disk_full"
    assert one_row(store, "SELECT COUNT(*) FROM events")[0] == 1
    assert verify_chain(store.conn).intact


def test_events_reject_update_and_delete(store: Store) -> None:
    with store.unit_of_work() as uow:
        uow.event("test.one", "test", "1", {"n": 1})
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("UPDATE events SET kind = 'forged'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.conn.execute("DELETE FROM events")
    assert one_row(store, "SELECT kind FROM events")[0] == "test.one"


def test_unit_of_work_is_all_or_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.unit_of_work() as uow:
        uow.insert("drafts", {"key": "k", "body": "{}", "updated_at": uow.now})
        uow.event("draft.saved", "draft", "k", {})
        raise RuntimeError("power cut")
    assert one_row(store, "SELECT COUNT(*) FROM drafts")[0] == 0
    assert one_row(store, "SELECT COUNT(*) FROM events")[0] == 0


def _tamper(db_path: Path, sql: str) -> None:
    conn = sqlite3.connect(db_path, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    conn.execute(sql)
    conn.close()


def _three_events(db_path: Path) -> None:
    store = open_store(db_path, wall_clock())
    for i in range(3):
        with store.unit_of_work() as uow:
            uow.event("test.step", "test", str(i), {"i": i})
    store.close()


def test_verify_passes_an_untouched_journal(db_path: Path) -> None:
    _three_events(db_path)
    verdict = verify_file(db_path)
    assert verdict.ok and verdict.chain.events == 3


def test_verify_catches_an_edited_event(db_path: Path) -> None:
    _three_events(db_path)
    _tamper(db_path, "UPDATE events SET payload = '{\"i\":99}' WHERE seq = 2")
    verdict = verify_file(db_path)
    assert not verdict.ok
    assert (verdict.chain.broken_at, verdict.chain.reason) == (2, "hash")


def test_verify_catches_a_removed_event(db_path: Path) -> None:
    _three_events(db_path)
    _tamper(db_path, "DELETE FROM events WHERE seq = 2")
    verdict = verify_file(db_path)
    assert (verdict.chain.broken_at, verdict.chain.reason) == (3, "link")


def test_verify_never_changes_the_file(db_path: Path) -> None:
    _three_events(db_path)
    before = digest(db_path)
    verify_file(db_path)
    assert digest(db_path) == before


def _writer(path: str, name: str, count: int) -> None:
    store = open_store(path, wall_clock())
    for i in range(count):
        with store.unit_of_work() as uow:
            uow.insert("drafts", {"key": f"{name}-{i}", "body": "{}", "updated_at": uow.now})
            uow.event("draft.saved", "draft", f"{name}-{i}", {"writer": name})
    store.close()


def test_two_processes_writing_at_once_lose_nothing(db_path: Path) -> None:
    open_store(db_path, wall_clock()).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(str(db_path), n, 150)) for n in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    verdict = verify_file(db_path)
    assert verdict.ok
    assert verdict.chain.events == 300
    store = open_store(db_path, wall_clock())
    assert one_row(store, "SELECT COUNT(*) FROM drafts")[0] == 300
    store.close()


def test_stored_instants_read_back_exactly_and_strictly() -> None:
    from datetime import UTC, datetime

    from lobby_tui.store import iso, parse_iso

    at = datetime(2026, 11, 28, 1, 30, 5, tzinfo=UTC)
    assert parse_iso(iso(at)) == at and parse_iso(iso(at)).tzinfo == UTC
    for bad in ("2026-11-28T01:30:05", "2026-11-28 01:30:05Z", "2026-11-28T01:30:05+00:00"):
        with pytest.raises(ValueError):
            parse_iso(bad)


def _in_a_worker(read: Callable[[], T]) -> T:
    """Run `read` on a thread of its own, as a Textual thread worker does; fail if it waits."""
    got: list[T] = []
    failed: list[BaseException] = []

    def run() -> None:
        try:
            got.append(read())
        except BaseException as exc:
            failed.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(timeout=2)  # well under the 5 s busy timeout: a waiting read fails here
    assert not worker.is_alive(), "the worker's read waited for the writer"
    if failed:
        raise failed[0]
    return got[0]


def test_a_worker_reads_while_the_writer_holds_a_transaction(store: Store) -> None:
    count = "SELECT COUNT(*) FROM drafts"
    with store.unit_of_work() as uow:
        uow.insert("drafts", {"key": "k", "body": "{}", "updated_at": uow.now})
        # The write lock is held and the row not yet committed: a reader on another thread
        # neither waits nor sees it.
        assert _in_a_worker(lambda: one_row(store, count)[0]) == 0
        assert _in_a_worker(lambda: store.rows(count)) == [(0,)]
    assert _in_a_worker(lambda: one_row(store, count)[0]) == 1  # committed: seen
    assert one_row(store, count)[0] == 1


def test_workers_read_on_connections_of_their_own(store: Store) -> None:
    # A read-only connection per worker: a worker cannot write, even by mistake.
    with pytest.raises(StoreError) as refused:
        _in_a_worker(lambda: store.query("INSERT INTO settings VALUES ('x', '1')"))
    assert refused.value.key == "db.read_only"
    # Idle connections are reused, not opened anew for every refresh.
    for _ in range(3):
        _in_a_worker(lambda: store.query("SELECT 1"))
    assert len(store._all_readers) == 1
    store.close()
    assert store._all_readers == []


def test_a_read_only_store_reads_in_workers_too(db_path: Path, clock: FixedClock) -> None:
    open_store(db_path, clock).close()
    reader = open_store(db_path, clock, read_only=True)
    try:
        assert _in_a_worker(lambda: reader.pragma("user_version")) == SCHEMA_VERSION
    finally:
        reader.close()


def test_the_version_moves_on_every_commit_and_only_then(
    store: Store, db_path: Path, clock: FixedClock
) -> None:
    seen = store.version()
    store.query("SELECT COUNT(*) FROM drafts")
    assert store.version() == seen  # reading changes nothing
    with store.unit_of_work() as uow:  # our own write
        uow.insert("drafts", {"key": "a", "body": "{}", "updated_at": uow.now})
    assert store.version() != seen
    seen = store.version()
    tablet = open_store(db_path, clock)  # another tablet on the same file
    with tablet.unit_of_work() as uow:
        uow.insert("drafts", {"key": "b", "body": "{}", "updated_at": uow.now})
    tablet.close()
    assert store.version() != seen


def test_reads_on_the_owner_thread_can_be_timed(store: Store) -> None:
    watch = store.watch_reads()
    store.query("SELECT COUNT(*) FROM events")
    _in_a_worker(lambda: store.query("SELECT 1"))  # a worker's read is not the UI's
    assert watch.count == 1
    assert watch.worst_sql == "SELECT COUNT(*) FROM events"
    assert watch.worst_ms > 0
