"""The live lobby: how long people have waited and how worried the manager should be."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class WaitLevel(StrEnum):
    OK = "ok"
    AMBER = "amber"  # an apology is due (R3.2)
    RED = "red"  # escalate or open a window


UNDO_SECONDS = 30  # a queue key pressed by mistake (c, d, l) can be taken back this long


def undo_in_time(moved_at: datetime, now: datetime) -> bool:
    """A call, a done or a walk-away can be undone within UNDO_SECONDS of the key; later,
    the floor has moved on (the customer is at the counter, or gone) and it stands."""
    return 0 <= (now - moved_at).total_seconds() <= UNDO_SECONDS


def wait_minutes(arrived_at: datetime, now: datetime) -> int:
    """Whole minutes waited so far; never negative (a clock a little behind another tablet)."""
    return max(0, int((now - arrived_at).total_seconds() // 60))


def wait_level(minutes: int, amber_min: int, red_min: int) -> WaitLevel:
    if minutes >= red_min:
        return WaitLevel.RED
    if minutes >= amber_min:
        return WaitLevel.AMBER
    return WaitLevel.OK


@dataclass(frozen=True)
class ChannelQueue:
    """Who is waiting for one channel right now."""

    channel: str
    waiting: int
    longest_min: int | None  # None when nobody waits
    level: WaitLevel


def channel_queues(
    channels: Iterable[str],
    waiting_since: Iterable[tuple[str, datetime]],
    now: datetime,
    amber_min: int,
    red_min: int,
) -> list[ChannelQueue]:
    """One line per channel, in the catalogue's order, from (channel, arrived_at) pairs."""
    longest: dict[str, int] = {}
    counts: dict[str, int] = {}
    for channel, arrived_at in waiting_since:
        minutes = wait_minutes(arrived_at, now)
        counts[channel] = counts.get(channel, 0) + 1
        longest[channel] = max(longest.get(channel, 0), minutes)
    out: list[ChannelQueue] = []
    for channel in channels:
        top = longest.get(channel)
        level = WaitLevel.OK if top is None else wait_level(top, amber_min, red_min)
        out.append(ChannelQueue(channel, counts.get(channel, 0), top, level))
    return out
