"""How honest is the wait told to walk-ins? A backtest of the quote (R2.7).

Every walk-in who was called is replayed at the moment they arrived: the floor as it stood
(who was at a counter and since when, who was waiting, the counters open, the services done
and the walk-aways so far that day), the quote each method would have given, and the wait
they had. Walk-ins who left before being called are not scored (their wait is unknown).

Methods:
- `people-ahead`  the first version's rule: people waiting × the channel's smoothed service
                  time ÷ counters open (it ignored those already at a counter).
- `floor`         the floor played forward (lobby_tui/domain/waits.py) without walk-aways.
- `floor+stay`    the same, those ahead counting for the share who stay until called: the
                  app's rule now.
- `little`        Little's law on recent throughput: people waiting ÷ calls per minute over the
                  last 30 minutes (the first rule while nobody was called yet).
- `recent-wait`   the exponentially smoothed wait of the last customers called at that channel
                  (the first rule until someone was called).

Figures per method: mean signed error (waited − quoted, in minutes: positive = longer than
told), p90 absolute error, and by band: told the right band, waited longer than the band told
(what angers customers), shorter.

Days replayed:
- the demo's synthetic history (`lobby demo --days`), or `--db` a database of your own;
- generated busy weekdays served by an event simulation that calls priority customers first;
- the same days with one cash and one non-cash counter closing at 10:30.

    python bench/quote_backtest.py [--db FILE] [--days 60] [--busy-days 10] [--seed 1]
"""

from __future__ import annotations

import argparse
import heapq
import math
import random
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from time import perf_counter

from lobby_tui.content import channels, load_toml, needs_catalogue
from lobby_tui.demo.history_floor import FLAG_ODDS, arrival_minutes, intensity, usual_min
from lobby_tui.domain.day import at_local
from lobby_tui.domain.settings import Settings, build_settings
from lobby_tui.domain.triage import (
    PRIORITY_FLAGS,
    Estimate,
    Need,
    route,
    smoothed_service_min,
)
from lobby_tui.domain.waits import (
    BANDS,
    AtCounter,
    ChannelLoad,
    Visit,
    Waiting,
    band,
    floor_at,
    stay_share,
    wait_min,
)

METHODS = ("people-ahead", "floor", "floor+stay", "little", "recent-wait")
THROUGHPUT_WINDOW_MIN = 30
SMOOTHING = 0.3
BUSY_COUNTERS = {"cash": 2, "non_cash": 2, "priority": 1, "self_service": 3, "wealth": 1}


@dataclass
class Walkin:
    """One walk-in as recorded: when they came, were called, left the floor."""

    channel: str
    need: str
    priority: bool
    arrived_at: datetime
    called_at: datetime | None = None
    done_at: datetime | None = None
    left_at: datetime | None = None

    @property
    def gone_at(self) -> datetime | None:
        return self.done_at or self.left_at


@dataclass
class Day:
    walkins: list[Walkin]
    # (from, channel, counters): the counters open from that moment on.
    plan: list[tuple[datetime, str, int]] = field(default_factory=list)

    def servers_at(self, at: datetime, defaults: dict[str, int]) -> dict[str, int]:
        servers = dict(defaults)
        for since, channel, counters in sorted(self.plan):
            if since <= at:
                servers[channel] = counters
        return servers


@dataclass
class Result:
    waited: list[float] = field(default_factory=list)
    quoted: dict[str, list[float | None]] = field(default_factory=lambda: defaultdict(list))


class Seen:
    """What the app knew of the day at a moment: services done, calls, walk-aways."""

    def __init__(self, catalogue: dict[str, float]) -> None:
        self.catalogue = catalogue
        self.default = statistics.mean(catalogue.values())
        self.channel_default = {
            key: statistics.mean([catalogue[n] for n in ids if n in catalogue] or [self.default])
            for key, ids in needs_by_channel().items()
        }
        self.by_need: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.by_channel: dict[str, list[float]] = defaultdict(list)
        self.recent_wait: dict[str, float] = {}
        self.calls: dict[str, list[datetime]] = defaultdict(list)
        self.served: dict[str, int] = defaultdict(int)
        self.walked: dict[str, int] = defaultdict(int)

    def done(self, w: Walkin, called: datetime, done: datetime) -> None:
        minutes = (done - called).total_seconds() / 60
        self.by_need[(w.channel, w.need)].append(minutes)
        self.by_channel[w.channel].append(minutes)

    def called(self, w: Walkin, called: datetime) -> None:
        waited = (called - w.arrived_at).total_seconds() / 60
        previous = self.recent_wait.get(w.channel)
        self.recent_wait[w.channel] = (
            waited if previous is None else SMOOTHING * waited + (1 - SMOOTHING) * previous
        )
        self.calls[w.channel].append(called)
        self.served[w.channel] += 1

    def usual(self, channel: str, need: str) -> float:
        fallback = self.catalogue.get(need, self.default)
        return smoothed_service_min(self.by_need[(channel, need)], fallback)

    def channel_mean(self, channel: str) -> float:
        fallback = self.channel_default.get(channel, self.default)
        return smoothed_service_min(self.by_channel[channel], fallback)


def needs_by_channel() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for need in needs_catalogue().need:
        out[need.channel].add(need.id)
        if need.machine:
            out["self_service"].add(need.id)
    return out


def happenings(walkins: Sequence[Walkin]) -> list[tuple[datetime, int, Walkin]]:
    """Services ending (0), calls (1) and walk-aways (2), in the order they happened."""
    out: list[tuple[datetime, int, Walkin]] = []
    for w in walkins:
        if w.called_at is not None:
            out.append((w.called_at, 1, w))
            if w.done_at is not None:
                out.append((w.done_at, 0, w))
        elif w.left_at is not None:
            out.append((w.left_at, 2, w))
    return sorted(out, key=lambda h: (h[0], h[1]))


def quotes_for(
    w: Walkin, t: datetime, floor: list[Walkin], seen: Seen, counters: int
) -> tuple[float | None, ...]:
    """The quote `w` would have had at `t` by every method, in METHODS' order."""
    here = [o for o in floor if o.channel == w.channel]
    ahead = sum(1 for o in here if o.called_at is None or o.called_at > t)
    old = None if counters <= 0 else ahead * seen.channel_mean(w.channel) / counters
    visits = [
        Visit(
            o.channel,
            seen.usual(o.channel, o.need),
            o.priority,
            o.arrived_at,
            o.called_at if o.called_at is not None and o.called_at <= t else None,
            None,
        )
        for o in here
    ]
    load = floor_at(t, visits, {w.channel: counters})[w.channel]
    stay = stay_share(seen.served[w.channel], seen.walked[w.channel])
    window = [c for c in seen.calls[w.channel] if c > t - timedelta(minutes=THROUGHPUT_WINDOW_MIN)]
    return (
        old,
        wait_min(load, priority=w.priority),
        wait_min(replace(load, stay=stay), priority=w.priority),
        old if not window else ahead / (len(window) / THROUGHPUT_WINDOW_MIN),
        seen.recent_wait.get(w.channel, old),
    )


def replay(days: Iterable[Day], defaults: dict[str, int], catalogue: dict[str, float]) -> Result:
    """Quote every called walk-in of every day, by every method, from the floor they found."""
    result = Result()
    for day in days:
        seen = Seen(catalogue)
        events = happenings(day.walkins)
        next_event = 0
        floor: list[Walkin] = []
        for w in sorted(day.walkins, key=lambda w: w.arrived_at):
            t = w.arrived_at
            while next_event < len(events) and events[next_event][0] <= t:
                at, kind, o = events[next_event]
                if kind == 0 and o.called_at is not None:
                    seen.done(o, o.called_at, at)
                elif kind == 1:
                    seen.called(o, at)
                else:
                    seen.walked[o.channel] += 1
                next_event += 1
            floor = [o for o in floor if o.gone_at is None or o.gone_at > t]
            if w.called_at is not None:
                counters = day.servers_at(t, defaults).get(w.channel, 0)
                result.waited.append((w.called_at - t).total_seconds() / 60)
                quoted = quotes_for(w, t, floor, seen, counters)
                for name, value in zip(METHODS, quoted, strict=True):
                    result.quoted[name].append(value)
            floor.append(w)
    return result


def figures(result: Result) -> list[tuple[str, int, float, float, float, float, float]]:
    rows = []
    for name in METHODS:
        pairs = [
            (waited, quoted)
            for waited, quoted in zip(result.waited, result.quoted[name], strict=True)
            if quoted is not None
        ]
        errors = [waited - quoted for waited, quoted in pairs]
        absolute = sorted(abs(e) for e in errors)
        told = [(BANDS.index(band(q)), BANDS.index(band(w))) for w, q in pairs]
        n = len(pairs)
        rows.append(
            (
                name,
                n,
                statistics.mean(errors),
                absolute[max(0, math.ceil(0.9 * n) - 1)],
                sum(q == w for q, w in told) / n,
                sum(w > q for q, w in told) / n,
                sum(w < q for q, w in told) / n,
            )
        )
    return rows


def show(title: str, result: Result) -> None:
    waits = sorted(result.waited)
    median = statistics.median(waits)
    p90 = waits[max(0, math.ceil(0.9 * len(waits)) - 1)]
    print(f"\n{title}: {len(waits)} walk-ins called, wait median {median:.1f} min, p90 {p90:.1f}")
    print(
        f"  {'method':<13} {'n':>7} {'mean signed':>12} {'p90 |err|':>10}"
        f" {'right band':>11} {'longer':>8} {'shorter':>8}"
    )
    for name, n, mean, p90_error, hit, longer, shorter in figures(result):
        print(
            f"  {name:<13} {n:>7} {mean:>+10.1f} m {p90_error:>8.1f} m"
            f" {hit:>10.0%} {longer:>8.0%} {shorter:>8.0%}"
        )


# The history -------------------------------------------------------------------------------


def history_days(path: Path) -> Iterable[Day]:
    from lobby_tui.store import SystemClock, open_store, parse_iso

    store = open_store(path, SystemClock(), read_only=True)
    try:
        plans: dict[str, list[tuple[datetime, str, int]]] = defaultdict(list)
        for day, at, channel, counters in store.rows(
            "SELECT business_day, at, channel, counters FROM counter_plans"
        ):
            plans[day].append((parse_iso(at), channel, counters))
        days: dict[str, list[Walkin]] = defaultdict(list)
        for day, channel, need, priority, arrived, called, done, left in store.rows(
            "SELECT business_day, channel, need, priority, arrived_at, called_at, done_at, left_at"
            " FROM arrivals ORDER BY business_day, arrived_at"
        ):
            days[day].append(
                Walkin(
                    channel,
                    need,
                    bool(priority),
                    parse_iso(arrived),
                    parse_iso(called) if called else None,
                    parse_iso(done) if done else None,
                    parse_iso(left) if left else None,
                )
            )
    finally:
        store.close()
    for day, walkins in days.items():
        yield Day(walkins, plans.get(day, []))


def make_history(path: Path, days: int, seed: int) -> None:
    from lobby_tui.demo.history import write_history
    from lobby_tui.domain.day import business_day
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import SystemClock, open_store

    store = open_store(path, SystemClock())
    try:
        settings = load_settings(store)
        today = business_day(store.clock.now(), settings.timezone)
        write_history(store, settings, today, days=days, per_day=500, seed=seed, lang="en")
    finally:
        store.close()


# Busy days, served by an event simulation ----------------------------------------------


def default_settings() -> Settings:
    defaults = {k: v for k, v in load_toml("settings.toml").items() if k != "version"}
    return build_settings(defaults, {})


class Floor:
    """An event simulation of one day's floor: each channel calls priority customers first,
    then in order of arrival; services are drawn around the need's usual time; customers walk
    away as their patience runs out; a closing counter finishes its customer and calls no one."""

    def __init__(self, rng: random.Random, day: Day, counters: dict[str, int]) -> None:
        self.rng = rng
        self.day = day
        self.counters = counters
        self.free = dict(counters)
        self.closing: dict[str, int] = defaultdict(int)
        self.queue: dict[str, list[tuple[int, datetime, int]]] = defaultdict(list)
        self.events: list[tuple[datetime, int, str, int]] = []
        self.needs: list[Need] = []

    def floor_now(self, now: datetime) -> dict[str, Estimate]:
        visits = (
            Visit(w.channel, usual_min(n, w.channel), w.priority, w.arrived_at, w.called_at, None)
            for w, n in zip(self.day.walkins, self.needs, strict=True)
            if w.gone_at is None or w.gone_at > now
        )
        loads = floor_at(now, visits, self.day.servers_at(now, self.counters))
        return {
            key: Estimate(key, len(load.waiting), load.servers, wait_min(load))
            for key, load in loads.items()
        }

    def arrive(self, now: datetime, need: Need, flags: list[str]) -> None:
        chosen = route(need, flags, self.floor_now(now), {}, on_floor=False)
        priority = bool(set(flags) & PRIORITY_FLAGS)
        self.day.walkins.append(Walkin(chosen.channel, need.id, priority, now))
        self.needs.append(need)
        index = len(self.needs) - 1
        heapq.heappush(self.queue[chosen.channel], (0 if priority else 1, now, index))
        patience = 12 + self.rng.expovariate(1 / 25)
        heapq.heappush(self.events, (now + timedelta(minutes=patience), 2, "patience", index))
        self.call_next(chosen.channel, now)

    def call_next(self, channel: str, now: datetime) -> None:
        while self.free[channel] > 0 and self.queue[channel]:
            _, _, index = heapq.heappop(self.queue[channel])
            w = self.day.walkins[index]
            if w.left_at is not None:
                continue
            self.free[channel] -= 1
            pace = min(3.0, max(0.3, self.rng.lognormvariate(0, 0.4)))
            w.called_at = now
            w.done_at = now + timedelta(minutes=usual_min(self.needs[index], channel) * pace)
            heapq.heappush(self.events, (w.done_at, 0, "done", index))

    def run(self) -> Day:
        while self.events:
            now, _, kind, index = heapq.heappop(self.events)
            if kind == "arrive":
                need = self.rng.choices(NEEDS, WEIGHTS)[0]
                flags = [name for name, odds in FLAG_ODDS if self.rng.random() < odds]
                self.arrive(now, need, flags)
            elif kind == "done":
                channel = self.day.walkins[index].channel
                if self.closing[channel] > 0:
                    self.closing[channel] -= 1  # this counter closes instead of calling
                else:
                    self.free[channel] += 1
                self.call_next(channel, now)
            elif kind == "patience":
                w = self.day.walkins[index]
                if w.called_at is None and self.rng.random() < 0.85:
                    w.left_at = now
            else:  # a counter closes: at once when idle, else after its customer
                channel = kind.removeprefix("close:")
                if self.free[channel] > 0:
                    self.free[channel] -= 1
                else:
                    self.closing[channel] += 1
        return self.day


NEEDS = list(needs_catalogue().need)
WEIGHTS = [n.share for n in NEEDS]


def busy_day(rng: random.Random, day: date, per_day: float, closing: Sequence[str] = ()) -> Day:
    """A weekday with the history's arrival curve; `closing`: channels losing a counter at
    10:30."""
    settings = default_settings()
    zone = settings.timezone
    opened = at_local(day, settings.opening_time, zone)
    closes = at_local(day, settings.closing_time, zone)
    minutes = int((closes - opened).total_seconds() // 60)
    first_minute = settings.opening_time.hour * 60 + settings.opening_time.minute
    shape = intensity(day.weekday(), minutes, first_minute)
    at_1030 = at_local(day, time(10, 30), zone)
    plan = [(at_1030, channel, BUSY_COUNTERS[channel] - 1) for channel in closing]
    floor = Floor(rng, Day([], plan), BUSY_COUNTERS)
    for minute in arrival_minutes(rng, shape, per_day):
        floor.events.append((opened + timedelta(minutes=minute), 1, "arrive", -1))
    for channel in closing:
        floor.events.append((at_1030, 0, f"close:{channel}", -1))
    heapq.heapify(floor.events)
    return floor.run()


def estimate_speed(waiting: int = 200, repeat: int = 2000) -> float:
    """Milliseconds to quote every channel with `waiting` people in the hall (target <= 1 ms):
    what the triage screen does on each need key."""
    rng = random.Random(0)
    keys = list(BUSY_COUNTERS)
    loads = [
        ChannelLoad(
            key,
            n,
            tuple(AtCounter(rng.uniform(3, 25), rng.uniform(0, 20)) for _ in range(n)),
            tuple(
                Waiting(rng.uniform(3, 25), rng.random() < 0.1) for _ in range(waiting // len(keys))
            ),
            0.9,
        )
        for key, n in BUSY_COUNTERS.items()
    ]
    started = perf_counter()
    for _ in range(repeat):
        for load in loads:
            wait_min(load)
    return (perf_counter() - started) * 1000 / repeat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a database with history (default: made now)")
    parser.add_argument("--days", type=int, default=60, help="days of history to make")
    parser.add_argument("--busy-days", type=int, default=10, help="simulated days per case")
    parser.add_argument("--per-day", type=int, default=480, help="walk-ins on a busy day")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    defaults = {c.key: c.counters for c in channels()}
    catalogue = {n.id: n.service_min for n in NEEDS}

    with tempfile.TemporaryDirectory() as scratch:
        path = args.db
        if path is None:
            path = Path(scratch) / "history.db"
            started = perf_counter()
            make_history(path, args.days, args.seed)
            print(f"history: {args.days} days made in {perf_counter() - started:.1f} s")
        started = perf_counter()
        result = replay(history_days(path), defaults, catalogue)
        show(f"history (replayed in {perf_counter() - started:.1f} s)", result)

    print(f"\nquoting every channel with 200 waiting: {estimate_speed():.3f} ms (target <= 1 ms)")
    rng = random.Random(args.seed)
    mondays = [date(2026, 11, 30) + timedelta(days=7 * n) for n in range(args.busy_days)]
    for title, closing in (
        ("busy weekdays", ()),
        ("busy weekdays, a cash and a non-cash counter close at 10:30", ("cash", "non_cash")),
    ):
        days = [busy_day(rng, monday, args.per_day, closing) for monday in mondays]
        show(f"{title} ({args.busy_days} days)", replay(days, BUSY_COUNTERS, catalogue))
    return 0


if __name__ == "__main__":
    sys.exit(main())
