"""The walk-in in hand and the live queue, as a busy manager uses them (R2.7, R2.8): a
half-done walk-in never leaks into the next customer, the clock counts only this walk-in,
and every queue key acts on the customer the manager sees."""

from __future__ import annotations

import json
from pathlib import Path

from textual.widgets import DataTable, Input, Select, Static

from lobby_tui.app import LobbyApp
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.triage import TriageScreen
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
from lobby_tui.store import FixedClock, Store, open_store
from tests.helpers.app import Build, on_screen, one_row, settle
from tests.helpers.floor import last_arrival
from tests.helpers.screen import screen_text


class Stopwatch:
    """The triage clock's seconds, moved by the test."""

    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


def triage(app: LobbyApp) -> TriageScreen:
    return on_screen(app, TriageScreen)


async def test_a_walk_in_left_half_done_is_not_the_next_customers(
    build_app: Build, store: Store
) -> None:  # covers: R2.5, R2.8
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        watch = Stopwatch()
        triage(app).seconds = watch
        triage(app).new_walkin()
        await pilot.press("1", "o")  # an elderly customer, account opening
        await pilot.pause()
        await pilot.press("f5")  # a complaint comes up; the customer left meanwhile
        await settle(app, pilot)
        watch.at += 420  # seven minutes on the complaint
        await pilot.press("f3")
        await settle(app, pilot)
        assert "Continue the walk-in" not in screen_text(app)
        assert triage(app).flags == [] and triage(app).need is None
        watch.at += 5
        await pilot.press("w", "enter")
        await settle(app, pilot)
    arrival = last_arrival(store)
    assert arrival["need"] == "cash_withdrawal" and arrival["flags"] == "[]"
    assert arrival["priority"] == 0
    assert arrival["triage_seconds"] == 5.0  # not the seven minutes away


async def test_coming_back_within_a_minute_offers_to_continue_and_keeps_the_clock(
    build_app: Build, store: Store
) -> None:  # covers: R2.8
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        watch = Stopwatch()
        triage(app).seconds = watch
        triage(app).new_walkin()
        watch.at += 8
        await pilot.press("1", "o")
        await pilot.press("f1")  # a glance at the dashboard
        await settle(app, pilot)
        watch.at += 20  # not counted
        await pilot.press("f3")
        await settle(app, pilot)
        assert "Continue the walk-in" in screen_text(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert triage(app).flags == ["elderly"]
        watch.at += 4
        await pilot.press("enter")
        await settle(app, pilot)
    arrival = last_arrival(store)
    assert arrival["need"] == "account_opening" and arrival["priority"] == 1
    assert arrival["triage_seconds"] == 12.0


async def test_declining_to_continue_starts_clean(build_app: Build, store: Store) -> None:
    # covers: R2.8
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("4", "m")  # a VIP, wealth consultation
        await pilot.press("f1")
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert triage(app).flags == [] and triage(app).need is None
        assert "Press the need's key" in screen_text(app)


async def test_a_dialog_over_triage_is_not_leaving_it(build_app: Build) -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("3", "t")
        await pilot.press("f8")  # flag an incident, then think better of it
        await settle(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        assert triage(app).flags == ["pregnant"] and triage(app).need is not None
        assert "Continue the walk-in" not in screen_text(app)


def waiting(
    store: Store, day: str, need: str, channel: str, prefix: str, *, priority: bool = False
) -> str:
    arrival_id, _ = record_arrival(
        store, NewArrival(None, day, need, channel, prefix, priority=priority)
    )
    return arrival_id


async def test_the_queue_keys_act_on_the_customer_seen_even_after_another_tablet_wrote(
    build_app: Build, store: Store, settings: Settings, db_path: Path
) -> None:  # covers: R2.3, R3.2
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        day = triage(app).day.isoformat()
        for _ in range(3):
            waiting(store, day, "transfer", "non_cash", "B")
        triage(app).refresh_queue()
        await pilot.press("q")  # one key to the queue
        await pilot.pause()
        table = app.screen.query_one("#queue", DataTable)
        assert table.has_focus
        assert "c call" in str(app.screen.query_one("#queue-keys", Static).render())
        await pilot.press("down", "down")  # the third customer: B003
        seen, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        assert (
            one_row(store, "SELECT ticket FROM arrivals WHERE id = ?", (seen.value,))[0] == "B003"
        )
        # Another tablet: two priority customers go ahead of everyone in the queue.
        other = open_store(db_path, store.clock)
        try:
            for _ in range(2):
                waiting(other, day, "transfer", "non_cash", "B", priority=True)
        finally:
            other.close()
        triage(app).tick_queue()
        await settle(app, pilot)
        assert table.cursor_row == 4  # two rows came in above it
        now, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        assert now.value == seen.value  # the highlight followed B003, not the row number
        await pilot.press("c")
        await settle(app, pilot)
        called = store.query("SELECT ticket FROM arrivals WHERE status = 'called'")
        assert [r[0] for r in called] == ["B003"]


async def test_a_customer_called_on_another_tablet_is_not_called_twice(
    build_app: Build, store: Store, db_path: Path
) -> None:  # covers: R2.3
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        day = triage(app).day.isoformat()
        customer = waiting(store, day, "transfer", "non_cash", "B")
        triage(app).refresh_queue()
        await pilot.press("q")
        other = open_store(db_path, store.clock)
        try:
            move_arrival(other, customer, "called")
        finally:
            other.close()
        await pilot.press("c")  # before this tablet's next tick
        await settle(app, pilot)
        assert "has already moved on" in str(app.screen.query_one("#error-queue", Static).render())
        events = one_row(
            store,
            "SELECT COUNT(*) FROM events WHERE kind = 'arrival.called' AND entity_id = ?",
            (customer,),
        )[0]
        assert events == 1


async def test_moving_a_customer_goes_channel_then_reason_and_esc_closes(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R2.3
    write_demo_morning(store, settings, store.clock.now().date(), lang="en")
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("q", "m")
        await pilot.pause()
        assert app.screen.query_one("#move-row").display
        app.screen.query_one("#move-channel", Select).value = "cash"
        await pilot.pause()
        assert app.screen.query_one("#input-move-reason", Input).has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.query_one("#move-row").display
        assert app.screen.query_one("#queue", DataTable).has_focus
        await pilot.press("escape")  # and Esc again: back to the needs
        await pilot.pause()
        assert not app.screen.query_one("#queue", DataTable).has_focus


async def test_machines_are_counted_not_opened_like_windows(
    build_app: Build, store: Store
) -> None:  # covers: R1.2, R2.4
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        day = triage(app).day.isoformat()
        waiting(store, day, "cash_deposit", "self_service", "S")
        triage(app).refresh_queue()
        assert "Machines working: 3" in str(app.screen.query_one("#counters", Static).render())
        await pilot.press("q", "plus")
        await settle(app, pilot)
        said = str(app.screen.query_one("#error-queue", Static).render())
        assert "Machines are not windows" in said
        assert one_row(store, "SELECT COUNT(*) FROM counter_plans")[0] == 0


async def test_choosing_a_channel_with_nothing_open_promises_no_wait(
    build_app: Build, store: Store
) -> None:  # covers: R2.7
    from lobby_tui.services.dayplan import set_counters

    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        set_counters(store, triage(app).day, "wealth", 0)
        triage(app).new_walkin()
        await pilot.press("t")
        app.screen.query_one("#channel", Select).value = "wealth"
        await pilot.pause()
        assert "no wait can be promised" in str(
            app.screen.query_one("#error-channel", Static).render()
        )
        await pilot.press(*"customer insists", "enter")
        await settle(app, pilot)
    arrival = last_arrival(store)
    assert arrival["channel"] == "wealth" and arrival["quoted_band"] is None


async def test_the_dashboard_says_how_the_days_quotes_held(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R2.7, R2.8
    from lobby_tui.services.report import day_report

    write_demo_morning(store, settings, store.clock.now().date(), lang="en")
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        shown = screen_text(app)
    day = day_report(store, settings, store.clock.now().date(), "en").to_json_dict()
    arrivals = day["arrivals"]
    right = round(arrivals["quote_hit_rate"] * 100)
    longer = round(arrivals["quote_longer_rate"] * 100)
    assert f"Told the right wait {right}% · longer than told {longer}%" in shown
    assert f"Triaged within 30 s {round(arrivals['triage_within_target'] * 100)}%" in shown


def queue_cursor(app: LobbyApp) -> str:
    table = app.screen.query_one("#queue", DataTable)
    key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
    return str(key.value)


async def test_a_queue_key_can_be_undone_for_30_seconds_and_the_highlight_stays(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R2.3, R3.2
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        day = triage(app).day.isoformat()
        customers = [waiting(store, day, "transfer", "non_cash", "B") for _ in range(3)]
        triage(app).refresh_queue()
        await pilot.press("q", "down")  # B002
        await pilot.press("c")
        await settle(app, pilot)
        assert queue_cursor(app) == customers[1]  # still on B002, now at the counter
        assert "B002 called. u undoes it" in screen_text(app)
        clock.advance(seconds=20)
        await pilot.press("u")
        await settle(app, pilot)
        assert "Undone: B002 is back as before." in screen_text(app)
        assert queue_cursor(app) == customers[1]
        row = one_row(store, "SELECT status, called_at FROM arrivals WHERE id = ?", (customers[1],))
        assert tuple(row) == ("waiting", None)
        undone = one_row(
            store,
            "SELECT payload FROM events WHERE kind = 'arrival.undone' AND entity_id = ?",
            (customers[1],),
        )[0]
        said = json.loads(undone)
        assert (said["undid"], said["back_to"]) == ("called", "waiting")
        await pilot.press("u")  # once: there is nothing more to undo
        await settle(app, pilot)
        assert "Nothing to undo here." in screen_text(app)

        await pilot.press("d")  # served straight from waiting: called and done at once
        await settle(app, pilot)
        assert queue_cursor(app) != customers[1]  # gone from the queue, not the top row
        assert app.screen.query_one("#queue", DataTable).cursor_row == 1
        await pilot.press("u")
        await settle(app, pilot)
        row = one_row(
            store, "SELECT status, called_at, done_at FROM arrivals WHERE id = ?", (customers[1],)
        )
        assert tuple(row) == ("waiting", None, None)
        assert queue_cursor(app) == customers[1]  # back on the customer restored

        await pilot.press("l")
        await settle(app, pilot)
        clock.advance(seconds=31)
        await pilot.press("u")
        await settle(app, pilot)
        assert "Too late to undo: B002 stands (30 seconds have passed)." in screen_text(app)
    assert one_row(store, "SELECT status FROM arrivals WHERE id = ?", (customers[1],))[0] == "left"
    kinds = [
        r[0]
        for r in store.query(
            "SELECT kind FROM events WHERE entity_id = ? ORDER BY seq", (customers[1],)
        )
    ]
    assert kinds == [
        "arrival.triaged",
        "arrival.called",
        "arrival.undone",
        "arrival.done",
        "arrival.undone",
        "arrival.left",
    ]
