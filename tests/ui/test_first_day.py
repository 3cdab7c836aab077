"""Rules a branch would catch on its first day (issue 31), replayed on the screens as the
audit met them."""

from __future__ import annotations

from datetime import date, datetime, time

from textual.widgets import Button, DataTable, Input

from lobby_tui.domain.settings import Settings
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, settle
from tests.helpers.screen import said, screen_text


async def test_cash_already_moved_today_counts_towards_large_cash(
    build_app: Build, store: Store
) -> None:  # covers: R5.4, R2.5
    app = build_app()
    prompt = "Large cash: the counter checks the customer's ID"
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f3", "w")
        await pilot.pause()
        app.screen.query_one("#input-cash", Input).value = "7100 USD"  # alone: not large
        await pilot.pause()
        assert prompt not in said(app, "prompts")
        app.screen.query_one("#input-cash_earlier", Input).value = "3000 USD"
        await pilot.pause()
        assert prompt in said(app, "prompts")  # the day's foreign cash from USD 10,000
        app.screen.query_one("#save", Button).press()
        await settle(app, pilot)
    (large,) = store.rows("SELECT large_cash FROM arrivals")[0]
    assert large == 1
    payloads = " ".join(str(p) for (p,) in store.rows("SELECT payload FROM events"))
    assert "7100" not in payloads and "3000" not in payloads  # the amounts are not kept


async def test_appointments_marked_no_show_stay_on_the_lobby(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R1.6
    from lobby_tui.services.dayplan import add_appointment, mark_no_shows

    day = date(2026, 11, 28)  # the clock's day: 10:30 in the branch
    add_appointment(store, settings, day, time(9, 0), "Pension transfer", vip=False)
    add_appointment(store, settings, day, time(9, 30), "Wealth review", vip=True)
    assert mark_no_shows(store, settings) == 2
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
    assert "Appointments today: 0 · no-shows 2" in text
    assert "09:00 no-show: Pension transfer" in text and "no-show: ★ Wealth review" in text
    assert "No appointments" not in text


async def test_an_incident_open_since_an_earlier_day_shows_its_date(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R5.1
    from lobby_tui.content import incident_catalogue
    from lobby_tui.services.incidents import raise_incident

    today = clock.now()
    clock.set(datetime.fromisoformat("2026-11-24T13:15:00+08:00"))
    raise_incident(store, incident_catalogue(), day=date(2026, 11, 24), shift_id=None,
                   type_id="crowding", zone=None, severity="low")  # fmt: skip
    clock.set(today)
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "11-24 13:15" in screen_text(app)  # the lobby's open incidents
        await pilot.press("f6")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert "11-24 13:15" in [str(c) for c in table.get_row_at(0)]


async def test_after_closing_a_checklist_never_started_is_history_not_an_alarm(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R1.1
    clock.set(datetime.fromisoformat("2026-11-28T18:30:00+08:00"))  # closed at 17:00
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
    assert "Closed for today: the checklist was not signed off (0/28 answered)" in text
    assert "The doors opened at" not in text and "F2 opens the checklist" not in text


async def test_before_opening_the_checklist_counts_its_28_items(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.1
    from lobby_tui.report_formats import readable_figures, render
    from lobby_tui.services.report import day_report

    clock.set(datetime.fromisoformat("2026-11-28T08:20:00+08:00"))
    report = day_report(store, settings, date(2026, 11, 28), "en")
    items = next(f for f in readable_figures(report) if f.key == "items")
    assert items.value == 28 and "| Items on the checklist | 28 |" in render(report, "md")
    assert report.to_json_dict()["checklist"]["items"] == 0  # the JSON's count of runs' items


async def test_a_walk_in_sent_by_hand_to_a_closed_channel_is_refused(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R2.3, R1.2
    from textual.widgets import Select

    from lobby_tui.content import checklist_template
    from lobby_tui.services.tasks import report_device_fault

    for device in checklist_template().devices():
        if device.channel == "self_service":  # every terminal out of service
            named = {"en": device.key, "zh": device.key}
            report_device_fault(store, settings, shift_id=None, device_key=device.key,
                                channel=device.channel, label=named)  # fmt: skip
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3", "w")
        await pilot.pause()
        app.screen.query_one("#channel", Select).value = "self_service"
        app.screen.query_one("#input-reason", Input).value = "customer insists"
        await pilot.pause()
        app.screen.query_one("#save", Button).press()
        await pilot.pause()
        await pilot.pause()
        refused = said(app, "error-channel")
        assert refused.startswith("Every machine of that channel is out of service")
        assert app.screen.query_one("#input-reason", Input).value == "customer insists"  # kept
    assert store.rows("SELECT count(*) FROM arrivals")[0][0] == 0


async def test_an_enquiry_is_answered_at_triage_not_queued(
    build_app: Build, store: Store
) -> None:  # covers: R4.2, R2.3
    from textual.widgets import Select

    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3", "e")
        await pilot.pause()
        assert "Answered here" in said(app, "suggestion")
        app.screen.query_one("#input-note", Input).value = "Opening hours on Saturday"
        app.screen.query_one("#save", Button).press()
        await settle(app, pilot)
        assert "logged as an enquiry (1 today)" in said(app, "suggestion")
        # One that needs a counter is sent there by hand, with the reason, and queued.
        await pilot.press("f3", "e")
        await pilot.pause()
        app.screen.query_one("#channel", Select).value = "non_cash"
        app.screen.query_one("#input-reason", Input).value = "needs the account's records"
        app.screen.query_one("#save", Button).press()
        await settle(app, pilot)
    assert store.rows("SELECT topic FROM enquiries") == [("Opening hours on Saturday",)]
    assert store.rows("SELECT need, channel, override_reason FROM arrivals") == [
        ("enquiry", "non_cash", "needs the account's records")
    ]
