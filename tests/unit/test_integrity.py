"""The journal vouches for the tables: what `lobby verify` catches when someone with the file
changes it behind the app's back, anchors, backups, and reading without a trace (issue 14).
# covers: R6.2"""

from __future__ import annotations

import asyncio
import json
import os
import sqlite3
import stat
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from lobby_tui.demo.history import write_history
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.settings import Settings
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
from lobby_tui.services.backup import backups, make_backup, newest_good_backup, restore
from lobby_tui.services.settings import load_settings, save_setting
from lobby_tui.services.verify import verify_file, verify_store
from lobby_tui.start import explain
from lobby_tui.store import FixedClock, Store, StoreError, open_store, wall_clock
from lobby_tui.store.anchors import Anchor, anchors_path, parse_anchor, read_anchors
from lobby_tui.store.digests import Mismatch
from lobby_tui.store.migrations import MIGRATIONS, SCHEMA_VERSION, statements
from tests.helpers.app import one_row
from tests.helpers.cli import lobby

DAY = date(2026, 11, 28)


def behind_the_back(path: Path, *sql: str) -> None:
    """Another program (the sqlite3 shell) changing the file: no app, no triggers."""
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in sql:
        conn.execute(statement)
    conn.close()


def rewrite_journal(path: Path, *sql: str) -> None:
    """Someone who knows the app: drops the append-only guards, edits, and recomputes every
    hash after the edit so the chain links again."""
    from lobby_tui.store.journal import GENESIS, event_hash

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("DROP TRIGGER events_no_update")
    conn.execute("DROP TRIGGER events_no_delete")
    for statement in sql:
        conn.execute(statement)
    prev = GENESIS
    rows = conn.execute(
        "SELECT seq, id, at, kind, entity, entity_id, payload FROM events ORDER BY seq"
    ).fetchall()
    for seq, id_, at, kind, entity, entity_id, payload in rows:
        digest = event_hash(prev, seq, id_, at, kind, entity, entity_id, payload)
        conn.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest
    conn.close()


def demo(store: Store, settings: Settings, days: int = 0) -> None:
    write_demo_morning(store, settings, DAY, seed=3, lang="en", past_complaints=not days)
    if days:
        write_history(store, settings, DAY, days=days, per_day=40, seed=3, lang="en")


@pytest.fixture
def lobby_db(store: Store, settings: Settings, db_path: Path) -> Path:
    demo(store, settings)
    store.close()
    return db_path


def test_everything_the_app_writes_verifies(store: Store, settings: Settings) -> None:
    # Rows written through uow.insert, uow.update and hand-written uow.execute (settings,
    # the appointment a walk-in arrives for) all carry their digests.
    demo(store, settings, days=3)
    arrival_id, _ = record_arrival(store, NewArrival(None, DAY.isoformat(), "enquiry", "cash", "A"))
    move_arrival(store, arrival_id, "called")
    save_setting(store, "theme", "high-contrast")
    verdict = verify_store(store)
    assert verdict.rows == [] and verdict.ok


def test_an_edited_field_is_named(lobby_db: Path) -> None:
    behind_the_back(
        lobby_db,
        "UPDATE complaints SET customer_phone = '13900000000'"
        " WHERE rowid = (SELECT MIN(rowid) FROM complaints WHERE customer_phone IS NOT NULL)",
    )
    verdict = verify_file(lobby_db)
    assert not verdict.ok
    [found] = verdict.rows
    assert (found.table, found.kind, found.fields) == ("complaints", "edited", ("customer_phone",))


def test_a_mass_edit_of_arrivals_is_caught_row_by_row(
    store: Store, settings: Settings, db_path: Path
) -> None:
    demo(store, settings, days=14)
    store.close()
    behind_the_back(db_path, "UPDATE arrivals SET status = 'done' WHERE status = 'left'")
    verdict = verify_file(db_path)
    edited = [m for m in verdict.rows if m.kind == "edited"]
    assert len(edited) == len(verdict.rows) > 10
    assert all(m.table == "arrivals" and m.fields == ("status",) for m in edited)


def test_a_row_added_or_deleted_behind_the_back_is_caught(lobby_db: Path) -> None:
    behind_the_back(
        lobby_db,
        "INSERT INTO tasks (id, source, what, created_at)"
        " VALUES ('forged', 'manual', 'x', '2026-11-28T01:00:00Z')",
        "DELETE FROM enquiries WHERE rowid = (SELECT MIN(rowid) FROM enquiries)",
    )
    kinds = {(m.table, m.kind) for m in verify_file(lobby_db).rows}
    assert kinds == {("tasks", "unrecorded"), ("enquiries", "deleted")}


def test_the_cli_names_each_mismatch(lobby_db: Path) -> None:
    behind_the_back(
        lobby_db,
        "UPDATE arrivals SET channel = 'wealth' WHERE rowid = 1",
        "UPDATE arrivals SET note = 'x' WHERE rowid > 1",  # a mass edit hides nothing
        "UPDATE complaints SET customer_name = 'Li' WHERE rowid = 1",
        "INSERT INTO tasks (id, source, what, created_at)"
        " VALUES ('forged', 'manual', 'x', '2026-11-28T01:00:00Z')",
    )
    result = lobby("verify", "--db", str(lobby_db))
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert "FAILED: tasks row forged is not in the journal" in lines[0]
    assert any(line.endswith("(fields: channel).") and "arrivals row" in line for line in lines)
    assert any(line.endswith("(fields: customer_name).") for line in lines)
    assert len([line for line in lines if line.startswith("FAILED: arrivals row")]) == 5
    assert any(line.startswith("... and ") and "more arrivals rows" in line for line in lines)


def test_the_key_never_leaves_and_digests_do_not_reveal(lobby_db: Path) -> None:
    conn = sqlite3.connect(lobby_db)
    phone = conn.execute(
        "SELECT customer_phone FROM complaints WHERE customer_phone > ''"
    ).fetchone()
    payloads = " ".join(r[0] for r in conn.execute("SELECT payload FROM events"))
    conn.close()
    assert phone[0] not in payloads  # the journal holds a keyed digest, not the number
    out = lobby_db.parent / "export"
    assert lobby("export", "--db", str(lobby_db), "--from", "2026-11-01", "--to",
                 "2026-11-28", "--out", str(out)).returncode == 0  # fmt: skip
    manifest = json.loads((out / "manifest.json").read_text())
    assert "journal_key" not in manifest["tables"] and not (out / "journal_key.csv").exists()


def test_an_old_database_gets_a_baseline_and_verifies(tmp_path: Path) -> None:
    # A database written before digests: the migration's baseline vouches for its rows.
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:-1], start=1):
        for statement in statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    conn.execute(
        "INSERT INTO shifts (id, business_day, opened_at) VALUES ('s1', '2026-11-27',"
        " '2026-11-27T00:30:00Z')"
    )
    conn.close()
    store = open_store(path, FixedClock(datetime.fromisoformat("2026-11-28T02:30:00+00:00")))
    kinds = [r[0] for r in store.query("SELECT kind FROM events")]
    store.close()
    assert kinds == ["rows.baseline"]
    assert verify_file(path).ok
    behind_the_back(path, "UPDATE shifts SET business_day = '2026-11-26'")
    assert verify_file(path).rows == [Mismatch("shifts", "s1", "edited", ("business_day",))]


# Anchors ----------------------------------------------------------------------------------


def head_of(path: Path) -> Anchor:
    conn = sqlite3.connect(path)
    seq, digest = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    conn.close()
    return Anchor(seq, digest)


def test_an_anchor_catches_the_last_events_deleted(lobby_db: Path) -> None:
    anchor = head_of(lobby_db)
    rewrite_journal(lobby_db, f"DELETE FROM events WHERE seq > {anchor.seq - 3}")
    assert verify_file(lobby_db).chain.intact  # the chain alone cannot tell
    result = lobby("verify", "--db", str(lobby_db), "--anchor", str(anchor))
    assert result.returncode == 1
    assert f"FAILED: anchor {anchor} is beyond the journal's end" in result.stdout


def test_an_anchor_catches_a_rewritten_and_rehashed_chain(lobby_db: Path) -> None:
    anchor = head_of(lobby_db)
    rewrite_journal(lobby_db, "UPDATE events SET payload = '{}' WHERE seq = 2")
    verdict = verify_file(lobby_db, [anchor])
    assert verdict.chain.intact and verdict.anchors == [(anchor, "differs")]
    result = lobby("verify", "--db", str(lobby_db), "--anchor", str(anchor))
    assert f"FAILED: the journal differs at anchor {anchor}" in result.stdout


def test_report_and_export_write_the_head_that_verify_then_holds(lobby_db: Path) -> None:
    report = lobby("report", "--db", str(lobby_db), "--date", "2026-11-28", "--format", "json")
    head = json.loads(report.stdout)["chain_head"]
    anchor = Anchor(head["seq"], head["hash"])
    assert anchor == head_of(lobby_db)
    out = lobby_db.parent / "export"
    lobby("export", "--db", str(lobby_db), "--from", "2026-11-28", "--to", "2026-11-28",
          "--out", str(out))  # fmt: skip
    assert read_anchors(out / "manifest.json") == [anchor]
    written = anchors_path(lobby_db)
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    lines = written.read_text().splitlines()
    assert [parse_anchor(line) for line in lines] == [anchor, anchor]
    assert lines[0].endswith(" report") and lines[1].endswith(" export")
    for way in (["--anchors", str(written)], ["--anchors", str(out / "manifest.json")]):
        result = lobby("verify", "--db", str(lobby_db), *way)
        assert result.returncode == 0 and f"OK: the journal still holds anchor {anchor}" in (
            result.stdout
        )


def test_a_bad_anchor_is_one_clear_line(lobby_db: Path) -> None:
    result = lobby("verify", "--db", str(lobby_db), "--anchor", "12:nothex")
    assert result.returncode == 1 and "is not an anchor" in result.stderr
    assert "Traceback" not in result.stderr


# Reading leaves no trace --------------------------------------------------------------------


def test_verify_and_report_leave_no_wal_or_shm(lobby_db: Path) -> None:
    side = [Path(f"{lobby_db}{tail}") for tail in ("-wal", "-shm")]
    assert not any(p.exists() for p in side)
    assert lobby("verify", "--db", str(lobby_db)).returncode == 0
    assert lobby("report", "--db", str(lobby_db), "--date", "2026-11-28").returncode == 0
    assert not any(p.exists() for p in side)
    behind_the_back(lobby_db, f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    for command in ("verify", "report"):
        result = lobby(command, "--db", str(lobby_db))
        assert result.returncode == 1 and "newer" in result.stderr.lower()
    assert not any(p.exists() for p in side)


# Backups ------------------------------------------------------------------------------------


def test_a_backup_while_the_app_writes_is_consistent_private_and_pruned(
    store: Store, settings: Settings, db_path: Path
) -> None:
    demo(store, settings)
    folder = db_path.parent / "backups"
    made = [make_backup(db_path, store.clock, keep=3) for _ in range(4)]
    # The app still has the file open, with its last commits in the -wal: the copy has them.
    record_arrival(store, NewArrival(None, DAY.isoformat(), "enquiry", "cash", "A"))
    latest = make_backup(db_path, store.clock, keep=3)
    assert made[-1].removed == 1 and latest.removed == 1
    assert backups(db_path) == sorted(folder.iterdir(), reverse=True)
    assert len(backups(db_path)) == 3 and latest.path == backups(db_path)[0]
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in folder.iterdir())
    copy = verify_file(latest.path)
    now = head_of(db_path)
    assert copy.ok and copy.head == (now.seq, now.hash)
    count = sqlite3.connect(latest.path).execute("SELECT COUNT(*) FROM arrivals").fetchone()
    assert count[0] == one_row(store, "SELECT COUNT(*) FROM arrivals")[0]
    assert not Path(f"{latest.path}-wal").exists()


def test_the_cli_backup(lobby_db: Path, tmp_path: Path) -> None:
    result = lobby("backup", str(tmp_path / "copies"), "--db", str(lobby_db), "--keep", "2")
    assert result.returncode == 0 and result.stdout.startswith("Backup written and verified")
    assert len(list((tmp_path / "copies").iterdir())) == 1


def damage(path: Path) -> None:
    """Overwrite one leaf page of `arrivals`, as a failing disk would."""
    import struct

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'arrivals'").fetchone()
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = path.read_bytes()
    page = root[0]
    while data[(page - 1) * size] != 0x0D:  # down the first child to a leaf
        base = (page - 1) * size
        cell = struct.unpack(">H", data[base + 12 : base + 14])[0]
        page = struct.unpack(">I", data[base + cell : base + cell + 4])[0]
    with path.open("r+b") as fh:
        fh.seek((page - 1) * size)
        fh.write(b"\xff" * size)


def test_a_damaged_database_names_the_newest_good_backup_and_is_restored(
    store: Store, settings: Settings, db_path: Path
) -> None:
    demo(store, settings, days=2)
    store.close()
    good = make_backup(db_path, wall_clock()).path
    damage(db_path)
    assert newest_good_backup(db_path) == good
    for command in (["verify"], ["report", "--from", "2026-11-26", "--to", "2026-11-28"]):
        result = lobby(*command, "--db", str(db_path))
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert "is damaged" in result.stderr and f"lobby restore {good}" in result.stderr
    kept = restore(good, db_path)
    assert kept is not None and kept.exists()
    assert verify_file(db_path).ok
    with pytest.raises(StoreError, match="restore.healthy"):
        restore(good, db_path)
    result = lobby("restore", str(good), "--db", str(db_path), "--force")
    assert result.returncode == 0 and "Restored" in result.stdout


def test_restore_refuses_a_healthy_database_from_the_cli(lobby_db: Path) -> None:
    good = make_backup(lobby_db, wall_clock()).path
    result = lobby("restore", str(good), "--db", str(lobby_db))
    assert result.returncode == 1 and "is healthy" in result.stderr


async def test_the_app_on_a_damaged_database_ends_with_the_clear_line(
    store: Store, settings: Settings, db_path: Path
) -> None:
    from lobby_tui.app import make_app

    demo(store, settings)
    store.close()
    good = make_backup(db_path, wall_clock()).path
    damage(db_path)
    damaged = open_store(db_path, store.clock)
    try:
        app = make_app(damaged, load_settings(damaged), "en")
        # The start's first read of the records (the retention scan, a moment after the
        # sign-in is drawn) finds the damage; the app ends by itself.
        await asyncio.wait_for(app.run_async(headless=True, size=(100, 30)), timeout=30)
        assert app.return_code == 1 and app.store_failure is not None
        said = explain(app.store_failure)
        assert "is damaged" in said and f"lobby restore {good} --db {db_path}" in said
    finally:
        damaged.close()


def test_a_backup_that_cannot_be_written_is_said(lobby_db: Path, tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")
    with pytest.raises(StoreError) as caught:
        make_backup(lobby_db, wall_clock(), blocked / "sub")
    assert caught.value.key == "backup.folder"
    assert os.path.exists(lobby_db)


# The anchors file, read by default (issue 25) ------------------------------------------------


def anchored(path: Path, clock: FixedClock) -> Anchor:
    """A handover's anchor after three events that change no row: the journal records it
    and the file beside the database holds it."""
    from lobby_tui.services.verify import anchor_now

    store = open_store(path, clock)
    for n in range(3):
        with store.unit_of_work() as uow:
            uow.event("test.note", "test", str(n), {"n": n})
    anchor = anchor_now(store, "handover")
    store.close()
    assert anchor is not None
    return anchor


def truncate_cleanly(path: Path, anchor: Anchor) -> None:
    rewrite_journal(path, f"DELETE FROM events WHERE seq >= {anchor.seq - 1}")


def recompute_chain(path: Path, anchor: Anchor) -> None:
    rewrite_journal(path, f"UPDATE events SET payload = '{{}}' WHERE seq = {anchor.seq - 2}")


def rewrite_with_the_key(path: Path, anchor: Anchor) -> None:
    """Edit an arrival, compute its digest again with the key in the file, put it where the
    journal keeps the row's digest, and rehash the chain: rows and chain all agree again."""
    from lobby_tui.store.digests import key_of, recorded, row_digest

    conn = sqlite3.connect(path, isolation_level=None)
    rid = conn.execute("SELECT id FROM arrivals LIMIT 1").fetchone()[0]
    conn.execute("UPDATE arrivals SET note = 'forged' WHERE id = ?", (rid,))
    key = key_of(conn)
    assert key is not None
    cols, _old = recorded(conn)[("arrivals", rid)]
    values = conn.execute(f"SELECT {', '.join(cols)} FROM arrivals WHERE id = ?", (rid,))
    digest = row_digest(key, values.fetchone())
    seq, body = next(
        (seq, json.loads(payload))
        for seq, payload in conn.execute(
            "SELECT seq, payload FROM events WHERE payload LIKE ? ORDER BY seq DESC", (f"%{rid}%",)
        )
        if rid in json.loads(payload).get("digests", {}).get("arrivals", {}).get("rows", {})
    )
    body["digests"]["arrivals"]["rows"][rid] = digest
    conn.close()
    from lobby_tui.store.journal import canonical

    quoted = canonical(body).replace("'", "''")
    rewrite_journal(path, f"UPDATE events SET payload = '{quoted}' WHERE seq = {seq}")


def swap_in_an_older_backup(path: Path, anchor: Anchor) -> None:
    import shutil

    older = path.with_name("older.db")
    assert older.exists()
    for tail in ("-wal", "-shm"):
        Path(f"{path}{tail}").unlink(missing_ok=True)
    shutil.copyfile(older, path)


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        (truncate_cleanly, "is beyond the journal's end"),
        (recompute_chain, "FAILED: the journal differs at anchor"),
        (rewrite_with_the_key, "FAILED: the journal differs at anchor"),
        (swap_in_an_older_backup, "is beyond the journal's end"),
    ],
    ids=["clean truncation", "recomputed chain", "rewrite with the digest key", "older backup"],
)
def test_verify_reads_the_anchors_file_and_catches_each_tamper_kind(
    lobby_db: Path, clock: FixedClock, tamper: Any, said: str
) -> None:  # covers: R6.2
    make_backup(lobby_db, clock)
    [older] = backups(lobby_db)
    older.rename(lobby_db.with_name("older.db"))
    anchor = anchored(lobby_db, clock)
    assert lobby("verify", "--db", str(lobby_db)).returncode == 0
    tamper(lobby_db, anchor)
    blind = lobby("verify", "--db", str(lobby_db), "--no-anchors")
    assert blind.returncode == 0  # the journal, its rows and its chain all agree again
    assert "Anchors not read (--no-anchors)" in blind.stdout and "cannot be seen" in blind.stdout
    result = lobby("verify", "--db", str(lobby_db))
    assert result.returncode == 1
    assert f"anchor {anchor}" in result.stdout and said in result.stdout
    assert "`lobby verify --anchor SEQ:HASH`" in result.stdout  # how to keep heads elsewhere


def test_verify_says_when_the_anchors_file_is_missing_or_shorter(
    lobby_db: Path, clock: FixedClock
) -> None:  # covers: R6.2
    path = anchors_path(lobby_db)
    assert "No anchors file at" in lobby("verify", "--db", str(lobby_db)).stdout  # none yet
    first = anchored(lobby_db, clock)
    second = anchored(lobby_db, clock)
    ok = lobby("verify", "--db", str(lobby_db))
    assert ok.returncode == 0
    assert f"OK: the journal still holds all 2 anchors in {path}" in ok.stdout
    path.write_text(path.read_text().splitlines()[0] + "\n")  # the last line cut
    short = lobby("verify", "--db", str(lobby_db))
    assert short.returncode == 1 and "lacks 1 anchors" in short.stdout
    assert f"(the last at event {second.seq})" in short.stdout
    path.unlink()
    gone = lobby("verify", "--db", str(lobby_db))
    assert gone.returncode == 1 and "writing 2 anchors to it" in gone.stdout
    assert str(first) not in gone.stdout
