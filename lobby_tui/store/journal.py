"""The hash-chained, append-only event journal."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64


def canonical(payload: Any) -> str:
    """One byte-exact JSON form, so the same payload always hashes the same."""
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def event_hash(
    prev_hash: str,
    seq: int,
    id_: str,
    at: str,
    kind: str,
    entity: str,
    entity_id: str,
    payload: str,
    actor: str | None = None,
) -> str:
    """The actor (who was signed in, R6.5) is hashed only when there is one: events written
    before the roster existed hash exactly as they did, and still verify."""
    fields: list[object] = [seq, id_, at, kind, entity, entity_id, payload]
    if actor is not None:
        fields.append(actor)
    body = canonical(fields)
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


def append(
    conn: sqlite3.Connection,
    *,
    id_: str,
    at: str,
    kind: str,
    entity: str,
    entity_id: str,
    payload: dict[str, Any],
    actor: str | None = None,
) -> int:
    """Append one event. Call inside a write transaction (BEGIN IMMEDIATE), so the tip read
    here is still the tip when the row is written, even with another process writing."""
    tip = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev = (tip[0] + 1, tip[1]) if tip else (1, GENESIS)
    body = canonical(payload)
    digest = event_hash(prev, seq, id_, at, kind, entity, entity_id, body, actor)
    conn.execute(
        "INSERT INTO events"
        " (seq, id, at, kind, entity, entity_id, payload, prev_hash, hash, actor)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (seq, id_, at, kind, entity, entity_id, body, prev, digest, actor),
    )
    return seq


@dataclass(frozen=True)
class ChainReport:
    events: int
    broken_at: int | None  # seq of the first event whose link or hash does not hold
    reason: str | None  # "link" (prev_hash differs from the previous hash) or "hash"

    @property
    def intact(self) -> bool:
        return self.broken_at is None


def verify_chain(conn: sqlite3.Connection) -> ChainReport:
    prev = GENESIS
    count = 0
    rows = conn.execute(
        "SELECT seq, id, at, kind, entity, entity_id, payload, prev_hash, hash, actor"
        " FROM events ORDER BY seq"
    )
    for seq, id_, at, kind, entity, entity_id, payload, prev_hash, digest, actor in rows:
        count += 1
        if prev_hash != prev:
            return ChainReport(count, seq, "link")
        if event_hash(prev, seq, id_, at, kind, entity, entity_id, payload, actor) != digest:
            return ChainReport(count, seq, "hash")
        prev = digest
    return ChainReport(count, None, None)


def head(conn: sqlite3.Connection) -> tuple[int, str] | None:
    """The chain's last link (seq, hash): written down elsewhere, it is an anchor."""
    row = conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    return None if row is None else (int(row[0]), str(row[1]))
