"""Tables whose columns fit the room they have: at 80 columns no column that says something is
cut to fewer than its first four characters (issue 15).

A DataTable gives every column its widest cell and lets the rest scroll off to the right, so
at 80 columns a list's last column (what a complaint is about, what a customer came for)
showed one character or none. Here the table's own width is shared out: every column keeps
its widest cell while that fits; when it does not, the column named `flexible` gives way
first down to a third of the room, then the others, widest slack first, then the flexible one
again; never below a cell's first four characters and the … that ends a cut cell; a column
named `whole` (a ticket, a case number) is never cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.widgets import DataTable

SHOWN_AT_LEAST = 4  # characters of a cell that stay in sight


def least_width(text: str) -> int:
    """The cells of `text`'s first four characters (eight for Chinese), and of the … after
    them if there is more."""
    shown = text[:SHOWN_AT_LEAST]
    return cell_len(shown) + (1 if len(text) > len(shown) else 0)


def fitted_widths(
    columns: Sequence[Sequence[str]],
    room: int,
    padding: int,
    flexible: int | None,
    whole: Sequence[int] = (),
) -> list[int] | None:
    """Widths for columns (each given as its header then its cells) within `room` cells,
    each column taking `padding` cells on both sides; None if all fit as they are."""
    natural = [max(cell_len(text) for text in column) for column in columns]
    least = [
        natural[index] if index in whole else max(least_width(text) for text in column)
        for index, column in enumerate(columns)
    ]
    excess = sum(natural) + 2 * padding * len(columns) - room
    if excess <= 0:
        return None
    widths = list(natural)
    floors = list(least)
    if flexible is not None:
        # The free text gives way first, but keeps a third of the room to tell rows apart (a
        # subject of 19 cells beside the case in hand, not 4) while the other columns have
        # room to give (issue 31.8) …
        comfort = min(natural[flexible], max(least[flexible], room // 3))
        give = min(excess, widths[flexible] - comfort)
        widths[flexible] -= give
        excess -= give
        floors[flexible] = comfort
    excess = _give_way(widths, floors, excess)
    if flexible is not None and excess > 0:  # … and only then down to its first characters
        give = min(excess, widths[flexible] - least[flexible])
        widths[flexible] -= give
        excess -= give
        floors[flexible] = least[flexible]
        _give_way(widths, floors, excess)
    return widths


def _give_way(widths: list[int], floors: Sequence[int], excess: int) -> int:
    """Narrow the columns with the most room above their floor, a cell at a time; what is
    still too wide after every column is at its floor (the table then scrolls sideways)."""
    while excess > 0:
        slack = [width - floor for width, floor in zip(widths, floors, strict=True)]
        widest = max(range(len(widths)), key=lambda i: slack[i])
        if slack[widest] <= 0:
            break
        widths[widest] -= 1
        excess -= 1
    return excess


class FittedTable(DataTable[Any]):
    """A DataTable whose columns fit its width (see fitted_widths). `flexible` is the key of
    the column that gives way first: the long free text (a need, a subject); the columns
    keyed in `whole` are never cut."""

    def __init__(
        self, *, flexible: str | None = None, whole: Sequence[str] = (), **options: Any
    ) -> None:
        super().__init__(**options)
        self.flexible = flexible
        self.whole = tuple(whole)
        self.fit_pending = False

    def add_row(self, *cells: Any, **options: Any) -> Any:
        # A cell cut to its column ends with … on one line, rather than wrapping out of sight.
        cells = tuple(
            cell.copy() if isinstance(cell, Text) else cell for cell in cells
        )  # the caller's Text is theirs
        for cell in cells:
            if isinstance(cell, Text):
                cell.no_wrap, cell.overflow = True, "ellipsis"
        key = super().add_row(*cells, **options)
        self.fit_soon()
        return key

    def fit_soon(self) -> None:
        """Fit once the rows being added are all in."""
        if not self.fit_pending:
            self.fit_pending = True
            self.call_later(self.fit)

    def on_resize(self, event: events.Resize) -> None:
        self.fit()

    def room(self) -> int:
        """The cells the columns share: the table's width, less a scrollbar if rows overflow."""
        width, height = self.content_region.width, self.content_region.height
        if self.row_count + (1 if self.show_header else 0) > height:
            width -= self.styles.scrollbar_size_vertical
        return width

    def fit(self) -> None:
        self.fit_pending = False
        room = self.room()
        if room <= 0 or not self.columns:
            return
        keys = list(self.columns)
        texts = [
            [self.columns[key].label.plain, *(plain(cell) for cell in self.get_column(key))]
            for key in keys
        ]
        named = [key.value for key in keys]
        flexible = named.index(self.flexible) if self.flexible in named else None
        whole = [named.index(key) for key in self.whole if key in named]
        widths = fitted_widths(texts, room, self.cell_padding, flexible, whole)
        changed = False
        for index, key in enumerate(keys):
            column = self.columns[key]
            auto = widths is None
            width = column.width if widths is None else widths[index]
            if column.auto_width != auto or column.width != width:
                column.auto_width, column.width, changed = auto, width, True
                if auto:  # back to its widest cell (the table measured only new cells)
                    column.content_width = max(cell_len(text) for text in texts[index])
        if changed:
            # DataTable keeps rendered rows; widths changed behind its back (no public way).
            self._clear_caches()
            self._require_update_dimensions = True
            self.refresh(layout=True)


def plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)
