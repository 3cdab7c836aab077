"""The dashboard's periodic refresh against a bare Textual app updating a Static, and the
slowest read left on the UI thread, on a year of records. One run, so ratios are fair.

- bare: a Static updated with new text, until the screen refresh it causes is done;
- the dashboard's 5-second tick when nothing changed (nothing committed, same minute): it
  must read nothing and draw nothing (the bench counts the Static updates);
- a lobby in which one box changed (the queues) shown (render, compare, draw that box)
  until the refresh is done — the UI thread's share of a tick; a walk-in, which changes two
  boxes (the queues and the arrivals per hour); and the whole tick after a walk-in as the
  manager sees it (background read included) for reference;
- the app opened on the year, every place visited and every periodic read run once, with
  every read on the UI thread timed (Store.watch_reads): the slowest;
- a place's key to the place's first frame and to the place drawn and idle, the first
  visit (composed) and a return (resumed), at 80x24 and 120x36, against a bare Textual app
  switching between two modes.

    python bench/refresh.py [--db YEAR.db] [-n 30]   # default: a year made now (year_db.py)

Targets (issue 12): a tick where nothing changed draws nothing; one box changed <= 2x the
bare update; no read on the UI thread over 2 ms. (Issue 33): a first visit's first frame
<= 300 ms; a return <= 3x the bare mode switch.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import year_db  # beside this file: python puts the script's folder on the path
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.visual import VisualType
from textual.widgets import Static


def line(name: str, values: list[float], note: str = "") -> str:
    ordered = sorted(values)
    p90 = ordered[max(0, int(len(ordered) * 0.9) - 1)]
    return f"  {name:<44} median {statistics.median(values):7.2f} ms   p90 {p90:7.2f} ms  {note}"


async def until_refreshed(app: App[Any], action: Callable[[], object]) -> float:
    """Milliseconds from `action` to the end of the screen refresh it causes."""
    done = asyncio.Event()
    start = time.perf_counter()
    action()
    app.call_after_refresh(done.set)
    await done.wait()
    return (time.perf_counter() - start) * 1000


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("bare app ready", id="text")


async def bare(n: int) -> list[float]:
    app = BareApp()
    out = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        static = app.query_one("#text", Static)
        for i in range(n + 1):
            took = await until_refreshed(app, partial(static.update, f"Waiting now {i}\n" * 20))
            if i:
                out.append(took)
            await pilot.pause()
    return out


class BareModes(App[None]):
    MODES = {"one": lambda: BareScreen("one"), "two": lambda: BareScreen("two")}
    DEFAULT_MODE = "one"


class BareScreen(Screen[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(f"bare mode {self.text}\n" * 20)


async def bare_switch(n: int) -> list[float]:
    """A bare Textual app's mode switch, to the new screen drawn and idle."""
    app = BareModes()
    out = []
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for i in range(n + 2):
            start = time.perf_counter()
            app.switch_mode("two" if i % 2 == 0 else "one")
            await pilot.pause()
            if i >= 2:  # both screens made
                out.append((time.perf_counter() - start) * 1000)
    return out


async def switches(db: Path, size: tuple[int, int], rounds: int) -> dict[str, list[float]]:
    """Each place's key to its screen in front: its first frame drawn (what the manager
    sees), and drawn and idle (what a key typed next waits for: a place makes what is
    behind its tabs after the first frame). The first visit, then returns."""
    store, app = open_app(db)
    out: dict[str, list[float]] = {}
    frames: dict[int, float] = {}
    display = app._display

    def drawn(screen: Any, renderable: Any) -> None:
        if renderable is not None and id(screen) not in frames:
            frames[id(screen)] = time.perf_counter()
        display(screen, renderable)

    app._display = drawn
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for visit in range(rounds + 1):
            for key, place in [*list(PLACES.items())[1:], ("f1", "dashboard")]:
                before = app.screen
                frames.clear()
                start = time.perf_counter()
                await pilot.press(key)
                while app.screen is before:
                    await asyncio.sleep(0.002)
                await pilot.pause()
                took = (time.perf_counter() - start) * 1000
                name = f"{place} first" if visit == 0 else place
                out.setdefault(name, []).append(took)
                shown = frames.get(id(app.screen))
                if shown is not None:
                    out.setdefault(f"{name} (first frame)", []).append((shown - start) * 1000)
                await app.workers.wait_for_complete()
                await pilot.pause()
    store.close()
    return out


def open_app(db: Path) -> tuple[Any, Any]:
    from lobby_tui.app import make_app
    from lobby_tui.domain.staff import StaffMember

    BENCH_SUPERVISOR = StaffMember("bench", "Bench", "supervisor", True)  # signed in
    from lobby_tui.services.settings import load_settings
    from lobby_tui.services.shift import open_shift_today
    from lobby_tui.store import SystemClock, open_store

    store = open_store(db, SystemClock())
    settings = load_settings(store)
    return store, make_app(
        store, settings, "en", shift=open_shift_today(store, settings), signed_in=BENCH_SUPERVISOR
    )


def walk_in(db: Path) -> None:
    """A walk-in saved by another tablet (a second connection on the file)."""
    from lobby_tui.domain.day import business_day
    from lobby_tui.services.arrivals import NewArrival, record_arrival
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import SystemClock, open_store

    tablet = open_store(db, SystemClock())
    day = business_day(tablet.clock.now(), load_settings(tablet).timezone)
    record_arrival(
        tablet,
        NewArrival(
            shift_id=None,
            business_day=day.isoformat(),
            need="enquiry",
            channel="non_cash",
            ticket_prefix="B",
        ),
    )
    tablet.close()


async def dashboard(db: Path, n: int) -> dict[str, Any]:
    from lobby_tui.content import channels
    from lobby_tui.services.lobby import read_lobby

    store, app = open_app(db)
    drawn: list[str] = []
    real_update = Static.update

    def counted(static: Static, content: VisualType = "", *, layout: bool = True) -> None:
        if static.id:  # the top bar's clock (no id) ticks every second whatever happens
            drawn.append(static.id)
        real_update(static, content, layout=layout)

    out: dict[str, Any] = {"unchanged": [], "one box": [], "tick after a walk-in": []}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        # Every Static counts its draws for this run (put back below); mypy sees the plain
        # function as missing the method's self.
        Static.update = counted  # type: ignore[method-assign, assignment]
        try:
            for _ in range(n):
                out["unchanged"].append(await until_refreshed(app, screen.refresh_if_changed))
                await app.workers.wait_for_complete()
                await pilot.pause()
            out["unchanged draws"] = len(drawn)
            # Two lobbies a walk-in apart change two boxes (who waits, arrivals per hour);
            # the same lobby with only the queues of the later one changes one box.
            keys = [c.key for c in channels()]
            before = read_lobby(store, app.settings, keys)
            walk_in(db)
            after = read_lobby(store, app.settings, keys)
            queues_only = dataclasses.replace(before, queues=after.queues)
            for name, changed in (("one box", queues_only), ("walk-in, two boxes", after)):
                drawn.clear()
                out[name] = []
                for i in range(n + 1):
                    lobby = changed if i % 2 == 0 else before
                    took = await until_refreshed(app, partial(screen.show_lobby, lobby))
                    if i:
                        out[name].append(took)
                    await pilot.pause()
                out[f"{name} draws"] = sorted(set(drawn))
            for _ in range(max(5, n // 3)):
                walk_in(db)

                async def tick() -> None:
                    screen.refresh_if_changed()
                    await app.workers.wait_for_complete()

                start = time.perf_counter()
                await tick()
                done = asyncio.Event()
                app.call_after_refresh(done.set)
                await done.wait()
                out["tick after a walk-in"].append((time.perf_counter() - start) * 1000)
                await pilot.pause()
        finally:
            Static.update = real_update  # type: ignore[method-assign]
    store.close()
    return out


PLACES = {"f1": "dashboard", "f2": "checklist", "f3": "triage", "f4": "rounds"}
PLACES |= {"f5": "complaints", "f6": "incidents", "f7": "handover"}


async def ui_reads(db: Path) -> dict[str, Any]:
    """Open the app, visit every place, run each periodic read once: the slowest UI read
    of each place (the start's own reads count for the dashboard)."""
    store, app = open_app(db)
    watches = {"dashboard": store.watch_reads()}  # before the app starts: first paint reads
    async with app.run_test(size=(120, 36)) as pilot:
        for key, place in [*PLACES.items(), ("f1", "dashboard")]:
            if place != "dashboard":
                watches[place] = store.watch_reads()
            await pilot.press(key)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            for tick in ("refresh_lobby", "tick_queue", "tick", "read_report"):
                if hasattr(screen, tick):
                    getattr(screen, tick)()
            app.remind_round()
            await app.workers.wait_for_complete()
            await pilot.pause()
    store.close()
    return watches


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a year database (default: made now)")
    parser.add_argument("-n", type=int, default=30)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="lobby-bench-"))
    try:
        db = year_db.into(scratch / "year.db", args.db)
        base = asyncio.run(bare(args.n))
        dash = asyncio.run(dashboard(db, args.n))
        watches = asyncio.run(ui_reads(db))
        bare_modes = asyncio.run(bare_switch(args.n))
        places = {size: asyncio.run(switches(db, size, 5)) for size in ((80, 24), (120, 36))}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    bare_median = statistics.median(base)
    print(f"{args.n} samples each; database: a year of arrivals (bench/year_db.py)")
    print(line("bare Textual: update a Static", base))
    print(
        line("dashboard tick, nothing changed", dash["unchanged"])
        + f"  Static updates: {dash['unchanged draws']} (target 0)"
    )
    one = statistics.median(dash["one box"])
    print(
        line("dashboard, one box changed (UI thread)", dash["one box"])
        + f"  ratio to bare {one / bare_median:.2f} (target <= 2); drawn: {dash['one box draws']}"
    )
    two = statistics.median(dash["walk-in, two boxes"])
    print(
        line("dashboard, a walk-in: two boxes (UI thread)", dash["walk-in, two boxes"])
        + f"  ratio to bare {two / bare_median:.2f}; drawn: {dash['walk-in, two boxes draws']}"
    )
    print(line("dashboard tick after a walk-in (wall)", dash["tick after a walk-in"]))
    print("  slowest read on the UI thread, each place visited (target <= 2 ms):")
    for place, watch in watches.items():
        print(f"    {place:<11} {watch.worst_ms:6.2f} ms of {watch.count:3} reads  ", end="")
        print(watch.worst_sql[:90])
    switch = statistics.median(bare_modes)
    print(line("bare Textual: switch between two modes", bare_modes))
    for (width, height), times in places.items():
        print(
            f"  a place's key to the place drawn, at {width}x{height} (first visit, then returns):"
        )
        for name, values in times.items():
            # Idle against idle. (Pilot's idle waits for every widget to answer, so it
            # grows with the place's widgets; a bare switch back to a screen drawn before
            # sends no new frame to compare a first frame with.)
            ratio = statistics.median(values) / switch
            note = "" if name.endswith("(first frame)") else f"ratio to bare {ratio:.1f}"
            print(line(f"  {name}", values, note))
    return 0


if __name__ == "__main__":
    sys.exit(main())
