"""Row digests: the journal vouches for the tables, not only for itself.

Every unit of work records, in its last event, a digest of each row it changed, as the row
stands at commit (None for a row it deleted). `lobby verify` then checks every row of every
business table against the last digest recorded for it: a row edited, inserted or deleted
behind the app's back no longer matches.

Which rows changed is not left to the services to say: TEMP triggers on the writer
connection note (table, id) of every insert, update and delete, whether it came through
`uow.insert` or a hand-written `uow.execute(...)`, and a table added by a later migration is
watched without anyone remembering to (every table is watched unless it is listed as derived
here). A direct edit through another connection (the sqlite3 shell) has no such triggers.

The digests are keyed (HMAC-SHA256 with a random key kept in this database): a plain hash
of a row that leaves the device (an export, a report) would let anyone try every phone
number until one matched; without the key that is not possible. Each row also gets a
two-byte keyed tag per field, so verify can name the field that changed (a tag alone says
too little to guess a value from).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

# Not business records: the journal itself, autosaved scratch text, the key, and tables
# rebuilt from others (full-text search, per-day rollups).
DERIVED = frozenset({"events", "drafts", "journal_key", "day_rollups"})
DIGEST_BYTES = 16  # 128 bits of HMAC-SHA256: far beyond guessing, half the size
TAG_BYTES = 2  # per field: one changed field in 65,536 goes unnamed (the row is still caught)
CHUNK = 5000  # rows per event when one action writes many (the demo's history)


@dataclass(frozen=True)
class Mismatch:
    table: str
    row_id: str
    kind: str  # edited, unrecorded (no event wrote it), deleted, no_key
    fields: tuple[str, ...] = ()


def business_tables(conn: sqlite3.Connection) -> dict[str, str]:
    """Every table whose rows the journal vouches for, with the column that names a row."""
    rows = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [name for name, sql in rows if str(sql).upper().startswith("CREATE VIRTUAL")]
    out: dict[str, str] = {}
    for name, _sql in rows:
        if name in DERIVED or name in virtual or any(name.startswith(f"{v}_") for v in virtual):
            continue
        info = conn.execute(f'PRAGMA main.table_info("{name}")').fetchall()
        pk = [r[1] for r in info if r[5] == 1]
        out[name] = pk[0] if len(pk) == 1 else "rowid"
    return out


def key_of(conn: sqlite3.Connection) -> bytes | None:
    try:
        row = conn.execute("SELECT key FROM journal_key WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        return None
    return bytes.fromhex(row[0]) if row else None


def watch(conn: sqlite3.Connection) -> dict[str, str]:
    """Install the TEMP triggers on the writer connection (they live only as long as it).
    Returns the tables watched, each with the column that names a row."""
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS touched (tbl TEXT NOT NULL, rid NOT NULL,"
        " PRIMARY KEY (tbl, rid)) WITHOUT ROWID"
    )
    tables = business_tables(conn)
    for table, pk in tables.items():
        for when, ref in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old")):
            conn.execute(
                f'CREATE TEMP TRIGGER IF NOT EXISTS "touched_{table}_{when.lower()}"'
                f' AFTER {when} ON main."{table}" BEGIN'
                f" INSERT OR IGNORE INTO touched VALUES ('{table}', {ref}.{pk}); END"
            )
    return tables


def forget(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM temp.touched")


def _parts(values: Iterable[Any]) -> list[bytes]:
    return [repr(v).encode("utf-8") for v in values]


def row_digest(key: bytes, values: Sequence[Any]) -> str:
    """The row's keyed digest followed by a keyed tag per field (in column order), base64."""
    parts = _parts(values)
    whole = hmac.new(key, b"\x1f".join(parts), hashlib.sha256).digest()[:DIGEST_BYTES]
    tags = b"".join(hashlib.blake2b(p, key=key, digest_size=TAG_BYTES).digest() for p in parts)
    return base64.b64encode(whole + tags).decode("ascii")


def _split(digest: str) -> tuple[bytes, list[bytes]]:
    raw = base64.b64decode(digest)
    tags = raw[DIGEST_BYTES:]
    return raw[:DIGEST_BYTES], [tags[i : i + TAG_BYTES] for i in range(0, len(tags), TAG_BYTES)]


def collect(conn: sqlite3.Connection, key: bytes, pks: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The digests of every row noted since the last `forget`, table by table (`pks`: the
    watched tables, as `watch` returned them)."""
    out: dict[str, dict[str, Any]] = {}
    tables = conn.execute("SELECT DISTINCT tbl FROM temp.touched").fetchall()
    for (table,) in tables:
        pk = pks.get(table, "rowid")
        cursor = conn.execute(
            f'SELECT t.{pk}, t.* FROM main."{table}" t JOIN temp.touched x'
            f" ON x.tbl = ? AND x.rid = t.{pk}",
            (table,),
        )
        cols = [d[0] for d in cursor.description][1:]
        rows: dict[str, str | None] = {}
        for row in cursor:
            rows[str(row[0])] = row_digest(key, row[1:])
        for (rid,) in conn.execute("SELECT rid FROM temp.touched WHERE tbl = ?", (table,)):
            rows.setdefault(str(rid), None)  # gone: deleted by this action
        out[table] = {"cols": cols, "rows": rows}
    forget(conn)
    return out


def all_rows(conn: sqlite3.Connection, key: bytes) -> dict[str, dict[str, Any]]:
    """Digests of every business row: the baseline for a database older than digests."""
    out: dict[str, dict[str, Any]] = {}
    for table, pk in business_tables(conn).items():
        cursor = conn.execute(f'SELECT {pk}, * FROM main."{table}"')
        cols = [d[0] for d in cursor.description][1:]
        rows = {str(r[0]): row_digest(key, r[1:]) for r in cursor}
        if rows:
            out[table] = {"cols": cols, "rows": rows}
    return out


def chunks(digests: dict[str, dict[str, Any]]) -> Iterator[dict[str, dict[str, Any]]]:
    """Split a large set into pieces of at most CHUNK rows, one event each."""
    piece: dict[str, dict[str, Any]] = {}
    size = 0
    for table, block in digests.items():
        items = list(block["rows"].items())
        for start in range(0, len(items), CHUNK):
            part = dict(items[start : start + CHUNK])
            if size + len(part) > CHUNK and piece:
                yield piece
                piece, size = {}, 0
            piece.setdefault(table, {"cols": block["cols"], "rows": {}})["rows"].update(part)
            size += len(part)
    if piece:
        yield piece


def size(digests: dict[str, dict[str, Any]]) -> int:
    return sum(len(block["rows"]) for block in digests.values())


def recorded(conn: sqlite3.Connection) -> dict[tuple[str, str], tuple[list[str], str | None]]:
    """The last digest the journal holds for each row (events in order; later ones win)."""
    latest: dict[tuple[str, str], tuple[list[str], str | None]] = {}
    cursor = conn.execute(
        "SELECT payload FROM events WHERE instr(payload, '\"digests\"') > 0 ORDER BY seq"
    )
    for (payload,) in cursor:
        digests = json.loads(payload).get("digests")
        if not isinstance(digests, dict):
            continue
        for table, block in digests.items():
            cols = block["cols"]
            for rid, digest in block["rows"].items():
                latest[(table, rid)] = (cols, digest)
    return latest


def check(conn: sqlite3.Connection) -> list[Mismatch]:
    """Every business row against the journal's last word on it."""
    key = key_of(conn)
    if key is None:
        return [Mismatch("journal_key", "1", "no_key")]
    latest = recorded(conn)
    found: list[Mismatch] = []
    seen: set[tuple[str, str]] = set()
    for table, pk in business_tables(conn).items():
        cursor = conn.execute(f'SELECT {pk}, * FROM main."{table}"')
        cols = [d[0] for d in cursor.description][1:]
        for row in cursor:
            rid = str(row[0])
            seen.add((table, rid))
            wrote_cols, digest = latest.get((table, rid), ([], None))
            if digest is None:
                found.append(Mismatch(table, rid, "unrecorded"))
                continue
            values = dict(zip(cols, row[1:], strict=True))
            # A column added by a later migration is not in the digest; it must still be
            # empty on a row no event has touched since.
            later = tuple(c for c in cols if c not in wrote_cols and values[c] is not None)
            now = row_digest(key, [values.get(c) for c in wrote_cols])
            if now != digest or later:
                _whole_then, tags_then = _split(digest)
                _whole_now, tags_now = _split(now)
                changed = tuple(
                    c for c, a, b in zip(wrote_cols, tags_then, tags_now, strict=False) if a != b
                )
                found.append(Mismatch(table, rid, "edited", changed + later))
    for (table, rid), (_cols, digest) in latest.items():
        if digest is not None and (table, rid) not in seen:
            found.append(Mismatch(table, rid, "deleted"))
    return found
