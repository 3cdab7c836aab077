"""The day plan's forecast (R1.6): arrivals per hour from the branch's own weekday-by-hour
profile × the day's calendar effects (holidays and the days around them, 调休 working days,
pension and pay days, month and quarter end, the weather entered on the checklist).

Each effect's factor is learned from the branch's history — arrivals on the days with the
effect against what an ordinary day of the same weekday brought — once the history has seen
the effect on enough days (`min_observations`); until then the configured default is used.
The forecast says why an hour is busy ("pension day ×1.4").

Pure: the service counts arrivals per day and hour and hands them over; the day plan, the
dashboard's advice and the backtest in bench/ all ask `forecast_day()`.
"""

from __future__ import annotations

import calendar as gregorian
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict, Field, model_validator

from lobby_tui.domain.checklist import PEAK_SHARE, Label

# The order effects are listed and explained in.
EFFECTS = (
    "holiday",
    "before_holiday",
    "after_holiday",
    "adjusted_workday",
    "pension_day",
    "payroll_day",
    "month_end",
    "quarter_end",
    "heavy_rain",
    "heat",
)
WEATHER = ("fair", "heavy_rain", "heat")  # the checklist's weather choice; fair has no effect
LEARN_ROUNDS = 3  # backfitting rounds: a day with two effects is shared out between them


# The holiday calendar (data/holidays.toml) -----------------------------------------------


class Holiday(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label: Label
    first: date
    last: date
    workdays: list[date] = Field(default_factory=list)
    confirmed: bool = True

    @model_validator(mode="after")
    def _in_order(self) -> Holiday:
        if self.last < self.first:
            raise ValueError("last is before first")
        return self


class HolidayCalendar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    holiday: list[Holiday] = Field(default_factory=list)

    def days_off(self) -> dict[date, Holiday]:
        out: dict[date, Holiday] = {}
        for holiday in self.holiday:
            day = holiday.first
            while day <= holiday.last:
                out[day] = holiday
                day += timedelta(days=1)
        return out

    def workdays(self) -> set[date]:
        return {day for holiday in self.holiday for day in holiday.workdays}

    def confirmed(self, year: int) -> bool:
        """The year's schedule is in and confirmed (the days off and the 调休 working days
        as published), not the statutory days alone or nothing at all: the day plan says
        so when it is not, since the days around a holiday would be forecast wrong."""
        mine = [h for h in self.holiday if year in (h.first.year, h.last.year)]
        return bool(mine) and all(h.confirmed for h in mine)


class ForecastConfig(BaseModel):
    """data/forecast.toml: the defaults an effect has until the history has learned it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: int = Field(ge=1)
    profile_weeks: int = Field(default=8, ge=1, le=52)
    learn_days: int = Field(default=400, ge=7, le=3660)
    min_observations: int = Field(default=3, ge=1, le=100)
    effect: dict[str, float] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known_effects(self) -> ForecastConfig:
        for key, factor in self.effect.items():
            if key not in EFFECTS:
                raise ValueError(f"unknown effect {key!r}")
            if not 0 < factor <= 10:
                raise ValueError(f"effect {key!r}: a factor from 0 to 10")
        return self

    def default(self, effect: str) -> float:
        return self.effect.get(effect, 1.0)


@dataclass(frozen=True)
class Calendar:
    """What the forecast knows about the days: the holidays, the 调休 working days, the
    branch's pay days (days of the month) and the weather entered on past checklists."""

    days_off: Mapping[date, Holiday]
    workdays: frozenset[date]
    pension_days: frozenset[int] = frozenset()
    payroll_days: frozenset[int] = frozenset()
    weather: Mapping[date, str] | None = None

    @classmethod
    def of(
        cls,
        holidays: HolidayCalendar,
        pension_days: Iterable[int] = (),
        payroll_days: Iterable[int] = (),
        weather: Mapping[date, str] | None = None,
    ) -> Calendar:
        return cls(
            holidays.days_off(),
            frozenset(holidays.workdays()),
            frozenset(pension_days),
            frozenset(payroll_days),
            weather,
        )

    def with_weather(self, weather: Mapping[date, str]) -> Calendar:
        return Calendar(self.days_off, self.workdays, self.pension_days, self.payroll_days, weather)

    def is_rest_day(self, day: date) -> bool:
        """A day most customers have off: a holiday, or a weekend not worked in exchange."""
        return day in self.days_off or (day.weekday() >= 5 and day not in self.workdays)

    def effects(self, day: date) -> tuple[str, ...]:
        """The calendar effects on `day`, in the order of EFFECTS."""
        off = day in self.days_off
        month_end = day.day == gregorian.monthrange(day.year, day.month)[1]
        weather = (self.weather or {}).get(day)
        applies = {
            "holiday": off,
            "before_holiday": not off and day + timedelta(days=1) in self.days_off,
            "after_holiday": not off and day - timedelta(days=1) in self.days_off,
            "adjusted_workday": day in self.workdays,
            "pension_day": day.day in self.pension_days,
            "payroll_day": day.day in self.payroll_days,
            "month_end": month_end and day.month % 3 != 0,
            "quarter_end": month_end and day.month % 3 == 0,
            "heavy_rain": weather == "heavy_rain",
            "heat": weather == "heat",
        }
        return tuple(effect for effect in EFFECTS if applies[effect])


def profile_key(day: date, cal: Calendar) -> int:
    """Whose weekday profile a day follows: its own; a 调休 working day a working day's
    (Monday's shape is the closest to a catching-up day); a holiday on a weekday Sunday's."""
    if day in cal.workdays:
        return 0
    if day in cal.days_off:
        return 6
    return day.weekday()


# Learning --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Factor:
    effect: str
    value: float
    learned: bool  # from the history; False: the configured default
    observations: int  # days with this effect in the history


Counts = Mapping[date, Mapping[int, int]]  # arrivals per branch-local hour of each past day


def _hours_of(counts: Mapping[int, int], first_hour: int, last_hour: int) -> list[float]:
    return [float(counts.get(h, 0)) for h in range(first_hour, last_hour + 1)]


def weekday_profiles(
    history: Counts, cal: Calendar, first_hour: int, last_hour: int
) -> dict[int, list[float]]:
    """Mean arrivals per hour of each profile (weekday), over the ordinary days with any
    arrivals (a closed day does not drag the mean to zero)."""
    sums: dict[int, list[float]] = {}
    days: dict[int, int] = {}
    for day, counts in history.items():
        if cal.effects(day) or not any(counts.values()):
            continue
        key = profile_key(day, cal)
        hours = _hours_of(counts, first_hour, last_hour)
        row = sums.setdefault(key, [0.0] * len(hours))
        for i, value in enumerate(hours):
            row[i] += value
        days[key] = days.get(key, 0) + 1
    return {key: [v / days[key] for v in row] for key, row in sums.items()}


def learn_factors(
    history: Counts,
    cal: Calendar,
    config: ForecastConfig,
    first_hour: int,
    last_hour: int,
) -> dict[str, Factor]:
    """Each effect's factor: the history's days with it, against their weekday's ordinary
    profile — the sum of what came over the sum of what an ordinary day brings, the other
    effects of those days divided out (a pension day at month end is shared between the two,
    in a few rounds). Fewer than `min_observations` days: the configured default."""
    profiles = weekday_profiles(history, cal, first_hour, last_hour)
    observed: list[tuple[tuple[str, ...], float, float]] = []  # effects, came, ordinary
    for day, counts in history.items():
        effects = cal.effects(day)
        came = sum(_hours_of(counts, first_hour, last_hour))
        profile = profiles.get(profile_key(day, cal))
        if not effects or profile is None or came <= 0:
            continue
        observed.append((effects, came, sum(profile)))
    seen = {e: sum(e in effects for effects, _c, _o in observed) for e in EFFECTS}
    learnable = {e for e in EFFECTS if seen[e] >= config.min_observations}
    values = {e: config.default(e) for e in EFFECTS}
    for _ in range(LEARN_ROUNDS):
        for effect in learnable:
            came_sum = expected_sum = 0.0
            for effects, came, ordinary in observed:
                if effect not in effects:
                    continue
                others = 1.0
                for other in effects:
                    if other != effect:
                        others *= values[other]
                came_sum += came
                expected_sum += ordinary * others
            if expected_sum > 0:
                values[effect] = came_sum / expected_sum
    return {e: Factor(e, values[e], e in learnable, seen[e]) for e in EFFECTS}


# The forecast ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DayForecast:
    """Arrivals expected per hour of one day, and why."""

    first_hour: int
    per_hour: list[float]
    days: int  # ordinary days of this profile the forecast is made from
    peaks: list[int]
    effects: tuple[Factor, ...] = ()  # the day's calendar effects, in the order of EFFECTS

    @property
    def has_history(self) -> bool:
        return self.days > 0

    @property
    def factor(self) -> float:
        out = 1.0
        for effect in self.effects:
            out *= effect.value
        return out

    def at(self, hour: int) -> float:
        i = hour - self.first_hour
        return self.per_hour[i] if 0 <= i < len(self.per_hour) else 0.0


def peak_hours(first_hour: int, per_hour: list[float]) -> list[int]:
    top = max(per_hour, default=0.0)
    return [first_hour + i for i, v in enumerate(per_hour) if top and v >= PEAK_SHARE * top]


def forecast_day(
    day: date,
    history: Counts,
    cal: Calendar,
    config: ForecastConfig,
    first_hour: int,
    last_hour: int,
) -> DayForecast:
    """The day's arrivals per hour: its weekday's profile over the ordinary days of the last
    `profile_weeks` weeks, times each of the day's effects (learned over the whole history
    given, else the default). No ordinary day of that weekday recently: no forecast."""
    hours = last_hour - first_hour + 1
    recent_from = day - timedelta(weeks=config.profile_weeks)
    recent = {d: c for d, c in history.items() if recent_from <= d < day}
    key = profile_key(day, cal)
    ordinary = [
        d
        for d, c in recent.items()
        if profile_key(d, cal) == key and not cal.effects(d) and any(c.values())
    ]
    if not ordinary:
        return DayForecast(first_hour, [0.0] * hours, 0, [])
    profile = weekday_profiles({d: recent[d] for d in ordinary}, cal, first_hour, last_hour)[key]
    learned = learn_factors(
        {d: c for d, c in history.items() if d < day}, cal, config, first_hour, last_hour
    )
    effects = tuple(learned[e] for e in cal.effects(day))
    factor = 1.0
    for effect in effects:
        factor *= effect.value
    per_hour = [v * factor for v in profile]
    return DayForecast(
        first_hour, per_hour, len(ordinary), peak_hours(first_hour, per_hour), effects
    )
