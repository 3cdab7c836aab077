"""A place whose tools are not in this version yet: it says so plainly, and what to do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from lobby_tui.i18n import t
from lobby_tui.screens.base import LobbyScreen
from lobby_tui.widgets.footer import LobbyFooter
from lobby_tui.widgets.topbar import TopBar


class PlaceScreen(LobbyScreen):
    DEFAULT_CSS = """
    PlaceScreen VerticalScroll { padding: 1 2; }
    PlaceScreen .place-title { text-style: bold; margin-bottom: 1; }
    PlaceScreen .place-body { margin-bottom: 1; }
    """

    def __init__(self, place: str) -> None:
        super().__init__(id=f"place-{place}")
        self.PLACE = place

    def compose(self) -> ComposeResult:
        yield TopBar(self.PLACE)
        with VerticalScroll():
            yield Static(classes="place-title", id="place-title")
            yield Static(classes="place-body", id="place-body")
            yield Static(classes="place-body", id="place-meanwhile")
        yield LobbyFooter()

    def on_mount(self) -> None:
        self.retranslate()

    def retranslate(self) -> None:
        super().retranslate()
        self.query_one("#place-title", Static).update(t(f"place.{self.PLACE}.title"))
        self.query_one("#place-body", Static).update(t(f"place.{self.PLACE}.purpose"))
        self.query_one("#place-meanwhile", Static).update(t("place.not_yet"))
