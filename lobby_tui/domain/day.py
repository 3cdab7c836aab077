"""The business day: instants are stored in UTC, the lobby lives in the branch's zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def business_day(now: datetime, zone: ZoneInfo) -> date:
    return now.astimezone(zone).date()


def local(at: datetime, zone: ZoneInfo) -> datetime:
    return at.astimezone(zone)


def when(at: datetime, zone: ZoneInfo, now: datetime) -> str:
    """A moment as the lobby reads it: its time when it is of today ("13:15"), with its date
    when it is not ("11-24 13:15"): an incident still open from last week is not this
    afternoon's."""
    shown = local(at, zone)
    if shown.date() == local(now, zone).date():
        return shown.strftime("%H:%M")
    if shown.year != local(now, zone).year:
        return shown.strftime("%Y-%m-%d %H:%M")
    return shown.strftime("%m-%d %H:%M")


def day_bounds_utc(day: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants where a branch-local day starts and the next one starts."""
    start = datetime.combine(day, time(0), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def at_local(day: date, clock_time: time, zone: ZoneInfo) -> datetime:
    """A branch-local wall-clock time on a day, as an aware instant."""
    return datetime.combine(day, clock_time, tzinfo=zone)


def open_at(opened_at: datetime, closed_at: datetime | None, cut: datetime) -> bool:
    """Open at `cut` (the end of a reported day, or now): begun before it and not closed
    before it. A complaint resolved the next morning was open at the end of the day."""
    return opened_at < cut and (closed_at is None or closed_at >= cut)
