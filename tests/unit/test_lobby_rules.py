"""Pure rules of the live lobby and the business day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lobby_tui.domain.day import business_day, day_bounds_utc
from lobby_tui.domain.kpis import ArrivalFacts, hourly_figures
from lobby_tui.domain.lobby import (
    UNDO_SECONDS,
    WaitLevel,
    channel_queues,
    undo_in_time,
    wait_level,
    wait_minutes,
)
from lobby_tui.domain.settings import SettingsError, build_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("minutes", "level"),
    [
        (0, WaitLevel.OK),
        (9, WaitLevel.OK),
        (10, WaitLevel.AMBER),
        (14, WaitLevel.AMBER),
        (15, WaitLevel.RED),
        (90, WaitLevel.RED),
    ],
)
def test_wait_level_thresholds(minutes: int, level: WaitLevel) -> None:  # covers: R3.2
    assert wait_level(minutes, amber_min=10, red_min=15) is level


@given(st.integers(0, 500), st.integers(0, 500))
def test_wait_level_never_improves_with_longer_wait(a: int, b: int) -> None:  # covers: R3.2
    order = [WaitLevel.OK, WaitLevel.AMBER, WaitLevel.RED]
    low, high = sorted((a, b))
    assert order.index(wait_level(low, 10, 15)) <= order.index(wait_level(high, 10, 15))


def test_wait_minutes_is_whole_and_never_negative() -> None:
    assert wait_minutes(NOW - timedelta(minutes=9, seconds=59), NOW) == 9
    assert wait_minutes(NOW + timedelta(minutes=2), NOW) == 0  # another tablet's clock ahead


def test_channel_queues_count_and_colour_each_channel() -> None:  # covers: R2.3
    waiting = [
        ("cash", NOW - timedelta(minutes=3)),
        ("cash", NOW - timedelta(minutes=16)),
        ("non_cash", NOW - timedelta(minutes=11)),
    ]
    queues = channel_queues(["cash", "non_cash", "wealth"], waiting, NOW, 10, 15)
    assert [(q.channel, q.waiting, q.longest_min, q.level) for q in queues] == [
        ("cash", 2, 16, WaitLevel.RED),
        ("non_cash", 1, 11, WaitLevel.AMBER),
        ("wealth", 0, None, WaitLevel.OK),
    ]


def test_the_chart_counts_arrivals_before_opening_and_after_closing() -> None:
    # Issue 15: the dashboard dropped arrivals outside 09:00–17:59 while the handover
    # showed them; one hourly rule (domain/kpis) now widens the hours to every arrival.
    local = [
        datetime(2026, 11, 28, h, m, tzinfo=SHANGHAI)
        for h, m in [(8, 59), (9, 0), (9, 59), (10, 5), (18, 0)]
    ]
    facts = [
        ArrivalFacts(at, None, None, "waiting", "x", False, "cash", None, None) for at in local
    ]
    hours = hourly_figures(facts, SHANGHAI, 9, 11)
    bars = {h.hour: h.arrivals for h in hours}
    assert bars == {8: 1, 9: 2, 10: 1, 11: 0, 12: 0, 13: 0, 14: 0, 15: 0, 16: 0, 17: 0, 18: 1}
    assert sum(bars.values()) == len(local)


def test_business_day_is_the_branch_local_date() -> None:
    # 23:30 UTC on the 27th is already 07:30 on the 28th in Shanghai.
    assert business_day(datetime(2026, 11, 27, 23, 30, tzinfo=UTC), SHANGHAI) == date(2026, 11, 28)
    start, end = day_bounds_utc(date(2026, 11, 28), SHANGHAI)
    assert (start.hour, end - start) == (16, timedelta(days=1))


DEFAULTS = {
    "branch_name": {"zh": "示范支行", "en": "Demo Branch"},
    "timezone": "Asia/Shanghai",
    "opening_time": "09:00",
    "closing_time": "17:00",
    "wait_amber_min": 10,
    "wait_red_min": 15,
    "round_interval_min": 15,
    "theme": "default",
}


def test_settings_overrides_win_over_defaults() -> None:
    s = build_settings(DEFAULTS, {"wait_amber_min": 8, "language": "zh", "branch_name": "东城"})
    assert s.wait_amber_min == 8 and s.language == "zh"
    assert s.branch("en") == "东城" and s.opening_time == time(9, 0)


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ({"wait_red_min": 5}, "wait_red_min"),
        ({"wait_amber_min": "ten"}, "wait_amber_min"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"opening_time": "nine"}, "opening_time"),
        ({"theme": "neon"}, "theme"),
        ({"language": "fr"}, "language"),
        ({"round_interval_min": 0}, "round_interval_min"),
        ({"reveal_roles": ["security", "janitor"]}, "reveal_roles"),
        ({"reveal_roles": []}, "reveal_roles"),
        ({"reveal_roles": "supervisor"}, "reveal_roles"),
    ],
)
def test_bad_settings_name_the_setting(override: dict[str, object], key: str) -> None:
    with pytest.raises(SettingsError) as caught:
        build_settings(DEFAULTS, override)
    assert caught.value.key == key


def test_the_roles_that_may_reveal_are_a_setting() -> None:  # covers: R6.5
    assert build_settings(DEFAULTS, {}).reveal_roles == (
        "lobby_manager", "supervisor", "wealth_manager")  # fmt: skip
    chosen = build_settings(DEFAULTS, {"reveal_roles": ["supervisor", "supervisor"]})
    assert chosen.reveal_roles == ("supervisor",)


def test_a_queue_key_can_be_undone_for_thirty_seconds_only() -> None:  # covers: R2.3
    moved = datetime(2026, 11, 28, 2, 30, tzinfo=UTC)
    assert UNDO_SECONDS == 30
    assert undo_in_time(moved, moved)
    assert undo_in_time(moved, moved + timedelta(seconds=30))
    assert not undo_in_time(moved, moved + timedelta(seconds=31))
    assert not undo_in_time(moved, moved - timedelta(seconds=1))  # a clock set back
