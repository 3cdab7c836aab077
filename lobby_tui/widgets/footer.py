"""The footer: the key to every place, tappable. One Static drawn from the screen's active
bindings (so it shows what the keys really do, translated) rather than Textual's Footer, whose
widget per key costs first-paint time on the dashboard. The places come first; at 80 columns
the row is full, so what follows them (the dashboard's scroll keys, the palette's ctrl+p,
always working) shows only when there is room for it whole."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.widgets import Static

from lobby_tui.i18n import t

PALETTE_MIN_WIDTH = 100
GUIDE_ID = "help"  # the app's `?` binding (app.py)


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
        self.app.theme_changed_signal.subscribe(self, self.bindings_changed)  # its key colour
        self.draw()

    def bindings_changed(self, _screen: object) -> None:
        self.draw()

    def on_resize(self, event: events.Resize) -> None:
        self.draw()

    def draw(self) -> None:
        colours = self.app.theme_variables
        key_style = f"bold {colours.get('accent', 'yellow')}"
        line = Text()
        shown = [
            active
            for active in self.screen.active_bindings.values()
            if active.binding.show and active.enabled
        ]
        # The places (the app's keys) first: a key of the screen's is dropped before them.
        shown.sort(key=lambda active: active.node is not self.app)
        entries = [
            (active.binding.key, active.binding.key_display or active.binding.key,
             active.binding.description, active.binding.id == GUIDE_ID)
            for active in shown
        ]  # fmt: skip
        if self.size.width >= PALETTE_MIN_WIDTH:
            entries.append(("ctrl+p", "^p", t("textual.palette"), False))
        for key, display, description, bare_fits in entries:
            entry = Text.assemble((display, key_style), f" {description}")
            if line.cell_len + entry.cell_len > self.size.width > 0 and line:
                # Only whole entries: a cut one says nothing. The guide's `?` says itself:
                # at 80 columns, where the places leave no room for its word, it stands alone.
                entry = Text(display, style=key_style)
                if not bare_fits or line.cell_len + entry.cell_len > self.size.width:
                    continue
            entry.stylize(Style(meta={"key": key}))
            line.append_text(entry)
            line.append(" ")
        self.update(line)

    def on_click(self, event: events.Click) -> None:
        """A tap on an entry does what its key does."""
        key = event.style.meta.get("key")
        if key:
            self.app.simulate_key(key)
