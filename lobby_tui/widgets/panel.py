"""A titled box on the dashboard. Clicking it (touch) goes to the place it summarises."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.console import RenderableType
from textual import events
from textual.widgets import Static

if TYPE_CHECKING:
    from lobby_tui.app import LobbyApp


class Panel(Static):
    DEFAULT_CSS = """
    Panel {
        border: round $primary 60%;
        border-title-color: $text;
        border-title-style: bold;
        padding: 0 1;
        height: auto;
        min-height: 3;
    }
    Panel.-alert {
        border: heavy $error;
    }
    Panel.-warn {
        border: round $warning;
    }
    Panel:hover {
        border: round $accent;
    }
    """

    def __init__(self, place: str | None = None, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.place = place

    def show(self, title: str, body: RenderableType, level: str = "ok") -> None:
        self.border_title = title
        self.set_class(level == "alert", "-alert")
        self.set_class(level == "warn", "-warn")
        self.update(body)

    def on_click(self, event: events.Click) -> None:
        if self.place:
            cast("LobbyApp", self.app).go(self.place)
