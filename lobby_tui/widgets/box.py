"""A box of the dashboard: one Rich panel, redrawn only when it changed, and drawn once.

A Static of `height: auto` draws new content twice (once to measure its height, once to
paint it) and lays the whole screen out again. A Box that already has its width draws the
panel once into lines, and hands Textual those lines, which cost nothing to measure or to
paint again; the screen is laid out again only if the box grew or shrank.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator

from rich.console import Console, ConsoleOptions, RenderableType
from rich.measure import Measurement
from rich.segment import Segment
from textual import events
from textual.widgets import Static

from lobby_tui.widgets.shown import fingerprint, is_known


class Drawn:
    """A renderable already drawn at `width`: its lines, given back as they are."""

    def __init__(self, lines: list[list[Segment]], width: int) -> None:
        self.lines = lines
        self.width = width

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        new_line = Segment.line()
        for line in self.lines:
            yield from line
            yield new_line

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(self.width, self.width)


class Box(Static):
    """Shows one renderable (`show`); nothing is done when it is the one already shown."""

    def __init__(self, *, id: str, classes: str = "") -> None:  # noqa: A002 (Textual's name)
        super().__init__(id=id, classes=classes)
        self.shown: RenderableType | None = None
        self.key: Hashable = None

    def show(self, content: RenderableType) -> bool:
        """Show `content` unless it is shown already. True if it was drawn again."""
        key = fingerprint(content)
        if self.shown is not None and is_known(key) and key == self.key:
            return False
        self.shown, self.key = content, key
        width, height = self.content_size
        if not width or not self.display:
            self.update(content)  # not laid out yet: Textual measures and draws it
            return True
        drawn = self.draw(content, width)
        self.update(drawn, layout=len(drawn.lines) != height)
        return True

    def draw(self, content: RenderableType, width: int) -> Drawn:
        """Draw `content` as Textual would at `width` (visual.RichVisual.render_strips)."""
        console = self.app.console
        options = self.app.console_options.update(highlight=False, width=width)
        segments = console.render(content, options)
        lines = list(
            Segment.split_and_crop_lines(segments, width, include_new_lines=False, pad=False)
        )
        return Drawn(lines, width)

    def on_resize(self, event: events.Resize) -> None:
        """Lines drawn for another width: Textual draws the renderable itself again."""
        drawn = self.content
        resized = isinstance(drawn, Drawn) and drawn.width != self.content_size.width
        if resized and self.shown is not None:
            self.update(self.shown)
