"""What a test reads on the screen and how it drives it: the text the manager reads, a
settled click, the palette, a screen waited for, a field's message."""

from __future__ import annotations

import re

from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Input, Select, Static

from lobby_tui.app import LobbyApp
from lobby_tui.screens.signin import AcceptShift
from lobby_tui.widgets.signin import WhoAndPin
from tests.helpers.app import settle


def screen_lines(app: LobbyApp) -> list[str]:
    """Every line the active screen's text widgets show, widget by widget."""
    from textual.widgets import DataTable

    lines: list[str] = []
    for widget in app.screen.query(Static):
        if widget.display and widget.size.area:
            strips = widget.render_lines(Region(0, 0, *widget.size))
            lines.extend(strip.text.rstrip() for strip in strips)
    from textual.widgets import OptionList

    for listing in app.screen.query(OptionList):  # the options, as listed
        if listing.display:
            for index in range(listing.option_count):
                prompt = listing.get_option_at_index(index).prompt
                lines.append(str(getattr(prompt, "plain", prompt)))
    for table in app.screen.query(DataTable):  # the rows, as a table's cells show them
        for row in range(table.row_count):
            lines.append("  ".join(str(cell) for cell in table.get_row_at(row)))
    return lines


def screen_text(app: LobbyApp) -> str:
    """What the manager reads, with box borders and line wrapping taken out."""
    return re.sub(r"[\s│┃╭╮╰╯┏┓┗┛─━]+", " ", "\n".join(screen_lines(app)))


async def run_command(
    app: LobbyApp, pilot: Pilot[None], words: str, expect: str | None = None
) -> None:
    """Open the palette with ctrl+p, type `words`, wait until the best match is the command
    showing `expect` (default: the words), and take it with enter."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*words)
    wanted = (expect or words).casefold()
    for _ in range(150):  # the palette gathers matches in the background
        await pilot.pause(0.02)
        palette = app.screen
        if isinstance(palette, CommandPalette):
            found = palette.query_one(CommandList)
            if found.highlighted is not None:
                prompt = found.get_option_at_index(found.highlighted).prompt
                if wanted in str(getattr(prompt, "plain", prompt)).casefold():
                    break
    await pilot.press("enter")
    await pilot.pause()


def box_of(app: LobbyApp, title: str) -> str:
    """The top border of the dashboard box titled `title`: heavy (┏) means alert."""
    for line in screen_lines(app):
        if title in line:
            return line.strip()[0]
    raise AssertionError(f"no box titled {title!r}")


async def click(app: LobbyApp, pilot: Pilot[None], selector: str) -> None:
    """A button pressed as a finger presses it: scrolled into view first (a case is a long
    page), on a settled screen, and the screen settled again after it."""
    app.screen.query_one(selector).scroll_visible(animate=False)
    await settle(app, pilot)
    # Textual says whether the click reached the widget: one that landed elsewhere (the
    # button moved under the pointer) fails here, not three steps later.
    assert await pilot.click(selector), f"the click missed {selector}"
    await settle(app, pilot)


async def wait_for(app: LobbyApp, pilot: Pilot[None], kind: type) -> None:
    """Until the screen in front is a `kind` (a screen pushed by a worker, a timer)."""
    for _ in range(150):
        if isinstance(app.screen, kind):
            break
        await pilot.pause(0.02)
    assert isinstance(app.screen, kind), type(app.screen).__name__
    await pilot.pause()


async def pick_and_type(app: LobbyApp, pilot: Pilot[None], name: str | None, pin: str) -> None:
    """The name found by typing it in the filter (if given), the PIN, Enter."""
    panel = app.screen.query_one(WhoAndPin)
    if name is not None:
        panel.query_one("#signin-filter", Input).focus()
        await pilot.press(*name, "enter")
    await pilot.press(*pin, "enter")
    await settle(app, pilot)


async def accept_handover(app: LobbyApp, pilot: Pilot[None], name: str, pin: str) -> None:
    """The incoming manager accepts the shift with their name and PIN."""
    await wait_for(app, pilot, AcceptShift)
    await pick_and_type(app, pilot, name, pin)


def said(app: LobbyApp, widget_id: str) -> str:
    """What the Static `#widget_id` says (a field's message, a notice)."""
    return str(app.screen.query_one(f"#{widget_id}", Static).render())


def error_of(app: LobbyApp, field: str) -> str:
    return str(app.screen.query_one(f"#error-{field}", Static).render())


async def open_checklist(app: LobbyApp, pilot: Pilot[None]) -> None:
    await pilot.press("f2")
    await settle(app, pilot)
    assert app.current_mode == "checklist"


async def put_on_duty(
    app: LobbyApp, pilot: Pilot[None], who: str, post: str, lunch: str = ""
) -> None:
    """The duty form: the person, where, from 08:30 to 17:30, the lunch typed, Enter."""
    screen = app.screen
    screen.query_one("#duty-person", Select).value = who
    await pilot.pause()
    screen.query_one("#duty-post", Select).value = post
    form = screen.query_one("#duty-form")
    form.query_one("#input-duty-starts", Input).value = "08:30"
    form.query_one("#input-duty-ends", Input).value = "17:30"
    lunch_input = form.query_one("#input-duty-lunch", Input)
    lunch_input.value = lunch
    lunch_input.focus()
    await pilot.press("enter")
    await settle(app, pilot)


def fill_case(app: LobbyApp, amount: str = "50000") -> None:
    """The fraud case's required facts (R5.4): amount at risk, payee, channel."""
    app.screen.query_one("#input-fraud-amount", Input).value = amount
    app.screen.query_one("#fraud-payee", Select).value = "individual"
    app.screen.query_one("#fraud-channel", Select).value = "phone"
