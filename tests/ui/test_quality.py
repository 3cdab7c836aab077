"""Service quality as the manager records it on the floor (issue 20): a form sent back by
the counter is one key on the queue (and `u` takes it back), the rating at done is a small
line that never holds the queue up, machine help needs no ticket, and F7 shows the figures."""

from __future__ import annotations

from datetime import date

from textual.widgets import DataTable, Static

from lobby_tui.app import LobbyApp
from lobby_tui.screens.triage import TriageScreen
from lobby_tui.screens.triage.queue import RatingPrompt
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, on_screen, one_row, settle
from tests.helpers.screen import screen_text

DAY = "2026-11-28"


def waiting(store: Store, called: bool = False) -> str:
    arrival_id, _ = record_arrival(store, NewArrival(None, DAY, "transfer", "non_cash", "B"))
    if called:
        move_arrival(store, arrival_id, "called")
    return arrival_id


def queue_said(app: LobbyApp) -> str:
    return str(app.screen.query_one("#error-queue", Static).render())


def prompt(app: LobbyApp) -> RatingPrompt:
    return app.screen.query_one(RatingPrompt)


async def open_queue(app: LobbyApp, pilot: object) -> None:
    on_screen(app, TriageScreen).refresh_queue()
    await pilot.press("q")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    assert app.screen.query_one("#queue", DataTable).has_focus


async def test_a_form_sent_back_is_one_key_and_u_takes_it_back(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R3.3
    at_counter = waiting(store, called=True)  # B001, at the counter
    waiting(store)  # B002, still waiting: listed first
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await open_queue(app, pilot)
        await pilot.press("b")  # B002 waits: no counter has seen their form
        await settle(app, pilot)
        assert "B002 is not at a counter" in queue_said(app)
        await pilot.press("down", "b")  # B001, at the counter, sent back
        await settle(app, pilot)
        assert "B001: form sent back by the counter (1 today). u undoes it" in screen_text(app)
        row = one_row(store, "SELECT status, counter_returns FROM arrivals WHERE id = ?",
                      (at_counter,))  # fmt: skip
        assert tuple(row) == ("called", 1)  # still at the counter, the return counted
        clock.advance(seconds=10)
        await pilot.press("u")
        await settle(app, pilot)
        assert "Undone: B001 is back as before." in screen_text(app)
        await pilot.press("b")
        await settle(app, pilot)
    assert (
        one_row(store, "SELECT counter_returns FROM arrivals WHERE id = ?", (at_counter,))[0] == 1
    )
    kinds = [r[0] for r in store.query(
        "SELECT kind FROM events WHERE entity_id = ? ORDER BY seq", (at_counter,))]  # fmt: skip
    assert kinds[-3:] == ["arrival.returned", "arrival.undone", "arrival.returned"]


async def test_the_rating_at_done_is_asked_never_waited_for(
    build_app: Build, store: Store
) -> None:  # covers: R3.3
    first = waiting(store, called=True)  # B001 at the counter
    second = waiting(store, called=True)  # B002 at the counter
    third = waiting(store)  # B003 waiting (listed first)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await open_queue(app, pilot)
        assert not prompt(app).display  # nothing asked before a done
        await pilot.press("4")  # a digit with no prompt up means nothing
        await pilot.press("down", "d")  # B001 done
        await settle(app, pilot)
        assert prompt(app).display
        assert "Rate B001: 1 2 3 4 5 0 skip" in screen_text(app)
        await pilot.press("4")
        await settle(app, pilot)
        assert "✓ B001 rated the service 4 / 5." in screen_text(app)
        assert not prompt(app).display
        await pilot.press("d")  # B002 done: asked again ...
        await settle(app, pilot)
        assert "Rate B002:" in screen_text(app)
        await pilot.press("up", "c")  # ... but the manager goes on and calls B003
        await settle(app, pilot)
        assert prompt(app).display  # the question waits, the queue did not
        assert one_row(store, "SELECT status FROM arrivals WHERE id = ?", (third,))[0] == "called"
        await pilot.press("0")  # B002 would rather not say
        await settle(app, pilot)
        assert "B002: rating skipped." in screen_text(app)
        await pilot.press("d")  # B003 done; the rating is tapped on the line
        await settle(app, pilot)
        line = prompt(app)
        offset = str(line.render()).index(" 5 ") + 1
        await pilot.click(RatingPrompt, offset=(offset, 0))
        await settle(app, pilot)
    rows = {
        r[0]: (r[1], r[2] is not None)
        for r in store.query("SELECT id, satisfaction, rated_at FROM arrivals")
    }
    assert rows == {first: (4, True), second: (None, True), third: (5, True)}


async def test_undoing_a_done_takes_its_rating_and_closes_the_question(
    build_app: Build, store: Store
) -> None:  # covers: R3.3
    customer = waiting(store, called=True)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await open_queue(app, pilot)
        await pilot.press("d", "5")
        await settle(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        assert not prompt(app).display
        await pilot.press("3")  # the question went with the done
        await settle(app, pilot)
    row = one_row(store, "SELECT status, satisfaction, rated_at FROM arrivals WHERE id = ?",
                  (customer,))  # fmt: skip
    assert tuple(row) == ("called", None, None)


async def test_machine_help_for_someone_without_a_ticket(
    build_app: Build, store: Store
) -> None:  # covers: R3.4
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")  # nobody waits: the queue is empty
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert "Machine help recorded for someone in the hall without a ticket" in screen_text(app)
        await pilot.press("b", "h")  # and on a round, it belongs to the round
        await settle(app, pilot)
    rows = store.query(
        "SELECT arrival_id, kind, hall_day, round_id IS NOT NULL FROM care_actions ORDER BY at"
    )
    assert [tuple(r) for r in rows] == [
        (None, "self_service", DAY, 0),
        (None, "self_service", DAY, 1),
    ]


async def test_f7_shows_the_rework_rate_beside_the_prechecked_share(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R3.3, R3.5
    from lobby_tui.domain.rounds import Care
    from lobby_tui.services.quality import help_at_machine, rate_service, return_form
    from lobby_tui.services.rounds import give_care

    checked = waiting(store)
    give_care(store, round_id=None, arrival_id=checked, kind=Care.FORM_CHECK)
    move_arrival(store, checked, "called")
    move_arrival(store, checked, "done")
    rate_service(store, checked, 5)
    back = waiting(store, called=True)
    return_form(store, back)
    move_arrival(store, back, "done")
    rate_service(store, back, 2)
    help_at_machine(store, date(2026, 11, 28))
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f7")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Service quality" in text and "Forms the counter sent back 1" in text
        assert "Machine help given 1" in text
        assert "of which without a ticket 1" in text
        assert "Rework rate (÷ served) 50.0%" in text
        assert "Pre-checked (÷ served) 50.0%" in text
        assert "Rating, mean 3.50 / 5" in text
        assert "Rated (÷ served) 100.0%" in text
