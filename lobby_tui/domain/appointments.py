"""When an appointment is a no-show (R1.6): not checked in a grace period after its time.
Pure: the service marks it, on the app's clock."""

from __future__ import annotations

from datetime import datetime, timedelta


def no_show_from(due_at: datetime, grace: timedelta) -> datetime:
    """The moment an appointment not checked in becomes a no-show."""
    return due_at + grace


def no_show(due_at: datetime, now: datetime, grace: timedelta) -> bool:
    """Still not here once the grace has run out (at that very moment, it has): instants,
    not clock times, so an appointment late in the day is a no-show after closing, and
    one the next day is never one today."""
    return now >= no_show_from(due_at, grace)
