"""A new record starts clean (issue 15, #6): after a save, no choice, tick or time of the
record just made is left in the form, one tap from being recorded again for the next one;
a note typed after a problem is saved with Enter."""

from __future__ import annotations

from textual.widgets import Button, Input, OptionList, Select, TabbedContent

from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, one_row, settle
from tests.helpers.clock import MORNING
from tests.helpers.floor import last_arrival
from tests.helpers.screen import screen_text


async def test_the_next_walk_in_has_no_override_reason_of_the_last(
    build_app: Build, store: Store
) -> None:  # covers: R2.5, R2.8
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("t", "r")  # a transfer, sent to another channel
        app.screen.query_one("#channel", Select).value = "cash"
        await pilot.pause()
        await pilot.press(*"customer insists", "enter")
        await settle(app, pilot)
        assert last_arrival(store)["override_reason"] == "customer insists"
        await pilot.press("f3")  # the next walk-in
        await settle(app, pilot)
        assert app.screen.query_one("#input-reason", Input).value == ""
        await pilot.press("t")
        await pilot.pause()
        assert app.screen.query_one("#channel", Select).value != "cash"  # the suggestion
        await pilot.press("enter")
        await settle(app, pilot)
    arrival = last_arrival(store)
    assert arrival["override_reason"] is None and arrival["channel"] != "cash"


async def test_a_device_marked_faulty_is_not_chosen_for_the_next_fault(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R1.2, R5.1
    clock.set(MORNING.replace(hour=0, minute=30))
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f2")
        await settle(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-tasks"
        await pilot.pause()
        app.screen.query_one("#fault-device", Select).value = "sst_1"
        app.screen.query_one("#input-fault-note", Input).value = "screen dark"
        app.screen.query_one("#fault-add", Button).press()
        await settle(app, pilot)
        assert app.screen.query_one("#fault-device", Select).value is Select.NULL
        assert app.screen.query_one("#input-fault-note", Input).value == ""
        await pilot.press("f8", "d", "enter")  # a device fault, on the incidents screen
        await settle(app, pilot)
        app.screen.query_one("#device-select", Select).value = "sst_2"
        app.screen.query_one("#device-out", Button).press()
        await settle(app, pilot)
        assert "out of service" in screen_text(app).lower()
        assert app.screen.query_one("#device-select", Select).value is Select.NULL
    devices = [r[0] for r in store.query("SELECT device_key FROM tasks ORDER BY created_at")]
    assert devices == ["sst_1", "sst_2"]


async def test_enter_after_a_problem_note_saves_it(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R1.2
    clock.set(MORNING.replace(hour=0, minute=30))
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.click("#answer-problem")  # a tap on Problem, then the note and Enter
        await pilot.press(*"wet floor", "enter")
        await settle(app, pilot)
        assert app.screen.query_one("#items", OptionList).has_focus
        assert app.screen.query_one("#input-note", Input).value == ""  # the next item's
        await pilot.press("p", *"sign missing", "enter")  # and by key
        await settle(app, pilot)
    notes = [tuple(r) for r in store.query("SELECT answer, note FROM checklist_answers")]
    assert notes == [("problem", "wet floor"), ("problem", "sign missing")]
    assert one_row(store, "SELECT COUNT(*) FROM tasks")[0] == 2
