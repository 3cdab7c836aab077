"""What the manager sees, pixel for pixel: a change to the dashboard's look shows up here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from textual.app import App
from textual.pilot import Pilot

from lobby_tui.app import LobbyApp
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.settings import Settings
from lobby_tui.store import Store
from tests.conftest import Build, settle


class SnapCompare(Protocol):
    """The part of pytest-textual-snapshot's `snap_compare` fixture used here (the plugin
    ships no type information)."""

    def __call__(
        self,
        app: App[Any],
        *,
        terminal_size: tuple[int, int],
        run_before: Callable[[Pilot[None]], Awaitable[None]],
    ) -> bool: ...


def _demo_app(store: Store, settings: Settings, build_app: Build, language: str) -> LobbyApp:
    write_demo_morning(store, settings, store.clock.now().date(), seed=7, lang=language)
    return build_app(language, demo=True)


async def _ready(pilot: Pilot[None]) -> None:
    assert isinstance(pilot.app, LobbyApp)
    await settle(pilot.app, pilot)


def test_dashboard_demo_morning_en_80x24(
    snap_compare: SnapCompare, store: Store, settings: Settings, build_app: Build
) -> None:
    app = _demo_app(store, settings, build_app, "en")
    assert snap_compare(app, terminal_size=(80, 24), run_before=_ready)


def test_dashboard_demo_morning_zh_160x48(
    snap_compare: SnapCompare, store: Store, settings: Settings, build_app: Build
) -> None:
    app = _demo_app(store, settings, build_app, "zh")
    assert snap_compare(app, terminal_size=(160, 48), run_before=_ready)
