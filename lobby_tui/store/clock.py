"""Where "now" comes from. Every service takes a clock, so tests can play a day in a second."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Protocol

from lobby_tui.store.errors import StoreError, UnreadableInstant


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to (tests, snapshots)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)


# The wall clock can be started at another instant: a closing rehearsed at 18:30, a day
# replayed, and the test suite run as if on a given day (tests/conftest.py sets it). An ISO
# instant with its zone: 2026-12-07T10:30+08:00. The first read turns it into a shift from
# real time, kept in LOBBY_CLOCK_SHIFT for every process started after it (the browser's
# sessions, a second instance), so all of them share one "now".
NOW_VARIABLE, SHIFT_VARIABLE = "LOBBY_NOW", "LOBBY_CLOCK_SHIFT"


def wall_clock() -> Clock:
    """The clock a command runs on: real time, or real time started at LOBBY_NOW."""
    shift = os.environ.get(SHIFT_VARIABLE, "").strip()
    given = os.environ.get(NOW_VARIABLE, "").strip()
    if shift:
        try:
            return ShiftedClock(timedelta(seconds=float(shift)))
        except ValueError:
            raise StoreError("clock.bad_now", variable=SHIFT_VARIABLE, text=shift) from None
    if not given:
        return SystemClock()
    try:
        start = datetime.fromisoformat(given)
    except ValueError:
        start = None
    if start is None or start.tzinfo is None:
        raise StoreError("clock.bad_now", variable=NOW_VARIABLE, text=given)
    moved = start - datetime.now(UTC)
    os.environ[SHIFT_VARIABLE] = repr(moved.total_seconds())
    return ShiftedClock(moved)


class ShiftedClock:
    """Real time moved by a fixed amount (LOBBY_NOW)."""

    def __init__(self, shift: timedelta) -> None:
        self.shift = shift

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift


class OffsetClock:
    """Real time shifted to start at a chosen instant: the demo lobby always opens mid-morning."""

    def __init__(self, start: datetime) -> None:
        self._start = start.astimezone(UTC)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


# Years `iso` writes and `parse_iso` reads: four digits, so every stored instant has the
# same width (strftime writes year 999 as "999", which nothing could read back; issue 14).
FIRST_YEAR, LAST_YEAR = 1000, 9999


def iso(at: datetime) -> str:
    """The one stored form of an instant: UTC ISO-8601 with seconds, e.g. 2026-11-28T01:30:05Z.

    Fixed width, so text comparison in SQL orders instants correctly. Refuses (ValueError)
    an instant it could not read back; the parsers of typed dates keep far narrower bounds.
    """
    try:
        utc = at.astimezone(UTC)
    except OverflowError as exc:  # 0001-01-01 00:00 in a zone east of UTC
        raise ValueError(f"instant out of range: {at!r}") from exc
    if not FIRST_YEAR <= utc.year <= LAST_YEAR:
        raise ValueError(f"instant out of range: {at!r}")
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_or_none(text: str | None) -> datetime | None:
    """A stored instant that may be missing (a deadline not set, a callback not due)."""
    return parse_iso(text) if text else None


def parse_iso(text: str) -> datetime:
    """The instant `iso` wrote. fromisoformat is some forty times faster than strptime, which
    matters when a year's report reads every arrival; the shape check keeps it as strict."""
    if not isinstance(text, str) or len(text) != 20 or text[10] != "T" or text[19] != "Z":
        raise UnreadableInstant(str(text))
    try:
        return datetime.fromisoformat(text)
    except ValueError as exc:
        raise UnreadableInstant(text) from exc
