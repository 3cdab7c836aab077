"""`lobby verify`: is the file sound, has anyone rewritten the journal, and do the tables
still say what the journal vouched for? (R6.2, issue 14)"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from lobby_tui.store import Store, iso, open_store, wall_clock
from lobby_tui.store.anchors import (
    Anchor,
    anchors_path,
    append_anchor,
    check_anchor,
    read_anchors,
)
from lobby_tui.store.digests import Mismatch, check
from lobby_tui.store.journal import ChainReport, head, verify_chain


@dataclass(frozen=True)
class AnchorsFile:
    """The anchors file beside the database, as verify found it."""

    path: Path
    state: str  # read, missing, unreadable
    anchors: list[Anchor] = field(default_factory=list)
    recorded: int = 0  # anchors the journal records writing to it (handovers)
    lacking: list[Anchor] = field(default_factory=list)  # recorded, not in the file
    results: list[tuple[Anchor, str]] = field(default_factory=list)  # (anchor, check_anchor)

    @property
    def ok(self) -> bool:
        """Missing is fine only where the journal never recorded writing to it."""
        held = all(result == "ok" for _a, result in self.results)
        return held and not self.lacking and (self.state == "read" or self.recorded == 0)


@dataclass(frozen=True)
class Verdict:
    integrity: str  # "ok" or SQLite's first complaint
    chain: ChainReport
    rows: list[Mismatch] = field(default_factory=list)
    anchors: list[tuple[Anchor, str]] = field(default_factory=list)  # (anchor, check_anchor)
    head: tuple[int, str] | None = None
    rollups: list[date] = field(default_factory=list)  # days whose kept figures differ
    kept: AnchorsFile | None = None  # None: the anchors file was not looked at

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok"
            and self.chain.intact
            and not self.rows
            and not self.rollups
            and (self.kept is None or self.kept.ok)
            and all(result == "ok" for _a, result in self.anchors)
        )


def verify_store(store: Store, anchors: list[Anchor] | tuple[Anchor, ...] = ()) -> Verdict:
    problems = [row[0] for row in store.query("PRAGMA integrity_check")]
    integrity = "ok" if problems == ["ok"] else "; ".join(problems[:3])
    if integrity != "ok":
        return Verdict(integrity, ChainReport(0, None, None))

    def look(conn: sqlite3.Connection) -> Verdict:
        found = [(a, check_anchor(conn, a)) for a in anchors]
        return Verdict(integrity, verify_chain(conn), check(conn), found, head(conn))

    verdict = store.examine(look)
    return replace(verdict, rollups=_rollups_differing(store))


def _rollups_differing(store: Store) -> list[date]:
    """The derived figures, counted again (issue 25). Under settings or content that cannot
    be read, no report can be made either: those say so themselves."""
    from lobby_tui.content import ContentError
    from lobby_tui.domain.settings import SettingsError
    from lobby_tui.services.rollup import differing
    from lobby_tui.services.settings import load_settings

    try:
        return differing(store, load_settings(store))
    except (SettingsError, ContentError):
        return []


ANCHORED = "journal.anchored"


def anchor_now(store: Store, source: str) -> Anchor | None:
    """Write the journal's head to the anchors file beside the database (handover, report,
    export), when the database is ours to write. Returns the head, written or not.

    Opened for writing (the handover), the journal first records that it is being anchored,
    and that event is the head written down: verify then knows every such line the file
    must hold, and says when it is missing or shorter than before (issue 25). A report or an
    export opens the file read-only: their lines are written but not recorded."""
    if not store.read_only and os.access(store.path, os.W_OK):
        with store.unit_of_work() as uow:
            uow.event(ANCHORED, "journal", source, {"source": source})
    row = store.query_one("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
    if row is None:
        return None
    anchor = Anchor(int(row[0]), str(row[1]))
    if os.access(store.path, os.W_OK):
        append_anchor(store.path, anchor, iso(store.clock.now()), source)
    return anchor


def verify_file(
    path: Path, anchors: list[Anchor] | tuple[Anchor, ...] = (), *, beside: bool = False
) -> Verdict:
    """Read-only: verifying never changes the file it checks. `beside`: check the anchors
    file beside the database too (`lobby verify` does unless told not to; a backup's copy,
    away from it, does not)."""
    store = open_store(path, wall_clock(), create=False, read_only=True)
    try:
        if not beside:
            return verify_store(store, anchors)
        kept = AnchorsFile(anchors_path(path), "missing")
        if kept.path.exists():
            try:
                kept = AnchorsFile(kept.path, "read", read_anchors(kept.path))
            except (OSError, ValueError, UnicodeDecodeError):
                kept = AnchorsFile(kept.path, "unreadable")
        verdict = verify_store(store, [*anchors, *kept.anchors])
        recorded = [
            Anchor(int(r[0]), str(r[1]))
            for r in store.query("SELECT seq, hash FROM events WHERE kind = ?", (ANCHORED,))
        ]
        held = set(kept.anchors)
        lacking = [a for a in recorded if a not in held]
        asked, found = verdict.anchors[: len(anchors)], verdict.anchors[len(anchors) :]
        kept = replace(kept, recorded=len(recorded), lacking=lacking, results=found)
        return replace(verdict, anchors=asked, kept=kept)
    finally:
        store.close()
