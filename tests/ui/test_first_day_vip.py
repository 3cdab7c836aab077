"""Rules a branch would catch on its first day (issue 31, items 3, 5 and 11): the VIP and
their wealth manager, the name typed at the handover and sign-in, and what the accept step
says."""

from __future__ import annotations

from textual.widgets import Input

from lobby_tui.screens.signin import AcceptShift, SignInScreen
from lobby_tui.services.staff import add_staff
from lobby_tui.store import Store
from lobby_tui.widgets.signin import WhoAndPin
from tests.conftest import Build, on_roster, settle, signed_in_supervisor
from tests.ui.test_app import screen_text


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
