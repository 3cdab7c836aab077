"""Regenerate the README's screenshots (Textual's own SVG export) of the demo lobby.

python docs/screenshot.py
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from lobby_tui.app import make_app
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.demo.staff import seed_duty, seed_roster
from lobby_tui.services.settings import load_settings
from lobby_tui.services.shift import open_shift_today
from lobby_tui.services.staff import member
from lobby_tui.store import FixedClock, open_store

HERE = Path(__file__).resolve().parent
MORNING = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)  # 10:30 in the demo branch


async def shoot(
    language: str, theme: str, name: str, size: tuple[int, int], keys: tuple[str, ...] = ()
) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        store = open_store(Path(scratch) / "demo.db", FixedClock(MORNING))
        settings = load_settings(store)
        # As `lobby demo` writes it: the roster and the day's duty first, then the morning;
        # the lobby manager signed in (else the picture is the sign-in).
        team = seed_roster(store, language)
        seed_duty(store, settings, MORNING.date(), language, team["supervisor"])
        write_demo_morning(store, settings, MORNING.date(), lang=language)
        manager = member(store, team["lobby_manager"])
        app = make_app(
            store,
            settings,
            language,
            shift=open_shift_today(store, settings),
            demo=True,
            signed_in=manager,
        )
        async with app.run_test(size=size) as pilot:
            app.theme = theme
            await pilot.press(*keys)
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            app.save_screenshot(filename=name, path=str(HERE))
        store.close()


async def main() -> None:
    await shoot("en", "lobby", "dashboard-en.svg", (100, 26))
    await shoot("zh", "lobby-high-contrast", "dashboard-zh-contrast.svg", (100, 26))
    await shoot("en", "lobby", "complaints-en.svg", (110, 30), ("f5",))
    await shoot("zh", "lobby", "handover-zh.svg", (110, 34), ("f7",))


if __name__ == "__main__":
    asyncio.run(main())
