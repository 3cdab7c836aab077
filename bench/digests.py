"""What the row digests (issue 14) cost one walk-in's save: the same `record_arrival` on two
copies of one database, digests on and off (the writer's key taken away), interleaved so
both see the same machine load. Wall time includes the fsync; CPU time is the digests' own.

    python bench/digests.py [--db SOME.db] [-n 600]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import year_db  # beside this file: python puts the script's folder on the path

from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.store import SystemClock, open_store


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a database to copy (default: a year's)")
    parser.add_argument("-n", type=int, default=600)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="lobby-bench-", dir=Path.cwd()))
    try:
        source = year_db.into(scratch / "year.db", args.db)
        stores = {}
        for label in ("off", "on"):
            shutil.copy(source, scratch / f"{label}.db")
            stores[label] = open_store(scratch / f"{label}.db", SystemClock())
        stores["off"]._key = None  # nothing to digest with: the save as before issue 14
        wall: dict[str, list[float]] = {"off": [], "on": []}
        cpu: dict[str, list[float]] = {"off": [], "on": []}
        for i in range(args.n):
            for label in ("off", "on") if i % 2 else ("on", "off"):
                arrival = NewArrival(None, "2026-12-01", "enquiry", "non_cash", "B")
                t, c = time.perf_counter(), time.process_time()
                record_arrival(stores[label], arrival)
                wall[label].append((time.perf_counter() - t) * 1000)
                cpu[label].append((time.process_time() - c) * 1000)
        for store in stores.values():
            store.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{args.n} walk-ins each, interleaved")
    for label in ("off", "on"):
        print(
            f"digests {label:3}: wall median {statistics.median(wall[label]):6.3f} ms"
            f"   cpu mean {statistics.mean(cpu[label]):6.3f} ms"
        )
    extra = statistics.mean(cpu["on"]) - statistics.mean(cpu["off"])
    print(f"the digests add {extra:.3f} ms of CPU to a save")


if __name__ == "__main__":
    main()
