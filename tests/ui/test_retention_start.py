"""The app erases personal information kept long enough at start-up, in the background
(issue 16, R6.5): the dashboard is up first, the purge follows a moment later, nothing open
is touched."""

from __future__ import annotations

from lobby_tui.app import RETENTION_AFTER_SECONDS
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.dashboard import DashboardScreen
from lobby_tui.services.verify import verify_store
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, on_screen, settle
from tests.helpers.floor import old_and_new_records


async def test_the_app_erases_expired_personal_data_in_the_background(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R6.5
    ids = old_and_new_records(store, settings, clock)
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        on_screen(app, DashboardScreen)
        await pilot.pause(RETENTION_AFTER_SECONDS)  # the purge waits for the first screen
        await settle(app, pilot)
    names = {r[0]: r[1] for r in store.query("SELECT id, customer_name FROM complaints")}
    assert names[ids["closed"]] is None
    assert names[ids["open"]] == "李仍开" and names[ids["today"]] == "钱今天"
    erased = store.query("SELECT payload FROM events WHERE kind = 'personal.erased'")
    assert len(erased) == 1
    assert verify_store(store).ok
