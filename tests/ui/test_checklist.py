"""The opening checklist driven as the manager does it at 08:30 (R1)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Button, Input, OptionList, Static, TabbedContent

from lobby_tui.app import LobbyApp, make_app
from lobby_tui.content import checklist_template, cue_table, data_dir, needs_catalogue
from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.services.settings import load_settings
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store, open_store
from tests.helpers.app import Build, one_row, settle, signed_in_supervisor
from tests.helpers.clock import MORNING
from tests.helpers.screen import error_of, open_checklist, screen_text

TEMPLATE = checklist_template()
EARLY = MORNING.replace(hour=0, minute=30)  # 08:30 in the branch: half an hour to opening


async def test_the_whole_checklist_by_keyboard_only(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R1.1, R1.2, R1.3, R1.4, R1.5, R1.6, R1.7
    clock.set(EARLY)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        assert "0/28 answered" in screen_text(app)
        assert "doors open in 30 min (09:00)" in screen_text(app)
        for item in TEMPLATE.items():
            if item.kind == "count":
                assert item.minimum is not None  # a count item has its minimum
                await pilot.press("enter", *str(item.minimum + 5), "enter")
            elif item.key == "sst_2":
                await pilot.press("p", *"paper jam", "enter")
            else:
                await pilot.press("o")
            await pilot.pause()
        assert "28/28 answered" in screen_text(app)
        await pilot.press("s", *"Li Na", "enter")
        await settle(app, pilot)
        assert "signed off by Li Na at 08:30" in screen_text(app)
    run = one_row(store, "SELECT signed_off_by, items_total FROM checklist_runs")
    assert tuple(run) == ("Li Na", 28)
    answers = {r[0]: r[1] for r in store.query("SELECT item_key, answer FROM checklist_answers")}
    assert len(answers) == 28 and answers["sst_2"] == "problem"
    assert (
        one_row(store, "SELECT note FROM checklist_answers WHERE item_key = 'sst_2'")[0]
        == "paper jam"
    )
    # The task says what to do (issue 15), kept as a key and parameters.
    assert [tuple(r) for r in store.query("SELECT what, what_key FROM tasks")] == [
        ("Have Self-service terminal 2 repaired: paper jam", "task.device")
    ]


async def test_the_main_path_by_taps(build_app: Build, store: Store, clock: FixedClock) -> None:
    # covers: R1.1, R6.3
    clock.set(EARLY)
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await open_checklist(app, pilot)
        items = app.screen.query_one("#items", OptionList)
        for key in ("seating", "brochure_stands"):
            items.highlighted = items.get_option_index(key)  # a tap on the row highlights it
            await pilot.pause()  # the detail (and the buttons' place) follows the highlight
            await pilot.click("#answer-ok")
            await pilot.pause()
        items.highlighted = items.get_option_index("deposit_slips")
        await pilot.pause()  # the count field appears for a count item
        await pilot.click("#input-count")
        await pilot.press(*"12")
        await pilot.click("#answer-ok")  # 12 is below the minimum of 50: a shortage
        await settle(app, pilot)
        assert "2/28" not in screen_text(app) and "3/28 answered" in screen_text(app)
        assert "1 problem(s)" in screen_text(app)
        await pilot.click("#input-signer")
        await pilot.press(*"Li Na")
        await pilot.click("#sign")
        await pilot.pause()
        assert "25 required item(s) still need an answer" in error_of(app, "signer")
        assert app.screen.query_one("#input-signer", Input).value == "Li Na"  # kept
    rows = {r[0]: r[1] for r in store.query("SELECT item_key, answer FROM checklist_answers")}
    assert rows == {"seating": "ok", "brochure_stands": "ok", "deposit_slips": "problem"}
    assert one_row(store, "SELECT signed_off_at FROM checklist_runs")[0] is None


async def test_a_faulty_device_is_a_dashboard_task_and_out_of_service(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R1.2
    clock.set(EARLY)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        items = app.screen.query_one("#items", OptionList)
        items.highlighted = items.get_option_index("sst_1")
        await pilot.press("p", *"card reader broken", "enter")
        await pilot.press("f1")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Open tasks: 1" in text
        assert "Out of service since 08:30: Self-service terminal 1: card reader broken" in text
        # Resolved in the tasks tab: the device is back, the task gone from the dashboard.
        await pilot.press("f2")
        await settle(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-tasks"
        await pilot.pause()
        tasks_list = app.screen.query_one("#tasks", OptionList)
        tasks_list.highlighted = 0
        await pilot.click("#resolve")
        await pilot.pause()
        assert "a task is resolved with a note" in error_of(app, "resolution")
        await pilot.click("#input-resolution")
        await pilot.press(*"engineer fixed it", "enter")
        await pilot.press("f1")
        await settle(app, pilot)
        assert "Open tasks: 0" in screen_text(app)
        assert "Out of service" not in screen_text(app)
    row = one_row(store, "SELECT status, resolution_note FROM tasks")
    assert tuple(row) == ("resolved", "engineer fixed it")


async def test_a_restart_resumes_where_the_manager_was(
    db_path: Path, clock: FixedClock
) -> None:  # covers: R1.1
    clock.set(EARLY)

    def start() -> tuple[Store, LobbyApp]:
        store = open_store(db_path, clock)
        settings = load_settings(store)
        return store, make_app(
            store,
            settings,
            "en",
            shift=open_shift_today(store, settings),
            signed_in=signed_in_supervisor(store),
        )

    store, app = start()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        await pilot.press("o", "o", "p")
        await pilot.press(*"sign fell", "enter")
        await pilot.press("o")
        await pilot.pause()
    store.close()  # as if the battery died: nothing more is written

    store, app = start()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        assert "4/28 answered · 1 problem(s)" in screen_text(app)
        items = app.screen.query_one("#items", OptionList)
        assert items.highlighted is not None
        current = items.get_option_at_index(items.highlighted)
        assert current.id == "sst_1"  # the first item not yet answered
        items.highlighted = items.get_option_index("floor_signs")
        await pilot.pause()
        assert app.screen.query_one("#input-note", Input).value == "sign fell"
    store.close()


async def test_sign_off_is_refused_while_a_required_item_is_open(
    build_app: Build, store: Store
) -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        await pilot.press("s", "enter")
        await pilot.pause()
        assert error_of(app, "signer") == "Type your name to sign off."
        await pilot.press(*"Li Na", "enter")
        await pilot.pause()
        assert "28 required item(s) still need an answer" in error_of(app, "signer")
    assert one_row(store, "SELECT COUNT(*) FROM checklist_runs")[0] == 0


async def test_bad_counts_are_said_beside_the_field(build_app: Build, store: Store) -> None:
    # covers: R1.3
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        items = app.screen.query_one("#items", OptionList)
        items.highlighted = items.get_option_index("brochures")
        await pilot.press("o")  # a count is answered with its number
        await pilot.pause()
        assert error_of(app, "count") == "Type the number counted."
        assert app.focused is app.screen.query_one("#input-count", Input)
        await pilot.press(*"1000000", "enter")
        await pilot.pause()
        assert "A count goes from 0 to 100000" in error_of(app, "count")
        assert app.screen.query_one("#input-count", Input).value == "1000000"
    assert one_row(store, "SELECT COUNT(*) FROM checklist_answers")[0] == 0


async def test_the_checklist_in_chinese(build_app: Build, store: Store, clock: FixedClock) -> None:
    clock.set(EARLY)
    app = build_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        text = screen_text(app)
        assert "已答 0/28" in text and "距开门 30 分钟（09:00）" in text
        assert "等候区座椅整洁、摆放整齐" in text
        await pilot.press("o")
        await settle(app, pilot)
        assert "已保存：等候区座椅整洁、摆放整齐" in screen_text(app)
        assert str(app.screen.query_one("#answer-ok", Button).label) == "o 正常"
    assert one_row(store, "SELECT label FROM checklist_answers")[0] == "等候区座椅整洁、摆放整齐"


async def test_switching_language_keeps_what_was_typed(build_app: Build) -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        await pilot.press("enter")  # into the note of the first item
        await pilot.press(*"half typed")
        app.switch_language("zh")
        await settle(app, pilot)
        assert "等候区座椅整洁、摆放整齐" in screen_text(app)
        assert app.screen.query_one("#input-note", Input).value == "half typed"


async def test_day_plan_counters_and_appointments(build_app: Build, store: Store) -> None:
    # covers: R1.6
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await pilot.pause()
        await pilot.click("#input-counters-cash")
        await pilot.press("end", "backspace", *"40", "enter")  # the default was 2
        await pilot.pause()
        assert "0 to 30" in error_of(app, "counters-cash")
        await pilot.press("backspace", "backspace", "3", "enter")
        await pilot.pause()
        assert error_of(app, "counters-cash") == ""
        await pilot.click("#input-appt-time")
        await pilot.press(*"2:75")
        await pilot.click("#appt-add")
        await pilot.pause()
        assert error_of(app, "appt-time") == "Type the time as HH:MM, e.g. 14:30."
        await pilot.click("#input-appt-time")
        await pilot.press("end", *["backspace"] * 4, *"11:00")
        await pilot.click("#input-appt-purpose")
        await pilot.press(*"Fund review")
        await pilot.click("#appt-add")
        await settle(app, pilot)
        assert "11:00 Fund review" in screen_text(app)
        await pilot.press("f1")
        await settle(app, pilot)
        assert "Appointments today: 1" in screen_text(app)
    assert one_row(store, "SELECT counters FROM counter_plans")[0] == 3


async def test_the_day_plan_forecasts_the_peaks_from_the_same_weekdays(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R1.6
    week_ago = MORNING - timedelta(weeks=1)
    for hour, count in ((2, 3), (5, 1)):  # 10:xx and 13:xx in the branch
        for minute in range(count):
            clock.set(week_ago.replace(hour=hour, minute=minute))
            record_arrival(
                store,
                NewArrival(
                    shift_id=None,
                    business_day=week_ago.date().isoformat(),
                    need="enquiry",
                    channel="non_cash",
                    ticket_prefix="B",
                ),
            )
    clock.set(MORNING)
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)  # the forecast is read in the background
        shown = Console(width=100, record=True, file=io.StringIO())
        shown.print(app.screen.query_one("#forecast", Static).content)
        text = shown.export_text()
        assert "Expected peaks: 10:00 (from 1 day(s) of history)" in text
        assert "10 " + "█" * 30 + " " in text and "13 " + "█" * 10 + " " in text


BAD = """key = "opening"
version = 1

[[section]]
key = "hall"
label = { zh = "厅堂", en = "Hall" }

  [[section.item]]
  key = "slips"
  kind = "count"
  minimum = -5
  label = { zh = "凭条", en = "Slips" }
"""


async def test_a_bad_template_is_said_and_the_app_goes_on(
    build_app: Build, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    for name in ("settings.toml", "channels.toml", "needs.toml", "cues.toml", "products.toml"):
        (content / name).write_bytes((data_dir() / name).read_bytes())
    (content / "checklist.toml").write_text(BAD, encoding="utf-8")
    monkeypatch.setenv("LOBBY_DATA", str(content))
    caches = (data_dir, checklist_template, needs_catalogue, cue_table)
    for cached in caches:
        cached.cache_clear()
    try:
        app = build_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await open_checklist(app, pilot)
            said = str(app.screen.query_one("#template-error", Static).render())
            assert f"{content / 'checklist.toml'}, line 11" in said
            assert "minimum" in said
            assert "The rest of the app works as usual" in screen_text(app)
            await pilot.press("f1")
            await settle(app, pilot)
            assert app.current_mode == "dashboard"
            await pilot.press("f3", "w", "enter")  # triage goes on without device state
            await settle(app, pilot)
        assert one_row(app.store, "SELECT COUNT(*) FROM arrivals")[0] == 1
    finally:
        for cached in caches:
            cached.cache_clear()
