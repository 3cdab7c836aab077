"""Keystroke latency and save time on the triage screen, with a year of arrivals.

App-side latency: from a key event entering the app to the end of the screen refresh it
causes (a callback queued after the key runs once the next refresh is done). Measured for
the triage form's need keys and, in the same run, for typing into a bare Textual Input.
Save: accepting a walk-in (validation, one transaction with fsync, queue refresh).
Also the dashboard's read of the live lobby.

    python bench/triage.py [--db YEAR.db] [-n 40]

Targets (issue 4, 8): keystroke <= 16 ms, save + queue refresh <= 50 ms, dashboard <= 20 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import year_db  # beside this file: python puts the script's folder on the path
from textual import events
from textual.app import App, ComposeResult
from textual.widgets import Input


def summary(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(len(ordered) * 0.9) - 1]
    return f"{name:<34} median {statistics.median(values):6.2f} ms   p90 {p90:6.2f} ms"


async def key_latency(app: App[Any], key: str, character: str | None) -> float:
    done = asyncio.Event()
    start = time.perf_counter()
    app.post_message(events.Key(key, character))
    app.call_after_refresh(done.set)
    await done.wait()
    return (time.perf_counter() - start) * 1000


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Input()


async def bare(n: int) -> list[float]:
    app = BareApp()
    out = []
    async with app.run_test(size=(100, 30)) as pilot:
        app.query_one(Input).focus()
        await pilot.pause()
        for i in range(n):
            out.append(await key_latency(app, "a", "a"))
            if i % 10 == 9:
                app.query_one(Input).value = ""
            await pilot.pause()
    return out


async def lobby(db: Path, n: int) -> dict[str, list[float]]:
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
    results: dict[str, list[float]] = {"keys": [], "save": [], "dashboard": []}
    keys = "wdtocebf"
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        screen = app.screen
        for i in range(n):
            key = keys[i % len(keys)]
            results["keys"].append(await key_latency(app, key, key))
            await pilot.pause()
            start = time.perf_counter()
            screen.action_save()  # type: ignore[attr-defined]
            results["save"].append((time.perf_counter() - start) * 1000)
            await pilot.pause()
            screen.new_walkin()  # type: ignore[attr-defined]
            await pilot.pause()
        keys_of = [c.key for c in channels()]
        for _ in range(n):
            start = time.perf_counter()
            read_lobby(store, settings, keys_of)
            results["dashboard"].append((time.perf_counter() - start) * 1000)
    store.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a year database (default: made now)")
    parser.add_argument("-n", type=int, default=40)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="lobby-bench-"))
    try:
        db = year_db.into(scratch / "year.db", args.db)
        base = asyncio.run(bare(args.n))
        got = asyncio.run(lobby(db, args.n))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{args.n} samples each; database: a year of arrivals (bench/year_db.py)")
    print(summary("bare Textual: key into an Input", base))
    print(summary("triage: need key -> screen updated", got["keys"]))
    ratio = statistics.median(got["keys"]) / statistics.median(base)
    print(f"{'':<34} ratio to bare {ratio:.2f}   (target <= 16 ms)")
    print(summary("triage: accept (fsync) + queue", got["save"]) + "   (target <= 50 ms)")
    print(summary("dashboard: read the live lobby", got["dashboard"]) + "   (target <= 20 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
