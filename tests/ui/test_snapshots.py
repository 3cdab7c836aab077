"""What the manager sees, pixel for pixel: every place and every dialog on the demo morning,
at 80×24 in Chinese and at 160×48 in English, and the lobby after closing time. A change of
look shows up here; a Chinese character lost under a pop-up (Textual #6357) or a column cut
to one character is caught before a manager sees it.

After an intended change: `pytest -n 0 tests/ui/test_snapshots.py --snapshot-update`, then
look at the new pictures (the report's HTML, or the SVGs under __snapshots__)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, Protocol

import pytest
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button, Input, TextArea

from lobby_tui.app import LobbyApp
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.settings import Settings
from lobby_tui.i18n import t
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, settle

EVENING = datetime(2026, 11, 28, 10, 30, tzinfo=UTC)  # 18:30 in Shanghai: after closing
SIZES = {"zh": (80, 24), "en": (160, 48)}  # a laptop in Chinese, a tablet in English


class SnapCompare(Protocol):
    """The part of pytest-textual-snapshot's `snap_compare` fixture used here (the plugin
    ships no type information)."""

    def __call__(
        self,
        app: App[Any],
        *,
        terminal_size: tuple[int, int],
        run_before: Callable[[Pilot[None]], Awaitable[None]],
    ) -> bool: ...


Steps = Callable[[LobbyApp, Pilot[None]], Awaitable[None]]


async def keys(app: LobbyApp, pilot: Pilot[None], *pressed: str) -> None:
    for key in pressed:
        await pilot.press(key)
        await settle(app, pilot)


def pressing(*pressed: str) -> Steps:
    async def steps(app: LobbyApp, pilot: Pilot[None]) -> None:
        await keys(app, pilot, *pressed)

    return steps


async def intake(app: LobbyApp, pilot: Pilot[None]) -> None:
    """The intake form, drawn once its description has the focus (under load the focus lands
    a moment after Ctrl+N: the cursor would be drawn or not)."""
    await keys(app, pilot, "f5", "ctrl+n")
    for _ in range(100):
        if app.focused is not None and app.focused.id == "description":
            break
        await pilot.pause(0.05)


async def confirm(app: LobbyApp, pilot: Pilot[None]) -> None:
    """The closing-time question (E on the queue) over triage."""
    from lobby_tui.screens.modals.confirm import Confirm

    await keys(app, pilot, "f3")
    app.push_screen(Confirm(t("queue.close_day_question")))


async def slip(app: LobbyApp, pilot: Pilot[None]) -> None:
    """The slip for the customer, for the case in hand."""
    await keys(app, pilot, "f5")
    app.screen.query_one("#slip", Button).press()


async def palette(app: LobbyApp, pilot: Pilot[None]) -> None:
    """The palette searching places by name (Chinese options over the screen: #6357)."""
    await keys(app, pilot, "ctrl+p")
    await pilot.press(*("投诉" if app.language == "zh" else "complaint"))
    await pilot.pause(0.3)  # the palette gathers its matches in the background


async def keys_panel(app: LobbyApp, pilot: Pilot[None]) -> None:
    app.action_show_help_panel()


async def contrast(app: LobbyApp, pilot: Pilot[None]) -> None:
    app.switch_theme("high-contrast")


VIEWS: dict[str, Steps] = {
    "dashboard": pressing(),
    "checklist": pressing("f2"),
    "triage": pressing("f3"),
    "rounds": pressing("f4"),
    "complaints": pressing("f5"),
    "complaint_intake": intake,
    "incidents": pressing("f6"),
    "handover": pressing("f7"),
    "flag_dialog": pressing("f8"),
    "confirm_dialog": confirm,
    "slip_dialog": slip,
    "palette": palette,
    "keys_panel": keys_panel,
    "high_contrast": contrast,
}
AFTER_HOURS = ("dashboard", "rounds", "handover")


def freeze(app: LobbyApp) -> None:
    """Nothing that moves by itself: cursors stop blinking, the triage stopwatch stops, and
    the journal's head (a hash over events with random ids) shows the same digest."""
    from lobby_tui.screens.handover import HandoverScreen
    from lobby_tui.screens.triage.screen import TriageScreen

    for screen in app.screen_stack:
        for field in screen.query("Input, TextArea"):
            if isinstance(field, Input | TextArea):
                field.cursor_blink = False
            if isinstance(field, TextArea):
                # Its line cache keys on the cursor only while blinking, so a line drawn before
                # the focus came (no cursor) would be reused: clear it, draw afresh.
                field.notify_style_update()
                field.refresh()
        if isinstance(screen, TriageScreen):
            screen.spent, screen.opened = 0.0, 0.0
            screen.seconds = lambda: 12.0  # twelve seconds on this walk-in, always
            screen.tick()  # shown now, not at the next half-second tick (a dialog may cover it)
        if isinstance(screen, HandoverScreen) and screen.report and screen.report.chain_head:
            seq, digest = screen.report.chain_head
            screen.report = replace(screen.report, chain_head=(seq, "0" * len(digest)))
            screen.show_report()


def snap(
    snap_compare: SnapCompare,
    store: Store,
    settings: Settings,
    build_app: Build,
    clock: FixedClock,
    language: str,
    view: str,
    evening: bool = False,
) -> bool:
    write_demo_morning(store, settings, clock.now().date(), seed=7, lang=language)
    if evening:
        clock.set(EVENING)
    app = build_app(language, demo=True)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(app, pilot)
        await VIEWS[view](app, pilot)
        await settle(app, pilot)
        freeze(app)
        await settle(app, pilot)  # a focus given by the view has reached its widget
        freeze(app)  # so a text area's cursor stops where the focus leaves it: shown
        await pilot.pause()

    return snap_compare(app, terminal_size=SIZES[language], run_before=run_before)


@pytest.mark.parametrize("language", list(SIZES))
@pytest.mark.parametrize("view", list(VIEWS))
def test_demo_morning(
    snap_compare: SnapCompare,
    store: Store,
    settings: Settings,
    build_app: Build,
    clock: FixedClock,
    view: str,
    language: str,
) -> None:  # covers: R6.3
    assert snap(snap_compare, store, settings, build_app, clock, language, view)


@pytest.mark.parametrize("language", list(SIZES))
@pytest.mark.parametrize("view", AFTER_HOURS)
def test_after_hours(
    snap_compare: SnapCompare,
    store: Store,
    settings: Settings,
    build_app: Build,
    clock: FixedClock,
    view: str,
    language: str,
) -> None:
    assert snap(snap_compare, store, settings, build_app, clock, language, view, evening=True)
