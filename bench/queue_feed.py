"""The branch's own ticket machine feeding in (issue 28, R2.12).

1. Import: a 2,000-line day of the machine's log (data/queue_feed.toml's shape: Chinese
   columns, local times) — each ticket on the line it was issued, the line it was called and
   the line it was served or missed — into a new database by `import_file`; then the same
   file again (nothing changes). Target: ≤ 1 s.
2. Follow lag: `lobby queue follow` running as its own process; lines appended to its log
   one by one (a rotation halfway); the time from a line's write to its call being in the
   database (read by another connection). Target: p95 ≤ 2 s.

    python bench/queue_feed.py [--lines 2000] [--follow 40]
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HEADER = "票号,取号时间,业务类型,叫号时间,窗口,开始办理,办结时间,过号,转移至\n"
QUEUES = {"A": (1, 3), "B": (4, 6), "V": (7, 7), "W": (8, 9)}


def day_log(lines: int, day: date, seed: int = 1) -> list[str]:
    """About `lines` lines: three a ticket (issued, called, served or a no-show)."""
    rng = random.Random(seed)
    numbers = dict.fromkeys(QUEUES, 0)
    out: list[str] = []
    start = datetime.combine(day, datetime.min.time()) + timedelta(hours=9)
    for n in range(lines // 3):
        code = rng.choice("AAABBBVW")
        numbers[code] += 1
        ticket = f"{code}{numbers[code]:03d}"
        issued = start + timedelta(seconds=n * 28)
        called = issued + timedelta(minutes=rng.randint(1, 25))
        window = rng.randint(*QUEUES[code])
        served = called + timedelta(minutes=rng.randint(2, 15))
        missed = rng.random() < 0.05

        def at(moment: datetime) -> str:
            return moment.strftime("%Y-%m-%d %H:%M:%S")

        out.append(f"{ticket},{at(issued)},{code},,,,,,\n")
        out.append(f"{ticket},{at(issued)},{code},{at(called)},{window}号窗口,,,,\n")
        end = "" if missed else at(served)
        out.append(f"{ticket},{at(issued)},{code},{at(called)},{window}号窗口,,{end},"
                   f"{'是' if missed else ''},\n")  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=2000)
    parser.add_argument("--follow", type=int, default=40)
    args = parser.parse_args()
    day = date.today()
    os.environ.setdefault("LOBBY_NOW", f"{day}T17:30:00+08:00")
    from lobby_tui.services.queue_feed import import_file, load_mapping
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import open_store, wall_clock

    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        log = here / "calls.csv"
        body = day_log(args.lines, day)
        log.write_text(HEADER + "".join(body), encoding="utf-8")
        store = open_store(here / "lobby.db", wall_clock())
        zone = load_settings(store).timezone
        mapping = load_mapping()
        started = time.perf_counter()
        first = import_file(store, log, mapping, zone)
        took = time.perf_counter() - started
        started = time.perf_counter()
        again = import_file(store, log, mapping, zone)
        again_took = time.perf_counter() - started
        store.close()
        print(f"load average: {os.getloadavg()[0]:.2f}")
        print(f"import {len(body)} lines: {took * 1000:.0f} ms ({first.added} walk-ins,"
              f" {first.updated} moved on, {len(first.refused)} refused);"
              f" again: {again_took * 1000:.0f} ms, {again.unchanged} unchanged,"
              f" {again.added + again.updated} changed")  # fmt: skip

        # Follow: a new day's log, written line by line while `lobby queue follow` reads it.
        db = here / "follow.db"
        open_store(db, wall_clock()).close()
        followed = here / "machine.csv"
        followed.write_text(HEADER, encoding="utf-8")
        runner = subprocess.Popen(
            [sys.executable, "-m", "lobby_tui", "queue", "follow", str(followed), "--db", str(db)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        lags: list[float] = []
        try:
            time.sleep(1.5)  # started
            lines = day_log(args.follow * 3, day, seed=2)[1::3][: args.follow]  # the calls
            for i, line in enumerate(lines):
                if i == len(lines) // 2:  # the machine rotates its log
                    followed.rename(here / "machine.csv.1")
                    followed.write_text(HEADER, encoding="utf-8")
                ticket = line.split(",", 1)[0]
                with followed.open("a", encoding="utf-8") as fh:
                    fh.write(line)
                wrote = time.perf_counter()
                while True:
                    with sqlite3.connect(db) as conn:
                        found = conn.execute(
                            "SELECT 1 FROM arrivals WHERE ticket = ? AND called_at IS NOT NULL",
                            (ticket,),
                        ).fetchone()
                    if found:
                        break
                    if time.perf_counter() - wrote > 10:
                        raise SystemExit(f"{ticket} never came in")
                    time.sleep(0.01)
                lags.append(time.perf_counter() - wrote)
                time.sleep(random.uniform(0.1, 0.6))
        finally:
            runner.send_signal(signal.SIGTERM)
            runner.wait(timeout=10)
        lags.sort()
        ms = [x * 1000 for x in lags]
        print(f"follow lag, {len(ms)} calls (a rotation halfway): median"
              f" {statistics.median(ms):.0f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms,"
              f" max {ms[-1]:.0f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
