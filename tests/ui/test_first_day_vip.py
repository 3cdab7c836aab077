"""Rules a branch would catch on its first day (issue 31, items 3, 5 and 11): the VIP and
their wealth manager, the name typed at the handover and sign-in, and what the accept step
says."""

from __future__ import annotations

from textual.widgets import Input, Static

from lobby_tui.app import LobbyApp
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.signin import AcceptShift, FirstSupervisorScreen, LockScreen, SignInScreen
from lobby_tui.services.report import day_report
from lobby_tui.services.staff import add_staff
from lobby_tui.services.triage import live_queue
from lobby_tui.store import FixedClock, Store
from lobby_tui.widgets.signin import WhoAndPin
from tests.helpers.app import Build, on_roster, settle, signed_in_supervisor
from tests.helpers.clock import MORNING
from tests.helpers.screen import screen_text


def tries(store: Store, staff_id: str) -> int:
    """Wrong (or right) PINs claimed on this person: what counts towards their lockout."""
    rows = store.rows(
        "SELECT COUNT(*) FROM events WHERE kind = 'staff.pin_tried' AND entity_id = ?",
        (staff_id,),
    )
    return int(rows[0][0])


async def test_the_name_typed_at_the_handover_is_the_one_whose_pin_is_checked(
    build_app: Build, store: Store
) -> None:  # covers: R6.5
    app = build_app()
    boss = signed_in_supervisor(store)
    leaving = on_roster(store, "Zhou", "lobby_manager")
    zhang = add_staff(store, "Zhang Wei", "teller", "1357")  # after the supervisor
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        store.actor = leaving.id  # Zhou hands over; the supervisor is preselected
        app.push_screen(AcceptShift())
        await settle(app, pilot)
        panel = app.screen.query_one(WhoAndPin)
        assert panel.staff_id == boss.id
        assert app.screen.focused is panel.query_one("#signin-pin", Input)
        await pilot.press(*"Zhang", "space", *"Wei", *"0000", "enter")  # never Tab
        await settle(app, pilot)
        assert panel.query_one("#signin-filter", Input).value == "Zhang Wei"
        assert panel.staff_id == zhang
        assert "Wrong PIN" in str(app.screen.query_one("#signin-error").render())
    assert tries(store, zhang) == 1
    assert tries(store, boss.id) == 0  # the supervisor's lockout is not touched


async def test_the_name_typed_at_sign_in_goes_to_the_name_search(
    build_app: Build, store: Store
) -> None:  # covers: R6.5
    boss = signed_in_supervisor(store)
    li = add_staff(store, "Li Ming", "lobby_manager", "1234")
    store.actor = None
    app = build_app(signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        for _ in range(50):
            await pilot.pause(0.02)
            if isinstance(app.screen, SignInScreen):
                break
        await settle(app, pilot)
        await pilot.press(*"Li", *"9999", "enter")
        await settle(app, pilot)
        assert app.screen.query_one(WhoAndPin).staff_id == li
        await pilot.press(*"1234", "enter")  # the PIN selected after a wrong one: replaced
        await settle(app, pilot)
        assert "Waiting now" in screen_text(app)
    assert app.signed_in is not None and app.signed_in.id == li
    assert tries(store, boss.id) == 0 and tries(store, li) == 2


def centred_box(app: LobbyApp) -> tuple[int, int]:
    """Where the who-are-you box stands: its left and right margins on the screen."""
    box = app.screen.query_one("#signin-box").region
    return box.x, app.screen.size.width - box.right


async def test_the_accept_step_says_who_hands_over_to_whom_and_what_is_open(
    build_app: Build, store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R6.5
    write_demo_morning(store, settings, MORNING.date(), lang="en")
    clock.set(MORNING)  # 10:30: customers waiting, complaints and incidents open
    report = day_report(store, settings, MORNING.date(), "en")
    waiting = sum(p.status == "waiting" for p in live_queue(store, MORNING.date()))
    assert waiting and report.open_complaints and report.open_tasks
    app = build_app()
    add_staff(store, "Li", "lobby_manager", "1234")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f7")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AcceptShift)
        who = str(app.screen.query_one("#accept-who", Static).render())
        assert who == "Wang hands over to Li."
        said = str(app.screen.query_one("#accept-open", Static).render())
        assert said == (
            f"Open now — complaints: {len(report.open_complaints)} · incidents: "
            f"{len(report.open_incidents)} · tasks: {len(report.open_tasks)} · customers "
            f"waiting: {waiting}."
        )
        left, right = centred_box(app)
        assert abs(left - right) <= 1 and left > 0  # the sign-in's centred box
        await pilot.press(*"Wang")  # the person shown is the one who accepts
        await pilot.pause()
        assert str(app.screen.query_one("#accept-who", Static).render()) == (
            "Wang hands over to Wang."
        )


async def test_every_who_are_you_screen_is_the_same_centred_box(
    build_app: Build, store: Store
) -> None:  # covers: R6.5
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        widths = []
        for screen in (SignInScreen(), LockScreen(), FirstSupervisorScreen(), AcceptShift()):
            app.push_screen(screen)
            await pilot.pause()
            await pilot.pause()
            left, right = centred_box(app)
            assert abs(left - right) <= 1 and left > 0, type(screen).__name__
            widths.append(app.screen.query_one("#signin-box").region.width)
            app.pop_screen()
            await pilot.pause()
        assert len(set(widths)) == 1, widths


async def test_the_vip_key_picks_the_tier_and_a_vip_withdrawing_cash_goes_to_the_window(
    build_app: Build, store: Store
) -> None:  # covers: R2.5, R2.6, R2.8
    wealth = on_roster(store, "Zhao", "wealth_manager")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("4", "w")  # VIP (the first tier), cash withdrawal
        await pilot.pause()
        flags = str(app.screen.query_one("#flags", Static).render())
        assert "VIP·Gold" in flags
        suggestion = str(app.screen.query_one("#suggestion", Static).render())
        assert "Priority window" in suggestion and "Wealth zone" not in suggestion
        await pilot.press("4")  # the key again: the next tier
        await pilot.pause()
        assert "VIP·Platinum" in str(app.screen.query_one("#flags", Static).render())
        await pilot.press("enter")
        await settle(app, pilot)
    channel, flags_kept = store.rows("SELECT channel, flags FROM arrivals")[0]
    assert channel == "priority" and "vip" in flags_kept
    (owner, what) = store.rows("SELECT owner, what FROM tasks WHERE source = 'vip'")[0]
    assert owner == wealth.id and "Platinum VIP" in what


async def test_the_vip_key_after_the_last_tier_unmarks_the_customer(
    build_app: Build, store: Store
) -> None:  # covers: R2.5
    app = build_app(language="zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        shown = []
        for _ in range(5):
            await pilot.press("4")
            await pilot.pause()
            shown.append(str(app.screen.query_one("#flags", Static).render()).split()[3])
    assert shown == ["4贵宾·金卡", "4贵宾·白金", "4贵宾·钻石", "4贵宾·私人银行", "4贵宾"]


async def test_the_wealth_manager_sees_the_vip_on_their_own_session(
    store: Store, settings: Settings
) -> None:  # covers: R2.6, R1.6
    from lobby_tui.app import make_app
    from lobby_tui.services.shift import open_shift_today
    from lobby_tui.widgets.topbar import TopBar
    from tests.helpers.walkins import walk_in

    wealth = on_roster(store, "Zhao", "wealth_manager")
    store.actor = wealth.id
    app = make_app(store, settings, "en", shift=open_shift_today(store, settings), signed_in=wealth)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        assert "waiting for you" not in str(app.screen.query_one(TopBar).render())
        walk_in(store, settings, "cash_withdrawal", ["vip"], tier="diamond")  # another tablet
        app.check_for_me()  # as its timer does
        await settle(app, pilot)
        assert "★ 1 waiting for you" in str(app.screen.query_one(TopBar).render())


async def test_a_fast_typist_keys_arrive_in_order(build_app: Build, store: Store) -> None:
    # covers: R6.5 — keys sent faster than the focus moves are all queued at the PIN field
    from textual import events

    add_staff(store, "Li Ming", "lobby_manager", "1234")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(AcceptShift())
        await settle(app, pilot)
        panel = app.screen.query_one(WhoAndPin)
        pin = panel.query_one("#signin-pin", Input)
        for char in "Li Ming5678":
            pin.post_message(events.Key(char if char != " " else "space", char))
        await pilot.pause()
        await pilot.pause()
        name = panel.query_one("#signin-filter", Input)
        assert name.value == "Li Ming"
        assert pin.value == "5678"
        # Enter, queued at the name search while the digits went on to the PIN, answers.
        await name.action_submit()
        await settle(app, pilot)
        assert "Wrong PIN" in str(app.screen.query_one("#signin-error").render())
