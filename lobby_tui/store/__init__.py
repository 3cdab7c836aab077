"""SQLite persistence: connection and pragmas, migrations, the event journal. No Textual."""

from lobby_tui.store.clock import (
    Clock,
    FixedClock,
    OffsetClock,
    SystemClock,
    iso,
    parse_iso,
    parse_iso_or_none,
    wall_clock,
)
from lobby_tui.store.db import Store, UnitOfWork, new_id, open_store
from lobby_tui.store.errors import StoreError

__all__ = [
    "Clock",
    "FixedClock",
    "OffsetClock",
    "Store",
    "StoreError",
    "SystemClock",
    "UnitOfWork",
    "iso",
    "new_id",
    "open_store",
    "parse_iso",
    "parse_iso_or_none",
    "wall_clock",
]
