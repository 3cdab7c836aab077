"""A plausible morning for the demo lobby: written through the same services as real work,
in time order, so the journal reads like a real day."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lobby_tui.content import channels, load_toml
from lobby_tui.domain.day import at_local
from lobby_tui.domain.settings import Settings
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store, StoreError

DEMO_TIME = time(10, 30)  # the demo lobby is always mid-morning, whatever the real hour
PRIORITY_FLAGS = ("elderly", "disabled", "pregnant")


def demo_start(day: date, settings: Settings) -> datetime:
    return at_local(day, DEMO_TIME, settings.timezone)


@dataclass
class _Walkin:
    at: datetime
    need: str
    channel: str
    flags: tuple[str, ...]
    triage_seconds: float
    called_at: datetime | None = None
    done_at: datetime | None = None
    left_at: datetime | None = None


def _morning(rng: random.Random, day: date, settings: Settings, now: datetime) -> list[_Walkin]:
    needs = load_toml("needs.toml")["need"]
    weights = [n["share"] for n in needs]
    opened = at_local(day, settings.opening_time, settings.timezone)
    # A queue at the door, a steady trickle, then the mid-morning rush building up.
    times: list[datetime] = []
    minute = -3.0
    while True:
        rate = 0.85 if minute >= 40 else 0.45  # arrivals per minute
        minute += rng.expovariate(rate)
        at = opened + timedelta(minutes=minute)
        if at >= now - timedelta(minutes=1):
            break
        times.append(at)
    counters = {c.key: c.counters for c in channels()}
    free_at: dict[str, list[datetime]] = {k: [opened] * n for k, n in counters.items()}
    walkins: list[_Walkin] = []
    for at in times:
        need = rng.choices(needs, weights)[0]
        flags: tuple[str, ...] = ()
        if rng.random() < 0.1:
            flags = (rng.choice(PRIORITY_FLAGS),)
        channel = need["channel"]
        if flags:
            channel = "priority"
        elif need["machine"] and rng.random() < 0.45:
            channel = "self_service"
        w = _Walkin(at, need["id"], channel, flags, round(rng.uniform(7, 42), 1))
        slots = free_at[channel]
        slot = min(range(len(slots)), key=slots.__getitem__)
        start = max(at + timedelta(seconds=40), slots[slot])
        wait_min = (start - at).total_seconds() / 60
        # The longer the queue, the likelier a walk-away before being called.
        if wait_min > 12 and rng.random() < min(0.6, wait_min / 40):
            w.left_at = at + timedelta(minutes=rng.uniform(8, min(wait_min, 20)))
        else:
            service = timedelta(minutes=need["service_min"] * rng.uniform(0.6, 1.5))
            w.called_at = start
            w.done_at = start + service
            slots[slot] = w.done_at
        walkins.append(w)
    return walkins


def write_demo_morning(store: Store, settings: Settings, day: date, seed: int = 7) -> int:
    """Fill an empty database with this morning's lobby; returns the number of arrivals."""
    if store.query_one("SELECT 1 FROM arrivals LIMIT 1") is not None:
        raise StoreError("demo.not_empty", path=str(store.path))
    now = demo_start(day, settings)
    rng = random.Random(seed)
    prefixes = {c.key: c.prefix for c in channels()}
    real_clock = store.clock
    clock = FixedClock(at_local(day, time(8, 31), settings.timezone))
    store.clock = clock
    try:
        shift = open_shift_today(store, settings)
        walkins = _morning(rng, day, settings, now)
        steps: list[tuple[datetime, int, int, str]] = []  # (when, order, walk-in, what)
        for i, w in enumerate(walkins):
            steps.append((w.at, 0, i, "arrive"))
            for when, what in ((w.called_at, "called"), (w.done_at, "done"), (w.left_at, "left")):
                if when is not None and when <= now:
                    steps.append((when, 1, i, what))
        ids: dict[int, str] = {}
        for when, _order, i, what in sorted(steps):
            clock.set(when)
            w = walkins[i]
            if what == "arrive":
                ids[i], _ticket = record_arrival(
                    store,
                    NewArrival(
                        shift_id=shift.id,
                        business_day=day.isoformat(),
                        need=w.need,
                        channel=w.channel,
                        suggested_channel=w.channel,
                        ticket_prefix=prefixes[w.channel],
                        priority=bool(w.flags),
                        flags=w.flags,
                        triage_seconds=w.triage_seconds,
                    ),
                )
            else:
                move_arrival(store, ids[i], what)
    finally:
        store.clock = real_clock
    return len(walkins)
