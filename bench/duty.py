"""The duty plan (issue 19, R1.6): what the lunch rotation and the windows-open read cost.

- rotation: domain.duty.plan_lunches over a branch of N people (a third at the cash counter,
  a third at the non-cash counter, the rest elsewhere), median of the runs.
- counters_now: the read triage makes per walk-in (services.dayplan.counters_now) on a day
  with that plan, median of the runs.
- rotate_lunches: the service (read, plan, write each change, commit) on that day.

    python bench/duty.py [-n 20] [--people 12]

Targets: the rotation well under the 100 ms a button press may take; counters_now a few
milliseconds (it is read on every triage refresh).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

from lobby_tui.domain.duty import Duty, LunchRule, plan_lunches
from lobby_tui.services import dayplan, duty
from lobby_tui.services.settings import load_settings
from lobby_tui.store import FixedClock, new_id, open_store

DAY = date(2026, 11, 30)
POSTS = ("cash", "non_cash", "priority", "wealth", "floor", "security")


def post_of(n: int, people: int) -> str:
    third = max(1, people // 3)
    return "cash" if n < third else "non_cash" if n < 2 * third else POSTS[2 + n % 4]


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:.2f} ms (min {min(values) * 1000:.2f})"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=20)
    parser.add_argument("--people", type=int, default=12)
    args = parser.parse_args()
    start = datetime(2026, 11, 30, 0, 30, tzinfo=UTC)
    plan = [
        Duty(f"p{n}", post_of(n, args.people), start, start + timedelta(hours=9))
        for n in range(args.people)
    ]
    rule = LunchRule(start + timedelta(hours=2, minutes=30), start + timedelta(hours=5, minutes=30),
                     timedelta(hours=1))  # fmt: skip
    opening = (start + timedelta(minutes=30), start + timedelta(hours=8, minutes=30))
    minimums = {"cash": 1, "non_cash": 1, "priority": 0, "wealth": 0}
    runs = []
    for _ in range(args.n):
        began = time.perf_counter()
        plan_lunches(plan, minimums, rule, opening)
        runs.append(time.perf_counter() - began)
    print(f"rotation, {args.people} people: {ms(runs)}")

    folder = Path(tempfile.mkdtemp(prefix="bench-duty-"))
    try:
        store = open_store(folder / "duty.db", FixedClock(datetime(2026, 11, 30, 4, tzinfo=UTC)))
        settings = load_settings(store)
        for n in range(args.people):
            staff_id = new_id()
            with store.unit_of_work() as uow:
                uow.insert("staff", {"id": staff_id, "name": f"P{n}", "role": "teller",
                                     "active": 1, "pin_hash": "-", "created_at": uow.now,
                                     "updated_at": uow.now})  # fmt: skip
                uow.event("staff.added", "staff", staff_id, {})
            duty.set_duty(store, settings, DAY, staff_id, post_of(n, args.people),
                          clock_time(8, 30), clock_time(17, 30), None)  # fmt: skip
        runs = []
        for _ in range(args.n):
            began = time.perf_counter()
            duty.rotate_lunches(store, settings, DAY)
            runs.append(time.perf_counter() - began)
        print(f"rotate_lunches (service, writes), {args.people} people: {ms(runs)}")
        runs = []
        for _ in range(args.n):
            began = time.perf_counter()
            dayplan.counters_now(store, DAY)
            runs.append(time.perf_counter() - began)
        print(f"counters_now with a duty plan: {ms(runs)}")
        store.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
