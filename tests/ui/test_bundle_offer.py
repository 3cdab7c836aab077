"""The handover offers the day's bundle for head office once the day's last handover is
accepted (issue 18): written from the dialog, the result shown; a failure said there."""

from __future__ import annotations

from datetime import timedelta

from textual.pilot import Pilot

from lobby_tui.app import LobbyApp
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.dashboard import DashboardScreen
from lobby_tui.screens.modals.bundle import BundleDialog
from lobby_tui.services.bundle import bundle_folder, check_bundle
from lobby_tui.services.settings import save_setting
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import SUPERVISOR_PIN, Build, on_screen, one_row, settle
from tests.helpers.bundles import leaks, parquet_rows, personal_values
from tests.helpers.clock import MORNING
from tests.helpers.floor import settle_the_queue
from tests.helpers.screen import accept_handover, screen_text, wait_for


async def _close_the_day(app: LobbyApp, pilot: Pilot[None], clock: FixedClock) -> None:
    await pilot.press("f7")
    await settle(app, pilot)
    clock.set(MORNING + timedelta(hours=8))  # 18:30 in the branch: after closing
    settle_the_queue(app.store, MORNING.date())
    await pilot.press("ctrl+s")
    # The day's last manager closes it with their own PIN: nobody comes after them.
    await accept_handover(app, pilot, "Wang", SUPERVISOR_PIN)
    await wait_for(app, pilot, BundleDialog)


async def test_the_days_last_handover_offers_the_bundle_and_writes_it(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R6.6
    write_demo_morning(store, settings, MORNING.date(), lang="en")
    save_setting(store, "branch_id", "0101")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _close_the_day(app, pilot, clock)
        offer = screen_text(app)
        assert "The day 2026-11-28 is closed" in offer and "no names, phones or notes" in offer
        assert not bundle_folder(store).exists()  # only offered, nothing written yet
        await pilot.press("w")
        for _ in range(300):  # written in the background
            if "Bundle written" in screen_text(app):
                break
            await pilot.pause(0.05)
        said = screen_text(app)
        assert isinstance(app.screen, BundleDialog) and app.screen.written is not None
        folder = app.screen.written
        await settle(app, pilot)  # the Close button has moved where Write was
        await pilot.click("#bundle-close")
        await settle(app, pilot)
        on_screen(app, DashboardScreen)
    manifest = check_bundle(folder)
    assert folder.parent == bundle_folder(store)
    arrivals = one_row(store, "SELECT count(*) FROM arrivals WHERE business_day = '2026-11-28'")
    assert manifest.tables["arrivals"].rows == arrivals[0] == 69
    assert f"{arrivals[0]} arrivals" in said and folder.name in said.replace(" ", "")
    # The journal up to now (the day is not over in the branch): the handover in it.
    head = one_row(store, "SELECT hash FROM events ORDER BY seq DESC LIMIT 1")
    assert manifest.chain.head == head[0]
    kinds = {r["kind"] for r in parquet_rows(folder / "events.parquet")}
    assert {"shift.handed_over", "shift.accepted", "setting.changed"} <= kinds
    assert leaks(folder, personal_values(store) | {"Wang"}) == set()


async def test_a_bundle_that_cannot_be_written_is_said_on_the_dialog(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R6.6
    app = build_app(language="zh")  # no branch_id set: the dialog says how to set it
    async with app.run_test(size=(80, 24)) as pilot:
        await _close_the_day(app, pilot, clock)
        await pilot.click("#bundle-write")
        await settle(app, pilot)
        said = screen_text(app)
        assert "日包未写成" in said and "branch_id" in said and "settings.toml" in said
        assert isinstance(app.screen, BundleDialog) and app.screen.written is None
        await pilot.press("escape")
        await settle(app, pilot)
        on_screen(app, DashboardScreen)
    assert not bundle_folder(store).exists()
