"""Chinese as a branch speaks it, English as a manager reads it: the palette finds places by
every name a user would type, and no English of Textual's own is left on a Chinese screen."""

from __future__ import annotations

import re

import pytest
from textual.command import CommandList, CommandPalette
from textual.geometry import Region
from textual.widgets import KeyPanel, Select, Static, TabbedContent, TextArea

from lobby_tui.app import FLAG_KEY, PLACES, LobbyApp
from lobby_tui.demo.morning import write_demo_morning
from lobby_tui.domain.day import business_day
from lobby_tui.domain.rounds import Care
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.triage import FLAGS
from lobby_tui.i18n import t
from lobby_tui.screens.complaints.intake import IntakeForm
from lobby_tui.store import Store
from lobby_tui.widgets.footer import LobbyFooter
from tests.helpers.app import Build, settle
from tests.helpers.screen import run_command


@pytest.mark.parametrize(
    ("language", "typed", "place"),
    [
        ("en", "checklist", "checklist"),
        ("en", "opening checklist", "checklist"),
        ("en", "walk-in", "triage"),
        ("en", "waiting area", "rounds"),
        ("en", "complaint", "complaints"),
        ("en", "security", "incidents"),
        ("en", "end of shift", "handover"),
        ("en", "交接班", "handover"),  # a Chinese name in the English app
        ("zh", "班前检查", "checklist"),
        ("zh", "迎宾分流", "triage"),
        ("zh", "等候区巡视", "rounds"),
        ("zh", "投诉", "complaints"),
        ("zh", "突发事件", "incidents"),
        ("zh", "交接班", "handover"),
        ("zh", "checklist", "checklist"),  # and an English one in the Chinese app
    ],
)
async def test_the_palette_finds_a_place_by_any_of_its_names(
    build_app: Build, language: str, typed: str, place: str
) -> None:
    app = build_app(language)
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(app, pilot, typed, expect=t("cmd.go", place=t(f"nav.{place}")))
        assert app.current_mode == place


async def test_the_palette_finds_the_language_switch_by_its_chinese_name(
    build_app: Build,
) -> None:
    app = build_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await run_command(app, pilot, "语言", expect=t("cmd.language.en"))
        await pilot.pause()
        assert app.language == "en"


async def test_the_palette_says_no_matches_in_chinese(build_app: Build) -> None:
    app = build_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"qqqzzz")
        shown: list[str] = []
        for _ in range(100):  # Textual waits half a second before saying so
            await pilot.pause(0.02)
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            listed = palette.query_one(CommandList)
            shown = [str(listed.get_option_at_index(i).prompt) for i in range(listed.option_count)]
            if any("没有找到匹配项" in line for line in shown):
                break  # (a list found for the first letters typed may show first)
        assert any("没有找到匹配项" in line for line in shown), shown
        assert not any("No matches" in line for line in shown)


def english_labels(app: LobbyApp) -> list[str]:
    """Key labels and tooltips of the screen in front, with the focused widget's own keys,
    that are plain English words (Textual's own, untranslated)."""
    latin = re.compile(r"[A-Za-z][A-Za-z ,.'()-]*")
    found = []
    for active in app.screen.active_bindings.values():
        for label in (active.binding.description, active.binding.tooltip, active.tooltip):
            if label and latin.fullmatch(label):
                found.append(label)
    return found


# One test a place (they were one 50-second journey: a suite's last test to finish).
@pytest.mark.parametrize(("place", "key"), PLACES, ids=[place for place, _key in PLACES])
async def test_no_textual_key_label_is_left_in_english(
    build_app: Build, place: str, key: str
) -> None:
    # The place, every control focused in turn: what the keys panel and footer list.
    app = build_app("zh")
    async with app.run_test(size=(100, 30)) as pilot:
        dashboard = key == PLACES[0][1]
        if dashboard:  # come back to it from another place, as the manager does
            await pilot.press(PLACES[-1][1])
            await settle(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)
        for widget in list(app.screen.query("*")):
            if widget.focusable and widget.display:
                widget.focus()
                await pilot.pause()
                assert english_labels(app) == [], (place, widget)
        if dashboard:
            await pilot.press(FLAG_KEY)  # a dialog too
            await pilot.pause()
            assert english_labels(app) == []


async def test_the_keys_panel_and_an_open_select_speak_chinese(build_app: Build) -> None:
    app = build_app("zh")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await run_command(app, pilot, "按键", expect=t("cmd.keys"))
        await settle(app, pilot)
        panel = app.screen.query_one(KeyPanel).region
        lines = app.screen._compositor.render_strips()[panel.y : panel.bottom]
        text = "\n".join(line.crop(panel.x, panel.right).text for line in lines)
        assert "退出" in text and "下一项" in text
        assert "Quit" not in text and "Focus" not in text
        app.screen.query_one("#appointment", Select).focus()
        await pilot.press("enter")  # the list open: escape closes it, said in Chinese
        await pilot.pause()
        assert "escape 收起列表" in str(app.screen.query_one(LobbyFooter).render())
        assert "Dismiss" not in str(app.screen.query_one(LobbyFooter).render())


async def test_ctrl_c_says_how_to_quit_in_chinese(build_app: Build) -> None:
    app = build_app("zh")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.press("ctrl+c")
        await pilot.pause()
        said = [(n.title, n.message) for n in app._notifications]
        assert ("要退出吗？", "按 ctrl+q 退出程序") in said


async def test_the_triage_clock_speaks_chinese(build_app: Build) -> None:
    app = build_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.pause(0.6)  # the clock ticks twice a second
        clock = str(app.screen.query_one("#clock", Static).render())
        assert clock.startswith("⏱") and clock.endswith("秒") and " s" not in clock


@pytest.mark.parametrize("size", [(80, 24), (100, 40)])
async def test_switching_language_on_the_intake_keeps_the_intake_tab(
    build_app: Build, size: tuple[int, int]
) -> None:
    app = build_app()
    async with app.run_test(size=size) as pilot:
        await pilot.press("f5", "ctrl+n")
        await settle(app, pilot)
        await pilot.press(*"Charged twice")
        await run_command(app, pilot, "Chinese")
        await settle(app, pilot)
        screen = app.screen
        assert screen.query_one("#complaint-tabs", TabbedContent).active == "tab-intake"
        assert screen.query_one("#description", TextArea).text == "Charged twice"
        assert screen.query_one(IntakeForm).region.area > 0  # on screen, not behind a tab
        assert isinstance(app.focused, TextArea)  # where the manager was typing


LINE_OPENERS_NOT_ALLOWED = "，。、；：！？）》」』】〕〉”’％"


def lines_starting_badly(app: LobbyApp) -> list[str]:
    """Lines of the screen's text widgets that start (borders and indent aside) with a mark
    that closes what the line before said."""
    bad = []
    for widget in app.screen.query(Static):
        if widget.display and widget.size.area:
            for strip in widget.render_lines(Region(0, 0, *widget.region.size)):
                words = strip.text.strip(" │┃╭╮╰╯┏┓┗┛─━▔▁▎▊▌▐")
                if words[:1] and words[0] in LINE_OPENERS_NOT_ALLOWED:
                    bad.append(words)
    return bad


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_no_chinese_line_starts_with_a_closing_mark(
    build_app: Build, store: Store, settings: Settings, size: tuple[int, int]
) -> None:
    write_demo_morning(
        store, settings, business_day(store.clock.now(), settings.timezone), seed=7, lang="zh"
    )
    app = build_app("zh")
    async with app.run_test(size=size) as pilot:
        for place, key in [*PLACES[1:], PLACES[0]]:
            await pilot.press(key)
            await settle(app, pilot)
            assert lines_starting_badly(app) == [], place


async def test_a_legend_says_what_each_one_character_mark_means(
    build_app: Build, store: Store, settings: Settings
) -> None:
    write_demo_morning(
        store, settings, business_day(store.clock.now(), settings.timezone), seed=7, lang="zh"
    )
    app = build_app("zh")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        legend = app.screen.query_one("#care-legend", Static)
        said = str(legend.render())
        for care in Care:  # 歉 致歉 · 水 送水 · 报 报刊 …
            assert f"{t(f'care_mark.{care.value}')} {t(f'care.{care.value}')}" in said
        assert legend.region.height > 0  # on screen at 80×24
        await pilot.press("f3")
        await settle(app, pilot)
        said = str(app.screen.query_one("#queue-keys", Static).render())
        for flag in FLAGS:  # 老 老人 · 残 残障 …
            assert f"{t(f'flag_short.{flag}')} {t(f'flag.{flag}')}" in said
