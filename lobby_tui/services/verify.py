"""`lobby verify`: is the file sound, and has anyone rewritten the journal?"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lobby_tui.store import Store, SystemClock, open_store
from lobby_tui.store.journal import ChainReport, verify_chain


@dataclass(frozen=True)
class Verdict:
    integrity: str  # "ok" or SQLite's first complaint
    chain: ChainReport

    @property
    def ok(self) -> bool:
        return self.integrity == "ok" and self.chain.intact


def verify_store(store: Store) -> Verdict:
    problems = [row[0] for row in store.query("PRAGMA integrity_check")]
    integrity = "ok" if problems == ["ok"] else "; ".join(problems[:3])
    return Verdict(integrity, verify_chain(store.conn))


def verify_file(path: Path) -> Verdict:
    """Read-only: verifying never changes the file it checks."""
    store = open_store(path, SystemClock(), create=False, read_only=True)
    try:
        return verify_store(store)
    finally:
        store.close()
