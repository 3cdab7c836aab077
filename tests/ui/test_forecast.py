"""The day plan's windows per hour and the dashboard's "open a window now" (R1.6, issue 19)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from rich.console import Console
from textual.widgets import Button, OptionList, Static, TabbedContent

from lobby_tui.app import LobbyApp
from lobby_tui.demo.history import write_history
from lobby_tui.domain.settings import Settings
from lobby_tui.screens.dashboard import DashboardScreen
from lobby_tui.services.arrivals import NewArrival, move_arrival, record_arrival
from lobby_tui.store import FixedClock, Store
from tests.helpers.app import Build, on_roster, on_screen, one_row, settle
from tests.helpers.screen import open_checklist, put_on_duty, screen_text

SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 28)  # a Saturday without a calendar effect


def at(hour: int, minute: int) -> datetime:
    return datetime(2026, 11, 28, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@pytest.fixture
def history(store: Store, settings: Settings) -> None:
    """Four weeks of a quiet branch: some 50 walk-ins on a Saturday."""
    write_history(store, settings, DAY, days=28, per_day=60, seed=7, lang="en")


def walk_in(store: Store, clock: FixedClock, when: datetime) -> str:
    clock.set(when)
    arrival_id, _ticket = record_arrival(
        store, NewArrival(None, DAY.isoformat(), "cash_withdrawal", "cash", "A")
    )
    return arrival_id


async def look(app: LobbyApp, pilot: object) -> str:
    """The dashboard read again at the clock's time (the forecast, then the live check)."""
    screen = on_screen(app, DashboardScreen)
    screen.refresh_lobby()
    await settle(app, pilot)  # type: ignore[arg-type]
    await settle(app, pilot)  # type: ignore[arg-type]
    return screen_text(app)


@pytest.mark.parametrize(
    ("language", "advice", "why"),
    [
        ("en", "Open a window now: Cash counter", "came in 30 min"),
        ("zh", "建议立即增开窗口：现金柜台", "30分钟内到店"),
    ],
)
async def test_a_surge_at_1140_asks_for_a_window_before_the_queue_turns_red(
    build_app: Build,
    store: Store,
    clock: FixedClock,
    history: None,
    language: str,
    advice: str,
    why: str,
) -> None:  # covers: R1.6
    # The morning as forecast: two cash walk-ins, both called.
    for minute in (5, 20):
        arrival = walk_in(store, clock, at(11, minute))
        clock.set(at(11, minute + 3))
        move_arrival(store, arrival, "called")
    clock.set(at(11, 30))
    app = build_app(language)
    async with app.run_test(size=(160, 48)) as pilot:
        assert advice not in (await look(app, pilot)).replace(" ", "")
        # The surge begins: four walk-ins by 11:35 are still within what two windows clear.
        for minute in range(31, 35):
            walk_in(store, clock, at(11, minute))
        clock.set(at(11, 35))
        assert advice.replace(" ", "") not in (await look(app, pilot)).replace(" ", "")
        # By 11:40 eleven have come in half an hour where the forecast expected under one:
        # at this pace the wait passes 15 minutes, though nobody has waited 10 yet.
        for minute in range(35, 41):
            walk_in(store, clock, at(11, minute))
        text = await look(app, pilot)
        flat = text.replace(" ", "")
        assert advice.replace(" ", "") in flat
        assert why.replace(" ", "") in flat
        # Ten waiting, the longest for 9 minutes: not red, not even amber yet.
        assert ("Cashcounter109min" if language == "en" else "现金柜台109分钟") in flat


async def test_the_day_plan_shows_the_windows_needed_beside_those_on_duty(
    build_app: Build, store: Store, clock: FixedClock, history: None
) -> None:  # covers: R1.6
    clock.set(at(8, 30))
    app = build_app()
    async with app.run_test(size=(120, 48)) as pilot:
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)
        shown = Console(width=120, record=True, file=io.StringIO())
        shown.print(app.screen.query_one("#forecast", Static).content)
        text = shown.export_text()
        assert "No calendar effect today" in text
        assert "not confirmed" not in text  # 2026's holidays are the State Council's
        assert "Target: 80% called within 15 min (Erlang C)" in text
        assert "A Cash counter · B Non-cash counter" in text
        # Why those windows: the arrivals above, and how long each customer takes.
        assert re.search(r"Mean service per customer.*: A \d+\.\d min · B \d+\.\d min", text)
        # Each hour: its forecast and, per channel, windows needed / on duty (the default
        # plan: 2 cash, 2 non-cash, 1 priority, 3 machines, 1 wealth).
        rows = [line for line in text.splitlines() if re.match(r"^(09|1\d) ", line)]
        assert [line[:2] for line in rows] == ["09", "10", "11", "12", "13", "14", "15", "16"]
        assert all(re.search(r"\d+/2 +\d+/2 +\d+/1 +\d+/3 +\d+/1$", line) for line in rows)


@pytest.mark.parametrize("language", ["en", "zh"])
async def test_one_key_shows_the_windows_each_hour_needs_at_0830(
    build_app: Build, clock: FixedClock, history: None, language: str
) -> None:  # covers: R1.6
    """At 08:30 on a laptop: F2 then Ctrl+G, and the forecast's hours are on screen (they
    end a long Day plan, below the counters, the people, appointments and cash)."""
    clock.set(at(8, 30))
    app = build_app(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_checklist(app, pilot)
        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert app.screen.query_one(TabbedContent).active == "tab-plan"
        title = app.screen.query_one("#forecast-title", Static)
        assert title.region.height and app.screen.region.contains_region(title.region)
        hours = app.screen.query_one("#forecast", Static)
        assert hours.region.y < app.screen.region.bottom - 2  # the table starts on screen
        heading = "Expected arrivals per hour" if language == "en" else "各时段预计到店人数"
        assert heading in screen_text(app)


@pytest.mark.parametrize(("language", "said"), [
    ("en", "The holiday calendar for 2027 is not confirmed (data/holidays.toml)"),
    ("zh", "2027 年节假日安排尚未确认（data/holidays.toml）"),
])  # fmt: skip
def test_a_year_whose_holidays_are_not_confirmed_is_said_on_the_plan(
    store: Store, settings: Settings, language: str, said: str
) -> None:  # covers: R1.6
    from lobby_tui.content import channels
    from lobby_tui.i18n import set_language
    from lobby_tui.screens.checklist.forecast import forecast_view
    from lobby_tui.services.forecast import day_plan_forecast

    day = date(2027, 1, 8)  # a Friday after New Year's Day 2027, whose 调休 is not in yet
    write_history(store, settings, day, days=28, per_day=60, seed=7, lang="en")
    plan = day_plan_forecast(store, settings, day, [c.key for c in channels()])
    assert not plan.calendar_confirmed
    set_language(language)
    shown = Console(width=200, record=True, file=io.StringIO())
    shown.print(forecast_view(plan, channels(), language, 15, 0.8))
    assert said in shown.export_text()


@pytest.mark.parametrize(
    ("language", "spans"), [("en", "09:00–10:00, 14:00"), ("zh", "09:00–10:00、14:00")]
)
def test_the_hours_short_are_listed_in_the_managers_language(language: str, spans: str) -> None:
    from lobby_tui.i18n import set_language
    from lobby_tui.screens.checklist.forecast import hour_spans

    set_language(language)
    assert hour_spans([9, 10, 14]) == spans  # a Chinese list takes 、 and ；, not , and ;


def forecast_rows(app: LobbyApp) -> dict[str, str]:
    """The day plan's forecast table as printed: each hour's line by its hour."""
    shown = Console(width=120, record=True, file=io.StringIO())
    shown.print(app.screen.query_one("#forecast", Static).content)
    lines = shown.export_text().splitlines()
    return {line[:2]: line.rstrip() for line in lines if re.match(r"^(09|1\d) ", line)}


async def test_the_windows_on_duty_beside_the_forecast_follow_the_people(
    build_app: Build, store: Store, clock: FixedClock, history: None
) -> None:  # covers: R1.6
    chen, liu = on_roster(store, "Chen").id, on_roster(store, "Liu").id
    clock.set(at(8, 30))
    app = build_app()
    async with app.run_test(size=(120, 48)) as pilot:
        await open_checklist(app, pilot)
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)
        assert re.search(r"\d+/2 +\d+/2 +\d+/1 +\d+/3 +\d+/1$", forecast_rows(app)["12"])
        # The first person on the plan: the windows are the people now, not the typed
        # counters (the forecast read at 08:30 is not read again for it).
        await put_on_duty(app, pilot, chen, "cash")
        await put_on_duty(app, pilot, liu, "cash", "12:00-13:00")
        rows = forecast_rows(app)
        assert re.search(r"\d+/2 +\d+/0 +\d+/0 +\d+/3 +\d+/0$", rows["11"])
        assert re.search(r"\d+/1 +\d+/0 +\d+/0 +\d+/3 +\d+/0$", rows["12"])


@pytest.mark.parametrize(("language", "label", "why"), [
    ("en", "Heavy rain", "Why: Heavy rain ×0.75 (preset)"),
    ("zh", "暴雨", "原因：暴雨 ×0.75（预设值）"),
])  # fmt: skip
async def test_the_weather_picked_on_the_checklist_is_the_forecasts(
    build_app: Build,
    store: Store,
    clock: FixedClock,
    history: None,
    language: str,
    label: str,
    why: str,
) -> None:  # covers: R1.4, R1.6
    clock.set(at(8, 30))
    app = build_app(language)
    async with app.run_test(size=(120, 48)) as pilot:
        await open_checklist(app, pilot)
        items = app.screen.query_one("#items", OptionList)
        items.highlighted = items.get_option_index("weather")
        await pilot.pause()
        button = app.screen.query_one("#choice-weather-heavy_rain", Button)
        assert str(button.label) == label and button.display
        assert app.screen.query_one("#choice-buttons").display
        await pilot.click("#choice-weather-heavy_rain")
        await settle(app, pilot)
        row = one_row(store, "SELECT weather FROM day_weather WHERE business_day = ?", (DAY,))
        assert row[0] == "heavy_rain"
        answer = one_row(store, "SELECT answer FROM checklist_answers WHERE item_key = 'weather'")
        assert answer[0] == "ok"
        assert f"[{label}]" in screen_text(app)
        # The day plan reads the forecast again, with the rain in it.
        app.screen.query_one(TabbedContent).active = "tab-plan"
        await settle(app, pilot)
        shown = Console(width=120, record=True, file=io.StringIO())
        shown.print(app.screen.query_one("#forecast", Static).content)
        assert why in shown.export_text()
        # Any other item offers no choice.
        app.screen.query_one(TabbedContent).active = "tab-items"
        items.highlighted = items.get_option_index("traffic")
        await pilot.pause()
        assert not app.screen.query_one("#choice-buttons").display
