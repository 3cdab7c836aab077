"""Who holds the tablet (issue 16): sign-in, the idle lock, a colleague unlocking, wrong
PINs, the first supervisor, the roster and the handover accepted by the next person."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from lobby_tui.app import LobbyApp
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.signin import AcceptShift, FirstSupervisorScreen, LockScreen, SignInScreen
from lobby_tui.services.staff import add_staff, set_active
from lobby_tui.store import FixedClock, Store
from lobby_tui.widgets.signin import WhoAndPin
from tests.helpers.app import SUPERVISOR_PIN, Build, one_row, settle, signed_in_supervisor
from tests.helpers.clock import MORNING
from tests.helpers.screen import pick_and_type, screen_text, wait_for


def error_text(app: LobbyApp) -> str:
    return str(app.screen.query_one("#signin-error").render())


async def test_sign_in_at_shift_start_is_pin_and_enter(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R6.5
    boss = signed_in_supervisor(store)
    li = add_staff(store, "Li", "lobby_manager", "1234")
    store.actor = None
    app = build_app(signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(app, pilot, SignInScreen)
        text = screen_text(app)
        assert "Waiting now" not in text  # the lobby stays covered
        assert "Li Ming 1234" not in text  # the demo's hint: only in the demo
        await pilot.press("f5", "ctrl+p")  # no place, no palette before signing in
        assert isinstance(app.screen, SignInScreen)
        # Bad input: said beside the PIN, the PIN kept (selected, so typing replaces it).
        await pick_and_type(app, pilot, "Li", "123")
        assert error_text(app) == "A PIN has 4 to 8 digits."
        assert app.screen.query_one("#signin-pin", Input).value == "123"
        # A letter typed goes to the name search (tests/ui/test_first_day_vip.py); pasted,
        # it reaches the PIN and is said.
        app.screen.query_one("#signin-pin", Input).value = "12a4"
        await pilot.press("enter")
        await settle(app, pilot)
        assert error_text(app) == "A PIN is digits only (0–9)."
        await pilot.press(*"123456789", "enter")
        await settle(app, pilot)
        assert error_text(app) == "A PIN has 4 to 8 digits."
        await pilot.press(*"9999", "enter")
        await settle(app, pilot)
        assert error_text(app) == "Wrong PIN. Try again."
        assert app.screen.query_one(WhoAndPin).staff_id == li  # the name chosen stays
        await pilot.press(*"1234", "enter")  # how soon: bench/signin.py
        await settle(app, pilot)
        assert "Li" in screen_text(app) and "Waiting now" in screen_text(app)
    assert app.signed_in is not None and app.signed_in.id == li
    assert one_row(store, "SELECT opened_by FROM shifts")[0] == li
    signed = one_row(store, "SELECT actor FROM events WHERE kind = 'staff.signed_in'")
    assert signed[0] == li != boss.id
    # The next start preselects Li: 4 digits and Enter are the whole sign-in (5 keys).
    app = build_app(signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(app, pilot, SignInScreen)
        await pilot.press("1", "2", "3", "4", "enter")
        await settle(app, pilot)
        assert app.signed_in is not None and app.signed_in.id == li
        assert "Waiting now" in screen_text(app)


async def test_a_deactivated_person_is_refused_with_the_reason(
    build_app: Build, store: Store
) -> None:
    signed_in_supervisor(store)
    gone = add_staff(store, "Sun", "teller", "2468")
    set_active(store, gone, False)
    store.actor = None
    app = build_app(signed_in=False, language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(app, pilot, SignInScreen)
        # Sun is not in the list of who may sign in at all.
        assert "Sun" not in screen_text(app)
    from lobby_tui.domain.errors import Invalid
    from lobby_tui.services.staff import sign_in

    try:
        sign_in(store, gone, "2468")
    except Invalid as exc:
        assert exc.key == "staff_inactive"
    else:
        raise AssertionError("a deactivated person signed in")


async def test_the_first_start_asks_for_the_first_supervisor(
    build_app: Build, store: Store
) -> None:
    app = build_app(signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(app, pilot, FirstSupervisorScreen)
        await pilot.press(*"Zhao", "enter", *"4826", "enter", *"4827", "enter")
        await settle(app, pilot)
        assert "The two PINs differ" in screen_text(app)
        assert app.screen.query_one("#input-name", Input).value == "Zhao"  # nothing lost
        app.screen.query_one("#input-pin_again", Input).value = "4826"
        await settle(app, pilot)  # the message under the field goes, and the form moves up
        await pilot.click("#first-go")
        await settle(app, pilot)
        assert app.signed_in is not None and app.signed_in.name == "Zhao"
        assert "Waiting now" in screen_text(app)
    assert one_row(store, "SELECT role, active FROM staff")[:] == ("supervisor", 1)


async def test_idle_lock_keeps_a_half_typed_complaint(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R6.5, R4.1
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f5", "ctrl+n")
        await settle(app, pilot)  # the intake form in front, as the manager sees it
        await pilot.press(*"Card kept by ATM 2")
        app.lock_if_idle()  # a key since the last look: the idle time starts now
        clock.advance(minutes=4, seconds=59)
        app.lock_if_idle()
        assert not isinstance(app.screen, LockScreen)
        clock.advance(seconds=1)  # five minutes untouched (idle_lock_min)
        app.lock_if_idle()
        await wait_for(app, pilot, LockScreen)
        text = screen_text(app)
        assert "Card kept" not in text and "Locked" in text
        draft = one_row(store, "SELECT body FROM drafts WHERE key = 'complaint:new'")
        assert '"description": "Card kept by ATM 2"' in draft[0]  # saved before the lock
        await pilot.press("f1", "f8")  # the places stay shut
        assert isinstance(app.screen, LockScreen)
        await pick_and_type(app, pilot, None, SUPERVISOR_PIN)  # Wang preselected
        assert not isinstance(app.screen, LockScreen)
        area = app.screen.query_one("#description")
        assert "Card kept by ATM 2" in str(getattr(area, "text", ""))
    kinds = store.rows("SELECT kind FROM events WHERE kind = 'staff.unlocked'")
    assert kinds == [("staff.unlocked",)]


async def test_a_colleague_unlocks_and_becomes_the_actor(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R6.5
    app = build_app()
    boss = app.signed_in
    assert boss is not None
    li = add_staff(store, "Li", "lobby_manager", "1234")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await wait_for(app, pilot, LockScreen)
        await pick_and_type(app, pilot, "Li", "1234")
        assert app.signed_in is not None and app.signed_in.id == li
        assert "Li" in screen_text(app)
        await pilot.press("f3", "w", "enter")  # a walk-in, triaged by Li
        await settle(app, pilot)
    row = one_row(store, "SELECT actor, payload FROM events WHERE kind = 'staff.unlocked'")
    assert row[0] == li and boss.id in row[1]
    arrival = one_row(
        store, "SELECT actor FROM events WHERE entity = 'arrival' ORDER BY seq DESC LIMIT 1"
    )
    assert arrival[0] == li


async def test_five_wrong_pins_lock_out(build_app: Build, store: Store, clock: FixedClock) -> None:
    app = build_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+l")
        await wait_for(app, pilot, LockScreen)
        for i in range(4):
            await pick_and_type(app, pilot, None, "0000")
            assert error_text(app) == "密码错误，请重试。", i
        await pick_and_type(app, pilot, None, "0000")
        assert error_text(app) == "密码错误次数过多：请在 60 秒后重试。"
        await pick_and_type(app, pilot, None, SUPERVISOR_PIN)  # even the right one waits
        assert isinstance(app.screen, LockScreen)
        clock.advance(seconds=61)
        await pick_and_type(app, pilot, None, SUPERVISOR_PIN)
        assert not isinstance(app.screen, LockScreen)
    kinds = [r[0] for r in store.rows("SELECT kind FROM events WHERE kind LIKE 'staff.%'")]
    assert kinds[-7:] == ["staff.pin_tried"] * 6 + ["staff.unlocked"]  # 5 wrong, 1 right


async def test_the_roster_adds_and_keeps_the_last_supervisor(
    build_app: Build, store: Store
) -> None:  # covers: R6.5
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(app, pilot)
        app.open_roster()
        await pilot.pause()
        screen = app.screen
        screen.query_one("#input-name", Input).value = "Zhou"
        screen.query_one("#input-add_pin", Input).value = "12a"
        await pilot.click("#add")
        await settle(app, pilot)
        assert "A PIN is digits only (0–9)." in screen_text(app)
        assert screen.query_one("#input-name", Input).value == "Zhou"
        screen.query_one("#input-add_pin", Input).value = "7531"
        await settle(app, pilot)  # the message under the PIN goes, and the button moves up
        await pilot.click("#add")
        await settle(app, pilot)
        assert "Zhou" in screen_text(app)
        people = screen.query_one("#roster-people", OptionList)
        wang = next(i for i, p in enumerate(screen.people) if p.name == "Wang")  # type: ignore[attr-defined]
        people.highlighted = wang
        await pilot.pause()
        await pilot.click("#toggle-active")
        await settle(app, pilot)
        assert "The last supervisor stays active" in screen_text(app)
    assert one_row(store, "SELECT role FROM staff WHERE name = 'Zhou'")[0] == "lobby_manager"
    assert one_row(store, "SELECT active FROM staff WHERE name = 'Wang'")[0] == 1


async def test_the_handover_is_accepted_by_the_next_person(
    build_app: Build, store: Store, clock: FixedClock
) -> None:  # covers: R6.5
    app = build_app()
    add_staff(store, "Li", "lobby_manager", "1234")
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f7")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await wait_for(app, pilot, AcceptShift)
        await pick_and_type(app, pilot, "Wang", SUPERVISOR_PIN)  # not before closing time
        assert "accepts with their own name and PIN" in error_text(app)
        await pick_and_type(app, pilot, "Li", "0000")
        assert error_text(app) == "Wrong PIN. Try again."
        await pick_and_type(app, pilot, "Li", "1234")
        assert app.current_mode == "dashboard"
        assert "handed over: Wang → Li" in screen_text(app)  # the time first: never cut


async def test_timelines_say_who_did_what(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R6.5
    from lobby_tui.content import incident_catalogue
    from lobby_tui.services.complaints import timeline as complaint_timeline
    from lobby_tui.services.incidents import raise_incident, tick_step
    from lobby_tui.services.incidents import timeline as incident_timeline
    from tests.helpers.floor import take_waiting_time as take

    app = build_app()
    complaint_id = take(store, settings)
    incident_id = raise_incident(
        store, incident_catalogue(), day=app.shift.business_day if app.shift else MORNING.date(),
        shift_id=None, type_id="suspicious", zone=None, severity="medium", note="",
    )  # fmt: skip
    tick_step(store, incident_id, 0, "Watched from a distance")
    assert {u.by for u in complaint_timeline(store, complaint_id)} == {"Wang"}
    assert {u.by for u in incident_timeline(store, incident_id)} == {"Wang"}
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        await settle(app, pilot)
        assert "— Wang" in screen_text(app)
        await pilot.press("f5", "ctrl+k", "enter")
        await settle(app, pilot)
        assert "— Wang" in screen_text(app)


async def test_the_demo_shows_its_roster_on_the_sign_in(build_app: Build, store: Store) -> None:
    from lobby_tui.demo.staff import seed_roster

    seed_roster(store, "zh")
    app = build_app(language="zh", demo=True, signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_for(app, pilot, SignInScreen)
        text = screen_text(app)
        assert "演示名单 — 王芳 2580（主管）" in text and "陈静 5678（柜员）" in text
        await pick_and_type(app, pilot, "王芳", "2580")
        assert app.signed_in is not None and app.signed_in.name == "王芳"


async def test_the_first_place_key_after_signing_in_opens_the_place(
    build_app: Build, store: Store
) -> None:  # covers: R6.5
    """The name picked from the list (↓, Enter), the PIN, Enter: the very next F-key opens
    its place (it once fell on the closing sign-in screen and was lost)."""
    signed_in_supervisor(store)
    add_staff(store, "Li", "lobby_manager", "1234")
    store.actor = None
    app = build_app(signed_in=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_for(app, pilot, SignInScreen)
        await pilot.press("down", "enter", *SUPERVISOR_PIN, "enter")
        await settle(app, pilot)
        assert app.signed_in is not None
        await pilot.press("f5")
        await settle(app, pilot)
        assert "Quick answer" in screen_text(app)


async def test_a_crash_prints_no_local_value(
    build_app: Build, capsys: pytest.CaptureFixture[str]
) -> None:  # covers: R6.5
    """Whatever ends the app, its traceback never shows a value a frame held: Textual's own
    shows every local, so a PIN being checked was printed on screen (issue 25)."""
    app = build_app()

    def check(pin: str) -> None:
        raise RuntimeError("the check failed")

    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            try:
                check("".join(reversed("46813579")))  # the value nowhere in the source
            except RuntimeError as exc:
                app._handle_exception(exc)
            await pilot.pause()
    printed = capsys.readouterr().err
    assert "the check failed" in printed and "check" in printed  # the frame and the error
    assert "97531864" not in printed
