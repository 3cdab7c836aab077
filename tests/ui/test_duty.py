"""On duty today, through the screens (R1.6): plan the day on F2, see who is where on the
dashboard, triage quoting from the windows really open, an appointment checked in at
triage, and a large withdrawal booked the day before with its cash-preparation task."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from textual.widgets import Button, Input, Select, TabbedContent

from lobby_tui.domain.settings import Settings
from lobby_tui.screens.triage.screen import TriageScreen
from lobby_tui.services import dayplan, duty
from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, on_roster, on_screen, one_row, settle
from tests.helpers.clock import MORNING
from tests.helpers.screen import error_of, open_checklist, put_on_duty, screen_text

DAY = MORNING.date()
LUNCHTIME = datetime(2026, 11, 28, 4, 10, tzinfo=UTC)  # 12:10 in Shanghai


async def test_two_tellers_at_lunch_show_on_the_dashboard_and_in_triages_quote(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6, R2.7
    chen, liu, zhao = (on_roster(store, name).id for name in ("Chen", "Liu", "Zhao"))
    for minute in range(6):  # six waiting at the cash counter, 4 minutes each
        clock.set(LUNCHTIME - timedelta(minutes=10 - minute))
        record_arrival(store, NewArrival(
            shift_id=None, business_day=DAY.isoformat(), need="cash_withdrawal",
            channel="cash", suggested_channel="cash", ticket_prefix="A"))  # fmt: skip
    clock.set(LUNCHTIME)
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)
        assert "No one on the plan yet." in screen_text(app)
        await put_on_duty(app, pilot, chen, "cash")
        await put_on_duty(app, pilot, liu, "cash", "12:00-13:00")
        assert error_of(app, "duty-lunch") == ""
        # Two of two at lunch together would close the cash counter: refused beside the
        # field, the lunch typed kept.
        await put_on_duty(app, pilot, chen, "cash", "12:00-13:00")
        assert error_of(app, "duty-lunch") == (
            "Cash counter would have fewer than 1 window(s) open 12:00–13:00."
        )
        lunch = app.screen.query_one("#input-duty-lunch", Input)
        assert lunch.value == "12:00-13:00"
        await put_on_duty(app, pilot, zhao, "cash")
        await put_on_duty(app, pilot, chen, "cash", "12:00-13:00")
        assert error_of(app, "duty-lunch") == ""
        text = screen_text(app)
        # Each at a numbered window of the channel, in the plan's order (R2.9).
        assert "Chen Cash counter · Window 1 08:30–17:30 12:00–13:00 (by hand)" in text
        assert "Zhao Cash counter · Window 3 08:30–17:30 no break" in text
        assert "Windows open now, from the duty plan" in text
        assert app.screen.query_one("#input-counters-cash", Input).disabled
        assert app.screen.query_one("#input-counters-cash", Input).value == "1"
        wu = on_roster(store, "Wu", "wealth_manager").id  # alone in the wealth zone, at lunch
        duty.set_duty(store, settings, DAY, wu, "wealth", time(8, 30), time(17, 30),
                      (time(12), time(13)))  # fmt: skip
        # The dashboard: who is at the cash counter, who is at lunch until when.
        await pilot.press("f1")
        await settle(app, pilot)
        text = screen_text(app)
        assert "On duty now" in text
        assert "Cash counter Zhao" in text
        assert "Chen on break until 13:00" in text and "Liu on break until 13:00" in text
        assert "Wealth zone nobody there now Wu on break until 13:00" in text
        # Triage quotes from the one window open: six ahead, four minutes each.
        await pilot.press("f3", "f")
        await settle(app, pilot)
        triage = on_screen(app, TriageScreen)
        assert triage.state is not None and triage.state.loads["cash"].servers == 1
        assert "over 20 min" in screen_text(app)
        # Back from lunch: three windows, the same queue quoted shorter.
        clock.set(LUNCHTIME + timedelta(hours=1))
        await pilot.press("f3", "f")
        await settle(app, pilot)
        assert triage.state.loads["cash"].servers == 3
        assert "5–10 min" in screen_text(app)
    rows = store.rows(
        "SELECT staff_id, break_starts_at, break_manual FROM duty WHERE post = 'cash'"
        " ORDER BY staff_id"
    )
    assert sorted(r[1] for r in rows if r[1]) == ["2026-11-28T04:00:00Z"] * 2


async def test_the_day_plan_and_dashboard_in_chinese_at_80x24(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6
    chen, liu = on_roster(store, "陈静").id, on_roster(store, "刘洋").id
    for who in (chen, liu):
        duty.set_duty(store, settings, DAY, who, "cash", time(8, 30), time(17, 30), None)
    duty.set_duty(store, settings, DAY, chen, "cash", time(8, 30), time(17, 30),
                  (time(12), time(13)))  # fmt: skip
    clock.set(LUNCHTIME)
    app = build_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for _ in range(20):  # the box sits below the fold at 80×24: scrolled to
            if "当前在岗" in screen_text(app):
                break
            await pilot.press("down")
            await pilot.pause()
        text = screen_text(app)
        assert "当前在岗" in text and "现金柜台 刘洋" in text
        assert "陈静 休息至 13:00" in text
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)
        await put_on_duty(app, pilot, liu, "cash", "12:30-13:30")
        assert error_of(app, "duty-lunch") == "12:30–13:00 现金柜台开放窗口将少于 1 个。"


async def test_an_appointment_checks_in_at_triage_by_its_reference(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R1.6
    dayplan.add_appointment(store, settings, DAY, time(10, 45), "Fund review", False, "Wang")
    dayplan.add_appointment(store, settings, DAY, time(11, 30), "Loan", False, "Li")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3", "m", "a")
        await pilot.pause()
        await pilot.press(*"zzz")
        await pilot.pause()
        assert error_of(app, "appt-search") == "No appointment matches."
        await pilot.press("backspace", "backspace", "backspace", *"wang")
        await pilot.pause()
        assert error_of(app, "appt-search") == ""
        wanted = one_row(store, "SELECT id FROM appointments WHERE purpose = 'Fund review'")[0]
        assert app.screen.query_one("#appointment", Select).value == wanted
        app.screen.query_one("#needs").focus()
        await pilot.press("enter")
        await settle(app, pilot)
        # The next walk-in's list holds only the one still to come; by time, it is found.
        await pilot.press("a", *"11:3")
        await pilot.pause()
        assert "11:30 Loan" in screen_text(app)
    row = one_row(store, "SELECT arrival_id, arrived_at, no_show_at FROM appointments"
                         " WHERE purpose = 'Fund review'")  # fmt: skip
    arrival = one_row(store, "SELECT id, appointment_id FROM arrivals")
    assert row["arrival_id"] == arrival["id"] and arrival["appointment_id"] == wanted
    assert row["arrived_at"] == "2026-11-28T02:30:00Z" and row["no_show_at"] is None


async def test_a_large_withdrawal_booked_the_day_before_makes_its_task(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6
    tomorrow = DAY + timedelta(days=1)
    liu = on_roster(store, "Liu").id
    duty.set_duty(store, settings, tomorrow, liu, "cash", time(8, 30), time(17, 30), None)
    clock.set(MORNING.replace(hour=8))  # 16:00 the day before
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)
        # The day plan of tomorrow is where the booking goes: the service takes it.
        moved = dayplan.add_cash_movement(store, settings, tomorrow, time(10), 80_000, "payroll")
        task = one_row(store, "SELECT owner, due_at, what FROM tasks WHERE source_id = ?",
                       (moved,))  # fmt: skip
        assert task["owner"] == liu and task["due_at"] == "2026-11-29T01:00:00Z"
        # Today's booking through the form: under the threshold, no task.
        app.screen.query_one("#input-cash-time", Input).value = "15:00"
        app.screen.query_one("#input-cash-amount", Input).value = "49999"
        await pilot.click("#cash-add")
        await settle(app, pilot)
        assert one_row(store, "SELECT COUNT(*) FROM tasks")[0] == 1
        app.screen.query_one("#input-cash-time", Input).value = "15:00"
        app.screen.query_one("#input-cash-amount", Input).value = "50000"
        await pilot.click("#cash-add")
        await settle(app, pilot)
        assert "cash ready by 14:00: Wang" in screen_text(app)  # no one at cash: the supervisor
        await pilot.press("f1")
        await settle(app, pilot)
        assert "Get ¥50,000 in cash ready for 11-28 15:00 — Wang" in screen_text(app)


async def test_the_day_starts_from_last_weeks_plan_with_one_button(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R1.6
    chen = on_roster(store, "Chen").id
    last_week = DAY - timedelta(weeks=1)
    duty.set_duty(store, settings, last_week, chen, "non_cash", time(9), time(17), None)
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)
        copy = app.screen.query_one("#duty-copy", Button)
        assert copy.display and str(copy.label) == "Copy the plan of 11-21"
        await pilot.click("#duty-copy")
        await settle(app, pilot)
        text = screen_text(app)
        assert "1 people copied from 11-21." in text
        assert "Chen Non-cash counter · Window 4 09:00–17:00 no break" in text
        assert not copy.display  # the day has its plan now
    assert [p.name for p in duty.duty_plan(store, DAY)] == ["Chen"]


async def test_an_appointment_not_checked_in_becomes_a_no_show_on_the_apps_clock(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R1.6
    dayplan.add_appointment(store, settings, DAY, time(10, 20), "Fund review", False, "Wang")
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        app.mark_no_shows()  # 10:30: ten minutes late, inside the grace
        await settle(app, pilot)
        assert one_row(store, "SELECT no_show_at FROM appointments")[0] is None
        clock.set(MORNING + timedelta(minutes=5))  # 10:35: the grace has run out
        app.mark_no_shows()
        await settle(app, pilot)
        assert one_row(store, "SELECT no_show_at FROM appointments")[0] == "2026-11-28T02:35:00Z"
        app.screen.refresh_lobby()  # type: ignore[attr-defined]
        await settle(app, pilot)
        assert "Appointments today: 0" in screen_text(app)
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)
        assert "10:20 Fund review W** no-show" in screen_text(app)


@pytest.mark.parametrize(
    ("language", "tomorrow_word", "heading", "ready", "bad_format", "bad_range"),
    [
        ("en", "tomorrow", "Booked for 11-29", "cash ready by 09:00: Liu",
         "Type the day as YYYY-MM-DD, MM-DD or tomorrow",
         "The day plan takes today and the next 7 days only."),
        ("zh", "明天", "11-29 预约", "09:00 前备好现金：Liu",
         "日期格式为 年-月-日、月-日 或“明天”",
         "当日计划只能安排今天及之后 7 天。"),
    ],
)  # fmt: skip
async def test_tomorrows_large_withdrawal_is_booked_from_the_day_plan(
    build_app: Build,
    store: Store,
    settings: Settings,
    language: str,
    tomorrow_word: str,
    heading: str,
    ready: str,
    bad_format: str,
    bad_range: str,
) -> None:  # covers: R1.6
    tomorrow = DAY + timedelta(days=1)
    liu = on_roster(store, "Liu").id
    duty.set_duty(store, settings, tomorrow, liu, "cash", time(8, 30), time(17, 30), None)
    app = build_app(language)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)
        day_input = app.screen.query_one("#input-cash-day", Input)
        # A day that is not one, then one gone by: refused beside the field, kept as typed.
        for typed, said in (("13-45", bad_format), ("2026-11-27", bad_range)):
            day_input.value = typed
            app.screen.query_one("#input-cash-time", Input).value = "10:00"
            app.screen.query_one("#input-cash-amount", Input).value = "80000"
            await pilot.click("#cash-add")
            await settle(app, pilot)
            assert said in error_of(app, "cash-day")
            assert day_input.value == typed
        assert one_row(store, "SELECT COUNT(*) FROM cash_movements")[0] == 0
        day_input.value = tomorrow_word
        await pilot.click("#cash-add")
        await settle(app, pilot)
        assert day_input.value == "" and error_of(app, "cash-day") == ""
        text = screen_text(app)
        assert heading in text and ready in text
        assert text.index(heading) < text.index("80,000") < text.index(ready)
    row = one_row(store, "SELECT business_day, due_at, amount, task_id FROM cash_movements")
    assert (row["business_day"], row["due_at"], row["amount"]) == (
        "2026-11-29",
        "2026-11-29T02:00:00Z",
        80_000,
    )
    task = one_row(store, "SELECT owner, due_at, status FROM tasks WHERE id = ?",
                   (row["task_id"],))  # fmt: skip
    assert task["owner"] == liu and task["due_at"] == "2026-11-29T01:00:00Z"
    assert task["status"] == "open"
