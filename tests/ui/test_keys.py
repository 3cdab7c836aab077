"""Letter shortcuts act only where the manager expects them: a letter typed while a select
has the focus is the select's (it opens on the matching choice), a letter typed into a text
field is text, on every place and in the flag dialog; a select opened with the mouse answers
the keyboard."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Select

from lobby_tui.app import LobbyApp
from lobby_tui.screens.modals.flag import FlagDialog
from lobby_tui.screens.triage import TriageScreen
from lobby_tui.store import Store
from tests.helpers.app import Build, on_screen, one_row, settle


def events_written(store: Store) -> int:
    return int(one_row(store, "SELECT COUNT(*) FROM events")[0])


async def type_into_select(
    app: LobbyApp, pilot: Pilot[None], select_id: str, keys: str
) -> Select[str]:
    select: Select[str] = app.screen.query_one(f"#{select_id}", Select)
    select.focus()
    await pilot.pause()
    await pilot.press(*keys)
    await pilot.pause()
    return select


async def test_letters_on_a_select_never_fire_the_places_shortcuts(
    build_app: Build, store: Store
) -> None:  # covers: R3.1, R3.2, R5.1
    app = build_app()
    async with app.run_test(size=(120, 40)) as pilot:
        before = events_written(store)
        # Rounds: b begins a round, e ends it, a apologises, i notes an interest.
        await pilot.press("f4")
        await settle(app, pilot)
        select = await type_into_select(app, pilot, "product", "i")
        assert select.expanded  # the letter opened the list, on the choice it starts
        await pilot.press("enter")
        await pilot.pause()
        assert select.value == "insurance" and not select.expanded
        await type_into_select(app, pilot, "observe-crowding", "beai")
        await pilot.press("escape")
        # Incidents: b and i log reminders.
        await pilot.press("f6")
        await settle(app, pilot)
        await type_into_select(app, pilot, "device-select", "bi")
        await pilot.press("escape")
        # Complaints: the filters of the case list.
        await pilot.press("f5")
        await settle(app, pilot)
        await type_into_select(app, pilot, "filter-status", "cn")
        await pilot.press("escape")
        assert events_written(store) == before  # no round, no reminder, nothing


async def test_a_letter_typed_after_a_tab_to_the_channel_changes_nothing_else(
    build_app: Build, store: Store
) -> None:  # covers: R2.3, R2.5
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("t")  # a transfer
        screen = on_screen(app, TriageScreen)
        channel = await type_into_select(app, pilot, "channel", "rqaw")
        assert screen.need is not None and screen.need.id == "transfer"
        assert channel.expanded and app.screen is screen  # no queue, no appointment
        await pilot.press("escape")
        await pilot.pause()
        assert channel.has_focus


async def test_the_flag_dialog_keeps_letters_on_its_selects_and_note(
    build_app: Build, store: Store
) -> None:  # covers: R5.1
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8")
        await pilot.pause()
        dialog = on_screen(app, FlagDialog)
        await type_into_select(app, pilot, "flag-severity", "m")  # m: a medical emergency
        assert dialog.chosen is None
        await pilot.press("escape")  # closes the list, not the dialog
        await pilot.pause()
        assert app.screen is dialog
        app.screen.query_one("#flag-note", Input).focus()
        await pilot.press(*"crowd at door")
        assert dialog.chosen is None
        assert app.screen.query_one("#flag-note", Input).value == "crowd at door"


async def test_a_select_opened_with_the_mouse_answers_the_keyboard(
    build_app: Build, store: Store
) -> None:  # covers: R5.3
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f8", "t", "enter")  # threat or violence: on the incidents screen
        await settle(app, pilot)
        before = events_written(store)
        party = app.screen.query_one("#party", Select)
        await pilot.click("#party")
        await pilot.pause()
        assert party.expanded
        await pilot.press("b", "down", "enter")  # b: not a reminder, a choice in the list
        await pilot.pause()
        assert party.value is not Select.NULL and not party.expanded
        assert events_written(store) == before


async def test_letters_typed_into_a_text_field_are_text(build_app: Build, store: Store) -> None:
    # covers: R5.1
    app = build_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press("f8", "t", "enter")
        await settle(app, pilot)
        before = events_written(store)
        app.screen.query_one("#input-resolution", Input).focus()
        await pilot.press(*"bib and space")
        await pilot.pause()
        assert app.screen.query_one("#input-resolution", Input).value == "bib and space"
        assert events_written(store) == before  # no reminder, no step ticked
