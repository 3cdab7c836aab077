"""Every duty by touch (R6.3): the buttons and rows made from a place's bindings do what the
keys do, and the result is in the database."""

from __future__ import annotations

import pytest
from rich.console import Console
from textual.widgets import Input, Select, TabbedContent, TextArea

from lobby_tui.app import LobbyApp
from lobby_tui.screens.triage.screen import TriageScreen
from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.store import FixedClock, Store
from lobby_tui.widgets.action_bar import ActionBar, ActionButton
from lobby_tui.widgets.browser_keys import SERVED_ENV
from lobby_tui.widgets.keys_panel import KeysPanel, TappableBindings, TappableKeyPanel
from tests.helpers.app import Build, on_screen, one_row, settle


def walk_in(store: Store, clock: FixedClock, minutes_ago: int) -> str:
    clock.advance(minutes=-minutes_ago)
    arrival_id, _ = record_arrival(
        store, NewArrival(None, "2026-11-28", "enquiry", "non_cash", "B")
    )
    clock.advance(minutes=minutes_ago)
    return arrival_id


async def tap(app: LobbyApp, pilot: object, selector: str) -> None:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    assert await pilot.click(selector)
    await settle(app, pilot)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_a_round_by_touch(
    build_app: Build, store: Store, clock: FixedClock, size: tuple[int, int]
) -> None:
    # covers: R6.3, R3.1
    longest = walk_in(store, clock, 14)
    walk_in(store, clock, 3)
    app = build_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        tall = app.screen.query_one("#act-a", ActionButton).outer_size.height
        assert tall == (1 if size[1] < 36 else 3)  # a finger's target on a tablet
        await tap(app, pilot, "#round-actions #act-b")
        assert one_row(store, "SELECT count(*) FROM rounds WHERE completed_at IS NULL")[0] == 1
        await tap(app, pilot, "#care-keys #act-a")  # the longest waiter, first in the list
        await tap(app, pilot, "#care-keys #act-w")
        await tap(app, pilot, "#round-actions #act-h")
        await tap(app, pilot, "#end")
        assert app.screen.query_one("#act-a", ActionButton).has_focus is False
    care = [tuple(r) for r in store.query("SELECT arrival_id, kind FROM care_actions")]
    # h: help at a machine for someone with no ticket
    assert care == [(longest, "apology"), (longest, "water"), (None, "self_service")]
    assert one_row(store, "SELECT count(*) FROM rounds WHERE completed_at IS NOT NULL")[0] == 1


async def test_every_queue_action_has_a_button_and_it_acts(
    build_app: Build, store: Store, clock: FixedClock
) -> None:
    # covers: R6.3, R2.3
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        screen = on_screen(app, TriageScreen)
        bar = screen.query_one("#queue-actions", ActionBar)
        keys = [b.binding.key for b in bar.query(ActionButton)]
        assert keys == ["c", "d", "l", "b", "m", "u", "plus", "minus", "E"]
        day = screen.day.isoformat()
        first, _ = record_arrival(store, NewArrival(None, day, "transfer", "non_cash", "B"))
        screen.refresh_queue()
        await settle(app, pilot)
        await tap(app, pilot, "#queue-actions #act-c")
        assert one_row(store, "SELECT status FROM arrivals WHERE id = ?", (first,))[0] == "called"
        await tap(app, pilot, "#queue-actions #act-d")
        assert one_row(store, "SELECT status FROM arrivals WHERE id = ?", (first,))[0] == "done"


def line_of(app: LobbyApp, words: str) -> int:
    """The line of the keys panel's table that says `words`."""
    table = app.screen.query_one(TappableBindings)
    console = Console(width=table.size.width, height=200)
    lines = console.render_lines(table.render(), pad=False)
    return next(i for i, line in enumerate(lines) if words in "".join(s.text for s in line))


async def test_a_tap_on_a_row_of_the_keys_panel_runs_its_key(
    build_app: Build, store: Store, clock: FixedClock
) -> None:
    # covers: R6.3
    walk_in(store, clock, 14)
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        app.action_show_help_panel()
        await settle(app, pilot)
        await pilot.pause(0.2)
        # Canary: the rows we mirror are the rows Textual's table drew (Textual pinned).
        table = app.screen.query_one(TappableBindings)
        assert len(table.render().rows) == len(table.rows)
        await pilot.click(TappableBindings, offset=(2, line_of(app, "Begin round")))
        await settle(app, pilot)
        assert one_row(store, "SELECT count(*) FROM rounds")[0] == 1
        await pilot.pause(0.2)
        close = line_of(app, "Hide keys")  # at the end of a long list: scrolled to
        app.screen.query_one(TappableKeyPanel).scroll_to(y=close - 5, animate=False)
        await pilot.pause()
        await pilot.click(TappableBindings, offset=(2, close))
        await settle(app, pilot)
        assert not app.screen.query(KeysPanel)


async def test_the_palette_names_the_browser_key_when_served(
    build_app: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    # covers: R6.3, R6.6
    monkeypatch.setenv(SERVED_ENV, "1")
    app = build_app()
    async with app.run_test(size=(120, 40)):
        helps = [c.help for c in app.palette_commands()]
        assert any(h.endswith("(F9)") for h in helps)
        assert not any("(F5)" in h for h in helps)


async def test_ctrl_k_leaves_the_complaint_text_for_the_cases(build_app: Build) -> None:
    # covers: R6.3, R4.1
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert app.screen.focused is not None and app.screen.focused.id == "description"
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert app.screen.query_one("#complaint-tabs", TabbedContent).active == "tab-cases"


async def test_save_complaint_is_in_reach_below_the_form(build_app: Build, store: Store) -> None:
    # covers: R6.3, R4.1
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f5")
        await settle(app, pilot)
        await tap(app, pilot, "#--content-tab-tab-intake")  # the tab, tapped
        screen = app.screen
        screen.query_one("#description", TextArea).text = "Card kept by ATM 2"
        screen.query_one("#input-subject", Input).value = "ATM card"
        screen.query_one("#select-category", Select).value = "device_fault"
        await settle(app, pilot)
        save = screen.query_one("#intake-actions #act-ctrl-s", ActionButton)
        assert save.region.bottom <= 24 - 1  # on screen, above the footer, unscrolled
        await tap(app, pilot, "#intake-actions #act-ctrl-s")
    assert one_row(store, "SELECT subject FROM complaints")[0] == "ATM card"


async def test_reminders_by_tap(build_app: Build, store: Store) -> None:
    # covers: R6.3, R5.1
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f6")
        await settle(app, pilot)
        await tap(app, pilot, "#remind-actions #act-b")
        await tap(app, pilot, "#remind-actions #act-i")
    kinds = sorted(r[0] for r in store.query("SELECT kind FROM reminders"))
    assert kinds == ["belongings", "pin"]


@pytest.mark.parametrize(
    ("place", "bar", "target"),
    [
        ("f4", "#care-keys", "rounds"),
        ("f4", "#round-actions", "rounds"),
        ("f3", "#queue-actions", "queue"),
        ("f6", "#remind-actions", "incidents"),
    ],
)
async def test_every_button_runs_its_own_key_s_action(
    build_app: Build, monkeypatch: pytest.MonkeyPatch, place: str, bar: str, target: str
) -> None:
    # covers: R6.3
    app = build_app()
    ran: list[tuple[str, str | None]] = []

    async def record(action: str, node: object = None, namespaces: object = None) -> bool:
        ran.append((action, getattr(node, "id", None)))
        return True

    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press(place)
        await settle(app, pilot)
        monkeypatch.setattr(app, "run_action", record)
        buttons = list(app.screen.query_one(bar, ActionBar).query(ActionButton))
        assert buttons
        for button in buttons:
            assert button.outer_size.height == 3  # a finger's target at tablet size
            await pilot.click(button)
        assert ran == [(b.binding.action, target) for b in buttons]
