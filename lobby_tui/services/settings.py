"""Reading and changing the branch's settings."""

from __future__ import annotations

import json
from typing import Any

from lobby_tui.content import load_toml
from lobby_tui.domain.settings import Settings, build_settings
from lobby_tui.store import Store


def load_settings(store: Store) -> Settings:
    defaults = {k: v for k, v in load_toml("settings.toml").items() if k != "version"}
    return build_settings(defaults, store.settings())


def save_setting(store: Store, key: str, value: Any) -> None:
    with store.unit_of_work() as uow:
        uow.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?)"
            " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value, ensure_ascii=False)),
        )
        uow.event("setting.changed", "setting", key, {"value": value})
