"""Shifts: one is opened automatically the first time the app starts on a business day."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from lobby_tui.domain.day import business_day
from lobby_tui.domain.settings import Settings
from lobby_tui.store import Store, new_id, parse_iso


@dataclass(frozen=True)
class Shift:
    id: str
    business_day: date
    opened_at: datetime


def open_shift_today(store: Store, settings: Settings) -> Shift:
    """The open shift of today's business day, opened now if there is none."""
    with store.unit_of_work() as uow:
        today = business_day(store.clock.now(), settings.timezone).isoformat()
        row = uow.execute(
            "SELECT id, business_day, opened_at FROM shifts"
            " WHERE business_day = ? AND closed_at IS NULL ORDER BY opened_at LIMIT 1",
            (today,),
        ).fetchone()
        if row is None:
            shift_id = new_id()
            uow.insert("shifts", {"id": shift_id, "business_day": today, "opened_at": uow.now})
            uow.event("shift.opened", "shift", shift_id, {"business_day": today})
            row = (shift_id, today, uow.now)
    return Shift(row[0], date.fromisoformat(row[1]), parse_iso(row[2]))
