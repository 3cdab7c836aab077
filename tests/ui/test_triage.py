"""Triage as the manager does it standing at the door (R2)."""

from __future__ import annotations

from datetime import time, timedelta

from textual.widgets import DataTable, Input, Select

from lobby_tui.content import checklist_template, windows
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.checklist import Answer
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.triage import TriageScreen
from lobby_tui.services.checklist import answer_item
from lobby_tui.services.dayplan import add_appointment
from lobby_tui.store import Store, parse_iso
from tests.helpers.app import Build, on_roster, on_screen, one_row, settle
from tests.helpers.floor import last_arrival
from tests.helpers.screen import said, screen_text


async def test_the_common_walk_in_takes_three_keystrokes_from_any_screen(
    build_app: Build, store: Store
) -> None:  # covers: R2.3, R2.4, R2.7, R2.8
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for start_key in ("f1", "f2", "f5"):
            await pilot.press(start_key)
            await settle(app, pilot)
            keys = ["f3", "w", "enter"]  # open, need, accept
            await pilot.press(*keys)
            await settle(app, pilot)
            assert len(keys) == 3
            arrival = last_arrival(store)
            assert arrival["need"] == "cash_withdrawal"
            assert arrival["channel"] == "self_service"  # a machine can do it
            assert arrival["quoted_band"] == "lt5" and arrival["status"] == "waiting"
            assert arrival["triage_seconds"] is not None and arrival["triage_seconds"] < 30
            assert str(arrival["script"]).startswith("This one is quick")
            assert str(arrival["ticket"]) in screen_text(app)
    tickets = [r[0] for r in store.query("SELECT ticket FROM arrivals ORDER BY ticket")]
    assert tickets == ["S001", "S002", "S003"]
    assert one_row(store, "SELECT COUNT(*) FROM events WHERE kind = 'arrival.triaged'")[0] == 3


async def test_the_suggestion_and_its_reason_appear_as_the_need_is_chosen(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R1.2, R2.3
    template = checklist_template()
    shift = build_app().shift
    assert shift is not None
    for key in ("sst_1", "sst_2", "sst_3"):
        item = template.item(key)
        answer_item(
            store,
            settings,
            day=store.clock.now().date(),
            shift_id=shift.id,
            template=template,
            item=item,
            label=item.label.en,
            answer=Answer.PROBLEM,
        )
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "w")
        await pilot.pause()
        text = screen_text(app)
        assert "→ Cash counter" in text
        assert "Self-service area out of service since 10:30: the counter." in text
        await pilot.press("1")  # elderly: the priority window
        await pilot.pause()
        assert "→ Priority window" in screen_text(app)


async def test_override_needs_a_reason_and_is_recorded(build_app: Build, store: Store) -> None:
    # covers: R2.3
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "o")  # account opening: the non-cash counter
        await pilot.pause()
        app.screen.query_one("#channel", Select).value = "cash"
        await pilot.pause()
        assert app.focused is app.screen.query_one("#input-reason", Input)
        await pilot.press("enter")
        await pilot.pause()
        assert said(app, "error-reason") == "Say why another channel than suggested."
        assert one_row(store, "SELECT COUNT(*) FROM arrivals")[0] == 0
        await pilot.press(*"non-cash windows all busy with a company", "enter")
        await settle(app, pilot)
    arrival = last_arrival(store)
    assert (arrival["channel"], arrival["suggested_channel"]) == ("cash", "non_cash")
    assert arrival["override_reason"] == "non-cash windows all busy with a company"
    assert str(arrival["ticket"]).startswith("A")


async def test_queue_actions_move_the_customer_along(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R2.3
    write_demo_morning(store, settings, store.clock.now().date(), lang="en")
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        table = app.screen.query_one("#queue", DataTable)
        table.focus()
        await pilot.pause()

        def current() -> str:
            key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
            return str(key.value)

        first = current()
        await pilot.press("c")  # called to a counter
        await settle(app, pilot)
        assert one_row(store, "SELECT status FROM arrivals WHERE id = ?", (first,))[0] == "called"
        await pilot.press("c")  # again: already called, nothing recorded twice
        await pilot.pause()
        events = one_row(
            store,
            "SELECT COUNT(*) FROM events WHERE kind = 'arrival.called' AND entity_id = ?",
            (first,),
        )[0]
        assert events == 1
        table.move_cursor(row=0)
        second = current()
        await pilot.press("l")  # left without service
        await settle(app, pilot)
        assert one_row(store, "SELECT status FROM arrivals WHERE id = ?", (second,))[0] == "left"
        table.move_cursor(row=0)
        third = current()
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#move-channel", Select).value = "cash"
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "input-move-reason"  # why, next
        # A redraw or a click in the queue meanwhile does not change whom the move is for.
        table.move_cursor(row=1)
        await pilot.press("enter")
        await pilot.pause()
        assert "mis-route is recorded" in said(app, "error-move-reason")
        await pilot.press(*"needs cash, not a transfer", "enter")
        await settle(app, pilot)
        row = one_row(
            store, "SELECT channel, moved_from, moved_reason FROM arrivals WHERE id = ?", (third,)
        )
        assert row[0] == "cash" and row[1] != "cash" and row[2] == "needs cash, not a transfer"
        table.focus()
        table.move_cursor(row=0)
        channel = one_row(store, "SELECT channel FROM arrivals WHERE id = ?", (current(),))[0]
        triage = on_screen(app, TriageScreen)
        assert triage.state is not None
        before = triage.state.counters[channel]
        await pilot.press("plus")  # red: open another window
        await settle(app, pilot)
        assert triage.state.counters[channel] == before + 1
        opened = [w.number for w in windows() if w.channel == channel][before]
        assert said(app, "error-queue") == f"Window {opened} opened."  # by its number (R2.9)
        waiting = one_row(store, "SELECT COUNT(*) FROM arrivals WHERE status = 'waiting'")[0]
        at_counter = one_row(store, "SELECT COUNT(*) FROM arrivals WHERE status = 'called'")[0]
        await pilot.press("E")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert said(app, "error-queue") == f"Closed {waiting} still waiting as not seen."
        # Those already at a counter are being served: closing the day leaves them alone.
        assert (
            at_counter
            and one_row(store, "SELECT COUNT(*) FROM arrivals WHERE status = 'called'")[0]
            == at_counter
        )
    assert one_row(store, "SELECT COUNT(*) FROM arrivals WHERE status = 'not_seen'")[0] == waiting


async def test_bad_input_is_said_beside_the_field_and_kept(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R2.8
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.click("#input-party")
        await pilot.press("enter")  # nothing chosen yet
        await pilot.pause()
        assert said(app, "error-need") == "Choose the need first: press its key."
        await pilot.press("escape")  # back to the needs
        await pilot.press("z")
        await pilot.pause()
        assert said(app, "error-need") == "No need has the key 'z'."
        await pilot.press("t")  # a transfer (an enquiry is answered on the floor: no form)
        await pilot.click("#input-party")
        await pilot.press("0", "enter")
        await pilot.pause()
        assert said(app, "error-party") == "Party of 1 to 20 people."
        party = app.screen.query_one("#input-party", Input)
        party.value = "100"
        await pilot.press("enter")
        await pilot.pause()
        assert said(app, "error-party") == "Party of 1 to 20 people."
        party.value = "2"
        note = app.screen.query_one("#input-note", Input)
        note.value = "x" * 10_000
        await pilot.press("enter")
        await pilot.pause()
        assert "under 500 characters (now 10000)" in said(app, "error-note")
        assert len(note.value) == 10_000  # nothing typed is lost
        note.value = "hard of hearing"
        app.screen.query_one("#input-ticket", Input).value = "B001"
        await pilot.press("enter")
        await settle(app, pilot)
        assert last_arrival(store)["ticket"] == "B001"
        await pilot.press("f3", "t")
        app.screen.query_one("#input-ticket", Input).value = "b001"
        await pilot.press("enter")
        await pilot.pause()
        assert said(app, "error-ticket") == "Ticket B001 is already used today: check the number."
        assert app.screen.query_one("#input-ticket", Input).value == "b001"
    assert one_row(store, "SELECT COUNT(*) FROM arrivals")[0] == 1
    assert last_arrival(store)["party_size"] == 2


async def test_a_vip_appointment_tells_the_wealth_manager(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R1.6, R2.6
    add_appointment(store, settings, store.clock.now().date(), time(10, 45), "Fund review", True)
    zhou = on_roster(store, "Zhou", "wealth_manager")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "m")
        await pilot.pause()
        select = app.screen.query_one("#appointment", Select)
        select.value = one_row(store, "SELECT id FROM appointments")[0]
        await pilot.pause()
        app.screen.query_one("#needs").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert "Appointments today: 0" in screen_text(app)
        assert "Fund review" in screen_text(app)  # now a task for the wealth manager
    arrival = last_arrival(store)
    assert arrival["channel"] == "wealth" and arrival["appointment_id"]
    # The wealth manager on the roster owns it, due within minutes (issue 20).
    task = one_row(store, "SELECT owner, due_at, created_at FROM tasks")
    assert task["owner"] == zhou.id
    assert parse_iso(task["due_at"]) - parse_iso(task["created_at"]) == timedelta(minutes=5)


async def test_triage_in_chinese(build_app: Build, store: Store) -> None:  # covers: R2.1, R2.7
    app = build_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await pilot.pause()
        assert "早上好，欢迎光临！" in screen_text(app)
        await pilot.press("o")  # account opening: complex business (R2.5)
        await pilot.pause()
        assert "→ 非现金柜台" in screen_text(app) and "复杂业务：先一对一协助" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert "B001" in screen_text(app)
    assert str(last_arrival(store)["script"]).startswith("请拿好号码到等候区稍坐，非现金柜台")


async def test_switching_language_mid_triage_keeps_the_walk_in(build_app: Build) -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "o", "2")  # account opening, a disabled customer
        app.screen.query_one("#input-note", Input).value = "wheelchair"
        app.switch_language("zh")
        await settle(app, pilot)
        text = screen_text(app)
        assert "早上好" in text and "→ 优先窗口" in text
        assert app.screen.query_one("#input-note", Input).value == "wheelchair"


async def test_disk_full_then_space_again_loses_nothing_and_the_message_goes(
    build_app: Build, store: Store
) -> None:  # covers: R2.8
    """Issue 25: a full disk (injected: the file may not grow past its pages), then space
    again. The walk-in kept on the form is saved by the first Enter after, and the "disk is
    full" message goes with that save rather than staying to say it failed."""
    full = "The disk holding"
    app = build_app()
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await pilot.press("f3", "w", "enter")
        await settle(app, pilot)
        pages = store.pragma("page_count")
        store.conn.execute(f"PRAGMA max_page_count = {pages}")  # the disk is now "full"
        tried = 0
        while not any(full in n.message for n in app._notifications):  # noqa: SLF001
            await pilot.press("f3", "w", "enter")  # until the file would have to grow
            await settle(app, pilot)
            tried += 1
            assert tried < 20
        before = one_row(store, "SELECT COUNT(*) FROM arrivals")[0]
        store.conn.execute("PRAGMA max_page_count = 1073741823")  # space again
        await pilot.press("enter")  # the walk-in still on the form: saved now
        await settle(app, pilot)
        assert one_row(store, "SELECT COUNT(*) FROM arrivals")[0] == before + 1
        ticket = one_row(store, "SELECT ticket FROM arrivals ORDER BY arrived_at DESC,"
                         " ticket DESC LIMIT 1")[0]  # fmt: skip
        assert ticket in screen_text(app)
        assert not any(full in n.message for n in app._notifications)  # noqa: SLF001
    saved = [r[0] for r in store.query("SELECT ticket FROM arrivals ORDER BY ticket")]
    assert saved == [f"S{n:03d}" for n in range(1, len(saved) + 1)]  # none skipped or lost
