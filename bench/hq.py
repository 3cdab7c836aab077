"""Head office at scale (issue 18): N branch-years of day bundles ingested into DuckDB and into
PostgreSQL — ingest rate, the network's year report, file sizes.

One branch-year is generated with the demo's history (bench/year_db.py: 300 days × 500
arrivals) and bundled day by day with `write_bundle`; the estate clones those bundles under
N branch ids (the Parquet files hard-linked, each manifest rewritten for its branch), so every
bundle is checked and loaded as a real one. Targets: DuckDB ingest ≥ 1 million rows/s, the
network's year report ≤ 2 s; PostgreSQL within 5× of DuckDB on both.

    python bench/hq.py [--branches 100] [--days 300] [--per-day 500] [--work DIR]
                       [--engines duckdb,postgres] [--postgres URL] [--keep]

The generated branch-year is kept in WORK/base and reused by the next run (delete it to make
a new one). PostgreSQL is a throwaway server of Debian's (as the tests start it), or the
database at --postgres URL (emptied first). --keep leaves the estate, WORK/hq.duckdb and the
PostgreSQL database in place, to time reports again with `--report-only`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import year_db  # beside this file: python puts the script's folder on the path

ROOT = Path(__file__).resolve().parent.parent


def base_year(work: Path, days: int, per_day: int) -> list[Path]:
    """One branch's year of day bundles, made once and kept in WORK/base."""
    from lobby_tui.domain.day import business_day
    from lobby_tui.services.bundle import write_bundle
    from lobby_tui.services.settings import load_settings, save_setting
    from lobby_tui.store import SystemClock, open_store

    out = work / "base" / "bundles"
    done = work / "base" / "done.json"
    if done.exists():
        return sorted(p for p in out.iterdir() if p.is_dir())
    shutil.rmtree(work / "base", ignore_errors=True)
    (work / "base").mkdir(parents=True)
    db = work / "base" / "year.db"
    made = year_db.make(db, days, per_day, seed=1)
    store = open_store(db, SystemClock())
    try:
        save_setting(store, "branch_id", "BASE")
        settings = load_settings(store)
        today = business_day(store.clock.now(), settings.timezone)
        started = time.perf_counter()
        bundles = [write_bundle(store, today - timedelta(days=n), out) for n in range(days, 0, -1)]
        seconds = time.perf_counter() - started
    finally:
        store.close()
    done.write_text(json.dumps({**made, "bundle_seconds": round(seconds, 1)}))
    return bundles


def clone(base: list[Path], branches: int, into: Path) -> list[Path]:
    """The base year under `branches` branch ids: Parquet hard-linked, manifests rewritten."""
    from lobby_tui.domain.bundle import MANIFEST

    shutil.rmtree(into, ignore_errors=True)
    into.mkdir(parents=True)
    out = []
    for n in range(1, branches + 1):
        branch = f"HQ{n:04}"
        for bundle in base:
            manifest = json.loads((bundle / MANIFEST).read_text(encoding="utf-8"))
            manifest["branch_id"] = branch
            manifest["branch_name"] = {"zh": f"网点 {n:04}", "en": f"Branch {n:04}"}
            folder = into / bundle.name.replace("lobby-BASE-", f"lobby-{branch}-")
            folder.mkdir()
            for file in bundle.iterdir():
                if file.name != MANIFEST:
                    os.link(file, folder / file.name)
            (folder / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
            out.append(folder)
    return out


def size_mib(path: Path) -> float:
    if path.is_file():
        return round(path.stat().st_size / 2**20, 1)
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20, 1)


def period(bundles: list[Path]) -> tuple[date, date]:
    days = sorted(date.fromisoformat(p.name.split("-", 2)[2][:10]) for p in bundles)
    return days[0], days[-1]


def measure(
    target: str, bundles: list[Path], first: date, last: date, report_only: bool = False
) -> dict[str, Any]:
    from lobby_tui.services.hq.ingest import IngestSummary, ingest
    from lobby_tui.services.hq.network import network_report
    from lobby_tui.services.hq.warehouse import open_warehouse

    wh = open_warehouse(target)
    try:
        cpu = time.process_time()  # every thread of this process: DuckDB's too
        taken = again = IngestSummary()
        if not report_only:
            taken = ingest(bundles, wh)
            cpu = time.process_time() - cpu
            again = ingest(bundles, wh)  # everything held: what checking alone costs
        reports = []
        for _ in range(5):
            started = time.perf_counter()
            made = network_report(wh, first, last, "en")
            reports.append(time.perf_counter() - started)
        parts = report_parts(wh, first, last)
        size = None
        if wh.dialect == "postgres":
            size = round(
                int(wh.query("SELECT pg_database_size(current_database())")[0][0]) / 2**20, 1
            )
    finally:
        wh.close()
    return {
        "bundles": taken.loaded,
        "refused": len(taken.refused),
        "rows": taken.rows,
        "ingest_s": round(taken.seconds, 1),
        "check_s": round(taken.check_seconds, 1),
        "load_s": round(taken.seconds - taken.check_seconds, 1),
        "rows_per_s": round(taken.rows_per_second),
        # On a shared machine wall time is mostly waiting for a core; CPU time is not.
        "ingest_cpu_s": round(cpu, 1),
        "rows_per_cpu_s": round(taken.rows / max(cpu, 1e-9)),
        "load_rows_per_s": round(taken.rows / max(taken.seconds - taken.check_seconds, 1e-9)),
        "reingest_s": round(again.seconds, 1),
        "report_s": [round(r, 2) for r in reports],
        "report_parts_s": parts,
        "arrivals": made.network.arrivals,
        "size_mib": size if size is not None else size_mib(Path(target)),
    }


def report_parts(wh: Any, first: date, last: date) -> dict[str, float]:
    """Each of the report's queries, timed alone: where the report's time goes."""
    from lobby_tui.services.hq import network

    rules = network.branch_rules(wh, first, last)
    out = {}
    for name, sql in network.queries(rules, first, last, wh.dialect).items():
        started = time.perf_counter()
        wh.query(sql)
        out[name] = round(time.perf_counter() - started, 3)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--branches", type=int, default=100)
    parser.add_argument("--days", type=int, default=300)
    parser.add_argument("--per-day", type=int, default=500)
    parser.add_argument("--work", type=Path, default=Path("/tmp/lobby-hq-bench"))
    parser.add_argument("--engines", default="duckdb,postgres")
    parser.add_argument("--postgres", help="a PostgreSQL database to use (emptied first)")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()
    work: Path = args.work
    base = base_year(work, args.days, args.per_day)
    estate_dir = work / "estate"
    # Timing reports again needs the warehouses only, not the estate they were taken from.
    estate = [] if args.report_only else clone(base, args.branches, estate_dir)
    first, last = period(base)
    result: dict[str, Any] = {
        "branches": args.branches,
        "bundles": len(estate) or None,
        "base": json.loads((work / "base" / "done.json").read_text()),
        "branch_year_bundles_mib": size_mib(work / "base" / "bundles"),
    }
    engines = args.engines.split(",")
    if "duckdb" in engines:
        target = work / "hq.duckdb"
        if not args.report_only:
            target.unlink(missing_ok=True)
        result["duckdb"] = measure(str(target), estate, first, last, args.report_only)
        if not args.keep:
            target.unlink(missing_ok=True)
    if "postgres" in engines and args.postgres:
        if not args.report_only:
            import psycopg

            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute("DROP SCHEMA public CASCADE")
                conn.execute("CREATE SCHEMA public")
        result["postgres"] = measure(args.postgres, estate, first, last, args.report_only)
    elif "postgres" in engines:
        sys.path.insert(0, str(ROOT))
        import psycopg

        from tests.hq.conftest import throwaway_postgres

        with throwaway_postgres() as server:
            with psycopg.connect(server, autocommit=True) as conn:
                conn.execute("CREATE DATABASE hq_bench")
            result["postgres"] = measure(
                server.replace("/postgres?", "/hq_bench?"), estate, first, last
            )
    if not args.keep and not args.report_only:
        shutil.rmtree(estate_dir, ignore_errors=True)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
