"""A database holding a year of a busy branch, for the benchmarks: N days × M arrivals a day
with rounds and care, checklists, complaints, incidents — the demo's history generator
(`lobby demo --days`), then today's demo morning on top, as the app finds it at 10:30:
what the retention rule erases (R6.5) is already erased, as every earlier day's start of
the app would have done, so a start measured on it erases only what a day adds.

    python bench/year_db.py PATH [--days 300] [--per-day 500] [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path


def make(path: Path, days: int, per_day: int, seed: int) -> dict[str, object]:
    from lobby_tui.demo.history import write_history
    from lobby_tui.demo.morning import write_demo_morning
    from lobby_tui.domain.day import business_day
    from lobby_tui.services.retention import purge
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import SystemClock, open_store

    store = open_store(path, SystemClock())
    try:
        settings = load_settings(store)
        today = business_day(store.clock.now(), settings.timezone)
        start = time.perf_counter()
        write_demo_morning(store, settings, today, seed=seed, lang="en")
        rows = write_history(
            store, settings, today, days=days, per_day=per_day, seed=seed, lang="en"
        )
        seconds = time.perf_counter() - start
        erased = purge(store, settings).total
    finally:
        store.close()
    return {
        "path": str(path),
        "days": days,
        "per_day": per_day,
        "seconds": round(seconds, 1),
        "size_mib": round(path.stat().st_size / 2**20, 1),
        "rows": rows,
        "erased_as_earlier_starts_would": erased,
    }


def copy_db(source: Path | str, target: Path | str) -> None:
    """A database file with its -wal: committed entries not yet checkpointed are part of it."""
    shutil.copy(source, target)
    wal = Path(f"{source}-wal")
    if wal.exists():
        shutil.copy(wal, f"{target}-wal")


def into(target: Path, given: Path | None) -> Path:
    """The year database a bench measures, at `target`: a copy of `given`, or one made now
    (in a process of its own, so the bench's own imports start clean)."""
    if given:
        copy_db(given, target)
    else:
        subprocess.run(
            [sys.executable, str(Path(__file__)), str(target)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    if args.path.exists():
        print(f"{args.path} exists; give a new path", file=sys.stderr)
        return 1
    print(json.dumps(make(args.path, args.days, args.per_day, args.seed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
