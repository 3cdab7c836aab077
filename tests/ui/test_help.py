"""The manager's guide in the app: `?` on every place opens it at that place's section, in
the app's language, at 80×24; Escape closes it. The help is general: no requirement of its
own to cite, but a tap on the footer's `?` is R6.3's touch at either screen size."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from lobby_tui.app import PLACES, LobbyApp
from lobby_tui.screens.guide import SECTIONS, GuideScreen, GuideViewer
from lobby_tui.screens.signin import LockScreen, SignInScreen
from lobby_tui.store import Store
from tests.helpers.app import Build, on_roster, on_screen, settle

# Each place's first words in each guide's heading: the section really is that place's.
HEADINGS = {
    "en": {
        "dashboard": "The lobby",
        "checklist": "Opening checklist",
        "triage": "Arrival triage",
        "rounds": "Waiting-area rounds",
        "complaints": "Complaints",
        "incidents": "Incidents",
        "handover": "Shift handover",
        "counter": "Counter view",
        "signin": "Sign-in, lock and roster",
    },
    "zh": {
        "dashboard": "大堂看板",
        "checklist": "班前检查",
        "triage": "迎宾分流",
        "rounds": "等候区巡视",
        "complaints": "投诉",
        "incidents": "事件",
        "handover": "交接班",
        "counter": "柜台叫号",
        "signin": "登录、锁定与员工名单",
    },
}


async def open_guide(app: LobbyApp, pilot: Pilot[None]) -> GuideViewer:
    """`?`, then wait until the guide has gone to its section."""
    await pilot.press("question_mark")
    await settle(app, pilot)
    viewer = on_screen(app, GuideScreen).query_one(GuideViewer)
    for _ in range(100):
        if viewer.shown is not None:
            break
        await pilot.pause(0.05)
    await pilot.pause()
    return viewer


def heading_of(viewer: GuideViewer, anchor: str) -> Widget:
    index = viewer.section_at[anchor]
    return viewer.document.query_one(f"#{viewer.document.table_of_contents[index][2]}")


def assert_at_section(viewer: GuideViewer, section: str, language: str) -> None:
    anchor = SECTIONS[section]
    assert viewer.shown == anchor
    heading = heading_of(viewer, anchor)
    title = viewer.document.table_of_contents[viewer.section_at[anchor]][1]
    assert title.startswith(HEADINGS[language][section]), title
    # The heading is on screen, at the top unless the guide ends before it could get there.
    top = heading.region.y - viewer.region.y
    assert viewer.region.contains_region(heading.region), (heading.region, viewer.region)
    assert top <= 3 or viewer.scroll_y == viewer.max_scroll_y, top


async def go_to(app: LobbyApp, pilot: Pilot[None], place: str) -> None:
    keys = dict(PLACES)
    if place == "counter":
        app.switch_mode("counter")
    elif place != "dashboard":
        await pilot.press(keys[place])
    await settle(app, pilot)  # no place opens with a text field focused: `?` works at once


@pytest.mark.parametrize("language", ["en", "zh"])
@pytest.mark.parametrize("place", [*(p for p, _ in PLACES), "counter"])
async def test_the_help_key_opens_the_guide_at_the_place(
    build_app: Build, place: str, language: str
) -> None:
    app = build_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await go_to(app, pilot, place)
        before = app.screen
        viewer = await open_guide(app, pilot)
        assert_at_section(viewer, place, language)
        title = str(app.screen.query_one("#guide-title").render())
        assert ("使用指南" if language == "zh" else "Manager's guide") in title

        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is before


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_the_guide_opens_on_the_sign_in(
    store: Store, build_app: Build, language: str
) -> None:
    on_roster(store, "Li Ming", "lobby_manager")
    app = build_app(language, signed_in=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        on_screen(app, SignInScreen)  # the PIN field has the focus; `?` is never a PIN digit
        viewer = await open_guide(app, pilot)
        assert_at_section(viewer, "signin", language)
        await pilot.press("escape")
        await settle(app, pilot)
        on_screen(app, SignInScreen)
        assert app.covered  # still nothing of the lobby behind it


async def test_the_lock_and_the_flag_dialog_open_their_sections(build_app: Build) -> None:
    app = build_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        viewer = await open_guide(app, pilot)
        assert_at_section(viewer, "incidents", "en")
        await pilot.press("escape", "escape")
        await settle(app, pilot)

        app.action_lock()
        await settle(app, pilot)
        on_screen(app, LockScreen)
        viewer = await open_guide(app, pilot)
        assert_at_section(viewer, "signin", "en")


async def test_a_question_mark_typed_in_a_field_stays_a_question_mark(build_app: Build) -> None:
    from textual.widgets import TextArea

    app = build_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        note = app.screen.query_one("#handover-note", TextArea)
        note.focus()
        await pilot.press("question_mark")
        await settle(app, pilot)
        assert not isinstance(app.screen, GuideScreen)
        assert note.text == "?"


async def test_a_place_key_closes_the_guide_on_the_way(build_app: Build) -> None:
    app = build_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_guide(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.current_mode == "triage"
        assert not isinstance(app.screen, GuideScreen)
        await pilot.press("f1")
        await settle(app, pilot)
        assert not isinstance(app.screen, GuideScreen)  # not left behind on the lobby


async def test_the_palette_opens_the_guide(build_app: Build) -> None:
    app = build_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        command = next(c for c in app.palette_commands() if c.names_key == "help.names")
        command.run()
        await settle(app, pilot)
        viewer = on_screen(app, GuideScreen).query_one(GuideViewer)
        for _ in range(100):
            if viewer.shown is not None:
                break
            await pilot.pause(0.05)
        assert viewer.shown == SECTIONS["rounds"]


@pytest.mark.parametrize(("size", "shown"), [((160, 48), "? Help"), ((80, 24), "?")])
async def test_a_tap_on_the_footer_opens_the_guide(
    build_app: Build, size: tuple[int, int], shown: str
) -> None:  # covers: R6.3
    """A touch tablet taps the footer's `?`: at 80 columns, where the places leave no room
    for its word, the key alone."""
    from lobby_tui.widgets.footer import LobbyFooter

    app = build_app("en")
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        footer = app.screen.query_one(LobbyFooter)
        drawn = str(footer.render())
        assert "F8 Flag!" in drawn and shown in drawn
        await pilot.click(LobbyFooter, offset=(drawn.index("?"), 0))
        await settle(app, pilot)
        on_screen(app, GuideScreen)


async def test_the_guides_own_links_go_to_their_sections(build_app: Build) -> None:
    """The contents line at the top links each place's section (`[Shift handover](#handover)`):
    the viewer goes there, as a tap on the link does."""
    app = build_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        viewer = await open_guide(app, pilot)
        await viewer.go("#handover")
        await pilot.pause()
        assert_at_section(viewer, "handover", "zh")


async def test_a_copy_without_the_guide_says_so(
    build_app: Build, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("lobby_tui.screens.guide.guide_file", lambda language: None)
    app = build_app("en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await settle(app, pilot)
        screen = on_screen(app, GuideScreen)
        assert "not installed" in str(screen.query_one("#guide-missing").render())
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, GuideScreen)
