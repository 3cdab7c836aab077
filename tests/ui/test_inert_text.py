"""Stored text is inert on the terminal (issue 16): rows written behind the app's back (a
merged tablet, the sqlite3 shell) holding escape sequences are drawn as visible stand-ins on
every screen, never sent to the terminal as they are."""

from __future__ import annotations

import sqlite3
from datetime import date

from lobby_tui.app import LobbyApp
from lobby_tui.content import complaint_catalogue, incident_catalogue
from lobby_tui.domain.complaints import Intake
from lobby_tui.domain.settings import Settings
from lobby_tui.services import complaints as service
from lobby_tui.services.arrivals import NewArrival, record_arrival
from lobby_tui.services.incidents import raise_incident
from lobby_tui.store import Store
from tests.helpers.app import Build, settle
from tests.helpers.clock import MORNING

EVIL = "\x1b]0;PWNED\x07"  # retitles the window; ESC [2J would wipe the screen
SHOWN = "␛]0;PWNED␇"


def terminal_bytes(app: LobbyApp) -> str:
    """Everything the app would write to the terminal to draw the screen now."""
    update = app.screen._compositor.render_full_update()
    return update.render_segments(app.console)


def plant(store: Store, settings: Settings) -> None:
    """Records made by the app, then edited by hand to hold the sequence."""
    service.take_complaint(
        store,
        settings,
        complaint_catalogue(),
        Intake(received_at=MORNING, via="in_person", category="device_fault", severity="high",
               description="MARK card kept", subject="MARK subject", name="MARK"),
        shift_id=None,
    )  # fmt: skip
    day = date(2026, 11, 28)
    record_arrival(store, NewArrival(None, day.isoformat(), "enquiry", "non_cash", "B",
                                     note="MARK note"))  # fmt: skip
    raise_incident(store, incident_catalogue(), day=day, shift_id=None, type_id="crowding",
                   zone=None, severity=None, note="MARK crowd")  # fmt: skip
    with sqlite3.connect(store.path) as shell:
        for table, column in (("complaints", "subject"), ("complaints", "description"),
                              ("complaints", "customer_name"), ("arrivals", "note"),
                              ("incidents", "note")):  # fmt: skip
            shell.execute(f"UPDATE {table} SET {column} = replace({column}, 'MARK', ?)", (EVIL,))
    shell.close()


async def test_escape_sequences_in_stored_text_are_drawn_not_obeyed(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R6.5
    plant(store, settings)
    app = build_app()
    async with app.run_test(size=(140, 48), notifications=True) as pilot:
        seen = 0
        for key in ("f1", "f3", "f5", "f6"):
            await pilot.press(key)
            await settle(app, pilot)
            out = terminal_bytes(app)
            assert "\x1b]0;" not in out and "\x07" not in out, key
            seen += out.count(SHOWN)
        assert seen >= 4  # the dashboard, the queue's note, the case list, the incident
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("ctrl+r")  # the name, revealed on purpose, is still inert
        await settle(app, pilot)
        out = terminal_bytes(app)
        assert "\x1b]0;" not in out and SHOWN in out
        app.notify(f"case {EVIL} saved", markup=False)  # a notification quoting stored text
        await settle(app, pilot)
        out = terminal_bytes(app)
        assert f"case {SHOWN} saved" in out and "\x1b]0;" not in out


async def test_a_pasted_nul_or_escape_is_refused_beside_the_field_and_kept(
    build_app: Build, store: Store
) -> None:  # covers: R6.5
    from textual.widgets import Input, Select, TextArea

    from lobby_tui.i18n import set_language
    from tests.helpers.screen import screen_text

    for language, said in (("en", "Holds a control character (␀, character 8)"),
                           ("zh", "含有不能保存的控制字符（第 8 个字符：␀）")):  # fmt: skip
        set_language(language)
        app = build_app(language)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("f5", "ctrl+n")
            await settle(app, pilot)
            screen = app.screen
            screen.query_one("#select-category", Select).value = "fees"
            screen.query_one("#description", TextArea).text = "Charged\x00twice"
            screen.query_one("#input-subject", Input).value = f"Fee {EVIL}"
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert said in screen_text(app)
            assert screen.query_one("#description", TextArea).text == "Charged\x00twice"  # kept
            screen.query_one("#description", TextArea).text = "Charged\ntwice"  # lines are fine
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert ("(␛, character 5)" if language == "en" else "第 5 个字符：␛") in screen_text(
                app
            )  # now the subject is the one said
            assert screen.query_one("#input-subject", Input).value == f"Fee {EVIL}"
        assert store.query_one("SELECT COUNT(*) FROM complaints")[0] == 0  # type: ignore[index]


async def test_a_direction_override_is_refused_beside_the_field_and_kept(
    build_app: Build, store: Store
) -> None:  # covers: R6.5
    from textual.widgets import Select, TextArea

    from lobby_tui.i18n import set_language
    from tests.helpers.screen import screen_text

    typed = "Charged 100\u202e yuan twice"
    for language, said in (("en", "changes the order text is shown in (U+202E, character 12)"),
                           ("zh", "第 12 个字符：U+202E")):  # fmt: skip
        set_language(language)
        app = build_app(language)
        async with app.run_test(size=(100, 40)) as pilot:
            await pilot.press("f5", "ctrl+n")
            await settle(app, pilot)
            screen = app.screen
            screen.query_one("#select-category", Select).value = "fees"
            screen.query_one("#description", TextArea).text = typed
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert said in screen_text(app)
            assert screen.query_one("#description", TextArea).text == typed  # kept as typed
        assert store.query_one("SELECT COUNT(*) FROM complaints")[0] == 0  # type: ignore[index]
