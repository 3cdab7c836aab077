"""The shift handover (issue 8): the day's figures as `lobby report` gives them, what is
open, the note, and the sign-off that the next shift's dashboard shows."""

from __future__ import annotations

import json
from datetime import timedelta

from textual.widgets import Static, TextArea

from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.settings import Settings
from lobby_tui.report_formats import readable_figures, shown
from lobby_tui.services.report import day_report
from lobby_tui.services.staff import add_staff
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import SUPERVISOR_PIN, Build, one_row, settle
from tests.helpers.cli import lobby
from tests.helpers.clock import MORNING
from tests.helpers.screen import accept_handover, screen_text


async def test_the_screen_agrees_with_the_report_of_the_demo_day(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:
    write_demo_morning(store, settings, MORNING.date(), lang="en")
    clock.set(MORNING + timedelta(hours=9))  # 19:30: the day is over, the figures final
    app = build_app()
    async with app.run_test(size=(200, 60)) as pilot:  # wide: no label wraps
        await pilot.press("f7")
        await settle(app, pilot)
        text = screen_text(app)
    # The command head office runs, on the same file, in another process.
    result = lobby("report", "--db", str(store.path), "--date", "2026-11-28", "--format", "json")
    assert result.returncode == 0, result.stderr
    printed = json.loads(result.stdout)
    report = day_report(store, settings, MORNING.date(), "en")
    assert report.to_json_dict() == printed
    assert printed["arrivals"]["total"] == 69 and printed["complaints"]["received"] == 2
    for figure in readable_figures(report):
        assert f"{figure.label} {shown(figure)}" in text, figure
    assert "Enquiries answered 6" in text
    assert "09 " in text and "Arrivals and mean wait per hour" in text
    assert "Complaint C20261111-01 Annual fee charged twice due 11-21" in text
    assert "Callback C20261122-01 Card retained by ATM 2 call 11-25" in text  # late


async def test_sign_off_closes_the_shift_and_the_next_dashboard_shows_the_note(
    build_app: Build, store: Store, clock: FixedClock
) -> None:
    app = build_app()
    li = add_staff(store, "Li", "lobby_manager", "1234")
    first = app.shift
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f7")
        await settle(app, pilot)
        assert "Nothing open: a clean handover." in screen_text(app)
        leaving = str(app.screen.query_one("#leaving", Static).render())
        assert leaving == "Handing over: Wang"  # the signed-in manager signs off
        app.screen.query_one("#handover-note", TextArea).focus()
        await pilot.press(*"ATM 2 engineer comes at 15:00")
        clock.advance(hours=4)
        await pilot.click("#sign-off")
        await accept_handover(app, pilot, "Li", "1234")  # covers: R6.5
        assert app.current_mode == "dashboard"
        text = screen_text(app)
        assert "11-28 14:30 handed over: Wang → Li" in text  # the time first: never cut
        assert "ATM 2 engineer comes at 15:00" in text
        assert app.signed_in is not None and app.signed_in.id == li
    assert first is not None and app.shift is not None and app.shift.id != first.id
    row = one_row(
        store,
        "SELECT closed_by, handover_note, accepted_by FROM shifts WHERE id = ?",
        (first.id,),
    )
    assert tuple(row) == ("Wang", "ATM 2 engineer comes at 15:00", li)
    opened_by = one_row(store, "SELECT opened_by FROM shifts WHERE id = ?", (app.shift.id,))
    assert opened_by[0] == li
    # The next start of the app belongs to the new shift and still shows the note.
    again = build_app()
    assert again.shift is not None and again.shift.id == app.shift.id
    async with again.run_test(size=(100, 40)) as pilot:
        await settle(again, pilot)
        assert "ATM 2 engineer comes at 15:00" in screen_text(again)


async def test_the_note_is_a_draft_until_sign_off(build_app: Build, store: Store) -> None:
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f7")
        await settle(app, pilot)
        app.screen.query_one("#handover-note", TextArea).focus()
        await pilot.press(*"Cash delivery at 14:00")
        await pilot.pause(0.8)
    again = build_app()
    async with again.run_test(size=(100, 40)) as pilot:
        await pilot.press("f7")
        await settle(again, pilot)
        assert again.screen.query_one("#handover-note", TextArea).text == "Cash delivery at 14:00"


async def test_the_handover_shows_the_head_anchors_it_and_backs_up(
    build_app: Build, store: Store, clock: FixedClock
) -> None:
    # covers: R6.2 — issue 14: the head as signed off leaves the file; a copy at each sign-off
    from lobby_tui.services.backup import backups
    from lobby_tui.services.verify import verify_file
    from lobby_tui.store.anchors import anchors_path, parse_anchor

    app = build_app()
    add_staff(store, "Li", "lobby_manager", "1234")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f7")
        await settle(app, pilot)
        seq, digest = one_row(store, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
        assert f"Journal head {seq}:{digest[:20]}" in screen_text(app).replace("\n", "")
        clock.advance(hours=4)
        await pilot.press("ctrl+s")
        await accept_handover(app, pilot, "Li", "1234")
        for _ in range(200):  # the backup runs in the background
            if any("Backup made" in n.message for n in app._notifications):
                break
            await pilot.pause(0.05)
        said = [n.message for n in app._notifications]
    head = one_row(store, "SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1")
    [line] = anchors_path(store.path).read_text().splitlines()
    assert parse_anchor(line) is not None and line.endswith(" handover")
    assert str(parse_anchor(line)) == f"{head[0]}:{head[1]}"
    [copy] = backups(store.path)
    assert any(f"Backup made: {copy}" in m for m in said), said
    assert verify_file(copy).ok


async def test_after_a_handover_past_closing_the_next_record_still_has_a_shift(
    build_app: Build, store: Store, clock: FixedClock
) -> None:
    # covers: R2.8 — issue 15: nothing is ever stored without a shift, and no empty shift is
    # left open overnight
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f7")
        await settle(app, pilot)
        clock.advance(hours=8)  # 18:30 in the branch: after closing
        await pilot.press("ctrl+s")
        # The day's last manager closes it with their own PIN: nobody comes after them.
        await accept_handover(app, pilot, "Wang", SUPERVISOR_PIN)
        assert app.shift is None
        assert one_row(store, "SELECT COUNT(*) FROM shifts WHERE closed_at IS NULL")[0] == 0
        await pilot.press("f3", "w", "enter")  # a late customer is still seen
        await settle(app, pilot)
        assert app.shift is not None
        assert "Shift open since 18:30" in screen_text(app)
    open_now = one_row(store, "SELECT id FROM shifts WHERE closed_at IS NULL")[0]
    walk_in = one_row(store, "SELECT shift_id FROM arrivals ORDER BY arrived_at DESC LIMIT 1")
    assert walk_in[0] == open_now


async def test_a_record_after_midnight_belongs_to_the_new_days_shift(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R2.8 — the app left running past midnight in the branch
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        first = app.shift
        assert first is not None
        clock.advance(hours=14)  # 00:30 the next day in the branch
        await pilot.press("f3", "w", "enter")
        await settle(app, pilot)
        assert app.shift is not None and app.shift.id != first.id
        assert app.shift.business_day == first.business_day + timedelta(days=1)
    row = one_row(
        store,
        "SELECT a.business_day, s.business_day FROM arrivals a JOIN shifts s"
        " ON s.id = a.shift_id ORDER BY a.arrived_at DESC LIMIT 1",
    )
    assert row[0] == row[1]
