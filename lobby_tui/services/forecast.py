"""The day's forecast and the windows it needs (R1.6): the history counted per day and hour,
handed to the pure rules in domain/forecast.py and domain/staffing.py; and the live check the
dashboard's "open a window now" advice comes from."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from lobby_tui.content import forecast_config, holiday_calendar, needs_catalogue
from lobby_tui.domain.day import business_day, local
from lobby_tui.domain.errors import Invalid
from lobby_tui.domain.forecast import WEATHER, Calendar, DayForecast, forecast_day
from lobby_tui.domain.settings import Settings
from lobby_tui.domain.staffing import (
    HourNeed,
    LiveChannel,
    OpenAdvice,
    open_window_advice,
    windows_needed,
)
from lobby_tui.services.dayplan import counters_by_hour, counters_now
from lobby_tui.store import Store, UnitOfWork, new_id, parse_iso

# A stored instant's UTC hour and its quarter: time zones are offset from UTC by whole
# quarter hours, so every arrival in one quarter falls in the same branch-local hour.
_QUARTER = "substr(arrived_at, 1, 13), CAST(substr(arrived_at, 15, 2) AS INTEGER) / 15"
LIVE_WINDOW_MIN = 30  # the live check compares the last half hour with the forecast's


def hour_range(settings: Settings) -> tuple[int, int]:
    """The branch's hours the forecast covers: from the opening hour to the last hour the
    doors are open in (closing at 17:00, the 16:00 hour)."""
    closing = settings.closing_time
    last = closing.hour if closing.minute else closing.hour - 1
    return settings.opening_time.hour, max(settings.opening_time.hour, min(23, last))


def arrivals_by_hour(
    store: Store, settings: Settings, first: date, last: date
) -> dict[date, dict[str, Counter[int]]]:
    """Arrivals per channel and branch-local hour of each day from `first` to `last`: the
    store counts them per quarter hour (a few rows a day, never one an arrival)."""
    out: dict[date, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))
    for day_text, channel, utc_hour, quarter, count in store.rows(
        f"SELECT business_day, channel, {_QUARTER}, COUNT(*) FROM arrivals"
        " WHERE business_day BETWEEN ? AND ? GROUP BY 1, 2, 3, 4",
        (first.isoformat(), last.isoformat()),
    ):
        start = parse_iso(f"{utc_hour}:{quarter * 15:02d}:00Z")
        hour = local(start, settings.timezone).hour
        out[date.fromisoformat(day_text)][channel][hour] += count
    return out


def totals(by_channel: dict[date, dict[str, Counter[int]]]) -> dict[date, Counter[int]]:
    """All channels together, per day and hour."""
    out: dict[date, Counter[int]] = {}
    for day, channels in by_channel.items():
        total: Counter[int] = Counter()
        for counts in channels.values():
            total.update(counts)
        out[day] = total
    return out


# Weather ---------------------------------------------------------------------------------


def record_weather(uow: UnitOfWork, day: date, weather: str) -> None:
    """The weather chosen on the opening checklist (R1.4): the forecast's weather effect."""
    if weather not in WEATHER:
        raise Invalid("weather", "weather_unknown")
    row_id = new_id()
    uow.insert(
        "day_weather",
        {"id": row_id, "business_day": day.isoformat(), "weather": weather, "at": uow.now},
    )
    uow.event(
        "weather.set",
        "day_weather",
        row_id,
        {"business_day": day.isoformat(), "weather": weather},
    )


def weather_by_day(store: Store, first: date, last: date) -> dict[date, str]:
    """Each day's weather as last chosen on its checklist."""
    out: dict[date, str] = {}
    for day_text, weather in store.rows(
        "SELECT business_day, weather FROM day_weather WHERE business_day BETWEEN ? AND ?"
        " ORDER BY at, rowid",
        (first.isoformat(), last.isoformat()),
    ):
        out[date.fromisoformat(day_text)] = weather
    return out


def weather_on(store: Store, day: date) -> str | None:
    return weather_by_day(store, day, day).get(day)


# The forecast ----------------------------------------------------------------------------


def branch_calendar(store: Store, settings: Settings, first: date, last: date) -> Calendar:
    return Calendar.of(
        holiday_calendar(),
        settings.pension_days,
        settings.payroll_days,
        weather_by_day(store, first, last),
    )


@dataclass(frozen=True)
class DayPlanForecast:
    """What the day plan shows: the forecast and, per hour and channel, the windows needed
    beside the windows on duty."""

    day: date
    forecast: DayForecast
    needs: list[HourNeed]  # by hour, then channel in the order of channels.toml
    service_min: dict[str, float]
    shares: dict[int, dict[str, float]]  # each hour's arrivals shared out by channel
    calendar_confirmed: bool = True  # data/holidays.toml has the day's year, confirmed

    def channel_at(self, hour: int, channel: str) -> float:
        return self.forecast.at(hour) * self.shares.get(hour, {}).get(channel, 0.0)


def channel_shares(
    recent: dict[date, dict[str, Counter[int]]], channels: list[str]
) -> dict[int, dict[str, float]]:
    """How each hour's walk-ins shared out between the channels lately."""
    per_hour: dict[int, Counter[str]] = defaultdict(Counter)
    for by_channel in recent.values():
        for channel, counts in by_channel.items():
            for hour, count in counts.items():
                per_hour[hour][channel] += count
    out: dict[int, dict[str, float]] = {}
    for hour, by_channel_count in per_hour.items():
        total = sum(by_channel_count.values())
        out[hour] = {c: by_channel_count[c] / total for c in channels} if total else {}
    return out


def service_min_by_channel(
    store: Store, first: date, last: date, channels: list[str]
) -> dict[str, float]:
    """Each channel's mean service (done − called, the report's rule in domain/kpis.py) over
    the days given; a channel without history takes the need catalogue's minutes, weighted by
    how common each need routed there is."""
    out: dict[str, float] = {}
    for channel, minutes in store.rows(
        "SELECT channel, AVG((julianday(done_at) - julianday(called_at)) * 1440) FROM arrivals"
        " WHERE business_day BETWEEN ? AND ? AND status = 'done' AND called_at IS NOT NULL"
        " GROUP BY channel",
        (first.isoformat(), last.isoformat()),
    ):
        if minutes and minutes > 0:
            out[channel] = float(minutes)
    needs = needs_catalogue().need
    overall = sum(n.service_min * n.share for n in needs) / sum(n.share for n in needs)
    for channel in channels:
        if channel not in out:
            routed = [n for n in needs if n.channel == channel]
            share = sum(n.share for n in routed)
            out[channel] = (
                sum(n.service_min * n.share for n in routed) / share if share else overall
            )
    return out


def day_plan_forecast(
    store: Store, settings: Settings, day: date, channels: list[str]
) -> DayPlanForecast:
    """The day's forecast from the branch's history (R1.6), the windows each hour needs for
    the service level by Erlang C, and the windows on duty (`counters_by_hour`)."""
    config = forecast_config()
    first_hour, last_hour = hour_range(settings)
    since = day - timedelta(days=config.learn_days)
    recent_from = day - timedelta(weeks=config.profile_weeks)
    yesterday = day - timedelta(days=1)
    by_channel = arrivals_by_hour(store, settings, since, yesterday)
    cal = branch_calendar(store, settings, since, day)
    forecast = forecast_day(day, totals(by_channel), cal, config, first_hour, last_hour)
    recent = {d: c for d, c in by_channel.items() if d >= recent_from}
    shares = channel_shares(recent, channels)
    service = service_min_by_channel(store, recent_from, yesterday, channels)
    needs = []
    for hour in range(first_hour, last_hour + 1):
        for channel in channels:
            arrivals = forecast.at(hour) * shares.get(hour, {}).get(channel, 0.0)
            needed = windows_needed(
                arrivals, service[channel], settings.wait_red_min, settings.service_level_target
            )
            needs.append(HourNeed(hour, channel, arrivals, service[channel], needed, 0))
    confirmed = holiday_calendar().confirmed(day.year)
    plan = DayPlanForecast(day, forecast, needs, service, shares, confirmed)
    return with_on_duty(store, plan)


def with_on_duty(store: Store, plan: DayPlanForecast) -> DayPlanForecast:
    """The windows needed beside the windows on duty as the plan stands now: the history
    (read once a day) does not change when a person is put on or a lunch moves, the people
    on duty do (`counters_by_hour`, the one source of the windows open)."""
    on_duty = counters_by_hour(store, plan.day)
    needs = [replace(n, on_duty=on_duty.get(n.hour, {}).get(n.channel, 0)) for n in plan.needs]
    return replace(plan, needs=needs)


# The live check --------------------------------------------------------------------------


def live_advice(
    store: Store, settings: Settings, plan: DayPlanForecast, now: datetime
) -> list[OpenAdvice]:
    """Channels whose live queue runs ahead of the forecast so far that the wait will pass the
    red threshold: "open a window now", with the reason (R1.6). Only for the plan's day."""
    day = business_day(now, settings.timezone)
    here = local(now, settings.timezone)
    first_hour, last_hour = hour_range(settings)
    if day != plan.day or not plan.forecast.has_history:
        return []
    if not first_hour <= here.hour <= last_hour:
        return []  # the doors are shut: the forecast expects nobody to compare with
    since = now - timedelta(minutes=LIVE_WINDOW_MIN)
    waiting: Counter[str] = Counter()
    longest: dict[str, float] = {}
    arrived: Counter[str] = Counter()
    for channel, status, arrived_at in store.rows(
        "SELECT channel, status, arrived_at FROM arrivals WHERE business_day = ?",
        (day.isoformat(),),
    ):
        at = parse_iso(arrived_at)
        if at > since:
            arrived[channel] += 1
        if status == "waiting":
            waiting[channel] += 1
            minutes = (now - at).total_seconds() / 60
            longest[channel] = max(longest.get(channel, 0.0), minutes)
    open_now = counters_now(store, day)
    expected = expected_since(plan, here, LIVE_WINDOW_MIN)
    out = []
    for channel, service in plan.service_min.items():
        advice = open_window_advice(
            LiveChannel(
                channel,
                waiting[channel],
                longest.get(channel),
                arrived[channel],
                expected.get(channel, 0.0),
                open_now.get(channel, 0),
                service,
            ),
            settings.wait_red_min,
            settings.service_level_target,
            LIVE_WINDOW_MIN,
        )
        if advice is not None:
            out.append(advice)
    return out


def expected_since(plan: DayPlanForecast, here: datetime, minutes: int) -> dict[str, float]:
    """Arrivals the forecast expected per channel in the `minutes` before `here` (branch-local
    time), each hour's forecast spread evenly over its minutes."""
    out: dict[str, float] = defaultdict(float)
    start = here - timedelta(minutes=minutes)
    cursor = start
    while cursor < here:
        hour_end = cursor.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
        step_end = min(hour_end, here)
        part = (step_end - cursor).total_seconds() / 3600
        for channel in plan.service_min:
            out[channel] += plan.channel_at(cursor.hour, channel) * part
        cursor = step_end
    return dict(out)
