"""A dashboard box draws a panel once, repaints only itself when the panel changed, and is
laid out again only when it grew or shrank (issue 12: one box changed <= 2x a bare update)."""

from __future__ import annotations

import pytest
from rich.panel import Panel
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.screen import Screen

from lobby_tui.widgets.box import Box, Drawn


class OneBox(App[None]):
    CSS = "Box { width: 1fr; height: auto; }"

    def compose(self) -> ComposeResult:
        yield Box(id="box")


def lines_of(box: Box) -> list[str]:
    return [strip.text.rstrip() for strip in box.render_lines(Region(0, 0, *box.size))]


async def test_a_box_is_drawn_once_and_laid_out_only_when_its_height_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = OneBox()
    layouts: list[int] = []
    real_layout = Screen._refresh_layout

    def counted(screen: Screen[object], *args: object, **kwargs: object) -> None:
        layouts.append(1)
        real_layout(screen, *args, **kwargs)  # type: ignore[arg-type]

    async with app.run_test(size=(40, 12)) as pilot:
        box = app.query_one(Box)
        assert box.show(Panel(Text("Waiting now: 1"), title="Queue"))
        await pilot.pause()
        assert lines_of(box)[1] == "│ Waiting now: 1" + " " * 23 + "│"
        assert box.size.height == 3
        assert not box.show(Panel(Text("Waiting now: 1"), title="Queue"))  # the same: nothing

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        assert box.show(Panel(Text("Waiting now: 2"), title="Queue"))
        await pilot.pause()
        assert isinstance(box.content, Drawn)  # drawn once, at the box's width
        assert "│ Waiting now: 2" in lines_of(box)[1] and layouts == []  # same height

        assert box.show(Panel(Text("Waiting now: 3\nLongest: 12 min"), title="Queue"))
        await pilot.pause()
        assert box.size.height == 4 and layouts  # a line more: laid out again
        assert "│ Longest: 12 min" in lines_of(box)[2]

        await pilot.resize_terminal(30, 12)  # lines drawn for 40 columns are not kept
        await pilot.pause()
        assert lines_of(box)[1] == "│ Waiting now: 3" + " " * 13 + "│"
