"""What a test reads in a head-office bundle: its Parquet rows, and any personal value that
leaked into it."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from lobby_tui.domain.privacy import PERSONAL
from lobby_tui.services.bundle import offline_duckdb
from lobby_tui.store import Store


def parquet_rows(file: Path) -> list[dict[str, Any]]:
    duck = offline_duckdb()
    try:
        cursor = duck.execute("SELECT * FROM read_parquet(?)", [str(file)])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        duck.close()


def personal_values(store: Store) -> set[str]:
    """Every name, phone and note the demo wrote about a person: customers' (PERSONAL),
    the staff's names, and the managers named on the history's shifts."""
    found: set[str] = set()
    for table, columns in PERSONAL.items():
        for column in columns:
            found |= {r[0] for r in store.query(f"SELECT DISTINCT {column} FROM {table}"
                                                f" WHERE {column} IS NOT NULL")}  # fmt: skip
    found |= {r[0] for r in store.query("SELECT name FROM staff")}
    found |= {r[0] for r in store.query(
        "SELECT opened_by FROM shifts UNION SELECT closed_by FROM shifts")if r[0]}  # fmt: skip
    # A staff id (a shift opened in the app names its opener by id) is no one's name.
    return {v for v in found if isinstance(v, str) and len(v) >= 2 and not is_uuid(v)}


def is_uuid(text: str) -> bool:
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def leaks(folder: Path, personal: set[str]) -> set[str]:
    """The personal values found in the bundle: in any file's bytes, or in any value read
    back from the Parquet files (compressed pages would hide one from a byte scan)."""
    leaked: set[str] = set()
    for file in folder.iterdir():
        raw = file.read_bytes()
        leaked |= {v for v in personal if v.encode("utf-8") in raw}
        if file.suffix == ".parquet":
            for row in parquet_rows(file):
                text = " ".join(str(v) for v in row.values())
                leaked |= {v for v in personal if v in text}
    return leaked
