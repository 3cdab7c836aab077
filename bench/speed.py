"""Issue 33's table in one command: start, first visits, returns, reads and reports on a year
of records, each against a bare Textual app measured in the same run, with the load average
before and after. It runs the three benches beside it (startup.py, refresh.py, report.py)
on one year database, prints the table, then each bench's own lines as they printed them.

    python bench/speed.py [--db YEAR.db] [-n 9]   # default: a year made now (year_db.py)

Measure on a quiet machine: stop anything else running first (two cores).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import year_db  # beside this file: python puts the script's folder on the path

HERE = Path(__file__).resolve().parent


def run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(HERE / script), *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def number(pattern: str, text: str) -> float:
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else float("nan")


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"{one:.2f} (1 min), {five:.2f} (5 min)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a year database (default: made now)")
    parser.add_argument("-n", type=int, default=9, help="start-ups of each program")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="lobby-speed-"))
    try:
        db = str(year_db.into(scratch / "year.db", args.db))
        before = load()
        start = run("startup.py", "-n", str(args.n), "--db", db)
        refresh = run("refresh.py", "--db", db, "-n", "30")
        report = run("report.py", "--db", db, "-n", "10")
        after = load()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    paint = number(r"ratio \(median of paired runs\): ([\d.]+)", start)
    lobby_ms = number(r"lobby ms:.* median (\d+)", start)
    bare_ms = number(r"bare  ms:.* median (\d+)", start)
    mib = number(r"peak memory: lobby ([\d.]+)", start)
    memory = number(r"peak memory:.*ratio ([\d.]+)", start)
    on_empty = number(r"ratio to the same app on an empty database: ([\d.]+)", start)
    rows: list[tuple[str, str, str]] = [
        (
            "first paint with a year vs a bare Textual app",
            f"{paint:.2f}x ({lobby_ms:.0f} vs {bare_ms:.0f} ms)",
            "<= 1.3x",
        ),
        ("peak memory, same run", f"{mib:.1f} MiB = {memory:.2f}x", "<= 1.5x"),
        ("same app, year vs empty database", f"{on_empty:.2f}x", "<= 1.05x"),
    ]
    switch = number(r"bare Textual: switch between two modes\s+median\s+([\d.]+)", refresh)
    at_80 = refresh.split("at 80x24", 1)[-1].split("at 120x36", 1)[0]
    for place in ("checklist", "triage", "rounds", "complaints", "incidents", "handover"):
        frame = number(rf"^\s+{place} first \(first frame\)\s+median\s+([\d.]+)", at_80)
        idle = number(rf"^\s+{place} first\s+median\s+([\d.]+)", at_80)
        back = number(rf"^\s+{place}\s+median\s+([\d.]+)", at_80)
        back_frame = number(rf"^\s+{place} \(first frame\)\s+median\s+([\d.]+)", at_80)
        rows.append(
            (f"{place}, 80x24: first visit, first frame / idle", f"{frame:.0f} / {idle:.0f} ms",
             "<= 300 ms")
        )  # fmt: skip
        rows.append(
            (f"{place}, 80x24: a return, first frame; idle",
             f"{back_frame:.0f} ms; {back / switch:.1f}x bare switch", "<= 3x")
        )  # fmt: skip
    worst = max(
        (float(ms) for ms in re.findall(r"^\s{4}\w+\s+([\d.]+) ms of", refresh, re.MULTILINE)),
        default=float("nan"),
    )
    one_box = number(r"one box changed.*ratio to bare ([\d.]+)", refresh)
    year_in = number(r"year report \(daily rollups\)\s+median\s+([\d.]+)", report)
    year_cli = number(r"a year\), json\s+median\s+([\d.]+)", report)
    version = number(r"--version \(start-up alone\)\s+median\s+([\d.]+)", report)
    rows += [
        ("slowest read left on the UI thread", f"{worst:.2f} ms", "<= 2 ms"),
        ("dashboard, one box changed vs bare Static update", f"{one_box:.2f}x", "<= 2x"),
        ("year report in process", f"{year_in:.0f} ms", "<= 150 ms"),
        (
            "year report as `lobby report` json",
            f"{year_cli:.0f} ms",
            f"<= 2x --version + 150 ms ({2 * version + 150:.0f})",
        ),
    ]
    print(f"load average before: {before}; after: {after}")
    print(f"| {'figure':<52} | {'measured':<26} | target |")
    print(f"|{'-' * 54}|{'-' * 28}|--------|")
    for name, measured, target in rows:
        print(f"| {name:<52} | {measured:<26} | {target} |")
    for title, text in (("startup.py", start), ("refresh.py", refresh), ("report.py", report)):
        print(f"\n== {title}\n{text.rstrip()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
