"""Borderless controls on a laptop screen, full-size touch targets on a tablet: one rule for
every place, the sign-in and the roster."""

from __future__ import annotations

from itertools import chain

from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Select

COMPACT_BELOW_ROWS = 36
"""Fewer rows than this (a laptop's 80x24 terminal): controls without borders."""

CONTROLS = (Button, Input, Select, Checkbox)


def fit_controls(root: DOMNode, rows: int) -> None:
    """Make the controls under `root` compact or not for a screen `rows` high.

    The controls that change are restyled together, once: setting `compact` on each restyles
    each on its own, with a fresh style cache every time, which on the bigger places (a
    hundred controls) took a third of a second of the place's first paint."""
    compact = rows < COMPACT_BELOW_ROWS
    changed: list[Widget] = []
    for control in root.query(", ".join(kind.__name__ for kind in CONTROLS)):
        if isinstance(control, CONTROLS) and control.compact != compact:
            control.set_reactive(type(control).compact, compact)
            control.set_class(compact, "-textual-compact", update=False)
            changed.append(control)
    if changed:
        nodes = chain.from_iterable(c.walk_children(with_self=True) for c in changed)
        root.app.stylesheet.update_nodes(nodes, animate=False)
        for control in changed:
            control.refresh(layout=True)
