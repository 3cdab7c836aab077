"""Reading and changing the branch's settings."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from lobby_tui.content import data_dir, load_toml, locate
from lobby_tui.domain.settings import Settings, SettingsError, build_settings
from lobby_tui.store import Store, StoreError, open_store, wall_clock


def load_settings(store: Store) -> Settings:
    defaults = {k: v for k, v in load_toml("settings.toml").items() if k != "version"}
    overrides = store.settings()
    try:
        return build_settings(defaults, overrides)
    except SettingsError as exc:
        if exc.key not in overrides:  # from the file, not the app's own choices: say where
            path = data_dir() / "settings.toml"
            exc.file = str(path)
            exc.line = locate(path.read_text(encoding="utf-8"), (exc.key,))
        raise


def save_setting(store: Store, key: str, value: Any) -> None:
    with store.unit_of_work() as uow:
        uow.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )
        uow.event("setting.changed", "setting", key, {"value": value})


def saved_language(db: Path) -> str | None:
    """The language last chosen on this database (in the app or with --lang), read without
    changing the file; None when there is none to read (no file yet, or one a command will
    itself say is damaged)."""
    if not db.is_file():
        return None
    try:
        store = open_store(db, wall_clock(), create=False, read_only=True)
    except (StoreError, OSError, sqlite3.Error):
        return None
    try:
        chosen = store.settings().get("language")
    except (sqlite3.Error, ValueError):
        return None
    finally:
        store.close()
    return chosen if isinstance(chosen, str) else None
