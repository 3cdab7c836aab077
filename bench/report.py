"""The dashboard's refresh and the report, on a year of records against an empty database.

- dashboard: `read_lobby` alone (the worker's read every 5 s), and the whole refresh in the
  app (read, redraw the panels, repaint) against a bare Textual app updating one Static;
- a day's report (yesterday, complete; today, still going) and a year's, in process: from
  the daily rollups (as the app and the demo keep them), and with none kept (every day
  counted from its rows, as for a file from before rollups), and the cost of rebuilding them;
- `lobby report` for a year as a person runs it (a fresh process), against `lobby --version`;
- EXPLAIN QUERY PLAN of every distinct query the dashboard and the report run.

    python bench/report.py [--db YEAR.db] [-n 30]      # default: a year made now (year_db.py)

Targets (issue 8): dashboard refresh <= 20 ms, a day's report <= 100 ms. (Issue 12) a year's
report in process <= 150 ms; `lobby report` for a year <= 2 x `lobby --version` + 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import year_db  # beside this file: python puts the script's folder on the path
from refresh import bare as bare_update  # the same bare Static update as refresh.py's
from refresh import until_refreshed


def timed(fn: Callable[[], Any], n: int) -> list[float]:
    fn()  # warm: caches, lazy imports
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def line(name: str, values: list[float], target: str = "") -> str:
    ordered = sorted(values)
    p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
    return f"  {name:<40} median {statistics.median(values):8.1f} ms   p90 {p90:8.1f} ms  {target}"


async def app_refresh(db: Path, n: int) -> list[float]:
    from lobby_tui.app import make_app
    from lobby_tui.domain.staff import StaffMember

    BENCH_SUPERVISOR = StaffMember("bench", "Bench", "supervisor", True)  # signed in
    from lobby_tui.content import channels
    from lobby_tui.services.lobby import read_lobby
    from lobby_tui.services.settings import load_settings
    from lobby_tui.services.shift import open_shift_today
    from lobby_tui.store import SystemClock, open_store

    store = open_store(db, SystemClock())
    settings = load_settings(store)
    app = make_app(
        store, settings, "en", shift=open_shift_today(store, settings), signed_in=BENCH_SUPERVISOR
    )
    keys = [c.key for c in channels()]
    out = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        for i in range(n + 1):
            took = await until_refreshed(
                app,
                lambda: screen.show_lobby(read_lobby(store, settings, keys)),  # type: ignore[attr-defined]
            )
            if i:
                out.append(took)
            await pilot.pause()
    store.close()
    return out


def in_process(db: Path, n: int) -> tuple[dict[str, list[float]], list[str], tuple[date, date]]:
    from lobby_tui.content import channels
    from lobby_tui.domain.day import business_day
    from lobby_tui.report_formats import render
    from lobby_tui.services.lobby import read_lobby
    from lobby_tui.services.report import day_report, period_report
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import SystemClock, open_store

    store = open_store(db, SystemClock(), read_only=True)
    settings = load_settings(store)
    keys = [c.key for c in channels()]
    today = business_day(store.clock.now(), settings.timezone)
    oldest = store.query_one("SELECT MIN(business_day) FROM arrivals")
    assert oldest is not None  # MIN() gives one row, NULL on an empty file
    first = oldest[0]
    yesterday = today - timedelta(days=1)
    year = (min(date.fromisoformat(first), yesterday) if first else yesterday, yesterday)
    queries: list[str] = []
    store.conn.set_trace_callback(queries.append)
    read_lobby(store, settings, keys)
    day_report(store, settings, today, "en")
    store.conn.set_trace_callback(None)
    results = {
        "dashboard read": timed(lambda: read_lobby(store, settings, keys), n),
        "day report (yesterday)": timed(
            lambda: day_report(store, settings, today - timedelta(days=1), "en"), n
        ),
        "day report (today, still going)": timed(
            lambda: day_report(store, settings, today, "en"), n
        ),
        "year report": timed(lambda: period_report(store, settings, *year, "en"), n),
    }
    report = period_report(store, settings, *year, "en")
    results["year report, rendered as md+csv+json"] = timed(
        lambda: [render(report, fmt) for fmt in ("md", "csv", "json")], 5
    )
    store.close()
    return results, queries, year


def without_rollups(db: Path, span: tuple[date, date]) -> dict[str, list[float]]:
    """The year's report with no rollup kept (every day counted from its rows), and the
    time to count and keep them all again (`lobby report --rebuild-rollups`)."""
    from lobby_tui.services.report import period_report
    from lobby_tui.services.rollup import rebuild_rollups
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import SystemClock, open_store

    store = open_store(db, SystemClock())
    settings = load_settings(store)
    with store.unit_of_work() as uow:
        uow.execute("DELETE FROM day_rollups")
    out = {"year report, no rollups kept": timed(
        lambda: period_report(store, settings, *span, "en"), 3)}  # fmt: skip
    start = time.perf_counter()
    rebuild_rollups(store, settings)
    out["rebuild the year's rollups"] = [(time.perf_counter() - start) * 1000]
    store.close()
    return out


def upgraded(db: Path) -> tuple[int, int]:
    """Open the file once for writing (a file from an older version is migrated, as the app
    does); a year made before rollups gets them, as `--rebuild-rollups` would. Returns the
    days with arrivals and with a rollup."""
    from lobby_tui.services.rollup import rebuild_rollups
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import SystemClock, open_store

    store = open_store(db, SystemClock())
    if not store.query_one("SELECT 1 FROM day_rollups LIMIT 1"):
        rebuild_rollups(store, load_settings(store))
    days = store.rows("SELECT COUNT(DISTINCT business_day) FROM arrivals")[0][0]
    kept = store.rows("SELECT COUNT(*) FROM day_rollups")[0][0]
    store.close()
    return days, kept


def explain(db: Path, queries: list[str]) -> list[str]:
    import sqlite3

    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    seen: set[str] = set()
    out: list[str] = []
    for sql in queries:
        shape = re.sub(r"'[^']*'|\b\d+\b", "?", " ".join(sql.split()))
        if shape in seen or not shape.upper().startswith("SELECT"):
            continue
        seen.add(shape)
        plan = conn.execute(f"EXPLAIN QUERY PLAN {sql}").fetchall()
        out.append(f"  {shape[:150]}")
        out += [f"      {row[3]}" for row in plan]
    conn.close()
    return out


def cold(command: list[str], n: int) -> list[float]:
    out = []
    for i in range(n + 1):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        if i:
            out.append((time.perf_counter() - start) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a year database (default: made now)")
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="lobby-bench-"))
    try:
        db = year_db.into(scratch / "year.db", args.db)
        days, kept = upgraded(db)
        empty = scratch / "empty.db"
        subprocess.run(
            [sys.executable, "-m", "lobby_tui", "demo", "--db", str(empty), "--no-ui"],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        year, queries, span = in_process(db, args.n)
        small, _, _ = in_process(empty, args.n)
        bare = asyncio.run(bare_update(args.n))
        in_app = asyncio.run(app_refresh(db, args.n))
        in_app_empty = asyncio.run(app_refresh(empty, args.n))
        lobby = [sys.executable, "-m", "lobby_tui", "--db", str(db)]
        cli_year = cold(
            [*lobby[:3], "report", "--db", str(db), "--from", span[0].isoformat(),
             "--to", span[1].isoformat(), "--format", "json"],
            3,
        )  # fmt: skip
        cli_year_md = cold(
            [*lobby[:3], "report", "--db", str(db), "--from", span[0].isoformat(),
             "--to", span[1].isoformat()],
            3,
        )  # fmt: skip
        cli_day = cold([*lobby[:3], "report", "--db", str(db), "--format", "json"], 3)
        cli_bare = cold([*lobby[:3], "--version"], 3)
        plans = explain(db, queries)
        cleared = scratch / "cleared.db"
        year_db.copy_db(db, cleared)
        no_rollups = without_rollups(cleared, span)
        rows = subprocess.run(
            ["sqlite3", str(db), "SELECT COUNT(*), COUNT(DISTINCT business_day) FROM arrivals"],
            capture_output=True,
            text=True,
        ).stdout.strip()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    def ratio(a: list[float], b: list[float]) -> float:
        return statistics.median(a) / statistics.median(b)

    print(f"database: {rows.replace('|', ' arrivals over ')} days; year = {span[0]} to {span[1]}")
    print(f"daily rollups kept: {kept} of {days} days with arrivals")
    print("in process (median of runs):")
    print(line("dashboard read, a year of records", year["dashboard read"], "(target <= 20 ms)"))
    print(line("dashboard read, this morning only", small["dashboard read"]))
    read_ratio = ratio(year["dashboard read"], small["dashboard read"])
    print(f"  {'':<40} ratio year / empty {read_ratio:.2f}")
    print(line("dashboard refresh in the app (year)", in_app, "(read + redraw + repaint)"))
    print(line("dashboard refresh in the app (empty)", in_app_empty))
    print(line("bare Textual: update a Static", bare))
    print(
        f"  {'':<40} ratio to bare {ratio(in_app, bare):.2f}, "
        f"year / empty {ratio(in_app, in_app_empty):.2f}"
    )
    for name in ("day report (yesterday)", "day report (today, still going)"):
        print(line(name, year[name], "(target <= 100 ms)"))
    print(line("year report (daily rollups)", year["year report"], "(target <= 150 ms)"))
    for name, values in no_rollups.items():
        print(line(name, values))
    print(
        line("year report, rendered as md+csv+json", year["year report, rendered as md+csv+json"])
    )
    print("a fresh process, as typed (median of 3):")
    print(line("lobby report --from --to (a year), json", cli_year))
    print(line("lobby report --from --to (a year), md", cli_year_md))
    print(line("lobby report (today)", cli_day))
    print(line("lobby --version (start-up alone)", cli_bare))
    budget = 2 * statistics.median(cli_bare) + 150
    print(
        f"  {'':<40} year report / --version {ratio(cli_year, cli_bare):.2f}; "
        f"target 2 x --version + 150 ms = {budget:.0f} ms: "
        f"{'met' if statistics.median(cli_year) <= budget else 'NOT met'}"
    )
    print("query plans (dashboard read, then the day's report):")
    print("\n".join(plans))
    return 0


if __name__ == "__main__":
    sys.exit(main())
