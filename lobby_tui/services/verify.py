"""`lobby verify`: is the file sound, has anyone rewritten the journal, and do the tables
still say what the journal vouched for? (R6.2, issue 14)"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from lobby_tui.store import Store, iso, open_store, wall_clock
from lobby_tui.store.anchors import Anchor, append_anchor, check_anchor
from lobby_tui.store.digests import Mismatch, check
from lobby_tui.store.journal import ChainReport, head, verify_chain


@dataclass(frozen=True)
class Verdict:
    integrity: str  # "ok" or SQLite's first complaint
    chain: ChainReport
    rows: list[Mismatch] = field(default_factory=list)
    anchors: list[tuple[Anchor, str]] = field(default_factory=list)  # (anchor, check_anchor)
    head: tuple[int, str] | None = None
    rollups: list[date] = field(default_factory=list)  # days whose kept figures differ

    @property
    def ok(self) -> bool:
        return (
            self.integrity == "ok"
            and self.chain.intact
            and not self.rows
            and not self.rollups
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


def anchor_now(store: Store, source: str) -> Anchor | None:
    """Write the journal's head to the anchors file beside the database (handover, report,
    export), when the database is ours to write. Returns the head, written or not."""
    row = store.query_one("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
    if row is None:
        return None
    anchor = Anchor(int(row[0]), str(row[1]))
    if os.access(store.path, os.W_OK):
        append_anchor(store.path, anchor, iso(store.clock.now()), source)
    return anchor


def verify_file(path: Path, anchors: list[Anchor] | tuple[Anchor, ...] = ()) -> Verdict:
    """Read-only: verifying never changes the file it checks."""
    store = open_store(path, wall_clock(), create=False, read_only=True)
    try:
        return verify_store(store, anchors)
    finally:
        store.close()
