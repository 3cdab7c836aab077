"""Where "now" comes from. Every service takes a clock, so tests can play a day in a second."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


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


class OffsetClock:
    """Real time shifted to start at a chosen instant: the demo lobby always opens mid-morning."""

    def __init__(self, start: datetime) -> None:
        self._start = start.astimezone(UTC)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


def iso(at: datetime) -> str:
    """The one stored form of an instant: UTC ISO-8601 with seconds, e.g. 2026-11-28T01:30:05Z.

    Fixed width, so text comparison in SQL orders instants correctly.
    """
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso_or_none(text: str | None) -> datetime | None:
    """A stored instant that may be missing (a deadline not set, a callback not due)."""
    return parse_iso(text) if text else None


def parse_iso(text: str) -> datetime:
    """The instant `iso` wrote. fromisoformat is some forty times faster than strptime, which
    matters when a year's report reads every arrival; the shape check keeps it as strict."""
    if len(text) != 20 or text[10] != "T" or text[19] != "Z":
        raise ValueError(f"not a stored instant: {text!r}")
    return datetime.fromisoformat(text)
