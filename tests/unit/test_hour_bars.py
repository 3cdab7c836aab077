"""The dashboard's arrivals-per-hour lines are drawn directly (a Rich table costs
milliseconds on every walk-in); they must draw exactly what the grid they replace drew."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lobby_tui.screens.dashboard import HourBars, QueueRows
from lobby_tui.widgets.shown import fingerprint

ROWS = [("09", "█" * 36, "40"), ("10", "█" * 22, "24"), ("11", "", "0"), ("12", "█", "101")]


def drawn(renderable: object, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), record=True, color_system="truecolor")
    console.print(renderable)
    return console.export_text(styles=True)


def as_a_grid(rows: list[tuple[str, str, str]], style: str) -> Table:
    """The Rich grid the dashboard drew the hours with before."""
    table = Table.grid(padding=(0, 1), expand=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1, no_wrap=True, overflow="crop")
    table.add_column(justify="right", no_wrap=True)
    for hour, bar, count in rows:
        table.add_row(hour, Text(bar, style=style), count)
    return table


@pytest.mark.parametrize("width", [12, 30, 45, 60])
def test_hour_bars_draw_what_the_grid_drew(width: int) -> None:
    assert drawn(HourBars(ROWS, "#0178D4"), width) == drawn(as_a_grid(ROWS, "#0178D4"), width)


def test_hour_bars_are_drawn_again_only_when_they_change() -> None:
    assert fingerprint(HourBars(ROWS, "blue")) == fingerprint(HourBars(list(ROWS), "blue"))
    assert fingerprint(HourBars(ROWS, "blue")) != fingerprint(HourBars(ROWS[:2], "blue"))
    assert fingerprint(HourBars(ROWS, "blue")) != fingerprint(HourBars(ROWS, "red"))


QUEUES = [
    (Text("Channel", style="dim"), Text("Waiting", style="dim"), Text("Longest", style="dim")),
    (Text("现金柜台"), Text("12"), Text("25 分钟", style="bold #ffa62b")),
    (Text("Non-cash counter with a long name"), Text("4"), Text("585 min", style="bold red")),
    (Text("Wealth zone"), Text("0"), Text("—")),
]


@pytest.mark.parametrize("width", [8, 19, 24, 37, 45, 60])
def test_queue_rows_draw_what_the_grid_drew(width: int) -> None:
    rows = QueueRows(QUEUES)
    assert drawn(rows, width) == drawn(rows.as_grid(), width)


def test_queue_rows_are_drawn_again_only_when_they_change() -> None:
    same = [tuple(cell.copy() for cell in row) for row in QUEUES]
    assert fingerprint(QueueRows(QUEUES)) == fingerprint(QueueRows(same))  # type: ignore[arg-type]
    changed = [*QUEUES[:3], (Text("Wealth zone"), Text("1"), Text("2 min"))]
    assert fingerprint(QueueRows(QUEUES)) != fingerprint(QueueRows(changed))
