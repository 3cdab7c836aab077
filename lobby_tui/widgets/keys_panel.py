"""The keys panel (palette → Show keys): Textual's help panel, narrower, with its own way out.

Textual's panel takes a third of the screen and at least 30 columns, and nothing closes it
but the palette. Here it takes 24 of 80 columns (the screen stays usable beside it, and the
panel takes no focus); Escape or the same palette command closes it (app.py). Textual's
help text for the focused widget (English only, and long) is left out: the keys say it."""

from __future__ import annotations

from textual.widgets import HelpPanel


class KeysPanel(HelpPanel):
    DEFAULT_CSS = """
    KeysPanel {
        width: 30%;
        min-width: 22;
        max-width: 44;
    }
    KeysPanel.-show-help #widget-help {
        display: none;
    }
    """
