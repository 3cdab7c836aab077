"""Who a window calls next, and the floor played forward as the windows will call (R2.9).

One rule, used three ways: the counter view's Next calls by `next_for`; the wait told at
triage plays every open window forward by the same rule (`play_forward`, through
domain/waits.py); the backtest in bench/ replays a day with it. So what a customer is told
and when a window calls them rest on the same order.

The rule: among those waiting for a need the window serves (its channels), priority
customers first (R2.5), then whoever has waited longest. A customer sent to one window by a
transfer is called only by that window.

Pure: no database, no Textual.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Queued:
    """Someone waiting to be called."""

    key: str  # the arrival's id ("" for the newcomer a quote is for)
    channel: str
    priority: bool
    order: float  # when they joined the queue (seconds, any origin): earlier is called first
    service_min: float = 0.0  # how long their need usually takes (for playing forward)
    for_window: int | None = None  # transferred to this window: only it calls them


@dataclass(frozen=True)
class Window:
    """An open window (or, for the self-service area, a working machine) as it stands."""

    number: int
    serves: tuple[str, ...]  # channel keys, its own first
    free_in_min: float = 0.0  # 0: idle; else what is left of the customer at it


def callable_by(window: int, serves: Sequence[str], person: Queued) -> bool:
    if person.for_window is not None:
        return person.for_window == window
    return person.channel in serves


def next_for(window: int, serves: Sequence[str], waiting: Iterable[Queued]) -> Queued | None:
    """The customer this window calls now: priority first among those it may call, then the
    longest waiting; None when nobody waits for it."""
    candidates = [q for q in waiting if callable_by(window, serves, q)]
    return min(candidates, key=lambda q: (not q.priority, q.order, q.key), default=None)


def play_forward(
    windows: Iterable[Window],
    waiting: Iterable[Queued],
    stay: Mapping[str, float] | None = None,
    *,
    until: str | None = None,
) -> dict[str, float]:
    """Minutes until each of `waiting` is called, the windows calling by `next_for` as
    each frees up; someone no open window serves is absent from the answer (no band can be
    promised). `stay`: per channel, the share of those waiting who stay until called (those
    who walk away first take no window time: domain/waits.stay_share). `until`: stop once
    the customer with this key is called (a quote needs no more)."""
    shares = stay or {}
    left = list(waiting)
    free = [(w.free_in_min, w.number, w.serves) for w in windows]
    heapq.heapify(free)
    called: dict[str, float] = {}
    while left and free:
        at, number, serves = heapq.heappop(free)
        person = next_for(number, serves, left)
        if person is None:
            continue  # nobody it may call waits, and nobody new comes: it calls no more
        called[person.key] = at
        if person.key == until:
            break
        left.remove(person)
        taken = person.service_min * shares.get(person.channel, 1.0)
        heapq.heappush(free, (at + taken, number, serves))
    return called
