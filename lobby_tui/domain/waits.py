"""The wait told to a walk-in (R2.7): who is at a counter, who is ahead, and how many counters
or working machines there are, played forward as the counters will call them.

Pure: the service reads the floor and hands it over as a `ChannelLoad`; the screen, the save
and the backtest in bench/ all ask `quote()`.

The model, and why: each open counter serves one customer at a time; a customer at a counter
frees it after what is left of their service; those waiting are called in order, priority
customers first (R2.5), each taking the next counter to free up for as long as their need
usually takes. The newcomer's wait is when a counter frees up for them. This is list
scheduling with expected service times: it keeps what the old "people ahead × mean service ÷
counters" threw away (a counter busy for 20 more minutes, a queue of short needs behind one
long one), and stays a handful of heap operations per person ahead.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from lobby_tui.domain.calling import Queued, Window, play_forward

# A service already running longer than its need usually takes is not over: expect at least
# this share of the usual time to remain (long services run long, R2.7 "honest").
RUNNING_LONG_SHARE = 0.25

# The bands a wait is told in (R2.7), and how a wait had compares with the band told.
BANDS = ("lt5", "5to10", "10to20", "gt20")


def band(minutes: float) -> str:
    """The range told to the customer: never a false exact minute (R2.7)."""
    if minutes < 5:
        return "lt5"
    if minutes < 10:
        return "5to10"
    if minutes < 20:
        return "10to20"
    return "gt20"


def band_contains(quoted: str, waited_min: float) -> bool:
    """Did the actual wait fall inside the band the customer was told? (quote accuracy)"""
    return band(waited_min) == quoted


def told_against(quoted: str, waited_min: float) -> int:
    """The wait against the band told: 0 inside it, 1 longer than told (what angers a
    customer), -1 shorter."""
    told, had = BANDS.index(quoted), BANDS.index(band(waited_min))
    return (had > told) - (had < told)


@dataclass(frozen=True)
class AtCounter:
    """A customer called to a counter and not yet done."""

    service_min: float  # how long their need usually takes (smoothed from today, else catalogue)
    elapsed_min: float  # since they were called

    @property
    def remaining_min(self) -> float:
        return max(self.service_min - self.elapsed_min, RUNNING_LONG_SHARE * self.service_min)


@dataclass(frozen=True)
class Waiting:
    """A customer in the queue, in the order they arrived."""

    service_min: float
    priority: bool = False


@dataclass(frozen=True)
class ChannelLoad:
    """One channel as it stands: what a quote is computed from."""

    channel: str
    servers: int  # counters open now, or machines in service
    at_counter: tuple[AtCounter, ...] = ()
    waiting: tuple[Waiting, ...] = ()  # in order of arrival
    stay: float = 1.0  # the share of those waiting who stay until called (`stay_share`)


def ahead_of(waiting: Iterable[Waiting], priority: bool) -> list[Waiting]:
    """Who will be called before a newcomer: every priority customer first; a customer
    without priority also waits for everyone already queued (R2.5)."""
    queued = list(waiting)
    first = [w for w in queued if w.priority]
    if priority:
        return first
    return first + [w for w in queued if not w.priority]


def wait_min(load: ChannelLoad, *, priority: bool = False) -> float | None:
    """Minutes until a counter of this channel is free for a newcomer; None when the channel
    has no counter open (no band may be promised for it). The channel's counters call by
    the windows' one rule (domain/calling.py), played forward."""
    servers = max(0, load.servers)
    if servers == 0:
        return None
    # Each counter's moment of becoming free. More customers at counters than counters open
    # (one was closed a moment ago while serving): the counters still open are the ones
    # freeing up first; the closing one finishes its customer and calls nobody else.
    busy = sorted(c.remaining_min for c in load.at_counter)[:servers]
    free = busy + [0.0] * (servers - len(busy))
    windows = [Window(n, (load.channel,), at) for n, at in enumerate(free)]
    queue = [
        Queued(str(n), load.channel, w.priority, n, w.service_min)
        for n, w in enumerate(load.waiting, start=1)
    ]
    newcomer = Queued("", load.channel, priority, len(queue) + 1)
    # Those ahead who will walk away first take no counter time: each person ahead counts
    # for the share who stay (the backtest in bench/ halves the p90 error so).
    called = play_forward(windows, [*queue, newcomer], {load.channel: load.stay}, until="")
    return called[""]


# Until the day has its own walk-aways, assume this many customers stayed to be called.
STAY_PRIOR = 20


def stay_share(called: int, walked_away: int) -> float:
    """The share of a channel's customers who stay until called, from today's so far, pulled
    towards 1 early in the day (a single walk-away at 09:05 says little)."""
    return (called + STAY_PRIOR) / (called + walked_away + STAY_PRIOR)


def quotes(loads: Sequence[ChannelLoad], *, priority: bool = False) -> dict[str, float | None]:
    """The newcomer's wait at every channel, for routing to the shorter one (R2.3)."""
    return {load.channel: wait_min(load, priority=priority) for load in loads}


class Visit(NamedTuple):
    """One walk-in's passage as recorded (or simulated): enough to see the floor at any
    moment. `gone_at` is when they left the floor (done, or walked away); None: still here."""

    channel: str
    service_min: float
    priority: bool
    arrived_at: datetime
    called_at: datetime | None
    gone_at: datetime | None


def floor_at(
    at: datetime,
    visits: Iterable[Visit],
    servers: Mapping[str, int],
    stay: Mapping[str, float] | None = None,
) -> dict[str, ChannelLoad]:
    """The floor as it stood at `at`: who was at a counter and who was waiting, per channel
    (the demo history quotes with it, and the backtest in bench/ replays a day with it);
    `stay`, each channel's `stay_share` at that moment (default: everyone stays)."""
    at_counter: dict[str, list[AtCounter]] = {key: [] for key in servers}
    waiting: dict[str, list[Waiting]] = {key: [] for key in servers}
    for visit in sorted(visits, key=lambda v: v.arrived_at):
        if visit.arrived_at >= at or (visit.gone_at is not None and visit.gone_at <= at):
            continue
        if visit.called_at is not None and visit.called_at <= at:
            elapsed = (at - visit.called_at).total_seconds() / 60
            at_counter.setdefault(visit.channel, []).append(AtCounter(visit.service_min, elapsed))
        else:
            waiting.setdefault(visit.channel, []).append(Waiting(visit.service_min, visit.priority))
    shares = stay or {}
    return {
        key: ChannelLoad(
            key,
            servers.get(key, 0),
            tuple(at_counter[key]),
            tuple(waiting[key]),
            shares.get(key, 1.0),
        )
        for key in at_counter
    }
