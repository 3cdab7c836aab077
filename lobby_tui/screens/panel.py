"""A panel is one part of a place (the case list, the intake form, the day plan): a widget
that reads and writes through the services like its screen, tells its screen what happened
by posting messages, and never reaches into the panels beside it."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.widget import Widget

from lobby_tui.screens.base import LobbyScreen

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp


def place_of(panel: Widget) -> LobbyScreen:
    """The place the panel is shown in: its guard for user actions, its day and colours.
    Panels are only composed by LobbyScreens."""
    return cast(LobbyScreen, panel.screen)


def lobby_of(panel: Widget) -> LobbyApp:
    """The store, settings and language the panel reads (never the app's actions)."""
    return place_of(panel).lobby_app
