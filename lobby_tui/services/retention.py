"""Erasing personal information kept long enough (domain/retention.py; issue 16, R6.5).

`plan` reads what would go; `purge` erases it: the personal fields set to NULL (the record
itself stays), drafts untouched that long deleted, and one journal event with the cutoff and
the counts per table, never the values. The rows' digests are recorded as they stand after
(store/digests.py notes every row changed), so `lobby verify` still vouches for them.
The app runs `purge` at start-up in a thread worker; `lobby purge` runs it by hand.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lobby_tui.domain.retention import DRAFTS, RULES, Cutoff, Kept, cutoff, erasable
from lobby_tui.domain.settings import Settings
from lobby_tui.store import Store, iso, parse_iso

BATCH = 500  # ids per statement: far under SQLite's limit on parameters
CHECKPOINT_WAIT_S = 0.2


@dataclass(frozen=True)
class Purge:
    cut: Cutoff
    counts: dict[str, int]  # records per table whose personal fields go (drafts: go whole)
    ids: dict[str, list[str]] = field(default_factory=dict, repr=False)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _holds(rule: Kept) -> str:
    return " OR ".join(f"coalesce({f}, '') != ''" for f in rule.fields)


def _due(rule: Kept, rows: Sequence[Sequence[Any]], cut: Cutoff) -> list[str]:
    """The ids among (id, status, ended) rows the rule erases. An instant that does not
    read (a row edited by hand) is kept: erasing is never done on a guess."""
    found = []
    for rid, status, ended in rows:
        try:
            when = parse_iso(ended) if ended else None
        except ValueError:
            continue
        if erasable(rule, status, when, cut):
            found.append(str(rid))
    return found


def _candidates(
    read: Callable[[str, Sequence[Any]], Sequence[Sequence[Any]]],
    cut: Cutoff,
    among: dict[str, list[str]] | None = None,
) -> dict[str, list[str]]:
    """What is due, table by table; `among`: only those ids (a plan read before, checked
    again under the write lock, so the lock is never held for a scan of a year of rows)."""
    found: dict[str, list[str]] = {}
    for rule in RULES:
        status = "status" if rule.closed is not None else "NULL"
        # Narrowed in SQL by the same instant (text order is time order); decided by the rule.
        sql = (
            f"SELECT id, {status}, {rule.ended} FROM {rule.table}"
            f" WHERE ({_holds(rule)}) AND {rule.ended} < ?"
        )
        rows = _read_among(read, sql, "id", iso(cut.instant), among, rule.table)
        found[rule.table] = _due(rule, rows, cut)
    sql = f"SELECT key FROM {DRAFTS} WHERE updated_at < ?"
    found[DRAFTS] = [str(r[0]) for r in _read_among(read, sql, "key", iso(cut.instant),
                                                     among, DRAFTS)]  # fmt: skip
    return found


def _read_among(
    read: Callable[[str, Sequence[Any]], Sequence[Sequence[Any]]],
    sql: str,
    key: str,
    instant: str,
    among: dict[str, list[str]] | None,
    table: str,
) -> list[Sequence[Any]]:
    if among is None:
        return list(read(sql, (instant,)))
    rows: list[Sequence[Any]] = []
    for part in _batches(among.get(table, [])):
        marks = ", ".join("?" for _ in part)
        rows.extend(read(f"{sql} AND {key} IN ({marks})", (instant, *part)))
    return rows


def plan(store: Store, settings: Settings) -> Purge:
    """What a purge would erase now (`lobby purge --dry-run`). Reads only."""
    cut = cutoff(store.clock.now(), settings.retention_days, settings.timezone)
    ids = _candidates(lambda sql, params: store.rows(sql, params), cut)
    return Purge(cut, {t: len(v) for t, v in ids.items()}, ids)


def purge(store: Store, settings: Settings, planned: Purge | None = None) -> Purge:
    """Erase what is due, in one unit of work. Nothing due: nothing written, no event.
    `planned`: what `plan` found a moment ago (read without the lock); what is erased is
    checked again under it.

    Erased means gone from the file too: SQLite would otherwise leave the old bytes in the
    page's free space and in the write-ahead log until something happened to overwrite them.
    `secure_delete` zeroes what a change frees; the checkpoint after moves the new pages into
    the file and empties the log."""
    before = store.examine(lambda c: c.execute("PRAGMA secure_delete").fetchone()[0])
    store.examine(lambda c: c.execute("PRAGMA secure_delete = ON"))
    try:
        done = _erase(store, settings, planned or plan(store, settings))
    finally:
        store.examine(lambda c: c.execute(f"PRAGMA secure_delete = {int(before)}"))
    if done.total:
        _empty_log(store.path)
    return done


def _empty_log(path: Path) -> None:
    """The checkpoint runs on a connection of its own with a short wait, so the store's
    lock is not held while a long read elsewhere (another tablet, a year's report) finishes.
    Best effort: if it cannot run now, later checkpoints write over the old frames."""
    conn = sqlite3.connect(path, timeout=CHECKPOINT_WAIT_S)
    try:
        with suppress(sqlite3.Error):
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    finally:
        conn.close()


def _erase(store: Store, settings: Settings, planned: Purge) -> Purge:
    cut = planned.cut
    with store.unit_of_work() as uow:
        # Decided again inside the write lock: a case reopened a moment ago keeps its phone.
        ids = _candidates(lambda sql, p: uow.execute(sql, p).fetchall(), cut, planned.ids)
        counts = {t: len(v) for t, v in ids.items()}
        if not any(counts.values()):
            return Purge(cut, counts, ids)
        # No erased field counts in a day's rollup, but the rollup triggers forget a day on
        # any change to its arrivals or care: the rollups go back as they were, so a year's
        # report does not count half a year again from its rows.
        rollups = uow.execute("SELECT * FROM day_rollups").fetchall()
        for rule in RULES:
            blank = ", ".join(f"{f} = NULL" for f in rule.fields)
            for part in _batches(ids[rule.table]):
                marks = ", ".join("?" for _ in part)
                uow.execute(f"UPDATE {rule.table} SET {blank} WHERE id IN ({marks})", part)
        for part in _batches(ids[DRAFTS]):
            marks = ", ".join("?" for _ in part)
            uow.execute(f"DELETE FROM {DRAFTS} WHERE key IN ({marks})", part)
        if rollups:
            marks = ", ".join("?" for _ in rollups[0])
            uow.conn.executemany(
                f"INSERT OR IGNORE INTO day_rollups VALUES ({marks})", [tuple(r) for r in rollups]
            )
        uow.event(
            "personal.erased",
            "retention",
            cut.day.isoformat(),
            {
                "cutoff": cut.day.isoformat(),
                "retention_days": settings.retention_days,
                "erased": {t: n for t, n in counts.items() if n},
            },
        )
    return Purge(cut, counts, ids)


def _batches(ids: list[str]) -> list[list[str]]:
    return [ids[i : i + BATCH] for i in range(0, len(ids), BATCH)]
