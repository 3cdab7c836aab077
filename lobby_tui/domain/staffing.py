"""How many windows an hour needs (R1.6): Erlang C, the M/M/c queue.

The model: walk-ins arrive as a Poisson stream at the hour's forecast rate, each window serves
one customer at a time for an exponentially distributed time around the channel's mean
service time, customers are called in order of arrival and nobody walks away.

Why that is acceptable for a day plan: arrivals in one hour of a branch are many independent
people deciding alone, which is what a Poisson stream describes; the plan needs a number of
windows per hour, not a minute-by-minute replay, and Erlang C gives it in microseconds from
two numbers the branch already has (arrivals per hour, minutes per service).

Where it errs, and which way:
- Service times at a counter vary less than an exponential (a deposit takes 3–6 minutes, not
  0–15): the real queue is shorter than Erlang C says, so the plan errs on the safe side.
- Nobody walks away in the model, while some do: the wait of those who stay is a little
  shorter than modelled (again on the safe side), but a walk-away is a lost customer the
  service level does not show.
- Priority customers jump the queue (R2.5): the mean is unchanged, the others wait longer.
- The model is the steady state of an hour: a surge in the first ten minutes, or a queue left
  over from the hour before, is not in it — the live advice on the dashboard watches for that.
- With the load at or above the windows (ρ ≥ 1) the queue grows without bound: every customer
  waits, and the answer is "more windows", which is what `windows_needed` returns.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MOST_WINDOWS = 50  # never suggest more windows than a branch could have


def erlang_c(load: float, windows: int) -> float:
    """The probability that a customer waits at all (Erlang's delay formula, C(c, A)).

    `load` is the offered load A = λ × mean service (in Erlangs: the number of windows kept
    busy on average); `windows` is c. Computed through Erlang B's recursion, which stays exact
    where A^c / c! would overflow."""
    if load <= 0:
        return 0.0
    if windows <= 0 or load >= windows:
        return 1.0
    blocking = 1.0  # Erlang B with no window: everyone is turned away
    for k in range(1, windows + 1):
        blocking = load * blocking / (k + load * blocking)
    return windows * blocking / (windows - load * (1 - blocking))


def wait_longer_than(per_hour: float, service_min: float, windows: int, minutes: float) -> float:
    """P(W > t): the share of customers who wait longer than `minutes` to be called, with
    `per_hour` arrivals and `windows` windows each serving for `service_min` on average."""
    if per_hour <= 0:
        return 0.0
    load = per_hour * service_min / 60
    if windows <= 0 or load >= windows:
        return 1.0
    return erlang_c(load, windows) * math.exp(-(windows - load) * minutes / service_min)


def service_level(per_hour: float, service_min: float, windows: int, minutes: float) -> float:
    """The share called within `minutes` (the red threshold): what the branch's service level
    (domain/kpis.service_level) would be in the model."""
    return 1.0 - wait_longer_than(per_hour, service_min, windows, minutes)


def windows_needed(per_hour: float, service_min: float, within_min: float, target: float) -> int:
    """The least number of windows for which at least `target` of the customers are called
    within `within_min` minutes. No arrivals: no window needed (the branch's minimum staffing
    is its own rule, not the queue's)."""
    if per_hour <= 0 or service_min <= 0:
        return 0
    load = per_hour * service_min / 60
    windows = max(1, math.floor(load) + 1)  # fewer than the load can never keep up
    while windows < MOST_WINDOWS:
        if service_level(per_hour, service_min, windows, within_min) >= target:
            return windows
        windows += 1
    return MOST_WINDOWS


@dataclass(frozen=True)
class HourNeed:
    """One channel's hour in the plan: arrivals expected, windows needed and on duty."""

    hour: int
    channel: str
    arrivals: float
    service_min: float
    needed: int
    on_duty: int

    @property
    def short(self) -> bool:
        return self.on_duty < self.needed


# The live check: "open a window now" --------------------------------------------------------

AHEAD_SHARE = 1.25  # arrivals a quarter above the forecast's: the queue runs ahead of it
AHEAD_LEAST = 3  # ... and by at least this many people (three walk-ins for one is noise)
HORIZON_MIN = 15  # how far ahead the wait is projected


@dataclass(frozen=True)
class LiveChannel:
    """One channel as it stands, beside what the forecast expected."""

    channel: str
    waiting: int
    longest_min: float | None  # the longest wait now; None: nobody waiting
    arrived: int  # walk-ins in the last `window_min` minutes
    expected: float  # what the forecast expected in those minutes
    windows: int  # open now
    service_min: float


@dataclass(frozen=True)
class OpenAdvice:
    """Open a window at `channel` now, and why."""

    channel: str
    waiting: int
    arrived: int
    expected: float
    projected_min: float  # the wait a newcomer will have within HORIZON_MIN, at this pace
    windows: int
    needed: int  # windows the live pace needs for the service level (Erlang C)


def projected_wait(live: LiveChannel, window_min: int, horizon_min: int = HORIZON_MIN) -> float:
    """The wait a newcomer will have `horizon_min` from now if walk-ins keep the last
    `window_min` minutes' pace: the queue now, plus what the pace brings beyond what the open
    windows serve, worked off by those windows (a fluid picture: the hour's steady state is
    Erlang C's, a surge's next quarter hour is this)."""
    if live.windows <= 0:
        return math.inf
    per_min_in = live.arrived / window_min
    per_min_out = live.windows / live.service_min
    queue = live.waiting + (per_min_in - per_min_out) * horizon_min
    return max(live.waiting, queue, 0.0) * live.service_min / live.windows


def open_window_advice(
    live: LiveChannel, red_min: int, target: float, window_min: int
) -> OpenAdvice | None:
    """Advise a window more when walk-ins run ahead of the forecast and, at that pace, the wait
    passes the red threshold within the next quarter hour: said before the queue turns red,
    not once it has. `needed` says how many windows the pace needs (Erlang C), at least one
    more than are open."""
    ahead = live.arrived >= live.expected * AHEAD_SHARE and live.arrived - live.expected >= (
        AHEAD_LEAST
    )
    if not ahead:
        return None
    pace = live.arrived * 60 / window_min
    needed = windows_needed(pace, live.service_min, red_min, target)
    projected = projected_wait(live, window_min)
    if projected < red_min:
        return None
    return OpenAdvice(
        live.channel,
        live.waiting,
        live.arrived,
        live.expected,
        projected,
        live.windows,
        max(needed, live.windows + 1),
    )
