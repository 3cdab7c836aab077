"""A column of dashboard boxes draws only the box that changed, and is laid out again only
when it grew or shrank (issue 12: a refresh where one box changed <= 2x a bare update)."""

from __future__ import annotations

import pytest
from rich.panel import Panel
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.screen import Screen

from lobby_tui.widgets.box import Boxes, Drawn


class OneColumn(App[None]):
    CSS = "Boxes { width: 1fr; height: auto; }"

    def compose(self) -> ComposeResult:
        yield Boxes(id="column")


def lines_of(column: Boxes) -> list[str]:
    return [strip.text.rstrip() for strip in column.render_lines(Region(0, 0, *column.size))]


def queue(waiting: str) -> Panel:
    return Panel(Text(waiting), title="Queue")


ROUND = Panel(Text("Next round 10:45"), title="Round")


async def test_only_the_box_that_changed_is_drawn_and_laid_out_only_when_taller(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = OneColumn()
    layouts: list[int] = []
    real_layout = Screen._refresh_layout

    def counted(screen: Screen[object], *args: object, **kwargs: object) -> None:
        layouts.append(1)
        real_layout(screen, *args, **kwargs)  # type: ignore[arg-type]

    async with app.run_test(size=(40, 12)) as pilot:
        column = app.query_one(Boxes)
        assert column.show([queue("Waiting now: 1"), ROUND])
        await pilot.pause()
        assert lines_of(column)[1] == "│ Waiting now: 1" + " " * 23 + "│"
        assert column.size.height == 6
        assert not column.show([queue("Waiting now: 1"), ROUND])  # the same: nothing drawn

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        draws = column.draws
        assert column.show([queue("Waiting now: 2"), ROUND])
        await pilot.pause()
        assert isinstance(column.content, Drawn)
        assert "│ Waiting now: 2" in lines_of(column)[1] and "Next round" in lines_of(column)[4]
        assert column.draws == draws + 1  # the queue's box alone: the round's is kept as drawn
        assert layouts == []  # the column as tall as before: not laid out again

        assert column.show([queue("Waiting now: 3\nLongest: 12 min"), ROUND])
        await pilot.pause()
        assert column.size.height == 7 and layouts  # a line more: laid out again
        assert "│ Longest: 12 min" in lines_of(column)[2]

        await pilot.resize_terminal(30, 12)  # lines drawn for 40 columns are not kept
        await pilot.pause()
        assert lines_of(column)[1] == "│ Waiting now: 3" + " " * 13 + "│"
