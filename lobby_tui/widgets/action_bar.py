"""A place's key actions as buttons a finger can hit (R6.3), made from the place's own
bindings: the key and the button run the same action, and say the same word, so they can
never disagree. Full-size buttons (3 rows) on a tablet, one-row ones on a laptop's 80x24
(widgets.compact); as many to a row as the width holds, the rest on the next row.

A tap never takes the focus: the keyboard stays where the manager was (the queue's
highlighted customer, the round's list), and the action runs on the node whose bindings
it came from (the screen, or the widget `target` names)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual import events, on
from textual.binding import Binding, BindingType
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Button

from lobby_tui.i18n import t

GUTTER = 1
PADDING = 2  # a button's padding, in columns
BORDERS = 2  # a full-size button's border, in columns


class ActionButton(Button, can_focus=False):
    """One binding as a button: "a Apology"."""

    def __init__(self, binding: Binding, key_display: str) -> None:
        super().__init__(id=f"act-{binding.key.replace('+', '-')}", classes="action-button")
        self.binding = binding
        self.key_display = key_display
        self.relabel()

    @property
    def words(self) -> Text:
        return Text.assemble((self.key_display, "bold"), " ", t(self.binding.description))

    def relabel(self) -> None:
        self.label = self.words


class ActionBar(Widget):
    """Buttons for the bindings of `source` whose keys are in `keys` (in that order).

    `target`: a selector, from the screen, of the node the actions run on; None: the
    screen itself."""

    DEFAULT_CSS = """
    ActionBar {
        layout: grid;
        grid-size: 4;
        grid-gutter: 0 1;
        grid-rows: auto;
        height: auto;
        width: 1fr;
    }
    ActionBar > ActionButton {
        width: 1fr;
        min-width: 0;
        height: 3;  /* a grid cell does not grow to a button's border by itself */
        &.-textual-compact { height: 1; }
    }
    ActionBar.-one-row { grid-gutter: 0; }
    ActionBar.-one-row > ActionButton { padding: 0; }
    """

    def __init__(
        self,
        source: Iterable[BindingType],
        keys: Sequence[str],
        *,
        target: str | None = None,
        one_row_when_compact: bool = False,
        id: str | None = None,  # noqa: A002 (Textual's own parameter name)
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        by_key = {
            binding.key: binding for binding in Binding.make_bindings(source) if binding.key in keys
        }
        self.bindings_shown = [by_key[key] for key in keys if key in by_key]
        self.target = target
        self.one_row_when_compact = one_row_when_compact
        """On a laptop's 80x24 (compact buttons), every button on one row, its words cut to
        the key and what fits: the list above keeps its rows (a mouse's target, not a
        finger's; a tablet has the full buttons)."""

    def compose(self) -> Iterable[Widget]:
        for binding in self.bindings_shown:
            yield ActionButton(binding, self.app.get_key_display(binding))

    def on_mount(self) -> None:
        self.fit_columns()

    def on_resize(self, event: events.Resize) -> None:
        self.fit_columns()

    def fit_columns(self) -> None:
        """As many buttons to a row as the width holds, wide enough for most buttons' words:
        one long label ("E 营业结束（清空队列）") is cut short rather than put every button
        on a row of its own (at 80x24 the queue above would have no room left)."""
        buttons = list(self.query(ActionButton))
        if not buttons or self.size.width == 0:
            return
        one_row = self.one_row_when_compact and buttons[0].compact
        self.set_class(one_row, "-one-row")
        if one_row:
            if self.styles.grid_size_columns != len(buttons):
                self.styles.grid_size_columns = len(buttons)
            return
        widths = sorted(button.words.cell_len for button in buttons)
        widest = widths[min(len(widths) - 1, len(widths) * 3 // 4)] + PADDING
        if not buttons[0].compact:
            widest += BORDERS
        columns = max(1, min(len(buttons), (self.size.width + GUTTER) // (widest + GUTTER)))
        if self.styles.grid_size_columns != columns:
            self.styles.grid_size_columns = columns

    def relabel(self) -> None:
        """The words again, in the language of the moment."""
        for button in self.query(ActionButton):
            button.relabel()
        self.fit_columns()

    def node(self) -> DOMNode:
        if self.target is None:
            return self.screen
        return self.screen.query_one(self.target)

    @on(Button.Pressed, ".action-button")
    async def act(self, event: Button.Pressed) -> None:
        event.stop()
        button = event.button
        assert isinstance(button, ActionButton)
        await self.app.run_action(button.binding.action, self.node())
