"""Day bundles for head office (issue 18): the time and size of a busy day's bundle, and of
a year of them, on a year of a busy branch (year_db.py).

- one day (yesterday, complete): write_bundle in process (median of n), check_bundle (head
  office's side), and `lobby bundle` as a person runs it (a fresh process);
- a year: every day of the history bundled one after the other, as a tablet that was never
  bundled would catch up; the total time, the bytes, and the bytes against the database.

    python bench/bundle.py [--db YEAR.db] [--days 365] [-n 5]   # default: a year made now
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import year_db  # beside this file: python puts the script's folder on the path


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a year database (default: made now)")
    parser.add_argument("--days", type=int, default=365, help="days of history to make")
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("-n", type=int, default=5)
    args = parser.parse_args()

    from lobby_tui.domain.day import business_day
    from lobby_tui.services.bundle import check_bundle, write_bundle
    from lobby_tui.services.settings import load_settings, save_setting
    from lobby_tui.store import SystemClock, open_store

    work = Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    try:
        db = work / "year.db"
        if args.db:
            year_db.copy_db(args.db, db)
        else:
            subprocess.run(
                [sys.executable, str(Path(year_db.__file__)), str(db), "--days",
                 str(args.days), "--per-day", str(args.per_day)],
                check=True, stdout=subprocess.DEVNULL,
            )  # fmt: skip
        store = open_store(db, SystemClock())
        settings = load_settings(store)
        save_setting(store, "branch_id", "0101")
        today = business_day(store.clock.now(), settings.timezone)
        first = store.query_one("SELECT min(business_day) FROM arrivals")
        assert first is not None
        days = (today - date.fromisoformat(first[0])).days
        yesterday = today - timedelta(days=1)
        arrivals = store.query_one(
            "SELECT count(*) FROM arrivals WHERE business_day = ?", (yesterday.isoformat(),)
        )
        out = work / "day"
        write_bundle(store, yesterday, out)  # warm: duckdb's import, caches
        # Wall time, and CPU time (all threads): on a shared, loaded machine the second says
        # what the work costs, the first what a person waited.
        times, cpu = [], []
        for _ in range(args.n):
            start, used = time.perf_counter(), time.process_time()
            folder = write_bundle(store, yesterday, out)
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - used)
        checks, check_cpu = [], []
        for _ in range(args.n):
            start, used = time.perf_counter(), time.process_time()
            manifest = check_bundle(folder)
            checks.append(time.perf_counter() - start)
            check_cpu.append(time.process_time() - used)
        day_rows = sum(e.rows for e in manifest.tables.values())
        day_size = folder_bytes(folder)
        store.close()

        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "lobby_tui", "bundle", "--db", str(db), "--date",
             yesterday.isoformat(), "--out", str(work / "cli")],
            check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        cli_seconds = time.perf_counter() - start

        store = open_store(db, SystemClock())
        year_out = work / "year"
        start, used = time.perf_counter(), time.process_time()
        year_rows = 0
        for n in range(days, 0, -1):
            made = write_bundle(store, today - timedelta(days=n), year_out)
            year_rows += sum(e.rows for e in check_bundle(made).tables.values())
        year_seconds = time.perf_counter() - start
        year_cpu = time.process_time() - used
        store.close()
        year_size = folder_bytes(year_out)
        db_size = db.stat().st_size + (Path(f"{db}-wal").stat().st_size
                                       if Path(f"{db}-wal").exists() else 0)  # fmt: skip
        print(
            json.dumps(
                {
                    "day": {
                        "date": yesterday.isoformat(),
                        "arrivals": arrivals[0] if arrivals else 0,
                        "rows": day_rows,
                        "write_ms_median": round(statistics.median(times) * 1000, 1),
                        "write_cpu_ms_median": round(statistics.median(cpu) * 1000, 1),
                        "check_ms_median": round(statistics.median(checks) * 1000, 1),
                        "check_cpu_ms_median": round(statistics.median(check_cpu) * 1000, 1),
                        "lobby_bundle_process_s": round(cli_seconds, 2),
                        "bytes": day_size,
                    },
                    "year": {
                        "days": days,
                        "rows": year_rows,
                        "write_and_check_s": round(year_seconds, 1),
                        "write_and_check_cpu_s": round(year_cpu, 1),
                        "per_day_ms": round(year_seconds / days * 1000, 1),
                        "mib": round(year_size / 2**20, 1),
                        "database_mib": round(db_size / 2**20, 1),
                    },
                },
                indent=2,
            )
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
