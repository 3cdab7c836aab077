"""The keys panel (palette → Show keys): Textual's help panel, narrower, with its own way out.

Textual's panel takes a third of the screen and at least 30 columns, and nothing closes it
but the palette. Here it takes 24 of 80 columns (the screen stays usable beside it, and the
panel takes no focus); Escape or the same palette command closes it (app.py). Textual's
help text for the focused widget (English only, and long) is left out: the keys say it.
A tap on a key's row does what the key does (R6.3), the Escape row closing the panel."""

from __future__ import annotations

from itertools import groupby
from operator import itemgetter

from rich.style import Style
from rich.table import Table
from textual import events
from textual.app import ComposeResult
from textual.dom import DOMNode
from textual.widgets import HelpPanel, KeyPanel, Markdown
from textual.widgets._key_panel import BindingsTable


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

    def compose(self) -> ComposeResult:
        yield Markdown(id="widget-help")
        yield TappableKeyPanel(id="keys-help")


class TappableBindings(BindingsTable):
    """Textual's table of keys, where a tap (or click) on a key's row runs what the key
    does (R6.3): on a tablet the panel is the manager's list of every action."""

    rows: list[tuple[DOMNode, str] | None] = []
    """What each row of the table as last drawn runs (None: a group's title)."""

    def render_bindings_table(self) -> Table:
        table = super().render_bindings_table()
        # The rows in the order Textual's table adds them (see BindingsTable): a group's
        # title row, then one row per action of the group, non-system bindings only.
        rows: list[tuple[DOMNode, str] | None] = []
        active = self.screen.active_bindings.values()
        for namespace, group in groupby(active, key=itemgetter(0)):
            listed = list(group)
            if not listed:
                continue
            if namespace.BINDING_GROUP_TITLE:
                rows.append(None)
            actions = dict.fromkeys(b.action for _, b, _, _ in listed if not b.system)
            rows.extend((namespace, action) for action in actions)
        self.rows = rows
        # The whole row is the target (its padding too), not only the letters.
        for index, row in enumerate(table.rows):
            if index < len(rows) and rows[index] is not None:
                row.style = Style(meta={"binding_row": index})
        return table

    async def on_click(self, event: events.Click) -> None:
        index = event.style.meta.get("binding_row")
        if not isinstance(index, int) or index >= len(self.rows):
            return
        row = self.rows[index]
        if row is None:
            return
        event.stop()
        node, action = row
        await self.app.run_action(action, node)


class TappableKeyPanel(KeyPanel):
    def compose(self) -> ComposeResult:
        yield TappableBindings(shrink=True, expand=False)
