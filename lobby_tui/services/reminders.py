"""Reminders on the floor (R5.1, R5.4): given with one key, counted at handover and in the
report. Apart from the incident rules so the report imports them cheaply."""

from __future__ import annotations

from datetime import date

from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.reminders import REMINDERS
from lobby_tui.store import Store, new_id


def remind(store: Store, *, day: date, shift_id: str | None, kind: str) -> int:
    """One key on the floor: a customer reminded about belongings or about their PIN and
    personal information (R5.1, R5.4). Returns today's count of that kind."""
    if kind not in REMINDERS:
        raise Invalid("reminder", "reminder_unknown")
    with store.unit_of_work() as uow:
        reminder_id = new_id()
        uow.insert(
            "reminders",
            {
                "id": reminder_id,
                "shift_id": shift_id,
                "business_day": day.isoformat(),
                "kind": kind,
                "at": uow.now,
            },
        )
        uow.event("reminder.given", "reminder", reminder_id, {"kind": kind})
        count = uow.execute(
            "SELECT COUNT(*) FROM reminders WHERE business_day = ? AND kind = ?",
            (day.isoformat(), kind),
        ).fetchone()[0]
    return int(count)


def reminders_today(store: Store, day: date) -> dict[str, int]:
    return reminders_between(store, day, day)


def reminders_between(store: Store, first_day: date, last_day: date) -> dict[str, int]:
    counts = dict.fromkeys(REMINDERS, 0)
    for kind, count in store.query(
        "SELECT kind, COUNT(*) FROM reminders WHERE business_day BETWEEN ? AND ? GROUP BY kind",
        (first_day.isoformat(), last_day.isoformat()),
    ):
        counts[kind] = count
    return counts
