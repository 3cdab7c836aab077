"""The counter view driven as a teller drives it (R2.9, issue 26): `lobby counter --window
N` builds the app this way; a teller's sign-in opens it too."""

from __future__ import annotations

import pytest
from textual.widgets import Button

from lobby_tui.app import LobbyApp, make_app
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.staff import StaffMember
from lobby_tui.screens.counter import CounterScreen
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import SUPERVISOR_PIN, on_roster, one_row, settle
from tests.helpers.floor import walk_in_ticket
from tests.helpers.screen import screen_text


def buttons(app: LobbyApp) -> list[str]:
    """The labels of the targets a finger can tap, as shown."""
    return [str(b.label) for b in app.screen.query(Button) if b.display]


def counter_app(
    store: Store, settings: Settings, teller: StaffMember, language: str = "en"
) -> LobbyApp:
    shift = open_shift_today(store, settings)
    return make_app(store, settings, language, shift=shift, signed_in=teller, window=1)


async def test_a_teller_calls_recalls_marks_a_no_show_serves_and_rates(
    store: Store, settings: Settings, clock: FixedClock
) -> None:  # covers: R2.9, R2.5, R3.5
    teller = on_roster(store, "Zhou Tao")
    plain = walk_in_ticket(store)
    clock.advance(minutes=3)
    elderly = walk_in_ticket(store, priority=True)
    app = counter_app(store, settings, teller)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CounterScreen)
        text = screen_text(app)
        assert "Window 1" in text and "press Next" in text
        assert "waiting for it now: 2" in text
        await pilot.press("d")  # nobody there yet: said, nothing written
        await settle(app, pilot)
        assert "Nobody is at window 1: press Next first." in screen_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"{elderly}, please come to window 1." in text and "★ priority" in text
        await pilot.press("x")  # a no-show needs a recall first
        await settle(app, pilot)
        assert f"Recall {elderly} once before marking a no-show" in screen_text(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert "recalled 1×" in screen_text(app)
        await pilot.press("x")
        await settle(app, pilot)
        assert f"{elderly} did not come" in screen_text(app)
        await pilot.click("#counter-next")  # a tap does what the key does
        await settle(app, pilot)
        assert f"{plain}, please come to window 1." in screen_text(app)
        clock.advance(minutes=6)
        await pilot.press("d")
        await settle(app, pilot)
        assert f"Rate {plain}:" in screen_text(app)
        assert [label for label in buttons(app) if label in "12345skip"] == [*"12345", "skip"]
        await pilot.click("#counter-rate-4")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"{plain} rated the service 4 / 5" in text
        assert "served 1 · mean service 6.0 min · no-shows 1" in text
        assert app.screen.query_one("#counter-next", Button).disabled is False
    rows = store.rows("SELECT ticket, status, window_no, no_show, satisfaction FROM arrivals")
    assert {tuple(r) for r in rows} == {(plain, "done", 1, None, 4), (elderly, "left", 1, 1, None)}
    actors = store.rows(
        "SELECT DISTINCT actor FROM events"
        " WHERE kind LIKE 'arrival.%' AND kind != 'arrival.triaged'"
    )
    assert [a for (a,) in actors] == [teller.id]  # every act under the teller's name


async def test_a_transfer_asks_where_and_why(
    store: Store, settings: Settings
) -> None:  # covers: R2.9
    teller = on_roster(store, "Zhou Tao")
    ticket = walk_in_ticket(store)
    app = counter_app(store, settings, teller)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CounterScreen)
        screen.query_one("#counter-to").value = "channel:non_cash"  # type: ignore[attr-defined]
        screen.query_one("#counter-reason").focus()
        await pilot.press("enter")  # no reason: said, nothing moved
        await settle(app, pilot)
        assert "Say why the customer moves" in screen_text(app)
        await pilot.press(*"card replacement", "enter")
        await settle(app, pilot)
        assert f"{ticket} transferred" in screen_text(app)
    row = one_row(store, "SELECT status, channel, moved_reason FROM arrivals")
    assert tuple(row) == ("waiting", "non_cash", "card replacement")


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_the_counter_in_chinese(
    store: Store, settings: Settings, size: tuple[int, int]
) -> None:  # covers: R2.9
    teller = on_roster(store, "周涛")
    ticket = walk_in_ticket(store)
    app = counter_app(store, settings, teller, language="zh")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        assert "1号窗口" in screen_text(app)
        shown = buttons(app)
        for label in ("呼叫下一位  n", "重呼  r", "办结  d", "过号  x", "转窗  t"):
            assert label in shown
        await pilot.press("n")
        await settle(app, pilot)
        assert f"请 {ticket} 号到 1 号窗口办理。" in screen_text(app)


async def test_a_teller_signing_in_lands_on_the_counter(
    store: Store, settings: Settings
) -> None:  # covers: R2.9
    from lobby_tui.screens.signin import SignInScreen
    from tests.helpers.app import signed_in_supervisor

    signed_in_supervisor(store)
    teller = on_roster(store, "Zhou Tao")
    store.actor = None
    shift = open_shift_today(store, settings)
    app = make_app(store, settings, "en", shift=shift)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignInScreen)
        from lobby_tui.services.staff import sign_in

        app.screen.dismiss(sign_in(store, teller.id, SUPERVISOR_PIN))
        await settle(app, pilot)
        assert isinstance(app.screen, CounterScreen)
        assert "Pick the window you are at" in screen_text(app)
