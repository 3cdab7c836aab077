"""The day after hours (issue 15): a whole day played with the fake clock — walk-ins before
opening and after closing, a round and a task after closing, the handover after closing —
and the dashboard, the handover (F7) and `lobby report` agreeing on every figure."""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from lobby_tui.content import checklist_template
from lobby_tui.domain.settings import Settings
from lobby_tui.report_formats import readable_figures, service_level_means, shown
from lobby_tui.screens.checklist import ChecklistScreen
from lobby_tui.screens.dashboard import DashboardScreen
from lobby_tui.screens.modals.bundle import BundleDialog
from lobby_tui.services import checklist
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
from lobby_tui.services.report import day_report
from lobby_tui.services.shift import open_shift_today
from lobby_tui.services.triage import close_day
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import SUPERVISOR_PIN, Build, on_screen, settle
from tests.helpers.cli import lobby
from tests.helpers.clock import local
from tests.helpers.screen import accept_handover, screen_lines, screen_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 28)


# The day's walk-ins: (arrived, called, done or left, how it ended).
WALKINS = [
    ((8, 50), (8, 55), (9, 0), "done"),  # before opening
    ((9, 10), (9, 13), (9, 20), "done"),
    ((10, 0), (10, 4), (10, 15), "done"),
    ((11, 0), (11, 20), (11, 30), "done"),  # called after the red mark
    ((12, 0), (12, 2), (12, 10), "done"),
    ((14, 0), None, (14, 25), "left"),  # walked away before being called
    ((16, 40), (16, 46), (16, 55), "done"),
    ((16, 50), None, None, "not_seen"),  # still waiting when the day is closed
    ((17, 20), (17, 25), (17, 35), "done"),  # after closing
    ((18, 0), (18, 2), (18, 10), "done"),  # after closing
]


def play_the_floor(store: Store, clock: FixedClock, shift_id: str) -> None:
    """Every walk-in, call, service and walk-away at its moment, as the queue records them."""
    steps: list[tuple[datetime, int, str]] = []
    for n, (arrived, called, ended, how) in enumerate(WALKINS):
        steps.append((local(*arrived), n, "arrive"))
        if called:
            steps.append((local(*called), n, "called"))
        if ended:
            steps.append((local(*ended), n, "done" if how == "done" else "left"))
    ids: dict[int, str] = {}
    for when, n, what in sorted(steps):
        if when >= local(17, 30) and not any(w == "closed" for w in ids.values()):
            clock.set(local(17, 30))
            assert close_day(store, DAY) == 1  # E: the 16:50 customer was never seen
            ids[-1] = "closed"
        clock.set(when)
        if what == "arrive":
            ids[n], _ticket = record_arrival(
                store,
                NewArrival(shift_id, DAY.isoformat(), "enquiry", "non_cash", "B"),
            )
        else:
            move_arrival(store, ids[n], what)


def hour_bars(lines: list[str]) -> dict[int, int]:
    """The dashboard's chart as drawn: an hour, its bar, its count."""
    bars: dict[int, int] = {}
    for line in lines:
        for hour, count in re.findall(r"[│┃] (\d\d) █* +(\d+)(?= |$)", line):
            bars[int(hour)] = int(count)
    return bars


async def test_a_whole_day_after_hours_agrees_on_every_screen(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R2.7, R3.1, R1.3
    clock.set(local(8, 40))
    shift = open_shift_today(store, settings)  # the manager starts the app at 08:40
    play_the_floor(store, clock, shift.id)

    # A shortage found after closing: due at tomorrow's opening, not "due 09:00" past.
    clock.set(local(18, 5))
    template = checklist_template()
    item = template.item("deposit_slips")
    checklist.answer_item(
        store,
        settings,
        day=DAY,
        shift_id=shift.id,
        template=template,
        item=item,
        label=item.label.en,
        answer=None,
        count=12,
    )

    app = build_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(app, pilot)
        dashboard = screen_text(app)
        bars = hour_bars(screen_lines(app))
        assert "The lobby is closed for today: no more rounds due." in dashboard
        assert "Next due" not in dashboard and "Due since" not in dashboard

        # A round walked after closing: counted, and no due time comes back.
        clock.set(local(18, 8))
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        clock.set(local(18, 12))
        await pilot.press("e")
        await settle(app, pilot)
        rounds_text = screen_text(app)
        assert "none due today" in rounds_text and "next due" not in rounds_text

        # F2's Tasks tab: the shortage says what to do and when, with no overdue mark.
        await pilot.press("f2")
        await settle(app, pilot)
        checks = on_screen(app, ChecklistScreen)
        checks.query_one("#check-tabs").active = "tab-tasks"  # type: ignore[attr-defined]
        await settle(app, pilot)
        tasks_text = screen_text(app)
        assert "Restock Deposit slips (sheets): 12 left, minimum 50 due 11-29 09:00" in (tasks_text)
        assert "overdue" not in tasks_text

        # The handover after closing.
        clock.set(local(18, 30))
        await pilot.press("f7")
        await settle(app, pilot)
        handover = screen_text(app)
        # The day's figures fill the screen: the manager scrolls down to sign off.
        app.screen.query_one("#sign-off").scroll_visible(animate=False)
        await settle(app, pilot)
        await pilot.click("#sign-off")
        # The day's last manager closes it with their own PIN: nobody comes after them.
        await accept_handover(app, pilot, "Wang", SUPERVISOR_PIN)
        await settle(app, pilot)
        on_screen(app, BundleDialog)  # the day's bundle is offered (issue 18): not now
        await pilot.press("escape")
        await settle(app, pilot)
        on_screen(app, DashboardScreen)
        after = screen_text(app)

    report = day_report(store, settings, DAY, "en")
    printed = json.loads(
        lobby(
            "report", "--db", str(store.path), "--date", DAY.isoformat(), "--format", "json"
        ).stdout
    )
    assert printed == report.to_json_dict()
    a = printed["arrivals"]
    # By hand: 10 walk-ins; 8 called, 7 of them within 15 min; one walked away and one was
    # not seen (both against the branch): 7 ÷ 10. Waits 5, 3, 4, 20, 2, 6, 5, 2: mean 5.9.
    assert (a["total"], a["served"], a["walkaways"]) == (10, 8, 1)
    assert a["service_level"] == 0.7 and a["wait_min"]["mean"] == 5.9
    assert printed["rounds"]["done"] == 1

    # The dashboard: the same arrivals, served, service level and mean wait; every bar.
    for text in (dashboard, after):
        assert "Arrivals today: 10" in text and "Served 8" in text
        assert "Service level 70.0% · mean wait 5.9 min" in text
    assert bars == {8: 1, 9: 1, 10: 1, 11: 1, 12: 1, 13: 0, 14: 1, 15: 0, 16: 2, 17: 1, 18: 1}
    assert sum(bars.values()) == a["total"]
    assert {h.hour: h.arrivals for h in report.hourly if h.arrivals} == {
        hour: count for hour, count in bars.items() if count
    }
    # F7: every figure as the report labels and shows it, and what the level counts.
    for figure in readable_figures(report):
        assert f"{figure.label} {shown(figure)}" in handover, figure
    assert service_level_means(report) in handover
    assert "Restock Deposit slips (sheets): 12 left, minimum 50" in handover


async def test_a_database_first_opened_after_closing_misses_no_round(
    build_app: Build, clock: FixedClock
) -> None:  # covers: R3.1
    clock.set(local(18, 3))
    app = build_app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Missed today" not in text and "No round yet today." in text
        assert "The lobby is closed for today: no more rounds due." in text
        clock.set(local(18, 8))
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("b")
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        text = screen_text(app)
        assert "1 done, 0 missed" in text and "next due" not in text
        assert "16:45" not in text
