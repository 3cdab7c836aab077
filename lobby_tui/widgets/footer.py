"""The footer: the key to every place, tappable. One Static drawn from the screen's active
bindings (so it shows what the keys really do, translated) rather than Textual's Footer, whose
widget per key costs first-paint time on the dashboard. At 80 columns the row is full, so the
palette key (ctrl+p, always working) shows only when there is room."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widgets import Static

from lobby_tui.i18n import t

PALETTE_MIN_WIDTH = 100


class LobbyFooter(Static):
    DEFAULT_CSS = """
    LobbyFooter {
        dock: bottom;
        height: 1;
        background: $panel;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self.bindings_changed)
        self.draw()

    def bindings_changed(self, _screen: object) -> None:
        self.draw()

    def on_resize(self, event: events.Resize) -> None:
        self.draw()

    def draw(self) -> None:
        colours = self.app.theme_variables
        key_style = f"bold {colours.get('accent', 'yellow')}"
        line = Text()
        entries = [
            (key, active.binding.key_display or key, active.binding.description)
            for key, active in self.screen.active_bindings.items()
            if active.binding.show and active.enabled
        ]
        if self.size.width >= PALETTE_MIN_WIDTH:
            entries.append(("ctrl+p", "^p", t("textual.palette")))
        for key, shown, description in entries:
            start = len(line)
            line.append(shown, style=key_style)
            line.append(f" {description}")
            line.stylize(Style(meta={"key": key}), start, len(line))
            line.append(" ")
        self.update(line)

    def on_click(self, event: events.Click) -> None:
        """A tap on an entry does what its key does."""
        key = event.style.meta.get("key")
        if key:
            self.app.simulate_key(key)
