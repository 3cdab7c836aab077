"""Anchors: the journal's head (seq, hash) written down outside the journal.

Whoever holds the database file can delete the last events, or edit one and recompute every
later hash, and the chain still links. They cannot change a head that has already left the
file: on a printed report, in an export's manifest, at head office, or in the `anchors`
file beside the database (append-only by convention only: someone with the folder can
rewrite it too). `lobby verify --anchor SEQ:HASH` proves the journal still holds that head.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

ANCHOR = re.compile(r"^\s*(\d{1,18}):([0-9a-f]{64})\b")


@dataclass(frozen=True)
class Anchor:
    seq: int
    hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.hash}"


def parse_anchor(text: str) -> Anchor | None:
    found = ANCHOR.match(text.strip().lower())
    return Anchor(int(found[1]), found[2]) if found else None


def anchors_path(db: Path) -> Path:
    """Beside the database, named after it: two databases in one folder keep apart."""
    return db.with_name(f"{db.name}.anchors")


def append_anchor(db: Path, anchor: Anchor, at: str, source: str) -> bool:
    """One line per anchor, 0600. False (and nothing raised) where the folder is not ours
    to write: a report on an auditor's copy still prints its head."""
    path = anchors_path(db)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        os.write(fd, f"{anchor} {at} {source}\n".encode())
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def read_anchors(path: Path) -> list[Anchor]:
    """From an anchors file (one per line) or an export's manifest.json (its chain_head).
    Raises OSError or ValueError (not an anchor file) for the caller to explain."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        head = json.loads(text).get("chain_head")
        if not isinstance(head, dict):
            raise ValueError("no chain_head")
        anchor = parse_anchor(f"{head.get('seq')}:{head.get('hash')}")
        if anchor is None:
            raise ValueError("bad chain_head")
        return [anchor]
    found = [a for line in text.splitlines() if line.strip() and (a := parse_anchor(line))]
    if not found:
        raise ValueError("no anchors")
    return found


def check_anchor(conn: sqlite3.Connection, anchor: Anchor) -> str:
    """ok; missing (the journal ends before it: events were deleted from the end); or
    differs (an event at or before it was changed and the chain recomputed)."""
    row = conn.execute("SELECT hash FROM events WHERE seq = ?", (anchor.seq,)).fetchone()
    if row is None:
        return "missing"
    return "ok" if row[0] == anchor.hash else "differs"
