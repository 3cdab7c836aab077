"""Borderless controls on a laptop screen, full-size touch targets on a tablet: one rule for
every place, the sign-in and the roster."""

from __future__ import annotations

from itertools import chain
from typing import Any

from textual.dom import DOMNode
from textual.widget import Widget

COMPACT_BELOW_ROWS = 36
"""Fewer rows than this (a laptop's 80x24 terminal): controls without borders."""

CONTROL_NAMES = ("Button", "Input", "Select", "Checkbox")
"""The controls with a compact form, by name: Select and Checkbox are loaded by the places
that use them, not by the sign-in (issue 33)."""


def compact_now(node: DOMNode) -> bool:
    """Whether a control made now under `node` is compact: made so, it is styled once,
    where `fit_controls` would restyle it right after (issue 33). No app yet: not compact
    (`fit_controls` decides once the screen has its size)."""
    try:
        return node.app.size.height < COMPACT_BELOW_ROWS
    except RuntimeError:  # Textual's NoActiveAppError: made outside a running app
        return False


def fit_controls(root: DOMNode, rows: int) -> None:
    """Make the controls under `root` compact or not for a screen `rows` high.

    The controls that change are restyled together, once: setting `compact` on each restyles
    each on its own, with a fresh style cache every time, which on the bigger places (a
    hundred controls) took a third of a second of the place's first paint."""
    compact = rows < COMPACT_BELOW_ROWS
    changed: list[Widget] = []
    # By their CSS type names (subclasses too): no class need be loaded to be found.
    for control in root.query(", ".join(CONTROL_NAMES)):
        kind: Any = type(control)  # one of CONTROL_NAMES: each has the `compact` reactive
        if getattr(control, "compact", compact) != compact:
            control.set_reactive(kind.compact, compact)
            control.set_class(compact, "-textual-compact", update=False)
            changed.append(control)
    if changed:
        nodes = chain.from_iterable(c.walk_children(with_self=True) for c in changed)
        root.app.stylesheet.update_nodes(nodes, animate=False)
        for control in changed:
            control.refresh(layout=True)
