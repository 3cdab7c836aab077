"""How good is the day plan's forecast, and the windows it suggests? A backtest (R1.6, issue 19).

Over the demo's synthetic history (written with the same calendar effects the forecast
learns: holidays and the days around them, 调休 working days, pension and pay days, month and
quarter end, the weather on the checklist), every day of the scored period is forecast from
the days before it only, by two methods:

- `four-week mean`  the first day plan's rule: the mean of the last four same weekdays
                    (services/dayplan.peak_forecast);
- `calendar`        the day plan's rule now: the weekday's ordinary profile × the day's
                    calendar effects, each learned from the history once seen on enough days
                    (services/forecast.day_plan_forecast, exactly what the app shows).

Figures:
- per-hour MAPE: mean of |forecast − arrivals| ÷ arrivals over the open hours with arrivals,
  for all days, ordinary days and days with a calendar effect;
- service level met: each hour and channel gets the windows the method's forecast needs by
  Erlang C (the app's rule, domain/staffing.windows_needed); the day's real walk-ins are then
  replayed through those windows, first come first served, with their real service times (the
  channel's mean for one who walked away), and an hour meets the service level when at least
  `service_level_target` of its walk-ins were called within `wait_red_min`. The share of
  hours (with walk-ins, per channel) that met it, and the windows it took (window-hours).

    python bench/forecast_backtest.py [--db FILE] [--days 426] [--score 240] [--per-day 250]

Without --db the history is written to a throwaway database first (a minute or two).
"""

from __future__ import annotations

import argparse
import heapq
import sys
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from time import perf_counter

from lobby_tui.content import channels
from lobby_tui.domain.day import local
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.staffing import windows_needed
from lobby_tui.services.dayplan import peak_forecast
from lobby_tui.services.forecast import (
    DayPlanForecast,
    branch_calendar,
    day_plan_forecast,
    hour_range,
)
from lobby_tui.store import FixedClock, Store, open_store, parse_iso

TODAY = date(2026, 12, 1)  # the history ends the day before; the scored days are 2026's


@dataclass
class Walkin:
    channel: str
    arrived: datetime
    service_min: float | None  # None: walked away, replayed with the channel's mean


@dataclass
class Score:
    errors: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    hours: int = 0
    met: int = 0
    window_hours: int = 0

    def mape(self, kind: str) -> float:
        values = self.errors[kind]
        return sum(values) / len(values) * 100 if values else float("nan")


def replay(
    walkins: list[Walkin], windows: dict[int, int], service_mean: float, zone: object
) -> list[tuple[int, float]]:
    """Each walk-in's (hour it came in, minutes waited until called) through the windows open
    each hour, first come first served: a window free at the hour's start stays free only if
    the hour has it (closing one mid-service finishes its customer)."""
    free: list[datetime] = []
    out: list[tuple[int, float]] = []
    open_now = 0
    for w in sorted(walkins, key=lambda w: w.arrived):
        hour = local(w.arrived, zone).hour  # type: ignore[arg-type]
        want = max(windows.get(hour, 0), 1)
        while open_now < want:
            heapq.heappush(free, w.arrived)
            open_now += 1
        while open_now > want and len(free) > 1:
            heapq.heappop(free)  # the window freed first closes
            open_now -= 1
        start = max(w.arrived, heapq.heappop(free))
        minutes = w.service_min if w.service_min is not None else service_mean
        heapq.heappush(free, start + timedelta(minutes=minutes))
        out.append((hour, (start - w.arrived).total_seconds() / 60))
    return out


def met_service_level(
    waits: list[tuple[int, float]], red_min: int, target: float
) -> dict[int, bool]:
    by_hour: dict[int, list[float]] = defaultdict(list)
    for hour, waited in waits:
        by_hour[hour].append(waited)
    return {
        hour: sum(w <= red_min for w in waited) / len(waited) >= target
        for hour, waited in by_hour.items()
    }


def load_walkins(store: Store, first: date, last: date) -> dict[date, dict[str, list[Walkin]]]:
    out: dict[date, dict[str, list[Walkin]]] = defaultdict(lambda: defaultdict(list))
    for day, channel, arrived, called, done in store.rows(
        "SELECT business_day, channel, arrived_at, called_at, done_at FROM arrivals"
        " WHERE business_day BETWEEN ? AND ?",
        (first.isoformat(), last.isoformat()),
    ):
        service = (
            (parse_iso(done) - parse_iso(called)).total_seconds() / 60 if called and done else None
        )
        out[date.fromisoformat(day)][channel].append(Walkin(channel, parse_iso(arrived), service))
    return out


def backtest(store: Store, settings: Settings, first: date, last: date) -> dict[str, Score]:
    keys = [c.key for c in channels()]
    first_hour, last_hour = hour_range(settings)
    walkins = load_walkins(store, first, last)
    cal = branch_calendar(store, settings, first - timedelta(days=400), last)
    scores = {"four-week mean": Score(), "calendar": Score()}
    day = first
    while day <= last:
        plan = day_plan_forecast(store, settings, day, keys)
        old = peak_forecast(store, settings, day)
        today = walkins.get(day, {})
        actual: Counter[int] = Counter()
        for listed in today.values():
            actual.update(local(w.arrived, settings.timezone).hour for w in listed)
        kind = "effect" if cal.effects(day) else "ordinary"
        methods = {
            "four-week mean": [old.per_hour[h - old.first_hour] if old.has_history else 0.0
                               for h in range(first_hour, last_hour + 1)],
            "calendar": plan.forecast.per_hour,
        }  # fmt: skip
        for name, per_hour in methods.items():
            score = scores[name]
            for offset, forecast in enumerate(per_hour):
                came = actual[first_hour + offset]
                if came:
                    error = abs(forecast - came) / came
                    score.errors["all"].append(error)
                    score.errors[kind].append(error)
            score_windows(score, plan, per_hour, today, settings, first_hour)
        day += timedelta(days=1)
    return scores


def score_windows(
    score: Score,
    plan: DayPlanForecast,
    per_hour: list[float],
    today: dict[str, list[Walkin]],
    settings: Settings,
    first_hour: int,
) -> None:
    """The windows this forecast would have suggested, and whether the day's real walk-ins
    would have been called in time through them."""
    for channel, listed in today.items():
        service = plan.service_min.get(channel)
        if service is None:
            continue
        windows = {}
        for offset, total in enumerate(per_hour):
            hour = first_hour + offset
            share = plan.shares.get(hour, {}).get(channel, 0.0)
            windows[hour] = windows_needed(
                total * share, service, settings.wait_red_min, settings.service_level_target
            )
        score.window_hours += sum(windows.values())
        waits = replay(listed, windows, service, settings.timezone)
        met = met_service_level(waits, settings.wait_red_min, settings.service_level_target)
        score.hours += len(met)
        score.met += sum(met.values())


def make_history(path: Path, days: int, per_day: int) -> None:
    from lobby_tui.demo.history import write_history
    from lobby_tui.services.settings import load_settings

    store = open_store(path, FixedClock(datetime(2026, 12, 1, 0, 30, tzinfo=UTC)))
    try:
        settings = load_settings(store)
        write_history(store, settings, TODAY, days=days, per_day=per_day, seed=7, lang="en")
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database with history (default: write one)")
    parser.add_argument("--days", type=int, default=426, help="days of history to write")
    parser.add_argument("--score", type=int, default=240, help="the last N days are scored")
    parser.add_argument("--per-day", type=int, default=250, help="mean walk-ins a day")
    args = parser.parse_args(argv)
    from lobby_tui.services.settings import load_settings

    with tempfile.TemporaryDirectory() as folder:
        path = args.db or Path(folder) / "history.db"
        if args.db is None:
            started = perf_counter()
            make_history(path, args.days, args.per_day)
            print(f"history: {args.days} days to {TODAY - timedelta(days=1)},"
                  f" {perf_counter() - started:.0f} s", file=sys.stderr)  # fmt: skip
        store = open_store(path, FixedClock(datetime(2026, 12, 1, 0, 30, tzinfo=UTC)))
        try:
            settings = load_settings(store)
            last = TODAY - timedelta(days=1)
            first = last - timedelta(days=args.score - 1)
            started = perf_counter()
            scores = backtest(store, settings, first, last)
            took = perf_counter() - started
        finally:
            store.close()
    print(f"scored {first} to {last} ({args.score} days, {took:.0f} s)")
    print(f"{'method':<16} {'MAPE all':>9} {'ordinary':>9} {'effect':>9}"
          f" {'SL met':>8} {'hours':>6} {'window-h':>9}")  # fmt: skip
    for name, score in scores.items():
        print(
            f"{name:<16} {score.mape('all'):>8.1f}% {score.mape('ordinary'):>8.1f}%"
            f" {score.mape('effect'):>8.1f}% {score.met / max(1, score.hours) * 100:>7.1f}%"
            f" {score.hours:>6} {score.window_hours:>9}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
