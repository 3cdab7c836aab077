"""A round of the waiting area as the manager walks it (R3)."""

from __future__ import annotations

import pytest
from textual.widgets import Checkbox, DataTable, Select

from lobby_tui.screens.dashboard import DashboardScreen
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
from lobby_tui.services.settings import load_settings
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, on_screen, one_row, settle
from tests.helpers.screen import said, screen_text


def walk_in(store: Store, clock: FixedClock, minutes_ago: int, need: str = "enquiry") -> str:
    clock.advance(minutes=-minutes_ago)
    arrival_id, _ = record_arrival(
        store,
        NewArrival(
            shift_id=None,
            business_day="2026-11-28",
            need=need,
            channel="non_cash",
            ticket_prefix="B",
        ),
    )
    clock.advance(minutes=minutes_ago)
    return arrival_id


async def test_a_round_with_care_actions(build_app: Build, store: Store, clock: FixedClock) -> None:
    # covers: R3.1, R3.2, R3.3, R3.5
    long = walk_in(store, clock, 14)
    short = walk_in(store, clock, 3)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        text = screen_text(app)
        assert "No round in progress" in text
        assert "apology!" in text  # 14 minutes, past amber, no apology yet
        await pilot.press("b")
        await settle(app, pilot)
        assert "Round in progress since 10:30" in screen_text(app)
        table = app.screen.query_one("#waiting", DataTable)
        key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
        assert key.value == long  # longest wait first
        await pilot.press("a", "w")
        await settle(app, pilot)
        assert "apology!" not in screen_text(app)  # attention cleared by the apology
        table.move_cursor(row=1)
        await pilot.press("p", "d")
        await settle(app, pilot)
        app.screen.query_one("#observe-tidiness", Select).value = "problem"
        await pilot.press("e")
        await settle(app, pilot)
        assert "1 task(s) opened" in said(app, "error-care")
        # The next round looks afresh: the problem seen is not one tap from being seen again.
        assert app.screen.query_one("#observe-tidiness", Select).value == "ok"
    kinds = [
        tuple(r)
        for r in store.query(
            "SELECT arrival_id, kind, round_id IS NOT NULL FROM care_actions ORDER BY rowid"
        )
    ]
    assert kinds == [
        (long, "apology", 1),
        (long, "water", 1),
        (short, "form_check", 1),
        (short, "documents", 1),
    ]
    assert one_row(store, "SELECT completed_at IS NOT NULL, crowding FROM rounds")[0] == 1
    # The task says what to put right (issue 15), kept as a key and parameters.
    row = one_row(store, "SELECT what, what_key FROM tasks")
    assert tuple(row) == ("Have the waiting area tidied", "task.round.tidiness")


async def test_a_due_round_shows_on_the_dashboard_and_notifies(
    build_app: Build, store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:  # covers: R3.1
    told: list[str] = []
    clock.set(clock.now().replace(hour=1, minute=10))  # 09:10: the first round due at 09:15
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "notify", lambda message, **kw: told.append(message))
        await settle(app, pilot)
        assert "Next due at 09:15" in screen_text(app)
        app.remind_round()
        await settle(app, pilot)  # the reminder reads in the background
        assert told == []
        clock.advance(minutes=7)  # 09:17
        on_screen(app, DashboardScreen).refresh_lobby()
        await settle(app, pilot)
        assert "Due since 09:15 — 2 min late" in screen_text(app)
        app.remind_round()
        await settle(app, pilot)
        app.remind_round()  # once per due round, not every check
        await settle(app, pilot)
        assert told == ["A round of the waiting area is due (09:15). F4 opens rounds."]
        clock.advance(minutes=20)  # 09:37: the 09:15 round was missed
        on_screen(app, DashboardScreen).refresh_lobby()
        await settle(app, pilot)
        assert "Missed today: 1" in screen_text(app)


async def test_over_selling_guard_and_not_interested(
    build_app: Build, store: Store, clock: FixedClock
) -> None:
    # covers: R3.6
    walk_in(store, clock, 5)
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        app.screen.query_one("#product", Select).value = "wealth"
        await pilot.press("i")
        await settle(app, pilot)
        assert said(app, "error-care").startswith("✓")
        app.screen.query_one("#product", Select).value = "insurance"
        await pilot.press("i")
        await settle(app, pilot)
        assert (
            said(app, "error-care")
            == "One product mention per customer per visit, unless they ask."
        )
        await pilot.click("#asked")  # the customer asked about insurance themselves
        await pilot.press("i")
        await settle(app, pilot)
        assert said(app, "error-care").startswith("✓")
        # Saved, the interest form starts blank: no product, no tick carried over.
        assert app.screen.query_one("#product", Select).value is Select.NULL
        assert not app.screen.query_one("#asked", Checkbox).value
        await pilot.press("x")
        await settle(app, pilot)
        app.screen.query_one("#product", Select).value = "insurance"
        await pilot.press("i")
        await settle(app, pilot)
        assert (
            said(app, "error-care")
            == "One product mention per customer per visit, unless they ask."
        )
    rows = [tuple(r) for r in store.query("SELECT kind, product, asked FROM care_actions")]
    assert rows == [
        ("interest", "wealth", 0),
        ("interest", "insurance", 1),
        ("not_interested", None, 0),
    ]


async def test_acting_on_a_customer_who_was_just_called(
    build_app: Build, store: Store, clock: FixedClock
) -> None:
    arrival = walk_in(store, clock, 12)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        move_arrival(store, arrival, "called")  # the counter called them meanwhile
        await pilot.press("a")
        await settle(app, pilot)
        assert "is no longer waiting (called or gone): nothing recorded" in said(app, "error-care")
        assert "Nobody is waiting" in screen_text(app)
    assert one_row(store, "SELECT COUNT(*) FROM care_actions")[0] == 0


async def test_a_round_left_open_resumes_after_a_restart(
    build_app: Build, store: Store, clock: FixedClock
) -> None:
    walk_in(store, clock, 2)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4", "b")
        await settle(app, pilot)
    clock.advance(minutes=3)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        assert "Round in progress since 10:30" in screen_text(app)
        await pilot.press("e")
        await settle(app, pilot)
    assert one_row(store, "SELECT COUNT(*) FROM rounds")[0] == 1
    assert one_row(store, "SELECT completed_at FROM rounds")[0] == "2026-11-28T02:33:00Z"


async def test_rounds_in_chinese(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R3.2
    walk_in(store, clock, 11)
    app = build_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        text = screen_text(app)
        assert "需致歉！" in text and "当前没有进行中的巡视" in text
        await pilot.press("a")
        await settle(app, pilot)
        assert "✓ 致歉：B001" in said(app, "error-care")


async def test_no_round_falls_due_after_closing(
    build_app: Build, store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:  # covers: R3.1
    told: list[str] = []
    clock.set(clock.now().replace(hour=0, minute=50))  # the app first used at 08:50
    open_shift_today(store, load_settings(store))
    clock.set(clock.now().replace(hour=13, minute=48))  # 21:48 in the branch, long closed
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        monkeypatch.setattr(app, "notify", lambda message, **kw: told.append(message))
        await settle(app, pilot)
        text = screen_text(app)
        assert "The lobby is closed for today" in text
        assert "late" not in text
        # 09:15 … 16:30 missed; the 16:45 round had not been missed by the 17:00 closing.
        assert "Missed today: 30" in text
        app.remind_round()
        await settle(app, pilot)
    assert told == []
