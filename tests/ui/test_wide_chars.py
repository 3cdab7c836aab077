"""Chinese under pop-ups: every character a select list or a toast draws reaches the screen
(Textual issue #6357, patched in lobby_tui/wide_chars.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual.app import App, ComposeResult
from textual.containers import Horizontal
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widgets import Select, Static
from textual.widgets._select import SelectOverlay

from lobby_tui import wide_chars
from lobby_tui.app import LobbyApp
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.day import business_day
from lobby_tui.domain.settings import Settings
from lobby_tui.store import Store
from tests.helpers.app import Build, settle

OPTIONS = ("理财产品到期续作", "确已解决", "大额取现预约", "外汇兑换业务")


class SelectOverBoxes(App[None]):
    """A select whose list opens over three bordered boxes: the boxes' borders at columns
    14 and 28 fall inside the list, in the middle of `到` and of `约`."""

    CSS = """
    Static.box { border: solid green; width: 14; height: 8; }
    Select { width: 40; }
    """

    def compose(self) -> ComposeResult:
        yield Select([(name, name) for name in OPTIONS], prompt="请选择业务")
        with Horizontal():
            for words in ("客户等候区巡视记录", "投诉受理登记表格", "大堂经理日志"):
                yield Static(words, classes="box")


def shown(app: App[Any]) -> list[str]:
    """The screen's lines as the compositor puts them together (what a full repaint and
    `export_screenshot` send)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def painted(sequence: str, width: int, height: int) -> list[str]:
    """The lines a terminal shows after a partial update: its text written where the
    cursor-move codes put it, colour codes ignored."""
    grid = [[" "] * width for _ in range(height)]
    x = y = 0
    for move, text in re.findall(r"\x1b\[(\d+;\d+)H|\x1b\[[0-9;]*m|([^\x1b\n])", sequence):
        if move:
            row, column = move.split(";")
            y, x = int(row) - 1, int(column) - 1
        elif text:
            grid[y][x] = text
            if cell_len(text) == 2:
                grid[y][x + 1] = ""
            x += cell_len(text)
    return ["".join(line) for line in grid]


@pytest.fixture
def patched() -> None:
    """The compositor as the app runs it (`make_app` applies the patch)."""
    assert wide_chars.apply()


@pytest.fixture
def unpatched() -> Iterator[None]:
    """Textual's own compositor for one test; the patch back afterwards."""
    wide_chars.remove()
    try:
        yield
    finally:
        wide_chars.apply()


async def open_list(app: App[Any], pilot: Pilot[None]) -> None:
    app.query_one(Select).focus()
    await pilot.press("enter")
    await pilot.pause()


def test_the_patch_is_for_this_textual() -> None:
    # pyproject pins Textual 8.2; on a release the patch was not written for, it stays off.
    assert wide_chars.needed()
    assert not wide_chars.needed("8.3.0")
    import textual

    assert wide_chars.installed_textual() == textual.__version__  # the folder says the same
    assert wide_chars.apply() and wide_chars.applied()


async def test_a_select_list_over_borders_shows_every_character(patched: None) -> None:
    app = SelectOverBoxes()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(app, pilot)
        lines = "\n".join(shown(app))
        for name in OPTIONS:
            assert name in lines
        # What the terminal is sent between full repaints, too: here the list's right part
        # changed, from column 16 (inside the piece the patch made one, from 0 to 40).
        overlay = app.screen.query_one(SelectOverlay).region
        compositor = app.screen._compositor
        compositor._dirty_regions.add(Region(16, overlay.y, overlay.right - 16, overlay.height))
        update = compositor.render_partial_update()
        assert update is not None
        terminal = painted(update.render_segments(Console()), 80, 24)
        for name in OPTIONS:
            assert any(name in line for line in terminal), name


async def test_textual_alone_still_loses_them(unpatched: None) -> None:
    # The day this fails, Textual has fixed #6357: drop lobby_tui/wide_chars.py.
    app = SelectOverBoxes()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_list(app, pilot)
        lines = "\n".join(shown(app))
        assert "理财产品到  续作" in lines
        assert "大额取现预约" not in lines


async def on_triage_in_chinese(build_app: Build, store: Store, settings: Settings) -> LobbyApp:
    # The demo morning holds the 11:00 appointment `理财产品到期续作` the issue saw cut.
    write_demo_morning(
        store, settings, business_day(store.clock.now(), settings.timezone), seed=7, lang="zh"
    )
    return build_app("zh")


async def test_the_appointment_list_in_chinese_at_80x24(
    build_app: Build, store: Store, settings: Settings
) -> None:
    app = await on_triage_in_chinese(build_app, store, settings)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("a", "enter")
        await settle(app, pilot)
        select = app.screen.query_one("#appointment", Select)
        assert select.expanded
        lines = "\n".join(shown(app))
        assert "理财产品到期续作" in lines
        listed = select.query_one(SelectOverlay)
        for index in range(listed.option_count):  # every appointment, whole
            prompt = listed.get_option_at_index(index).prompt
            assert str(getattr(prompt, "plain", prompt)) in lines


async def test_a_toast_in_chinese_over_the_complaints_list(
    build_app: Build, store: Store, settings: Settings
) -> None:
    app = await on_triage_in_chinese(build_app, store, settings)
    said = ("客户张先生的理财产品到期续作预约已到", "该巡视等候区了（已到 10:45）请尽快开始")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        for key in ("f5", "f6"):
            await pilot.press(key)
            await settle(app, pilot)
            for words in said:
                app.notify(words, timeout=30)
            await pilot.pause(0.3)
            lines = "\n".join(shown(app))
            for words in said:
                assert words in lines, (key, words)
            app.clear_notifications()


def test_a_merged_piece_ends_where_its_run_ends() -> None:
    # The partial update crops each piece at its end: the piece at 5 holds 5 to 20.
    merged, piece = wide_chars._MERGED, Strip([], 5)
    line = {0: piece, 5: piece, 10: merged, 14: merged, 20: piece}
    assert wide_chars._piece_ends(line, [5, 10, 14, 20, 30]) == [5, 20, 10, 14, 30]
