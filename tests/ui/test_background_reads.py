"""Reads off the UI thread (issue 12): another tablet's walk-in reaches this one at the next
tick; a tick that finds nothing changed reads and draws nothing; a stale read never
overwrites what is shown."""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.visual import VisualType
from textual.widgets import DataTable, Input, Static

from lobby_tui.domain.settings import Settings
from lobby_tui.screens.dashboard import DashboardScreen
from lobby_tui.screens.triage import TriageScreen
from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.services.lobby import Lobby, read_lobby
from lobby_tui.store import FixedClock, Store, open_store
from tests.helpers.app import Build, on_screen, settle
from tests.helpers.screen import screen_text


def walk_in_on_another_tablet(db_path: Path, clock: FixedClock, ticket_prefix: str = "B") -> None:
    """A walk-in saved by a second Store on the same file, as another tablet saves it."""
    tablet = open_store(db_path, clock)
    try:
        record_arrival(
            tablet,
            NewArrival(
                shift_id=None,
                business_day="2026-11-28",
                need="enquiry",
                channel="non_cash",
                ticket_prefix=ticket_prefix,
            ),
        )
    finally:
        tablet.close()


async def test_another_tablets_walk_in_shows_after_the_next_tick(
    build_app: Build, db_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:  # covers: R2.6
    app = build_app()
    drawn: list[str | None] = []
    real_update = Static.update

    def counted(static: Static, content: VisualType = "", *, layout: bool = True) -> None:
        drawn.append(static.id)
        real_update(static, content, layout=layout)

    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "Waiting now: 0" in screen_text(app)
        monkeypatch.setattr(Static, "update", counted)
        on_screen(app, DashboardScreen).refresh_if_changed()
        assert not list(app.workers)  # nothing committed, same minute: nothing read
        await settle(app, pilot)
        assert [d for d in drawn if d and d.startswith("col-")] == []

        walk_in_on_another_tablet(db_path, clock)
        on_screen(app, DashboardScreen).refresh_if_changed()
        await settle(app, pilot)
        assert "Waiting now: 1" in screen_text(app)
        # Only the column whose box changed is drawn again.
        assert [d for d in drawn if d and d.startswith("col-")] == ["col-queue"]

        await pilot.press("f3")
        await settle(app, pilot)
        assert "B001" in screen_text(app)
        walk_in_on_another_tablet(db_path, clock)
        assert "B002" not in screen_text(app)
        on_screen(app, TriageScreen).tick_queue()
        await settle(app, pilot)
        assert "B002" in screen_text(app)
        assert "Waiting: 2" in screen_text(app)


def blocked_read(
    entered: threading.Event, release: threading.Event, stale_first: bool
) -> Callable[[Store, Settings, list[str]], Lobby]:
    """read_lobby whose first call says it has begun (`entered`) and waits for `release`;
    its result is the lobby as it was when the call began (`stale_first`) or when it was
    released."""
    calls: list[int] = []

    def read(store: Store, settings: Settings, channel_keys: list[str]) -> Lobby:
        calls.append(1)
        if len(calls) > 1:
            return read_lobby(store, settings, channel_keys)
        before = read_lobby(store, settings, channel_keys)
        entered.set()
        assert release.wait(timeout=10)
        return before if stale_first else read_lobby(store, settings, channel_keys)

    return read


async def began(entered: threading.Event, pilot: Pilot[None]) -> None:
    """Wait (letting the app run: it starts the worker) until the blocked read has begun."""
    for _ in range(500):
        if entered.is_set():
            return
        await pilot.pause(0.01)
    raise AssertionError("the read never began")


async def test_an_older_read_finishing_last_never_overwrites_a_newer_one(
    build_app: Build, db_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = build_app()
    entered, release = threading.Event(), threading.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(
            "lobby_tui.screens.dashboard.read_lobby",
            blocked_read(entered, release, stale_first=True),
        )
        on_screen(app, DashboardScreen).refresh_lobby()  # reads 0 waiting, then waits
        await began(entered, pilot)
        walk_in_on_another_tablet(db_path, clock)
        on_screen(app, DashboardScreen).refresh_lobby()  # reads 1 waiting
        for _ in range(100):
            await pilot.pause(0.02)
            if "Waiting now: 1" in screen_text(app):
                break
        assert "Waiting now: 1" in screen_text(app)
        release.set()  # the older read (0 waiting) now finishes
        await settle(app, pilot)
        assert "Waiting now: 1" in screen_text(app)


async def test_a_read_started_before_a_language_switch_is_dropped(
    build_app: Build, db_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The live tick (every second) would read the walk-in below on its own: here only the
    # explicit tick at the end may read.
    monkeypatch.setattr("lobby_tui.screens.dashboard.LIVE_SECONDS", 3600)
    app = build_app()
    entered, release = threading.Event(), threading.Event()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(
            "lobby_tui.screens.dashboard.read_lobby",
            blocked_read(entered, release, stale_first=False),
        )
        on_screen(app, DashboardScreen).refresh_lobby()
        await began(entered, pilot)
        app.switch_language("zh")
        await pilot.pause()
        walk_in_on_another_tablet(db_path, clock)
        release.set()  # its result (1 waiting) was read for the screen before the switch
        await settle(app, pilot)
        assert "当前等候：0 人" in screen_text(app)
        on_screen(app, DashboardScreen).refresh_if_changed()  # the next tick: read
        await settle(app, pilot)
        assert "当前等候：1 人" in screen_text(app)


async def test_typing_fast_runs_a_debounced_search_once() -> None:
    from textual.app import App

    from lobby_tui.screens.base import DEBOUNCE_SECONDS, BackgroundReads

    searched: list[str] = []
    app: App[None] = App()
    async with app.run_test() as pilot:
        reads = BackgroundReads(app)
        for typed in ("c", "ca", "car"):  # three keystrokes, faster than the pause
            reads.debounce("search", partial(searched.append, typed))
            await pilot.pause(DEBOUNCE_SECONDS / 5)
        assert searched == [] and reads.waiting
        await pilot.pause(DEBOUNCE_SECONDS * 2)
        assert searched == ["car"] and not reads.waiting


async def test_a_typed_search_reads_once_the_typing_pauses_and_off_the_ui_thread(
    build_app: Build, store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # covers: R4.3
    from lobby_tui.services import complaints as service
    from tests.helpers.floor import take

    take(store, settings)
    take(store, settings, description="理财产品收益与宣传不符", subject="Fund not as sold",
         category="product", name="", phone="")  # fmt: skip
    ui_thread = threading.get_ident()
    reads: list[tuple[str, bool]] = []  # what was read, and whether on the UI thread

    def watched(name: str, real: Callable[..., object]) -> Callable[..., object]:
        def read(*args: object) -> object:
            reads.append((name, threading.get_ident() == ui_thread))
            return real(*args)

        return read

    monkeypatch.setattr(service, "find", watched("find", service.find))
    monkeypatch.setattr(service, "timeline", watched("timeline", service.timeline))
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.screen.query_one("#case-list", DataTable).row_count == 2
        reads.clear()
        find = app.screen.query_one("#find", Input)
        for typed in ("f", "fu", "fun", "fund"):  # four keys, one search once typing pauses
            find.value = typed
        await pilot.pause()
        assert reads == []
        await settle(app, pilot)
        assert reads == [("find", False), ("timeline", False)]
        assert app.screen.query_one("#case-list", DataTable).row_count == 1
        assert "Fund not as sold" in screen_text(app)

        find.value = ""
        await settle(app, pilot)
        reads.clear()
        table = app.screen.query_one("#case-list", DataTable)
        table.focus()
        on_fund = table.cursor_row
        await pilot.press("up" if on_fund else "down")  # onto the other case
        await settle(app, pilot)
        assert table.cursor_row != on_fund
        assert reads == [("timeline", False)]
        assert "ATM 2 retained card" in screen_text(app)
