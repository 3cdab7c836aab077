"""Update a Static (or a Select's choices) only when what it would draw has changed.

A periodic refresh rebuilds its Rich content every few seconds; most of the time it is the
same as what is already on screen. `Static.update` repaints regardless (and lays the screen
out again), so we compare a cheap fingerprint of the new content with the one shown.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import fields
from weakref import WeakKeyDictionary

from rich.console import Group
from rich.panel import Panel
from rich.table import Column, Table
from rich.text import Text
from textual.widgets import Select, Static

_shown: WeakKeyDictionary[Static, Hashable] = WeakKeyDictionary()
_offered: WeakKeyDictionary[Select[str], tuple[tuple[str, str], ...]] = WeakKeyDictionary()


def show_options(select: Select[str], options: list[tuple[str, str]]) -> None:
    """A select's choices, set only when they changed (setting them shuts and resets it);
    the choice made stays when it is still offered."""
    offered = tuple(options)
    if _offered.get(select) == offered:
        return
    _offered[select] = offered
    chosen = select.value
    select.set_options(options)
    if chosen in {value for _label, value in options}:
        select.value = chosen


class _Unknown:
    """Content we cannot fingerprint: never equal to anything, so it is always drawn."""

    __slots__ = ()


def fingerprint(content: object) -> Hashable:
    """Everything about `content` that changes what is drawn: text, styles, layout options.
    A renderable of our own says it with a `__fingerprint__()` method; renderables of other
    kinds are treated as always new."""
    if content is None or isinstance(content, str | int | float):
        return content
    own = getattr(content, "__fingerprint__", None)
    if own is not None:  # a renderable of ours that says what it draws
        return (type(content).__name__, own())
    if isinstance(content, Text):
        return (
            "text",
            content.plain,
            tuple((span.start, span.end, span.style) for span in content.spans),
            content.style,
            content.justify,
            content.overflow,
            content.no_wrap,
            content.end,
        )
    if isinstance(content, Panel):
        return (
            "panel",
            fingerprint(content.renderable),
            fingerprint(content.title),
            fingerprint(content.subtitle),
            content.title_align,
            content.box,
            content.style,
            content.border_style,
            content.padding,
            content.expand,
            content.width,
            content.height,
        )
    if isinstance(content, Group):
        return ("group", tuple(fingerprint(part) for part in content.renderables))
    if isinstance(content, Table):
        return (
            "table",
            tuple(_column(column) for column in content.columns),
            tuple(row.style for row in content.rows),
            content.box,
            content.expand,
            content.padding,
            content.show_header,
            content.show_edge,
            content.width,
            content.style,
            fingerprint(content.title),
        )
    return _Unknown()


def _column(column: Column) -> Hashable:
    options = tuple(
        getattr(column, f.name) for f in fields(column) if f.name not in ("_cells", "_index")
    )
    return (
        tuple(fingerprint(o) if isinstance(o, Text) else o for o in options),
        tuple(fingerprint(cell) for cell in column.cells),
    )


def update_if_changed(static: Static, content: object) -> bool:
    """Show `content` in `static` unless it is already shown. True if it was updated."""
    key = fingerprint(content)
    if not isinstance(key, _Unknown) and _shown.get(static) == key:
        return False
    _shown[static] = key
    static.update(content)  # type: ignore[arg-type]
    return True


def is_known(key: Hashable) -> bool:
    """A fingerprint that can be compared (not of content we cannot fingerprint)."""
    return not isinstance(key, _Unknown)
