"""A column of dashboard boxes: Rich panels one under the other, each drawn again only when it
changed, and the screen laid out again only when the column grew or shrank.

A Static of `height: auto` given new content draws all of it twice (once to measure its
height, once to paint it) and lays the whole screen out again. Once the column has its width,
each box is drawn once into lines and kept; a tick that changed one box draws that box alone,
and hands Textual the column's lines, which cost nothing to measure or paint again. One
widget a column rather than one a box: every widget costs start-up time (bench/startup.py).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

from rich.console import Group, RenderableType
from rich.segment import Segment
from textual import events
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual
from textual.widgets import Static

from lobby_tui.widgets.shown import fingerprint, is_known

Lines = list[list[Segment]]


class Drawn(Visual):
    """Boxes already drawn at `width`: their lines, handed to Textual as they are (painting
    them again only lays the widget's own style over them, as Textual does for a Rich
    renderable)."""

    def __init__(self, lines: Lines, width: int) -> None:
        self.lines = lines
        self.width = width
        self.strips = [Strip(line) for line in lines]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        base = style.rich_style
        return [strip.apply_style(base) for strip in self.strips[:height]]

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.width

    def get_height(self, rules: RulesMap, width: int) -> int:
        return len(self.strips)


class Boxes(Static):
    """Shows renderables one under the other (`show`); draws only those that changed."""

    def __init__(self, *, id: str) -> None:  # noqa: A002 (Textual's own parameter name)
        super().__init__(id=id)
        self.boxes: Sequence[RenderableType] = ()
        self.keys: list[Hashable] = []
        self.kept: dict[Hashable, Lines] = {}
        """Each box's lines at `kept_width`, by its fingerprint."""
        self.kept_width = 0
        self.draws = 0
        """How many boxes were drawn (tests and bench/refresh.py count them)."""

    def show(self, boxes: Sequence[RenderableType]) -> bool:
        """Show `boxes` unless they are shown already. True if anything was drawn again."""
        keys = [fingerprint(box) for box in boxes]
        if self.keys == keys and all(is_known(key) for key in keys):
            return False
        self.boxes, self.keys = boxes, keys
        width, height = self.content_size
        if not width or not self.display:
            self.kept.clear()
            self.update(Group(*boxes))  # not laid out yet: Textual measures and draws it
            return True
        if width != self.kept_width:
            self.kept.clear()
            self.kept_width = width
        kept: dict[Hashable, Lines] = {}
        lines: Lines = []
        for box, key in zip(boxes, keys, strict=True):
            drawn = self.kept.get(key) if is_known(key) else None
            if drawn is None:
                drawn = self.draw(box, width)
                self.draws += 1
            if is_known(key):
                kept[key] = drawn
            lines.extend(drawn)
        self.kept = kept
        self.update(Drawn(lines, width), layout=len(lines) != height)
        return True

    def draw(self, box: RenderableType, width: int) -> Lines:
        """Draw `box` as Textual would at `width` (visual.RichVisual.render_strips)."""
        options = self.app.console_options.update(highlight=False, width=width)
        segments = self.app.console.render(box, options)
        return list(
            Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)
        )

    def on_resize(self, event: events.Resize) -> None:
        """Lines drawn for another width: Textual draws the boxes themselves again."""
        shown = self.content
        if isinstance(shown, Drawn) and shown.width != self.content_size.width:
            self.kept.clear()
            self.update(Group(*self.boxes))
