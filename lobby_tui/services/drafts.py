"""Long text autosaved while it is typed (DESIGN "Persistence"): a crash or a dead battery
never loses what the customer said. A draft is one row per form, replaced on each save and
removed in the same transaction that saves the real entry."""

from __future__ import annotations

import json
from datetime import datetime

from lobby_tui.store import Store, UnitOfWork, parse_iso


def save_draft(store: Store, key: str, fields: dict[str, object]) -> None:
    """Committed at once (synchronous=FULL): the draft survives a power cut. Drafts are
    working copies, not records, so they go to no journal."""
    body = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    with store.unit_of_work() as uow:
        if not any(str(v).strip() for v in fields.values() if v not in (None, False)):
            uow.execute("DELETE FROM drafts WHERE key = ?", (key,))
            return
        uow.execute(
            "INSERT INTO drafts (key, body, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (key) DO UPDATE SET body = excluded.body,"
            " updated_at = excluded.updated_at",
            (key, body, uow.now),
        )


def load_draft(store: Store, key: str) -> tuple[dict[str, object], datetime] | None:
    row = store.query_one("SELECT body, updated_at FROM drafts WHERE key = ?", (key,))
    if row is None:
        return None
    try:
        fields = json.loads(row[0])
    except ValueError:
        return None
    return (fields, parse_iso(row[1])) if isinstance(fields, dict) else None


def discard_draft(store: Store, key: str) -> None:
    # No draft, nothing written: leaving an untouched form costs no commit (and no flush
    # to disk), and a place's return finds nothing changed (issue 33).
    if store.query_one("SELECT 1 FROM drafts WHERE key = ?", (key,)) is None:
        return
    with store.unit_of_work() as uow:
        drop_draft(uow, key)


def drop_draft(uow: UnitOfWork, key: str) -> None:
    """Inside the caller's transaction: the entry is saved and its draft gone, or neither."""
    uow.execute("DELETE FROM drafts WHERE key = ?", (key,))
