"""`lobby export`: the records of a period copied to a folder, one CSV and one JSON Lines file
per table and a manifest, for head office or an auditor. Read-only on the database.

Personal fields are masked unless asked for: a customer's name and phone number on a
complaint, the reference on an appointment, the notes on an arrival and on care given
(domain/privacy.PERSONAL), and those names in a journal payload. (A masked journal row no
longer hashes as it did: the copy is for reading; `lobby verify` checks the database
itself.) Skipped: the search index (it repeats the complaints), and drafts (forms not yet
saved, so not yet records).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from lobby_tui import __version__
from lobby_tui.domain.day import day_bounds_utc
from lobby_tui.domain.privacy import (  # the one list: retention erases the same
    CONFIDENTIAL_IN_PAYLOAD,
    DISCREET_TEXT,
    PERSONAL,
)
from lobby_tui.domain.settings import Settings
from lobby_tui.services.verify import anchor_now
from lobby_tui.store import Store, StoreError, iso, new_id
from lobby_tui.store.migrations import SCHEMA_VERSION

MASK = "***"
PERSONAL_IN_JOURNAL = {"customer_name", "customer_phone", "who"}
# A PIN's hash is slow to try, not impossible: it never leaves the database (R6.5).
SECRET = {"staff": ("pin_hash",)}
# Scratch text; day_rollups, derived and rebuilt from the rows; and the key of the row
# digests: with it, a digest in the journal could be tried against every phone number, so it
# never leaves the device.
SKIPPED = {"drafts", "day_rollups", "journal_key"}
# Where a table has no business day, the instant that places a row in the period.
TIME_COLUMNS = ("at", "answered_at", "created_at", "received_at", "raised_at")


@dataclass(frozen=True)
class Exported:
    tables: int
    rows: int
    path: Path


def export(
    store: Store,
    settings: Settings,
    first_day: date,
    last_day: date,
    out: Path,
    *,
    include_personal: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> Exported:
    """`progress(done, tables)` is called after each table written (the command line shows a
    bar with it)."""
    start, _ = day_bounds_utc(first_day, settings.timezone)
    _, end = day_bounds_utc(last_day, settings.timezone)
    target = _prepare(out)
    # Written beside the target, then renamed into place: a failure half-way (a damaged
    # page, a full disk) leaves no partial export behind.
    folder = target.parent / f".{target.name}.partial-{os.getpid()}"
    folder.mkdir(mode=0o700)
    try:
        exported = _export(store, settings, first_day, last_day, folder, include_personal,
                           (start, end), progress)  # fmt: skip
        os.replace(folder, target)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return Exported(exported[0], exported[1], target)


def _export(
    store: Store,
    settings: Settings,
    first_day: date,
    last_day: date,
    folder: Path,
    include_personal: bool,
    bounds: tuple[datetime, datetime],
    progress: Callable[[int, int], None] | None,
) -> tuple[int, int]:
    start, end = bounds
    span = (first_day.isoformat(), last_day.isoformat())
    instants = (iso(start), iso(end))
    tables: dict[str, dict[str, Any]] = {}
    total = 0
    names = _tables(store)
    discreet = _discreet_incidents(store)
    for done, table in enumerate(names, start=1):
        columns = [row[1] for row in store.query(f"PRAGMA table_info({table})")]
        where, by = "", None
        params: tuple[str, ...] = ()
        if "business_day" in columns:
            by = "business_day"
            where, params = " WHERE business_day BETWEEN ? AND ?", span
        elif found := next((c for c in TIME_COLUMNS if c in columns), None):
            by = found
            where, params = f" WHERE {found} >= ? AND {found} < ?", instants
        rows = store.rows(f"SELECT * FROM {table}{where} ORDER BY rowid", params)
        records = [
            _masked(table, dict(zip(columns, r, strict=True)), include_personal, discreet)
            for r in rows
        ]
        _write(folder, table, columns, records)
        tables[table] = {"rows": len(records), "period_by": by}
        total += len(records)
        if progress:
            progress(done, len(names))
    head = anchor_now(store, "export")
    manifest = {
        "app": "lobby-tui",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "exported_at": iso(store.clock.now()),
        "from": first_day.isoformat(),
        "to": last_day.isoformat(),
        "time_zone": str(settings.timezone),
        "personal": "included" if include_personal else "masked",
        "masked_fields": {} if include_personal else {t: list(c) for t, c in PERSONAL.items()},
        # Masked in every export (issue 20): a fraud case's amounts and receipt number in
        # any payload, and the words of an AML concern (the customer must never learn).
        "never_exported": {
            "payload_keys": sorted(CONFIDENTIAL_IN_PAYLOAD),
            "discreet_incidents": {t: list(c) for t, c in DISCREET_TEXT.items()},
        },
        "files": "<table>.csv and <table>.jsonl per table",
        "tables": tables,
        "skipped": sorted(SKIPPED | set(_search_tables(store))),
        # The journal's head at export: `lobby verify --anchors manifest.json` later proves
        # the database still holds it (issue 14).
        "chain_head": None if head is None else {"seq": head.seq, "hash": head.hash},
    }
    with _private(folder / "manifest.json") as fh:
        json.dump(manifest, fh, ensure_ascii=False, indent=2)
        fh.write("\n")
    return len(tables), total


def _prepare(out: Path) -> Path:
    """A new or empty folder, readable by its owner only: it may hold personal data."""
    folder = out.expanduser().absolute()
    if folder.exists() and not folder.is_dir():
        raise StoreError("export.not_a_folder", path=str(folder))
    if folder.is_dir() and any(folder.iterdir()):
        raise StoreError("export.not_empty", path=str(folder))
    folder.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    return folder


def _search_tables(store: Store) -> list[str]:
    """The full-text index and its shadow tables."""
    virtual = [
        r[0]
        for r in store.query(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'"
        )
    ]
    return [
        r[0]
        for r in store.query("SELECT name FROM sqlite_master WHERE type = 'table'")
        if any(r[0] == v or r[0].startswith(f"{v}_") for v in virtual)
    ]


def _tables(store: Store) -> list[str]:
    skipped = SKIPPED | set(_search_tables(store))
    return [
        r[0]
        for r in store.query(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
        if r[0] not in skipped
    ]


def _discreet_incidents(store: Store) -> frozenset[str]:
    """The incidents of a discreet type (an AML concern): their text never leaves."""
    from lobby_tui.content import incident_catalogue

    kinds = incident_catalogue().discreet()
    if not kinds:
        return frozenset()
    marks = ",".join("?" for _ in kinds)
    return frozenset(
        str(r[0]) for r in store.rows(f"SELECT id FROM incidents WHERE type IN ({marks})", kinds)
    )


def _masked(
    table: str,
    record: dict[str, Any],
    include_personal: bool,
    discreet: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    for column in SECRET.get(table, ()):  # never leaves the device, personal or not
        record[column] = MASK
    # A fraud case's amounts and receipt, an AML concern's words: never, personal or not.
    about = record.get("incident_id") if table == "incident_updates" else record.get("id")
    if table in DISCREET_TEXT and about in discreet:
        for column in DISCREET_TEXT[table]:
            if record.get(column) is not None:
                record[column] = MASK
    if table == "events" and record.get("entity_id") in discreet and record.get("payload"):
        record["payload"] = json.dumps(
            _mask_keys(json.loads(record["payload"]), {"note", "resolution_note"}),
            ensure_ascii=False, sort_keys=True,
        )  # fmt: skip
    if table in ("events", "incident_updates") and record.get("payload"):
        record["payload"] = json.dumps(
            _mask_keys(json.loads(record["payload"]), CONFIDENTIAL_IN_PAYLOAD),
            ensure_ascii=False, sort_keys=True,
        )  # fmt: skip
    if include_personal:
        return record
    for column in PERSONAL.get(table, ()):
        if record.get(column) is not None:
            record[column] = MASK
    if table == "events" and record.get("payload"):
        record["payload"] = json.dumps(
            _mask_keys(json.loads(record["payload"])), ensure_ascii=False, sort_keys=True
        )
    return record


def _mask_keys(value: Any, keys: frozenset[str] | set[str] = PERSONAL_IN_JOURNAL) -> Any:
    if isinstance(value, str) and value.startswith("{"):
        # A payload kept as text inside an event (an update's row as written): its keys too.
        try:
            inner = json.loads(value)
        except ValueError:
            return value
        return json.dumps(_mask_keys(inner, keys), ensure_ascii=False, sort_keys=True)
    if isinstance(value, dict):
        return {
            k: (MASK if k in keys and v is not None else _mask_keys(v, keys))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_mask_keys(v, keys) for v in value]
    return value


def _write(folder: Path, table: str, columns: list[str], records: list[dict[str, Any]]) -> None:
    with _private(folder / f"{table}.csv") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for record in records:
            writer.writerow(["" if record[c] is None else record[c] for c in columns])
    with _private(folder / f"{table}.jsonl") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")


def _private(path: Path) -> Any:
    """A new file, 0600 from the start (as the database is)."""
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    return open(fd, "w", encoding="utf-8", newline="")


def record_personal_export(store: Store, first_day: date, last_day: date, done: Exported) -> None:
    """Personal data left the database: the journal says for which period, how much, and
    (its actor) which supervisor vouched for it (R6.5). `store` is writable and signed in."""
    manifest = json.loads((done.path / "manifest.json").read_text(encoding="utf-8"))
    personal = {
        table: manifest["tables"][table]["rows"]
        for table in PERSONAL
        if table in manifest["tables"]
    }
    with store.unit_of_work() as uow:
        uow.event(
            "export.personal",
            "export",
            new_id(),
            {"from": first_day.isoformat(), "to": last_day.isoformat(), "tables": done.tables,
             "rows": done.rows, "personal_rows": personal, "path": str(done.path)},
        )  # fmt: skip
