"""The hall's calling display (issue 27, R2.10): how soon a call made at a window is on the
hall's screen, and what making its announcement costs.

1. Call -> the hall's screen: the demo morning served by `lobby serve --display` (its own
   process, as in a branch); a window calls from this process's own connection (Next, as the
   counter view does); the time from the call's commit until the page in Chromium (Debian's,
   headless, 1920x1080) shows the ticket. The page asks for the board every POLL_MS.
2. The announcement: the WAV for a call (the chime and the call in Chinese and English by
   espeak-ng), made fresh, and its length.
3. `--shot FILE`: the page in Chinese at 1920x1080 after its sound was turned on (the
   README's picture).

    python bench/display.py [--calls 20] [--shot docs/display-zh.png]
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import wave
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(HERE))

from tests.browser.page import chromium_path, serving  # noqa: E402


def demo(db: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "lobby_tui", "demo", "--no-ui", "--lang", "zh", "--db", str(db)],
        check=True,
        capture_output=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--shot", type=Path)
    args = parser.parse_args()
    # The demo's morning is at 10:30 in the branch: every process of the run shares that now.
    os.environ.setdefault("LOBBY_NOW", f"{datetime.date.today()}T10:30:00+08:00")
    from playwright.sync_api import sync_playwright

    from lobby_tui.domain.day import business_day
    from lobby_tui.services import counter
    from lobby_tui.services.arrivals import NewArrival, record_arrival
    from lobby_tui.services.settings import load_settings
    from lobby_tui.store import open_store, wall_clock

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "lobby.db"
        demo(db)
        store = open_store(db, wall_clock(), create=False)
        settings = load_settings(store)
        day = business_day(store.clock.now(), settings.timezone)
        with serving(db, "--display", lang="zh") as url, sync_playwright() as driver:
            browser = driver.chromium.launch(
                executable_path=chromium_path(), args=["--no-sandbox"], headless=True
            )
            page = browser.new_page(viewport={"width": 1920, "height": 1080})
            page.goto(url)
            page.click("#sound")
            waits: list[float] = []
            for n in range(args.calls):
                window = 1 + n % 3
                for number in (1, 2, 3):  # free the cash windows, then call at one
                    if counter.at_window(store, day, number):
                        counter.done(store, day, number)
                record_arrival(store, NewArrival(None, day.isoformat(), "deposit", "cash", "A"))
                started = time.perf_counter()
                called = counter.call_next(store, day, window)
                assert called is not None
                page.wait_for_function(
                    "t => document.getElementById('ticket').textContent === t",
                    arg=called.ticket,
                    timeout=10_000,
                    polling=10,
                )
                waits.append(time.perf_counter() - started)
            board = urllib.request.urlopen(url + "board.json").read()
            key = json.loads(board)["current"]["key"]
            made = time.perf_counter()
            sound = urllib.request.urlopen(f"{url}call/{key}.wav").read()
            made = time.perf_counter() - made
            with wave.open(io.BytesIO(sound)) as reader:
                length = reader.getnframes() / reader.getframerate()
            if args.shot:
                page.wait_for_timeout(1500)
                page.screenshot(path=str(args.shot))
            browser.close()
        store.close()
    waits.sort()
    ms = [w * 1000 for w in waits]
    print(f"load average: {os.getloadavg()[0]:.2f}")
    print(
        f"call -> hall screen, {len(ms)} calls: median {statistics.median(ms):.0f} ms,"
        f" p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms, max {ms[-1]:.0f} ms"
    )
    print(f"announcement: made in {made * 1000:.0f} ms, {length:.1f} s of sound")


if __name__ == "__main__":
    main()
