"""The calendar-aware forecast (R1.6): holiday and pay-day effects, learned or configured."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from lobby_tui.content import holiday_calendar
from lobby_tui.domain.forecast import Calendar, ForecastConfig, forecast_day, learn_factors

CONFIG = ForecastConfig(
    version=1, effect={"pension_day": 1.4, "before_holiday": 1.25, "heavy_rain": 0.75}
)
HOURS = (9, 16)


def flat_day(per_hour: float) -> Counter[int]:
    return Counter({h: round(per_hour) for h in range(HOURS[0], HOURS[1] + 1)})


def history(
    first: date, last: date, cal: Calendar, truth: dict[str, float], base: float = 20
) -> dict[date, Counter[int]]:
    """Days with `base` walk-ins an hour, times the true factor of each of their effects."""
    out = {}
    day = first
    while day <= last:
        factor = 1.0
        for effect in cal.effects(day):
            factor *= truth.get(effect, 1.0)
        out[day] = flat_day(base * factor)
        day += timedelta(days=1)
    return out


def test_the_2026_calendar_knows_the_holidays_and_the_adjusted_working_days() -> None:
    cal = Calendar.of(holiday_calendar())
    assert cal.effects(date(2026, 10, 1)) == ("holiday",)
    assert cal.effects(date(2026, 9, 30)) == ("before_holiday", "quarter_end")
    assert cal.effects(date(2026, 10, 8)) == ("after_holiday",)
    # 调休: Saturday 10 October 2026 is a working day, Sunday 20 September too.
    assert "adjusted_workday" in cal.effects(date(2026, 10, 10))
    assert not cal.is_rest_day(date(2026, 9, 20))
    assert cal.is_rest_day(date(2026, 2, 16))  # Spring Festival, a Monday
    assert cal.effects(date(2026, 2, 14)) == ("before_holiday", "adjusted_workday")
    # The 2027 statutory days are there, unconfirmed until the State Council publishes.
    spring = holiday_calendar().days_off()[date(2027, 2, 6)]
    assert spring.key == "spring_festival" and not spring.confirmed


def test_the_2026_calendar_is_the_state_councils_notice_day_for_day() -> None:
    # covers: R1.6
    # 国务院办公厅关于2026年部分节假日安排的通知 (2025-11): the days off and the weekend
    # days worked in exchange, as the notice lists them.
    notice = {
        "new_year": ((1, 1), (1, 3), [(1, 4)]),
        "spring_festival": ((2, 15), (2, 23), [(2, 14), (2, 28)]),
        "qingming": ((4, 4), (4, 6), []),
        "labour_day": ((5, 1), (5, 5), [(5, 9)]),
        "dragon_boat": ((6, 19), (6, 21), []),
        "mid_autumn": ((9, 25), (9, 27), []),
        "national_day": ((10, 1), (10, 7), [(9, 20), (10, 10)]),
    }
    found = {h.key: h for h in holiday_calendar().holiday if h.first.year == 2026}
    assert set(found) == set(notice)
    for key, (first, last, workdays) in notice.items():
        holiday = found[key]
        assert (holiday.first, holiday.last) == (date(2026, *first), date(2026, *last)), key
        assert sorted(holiday.workdays) == [date(2026, *d) for d in workdays], key
        assert holiday.confirmed
        assert all(date(2026, *d).weekday() >= 5 for d in workdays)  # a weekend day worked
    assert holiday_calendar().confirmed(2026)
    # 2027 holds the statutory days only until the branch enters the notice; 2028 nothing.
    assert not holiday_calendar().confirmed(2027)
    assert not holiday_calendar().confirmed(2028)


def test_pay_days_and_month_ends_are_the_branchs() -> None:
    cal = Calendar.of(holiday_calendar(), pension_days=[15], payroll_days=[10])
    assert cal.effects(date(2026, 12, 15)) == ("pension_day",)
    assert cal.effects(date(2026, 12, 10)) == ("payroll_day",)
    assert cal.effects(date(2026, 11, 30)) == ("month_end",)
    assert cal.effects(date(2026, 12, 31)) == ("before_holiday", "quarter_end")


def test_an_effect_seen_often_enough_is_learned_from_the_history() -> None:
    # covers: R1.6
    cal = Calendar.of(holiday_calendar(), pension_days=[15])
    past = history(date(2026, 6, 1), date(2026, 11, 30), cal, {"pension_day": 1.8})
    factors = learn_factors(past, cal, CONFIG, *HOURS)
    assert factors["pension_day"].learned and factors["pension_day"].observations == 6
    assert factors["pension_day"].value == pytest.approx(1.8, rel=0.05)
    forecast = forecast_day(date(2026, 12, 15), past, cal, CONFIG, *HOURS)
    assert [f.effect for f in forecast.effects] == ["pension_day"]
    assert forecast.at(10) == pytest.approx(36, rel=0.05)  # 20 an hour × 1.8


def test_too_few_observations_keep_the_configured_default() -> None:
    # Two pension days in the history: not enough (three are), the default 1.4 stays.
    cal = Calendar.of(holiday_calendar(), pension_days=[15])
    past = history(date(2026, 10, 1), date(2026, 11, 30), cal, {"pension_day": 3.0})
    factors = learn_factors(past, cal, CONFIG, *HOURS)
    assert factors["pension_day"].observations == 2 and not factors["pension_day"].learned
    assert forecast_day(date(2026, 12, 15), past, cal, CONFIG, *HOURS).at(10) == pytest.approx(28)


def test_the_day_before_a_holiday_and_the_weather_multiply() -> None:
    cal = Calendar.of(holiday_calendar(), weather={date(2026, 9, 30): "heavy_rain"})
    past = history(date(2026, 8, 1), date(2026, 9, 29), cal, {})
    forecast = forecast_day(date(2026, 9, 30), past, cal, CONFIG, *HOURS)
    assert {f.effect for f in forecast.effects} == {"before_holiday", "quarter_end", "heavy_rain"}
    assert forecast.factor == pytest.approx(1.25 * 1.0 * 0.75)  # quarter end: no default set


def test_no_ordinary_day_of_that_weekday_no_forecast() -> None:
    cal = Calendar.of(holiday_calendar())
    assert not forecast_day(date(2026, 12, 15), {}, cal, CONFIG, *HOURS).has_history
    # Closed days (no arrivals) do not count as history.
    closed: dict[date, Counter[int]] = {
        date(2026, 12, 8) - timedelta(weeks=n): Counter() for n in range(4)
    }
    assert not forecast_day(date(2026, 12, 15), closed, cal, CONFIG, *HOURS).has_history
