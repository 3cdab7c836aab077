"""The app driven as the manager drives it: keys, clicks, the palette; what the screen shows
and what the database holds afterwards."""

from __future__ import annotations

import json
import re
import socket
import sys
from typing import Any, NoReturn

import pytest
from textual.geometry import Region
from textual.widgets import Static

from lobby_tui.app import FLAG_KEY, PLACES, LobbyApp
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.dashboard import DashboardScreen
from lobby_tui.services.settings import load_settings
from lobby_tui.services.shift import open_shift_today
from lobby_tui.store import FixedClock, Store, StoreError
from lobby_tui.widgets.topbar import TopBar
from tests.helpers.app import Build, on_screen, one_row, settle
from tests.helpers.floor import walk_in_ticket
from tests.helpers.screen import box_of, run_command, screen_lines, screen_text


async def test_starts_on_the_dashboard_with_honest_empty_panels(build_app: Build) -> None:
    # covers: R6.1, R6.2
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        text = screen_text(app)
        assert "Demo Branch" in text and "2026-11-28 Sat" in text and "10:30:00" in text
        assert "Shift open since 10:30" in text
        assert "Nobody is waiting. F3 triages the next walk-in." in text
        assert "No complaint to act on" in text and "All quiet" in text
        assert "Not started today. F2 opens the checklist." in text


async def test_first_start_of_the_day_opens_one_shift(build_app: Build, store: Store) -> None:
    build_app()
    build_app()  # a restart the same morning
    rows = store.query("SELECT business_day, closed_at FROM shifts")
    assert [tuple(r) for r in rows] == [("2026-11-28", None)]
    assert one_row(store, "SELECT COUNT(*) FROM events WHERE kind = 'shift.opened'")[0] == 1


def every_move(places: list[str]) -> list[str]:
    """A walk that makes every move from one place to another exactly once (an Eulerian
    circuit of the complete directed graph), starting and ending at the first place."""
    unused = {p: [q for q in places if q != p] for p in places}
    stack, walk = [places[0]], []
    while stack:
        here = stack[-1]
        if unused[here]:
            stack.append(unused[here].pop())
        else:
            walk.append(stack.pop())
    return walk[::-1]


async def test_every_place_is_one_key_away_from_every_place(build_app: Build) -> None:
    keys = dict(PLACES)
    walk = every_move(list(keys))
    assert len(walk) == len(keys) * (len(keys) - 1) + 1
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for place in walk:
            await pilot.press(keys[place])
            await pilot.pause()
            assert app.current_mode == place
            assert app.screen.query_one(TopBar).place == place


async def test_the_incident_key_opens_its_dialog_from_every_place(build_app: Build) -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for place, key in PLACES:
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == place
            await pilot.press(FLAG_KEY)  # the incident key works from every place
            await pilot.pause()
            assert type(app.screen).__name__ == "FlagDialog"
            await pilot.press("escape")  # nothing flagged: back where we were
            await pilot.pause()
            assert app.current_mode == place and type(app.screen).__name__ != "FlagDialog"


async def test_every_place_opens_at_tablet_size(build_app: Build) -> None:  # covers: R6.3
    app = build_app("zh")
    async with app.run_test(size=(160, 48)) as pilot:
        for place, key in PLACES:
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == place


def footer_line(app: LobbyApp) -> str:
    from lobby_tui.widgets.footer import LobbyFooter

    footer = app.screen.query_one(LobbyFooter)
    return footer.render_lines(Region(0, 0, *footer.size))[0].text


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_footer_shows_every_key_within_80_columns_and_is_tappable(
    build_app: Build, language: str
) -> None:  # covers: R6.3
    from lobby_tui.i18n import t
    from lobby_tui.widgets.footer import LobbyFooter

    app = build_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        line = footer_line(app)
        for place, key in PLACES[1:]:
            assert f"{key.upper()} {t(f'nav.{place}')}" in line
        assert f"F8 {t('nav.flag')}" in line
        assert "F1 " not in line  # you are already in the lobby
        footer = app.screen.query_one(LobbyFooter)
        from rich.cells import cell_len

        x = cell_len(line[: line.index("F5")])  # a tap on "F5 Complaints", in cells
        await pilot.click(footer, offset=(x + 1, 0))
        await pilot.pause()
        assert app.current_mode == "complaints"
        assert "F1 " in footer_line(app) and "F5 " not in footer_line(app)


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("place", [place for place, _key in PLACES])
async def test_places_open_by_name_from_the_palette(
    build_app: Build, language: str, place: str
) -> None:
    from lobby_tui.i18n import t

    app = build_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        if place == PLACES[0][0]:  # the dashboard, from another place
            await run_command(app, pilot, t(f"nav.{PLACES[-1][0]}"))
            assert app.current_mode == PLACES[-1][0]
        await run_command(app, pilot, t(f"nav.{place}"))  # its name, as shown
        assert app.current_mode == place


async def test_language_switch_from_the_palette_shows_chinese_and_is_remembered(
    build_app: Build, store: Store
) -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")  # a second place is open too: it must switch as well
        await pilot.pause()
        await run_command(app, pilot, "Chinese")
        await settle(app, pilot)
        assert "迎宾分流" in screen_text(app)
        await pilot.press("f1")
        await settle(app, pilot)
        text = screen_text(app)
        assert "当前等候：0 人" in text and "示范支行" in text and "周六" in text
        assert "Waiting now" not in text
    saved = one_row(store, "SELECT value FROM settings WHERE key = 'language'")
    assert json.loads(saved[0]) == "zh"


async def test_high_contrast_theme_applies_and_is_remembered(
    build_app: Build, store: Store
) -> None:
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(app, pilot, "high contrast")
        await settle(app, pilot)
        assert app.theme == "lobby-high-contrast"
        background = app.screen.styles.background
        assert (background.r, background.g, background.b) == (255, 255, 255)
    saved = one_row(store, "SELECT value FROM settings WHERE key = 'theme'")
    assert json.loads(saved[0]) == "high-contrast"


async def test_demo_morning_shows_the_queue_with_its_colours(
    build_app: Build, store: Store, settings: Settings
) -> None:  # covers: R2.3, R3.2
    count = write_demo_morning(store, settings, store.clock.now().date())
    app = build_app(demo=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        waiting = store.query("SELECT channel, arrived_at FROM arrivals WHERE status = 'waiting'")
        text = screen_text(app)
        assert f"Waiting now: {len(waiting)}" in text
        assert f"Arrivals today: {count}" in text
        assert "DEMO" in text
        assert box_of(app, "Waiting now") == "┏"  # heavy border: someone waits past red


async def test_dashboard_follows_the_clock(
    build_app: Build, store: Store, clock: FixedClock
) -> None:
    # covers: R3.1
    morning = clock.now()
    clock.set(morning.replace(hour=0, minute=40))  # the app first used at 08:40
    open_shift_today(store, load_settings(store))
    clock.set(morning)
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert "Next due at 09:15" not in screen_text(app)  # 10:30: long overdue
        assert box_of(app, "Next round") == "┏"
        clock.set(clock.now().replace(hour=0, minute=50))  # 08:50 in Shanghai
        on_screen(app, DashboardScreen).refresh_lobby()
        await settle(app, pilot)
        assert "Next due at 09:15" in screen_text(app)
        assert box_of(app, "Next round") == "╭"


async def test_a_failed_read_is_told_not_crashed(
    build_app: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    told: list[str] = []
    app = build_app()

    def broken(*args: object, **kwargs: object) -> NoReturn:
        raise StoreError("db.disk_full", path="lobby.db")

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        monkeypatch.setattr(app, "notify", lambda message, **kw: told.append(message))
        monkeypatch.setattr("lobby_tui.screens.dashboard.read_lobby", broken)
        on_screen(app, DashboardScreen).refresh_lobby()
        await settle(app, pilot)
        assert app.is_running
    assert told == ["The disk holding lobby.db is full. Free some space; nothing was saved."]


async def test_a_whole_session_opens_no_network_socket(build_app: Build) -> None:
    # covers: R6.2 — offline, always
    seen: list[tuple[str, tuple[object, ...]]] = []
    active = True

    def hook(event: str, args: tuple[object, ...]) -> None:
        if not active:
            return
        if (
            event == "socket.__new__"
            and len(args) > 1
            and args[1] in (socket.AF_INET, socket.AF_INET6)
            or event
            in (
                "socket.connect",
                "socket.getaddrinfo",
                "socket.gethostbyname",
                "urllib.Request",
                "http.client.connect",
            )
        ):
            seen.append((event, args))

    sys.addaudithook(hook)  # audit hooks cannot be removed; `active` turns it off after
    try:
        app = build_app()
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(app, pilot)
            for _place, key in PLACES:
                await pilot.press(key)
                await pilot.pause()
            await run_command(app, pilot, "Chinese")
            await settle(app, pilot)
    finally:
        active = False
    assert seen == []


async def test_wide_screen_uses_three_columns(build_app: Build) -> None:  # covers: R6.3
    app = build_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        columns = [app.screen.query_one(f"#col-{c}", Static) for c in ("queue", "duties", "cases")]
        assert all(c.display for c in columns)
        assert columns[0].region.x < columns[1].region.x < columns[2].region.x
        assert "Complaints to act on" in "\n".join(
            s.text for s in columns[2].render_lines(Region(0, 0, *columns[2].size))
        )
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        assert not columns[2].display  # narrow: the open cases move under the duties
        assert "Complaints to act on" in screen_text(app)


async def test_tapping_a_box_opens_its_place(build_app: Build) -> None:  # covers: R6.3
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        duties = app.screen.query_one("#col-duties", Static)
        await pilot.click(duties, offset=(5, 1))  # inside the "Next round" box
        await pilot.pause()
        assert app.current_mode == "rounds"


async def test_chinese_aligns_in_the_waiting_table(
    build_app: Build, store: Store, settings: Settings
) -> None:
    # Rich measures cells: a wide character takes two, so columns line up in Chinese.
    from rich.cells import cell_len

    write_demo_morning(store, settings, store.clock.now().date(), lang="zh")
    app = build_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        rows = [
            line
            for line in screen_lines(app)
            if any(
                name in line
                for name in ("现金柜台", "非现金柜台", "优先窗口", "自助服务区", "理财专区")
            )
        ]
        assert len(rows) == 5
        # The right edge of the "people" column: the same cell for every channel.
        edges = set()
        for row in rows:
            match = re.search(r"\d+", row)
            assert match is not None
            edges.add(cell_len(row[: match.end()]))
        assert len(edges) == 1, rows


async def test_a_place_opens_without_restyling_what_it_already_styled(
    build_app: Build, store: Store, settings: Settings
) -> None:
    """Keystroke latency: Textual restyles a place's every widget when it comes back to the
    front, and at its first paint once for its width class and once per control made
    compact. The place gets its width class when made, its controls compact in one pass,
    and comes back without the restyle: the widgets restyled are counted (a third of a
    second on the complaints place, before)."""
    from lobby_tui.widgets.compact import CONTROL_NAMES

    write_demo_morning(store, settings, store.clock.now().date(), lang="en")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        restyled: list[object] = []
        update_nodes = app.stylesheet.update_nodes

        def counted(nodes: object, animate: bool = False) -> None:
            listed = list(nodes)  # type: ignore[call-overload]
            restyled.extend(listed)
            update_nodes(listed, animate=animate)

        app.stylesheet.update_nodes = counted  # type: ignore[method-assign]
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        controls = list(screen.query(", ".join(CONTROL_NAMES)))
        assert controls and all(getattr(c, "compact", False) for c in controls)  # 80x24
        assert screen.has_class("-narrow")
        everything = len(list(screen.walk_children(with_self=True)))
        assert len(restyled) < everything, (len(restyled), everything)
        await pilot.press("f1")
        await settle(app, pilot)
        restyled.clear()
        await pilot.press("f5")
        await settle(app, pilot)
        assert app.screen is screen
        assert len(restyled) < everything // 10, (len(restyled), everything)


async def test_a_place_draws_the_tab_in_front_first_and_the_rest_after(
    build_app: Build, store: Store, settings: Settings
) -> None:
    """First visit (issue 33): the complaints place is drawn with its cases; the intake and
    the quick answers, behind their tabs, are made just after that first frame. A key that
    needs them and the typing after it lose nothing (Ctrl+N, then the description)."""
    from textual.widgets import TextArea

    from lobby_tui.screens.complaints.intake import IntakeForm
    from lobby_tui.screens.complaints.quick_answers import QuickAnswers

    write_demo_morning(store, settings, store.clock.now().date(), lang="en")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        first_frame: list[tuple[int, int]] = []
        display = app._display

        def drawn(screen: Any, renderable: Any) -> None:
            if not first_frame and screen.id == "complaints" and renderable is not None:
                first_frame.append((len(screen.query(IntakeForm)), len(screen.query(QuickAnswers))))
            display(screen, renderable)

        app._display = drawn  # type: ignore[method-assign]
        await pilot.press("f5")
        await settle(app, pilot)
        assert first_frame == [(0, 0)]  # neither behind-tab panel in the first frame
        assert len(app.screen.query(IntakeForm)) == 1  # made after it
        assert len(app.screen.query(QuickAnswers)) == 1
        await pilot.press("f1", "f5", "ctrl+n", *"Card kept")  # a return: all already there
        await settle(app, pilot)
        assert app.screen.query_one("#description", TextArea).text == "Card kept"


async def test_a_return_with_nothing_new_reads_nothing(
    build_app: Build, store: Store, settings: Settings
) -> None:
    """A return to a place (issue 33): nothing committed since its last read, in the same
    minute, means nothing to read or draw; a walk-in saved meanwhile is read and shown."""
    from lobby_tui.screens.base import LobbyScreen

    write_demo_morning(store, settings, store.clock.now().date(), lang="en")
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in ("f2", "f3", "f4", "f5", "f6", "f7", "f1"):  # every place made once
            await pilot.press(key)
            await settle(app, pilot)
        started: list[str] = []
        for screen in app.lobby_screens():
            start = screen.reads.start

            def counted(group: str, *args: Any, _start: Any = start, **kw: Any) -> None:
                started.append(group)
                _start(group, *args, **kw)

            screen.reads.start = counted  # type: ignore[method-assign]
        for key in ("f4", "f6", "f7", "f5", "f2", "f1"):
            await pilot.press(key)
            await settle(app, pilot)
        assert started == [], started
        assert isinstance(app.screen, LobbyScreen)
        walk_in_ticket(store)  # a walk-in saved meanwhile (another tablet)
        await pilot.press("f4", "f1")
        await settle(app, pilot)
        assert "rounds" in started and "lobby" in started


async def test_a_first_visit_parses_no_stylesheet(build_app: Build) -> None:
    """Every stylesheet is read by the time a place is first shown: its first visit parses
    none of them again (issue 33; it was a full parse and a restyle of the app each)."""
    app = build_app()
    async with app.run_test(size=(80, 24)) as pilot:
        parsed: list[int] = []
        reparse = app.stylesheet.reparse

        def counted() -> None:
            parsed.append(1)
            reparse()

        app.stylesheet.reparse = counted  # type: ignore[method-assign]
        for key in ("f2", "f3", "f4", "f5", "f6", "f7"):
            await pilot.press(key)
            await settle(app, pilot)
        assert parsed == []
